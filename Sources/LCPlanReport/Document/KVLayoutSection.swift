import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The `kv_layout` section: the KV layout's storage, lcplan's capacity count and the named engine's.
enum KVLayoutSection {
    typealias F = JSONField

    static let budget = JSONShape<KVBudget>(
        "Tokens each sequence keeps per attention layer.",
        [
            F.field("kind", .choice(["sink_window", "tokens", "ratio"])) {
                switch $0 {
                case .sinkWindow: return .string("sink_window")
                case .tokens: return .string("tokens")
                case .ratio: return .string("ratio")
                }
            },
            F.omittable("sink", .count) { if case .sinkWindow(let s, _) = $0 { return .int(s) } else { return nil } },
            F.omittable("window", .count) { if case .sinkWindow(_, let w) = $0 { return .int(w) } else { return nil } },
            F.omittable("tokens", .count) { if case .tokens(let t) = $0 { return .int(t) } else { return nil } },
            F.omittable("ratio", .ratio) { if case .ratio(let r) = $0 { return .number(r) } else { return nil } },
        ])

    static let capacity = JSONShape<KVCapacity>(
        "lcplan's own count on the most constrained device: every byte the plan does not use otherwise holds KV.",
        [
            F.bytes("device_bytes", "Usable device memory (less the headroom) left for the cache.") { $0.deviceBytes },
            F.bytes("tier_bytes", "Offload tiers' bytes per device.") { $0.tierBytes },
            F.exact("blocks", "Whole blocks of every attention layer in device memory.") { $0.blocks },
            F.exact("tokens", "blocks x block_tokens.") { $0.tokens },
            F.count("sequences", "Requests at the target context held at once per replica, tiers included.") { $0.sequences },
            F.count("sequences_on_device", "The same in device memory alone.") { $0.sequencesOnDevice },
            F.nullable("longest_sequence", .count, "Tokens of the longest single request that fits; null if none.") {
                $0.longestSequence.map(JSONValue.int)
            },
        ])

    static let engine = JSONShape<EngineKVCapacity>(
        "The named engine's start-up accounting, deduction by deduction.",
        [
            F.choice("engine", ServingEngine.self) { $0.engine },
            F.string("version", "The engine release whose accounting is followed.") { $0.version.description },
            F.bytes("device_memory_bytes", "As the driver reports it.") { $0.deviceBytes },
            F.ratio("memory_fraction", "vLLM gpu_memory_utilization, or SGLang mem_fraction_static.") { $0.fraction },
            F.bytes("budget_bytes", "vLLM: fraction x device memory; SGLang: fraction x memory free at start-up.") { $0.budgetBytes },
            F.bytes("weights_bytes", "The rank's weights as the engine loads them.") { $0.weightBytes },
            F.bytes("activation_peak_bytes", "vLLM's profiling pass peak (estimated from the model's shapes); 0 for SGLang.") {
                $0.activationPeakBytes
            },
            F.bytes("non_torch_bytes") { $0.nonTorchBytes },
            F.bytes("cudagraph_bytes", "vLLM from 0.21: the CUDA-graph estimate as the spec states it (0: not modelled).") {
                $0.cudagraphBytes
            },
            F.bytes("available_bytes", "Left for the KV cache; negative when the engine would not start.") { $0.availableBytes },
            F.count("block_size", "Tokens per block (vLLM) or page (SGLang).") { $0.blockSize },
            F.bytes("page_bytes", "One block of one layer.") { $0.pageBytes },
            F.count("layers_per_block", "Layers a block index spans (vLLM's group size).") { $0.layersPerBlock },
            F.count("groups", "KV cache groups (vLLM's hybrid allocator).") { $0.groups },
            F.exact("blocks") { $0.blocks },
            F.exact("tokens", "The token capacity the engine logs (\"GPU KV cache size\").") { $0.tokens },
            F.exact("blocks_per_request", "Blocks (SGLang: tokens) one request at the target context needs.") { $0.blocksPerRequest },
            F.ratio("max_concurrency", "The engine's \"Maximum concurrency\" at the target context.") { $0.concurrency },
            F.exact("sequences", "Whole requests at the target context.") { $0.sequences },
            F.count("max_running_requests", "vLLM's max_num_seqs; SGLang's derived max_running_requests.") { $0.maxRunning },
            F.count("longest_accepted", "The longest request length the engine would accept.") { $0.longestAccepted },
            F.bool("refuses", "Whether it refuses (vLLM) or cannot admit (SGLang) the target context.") { $0.refuses },
            F.count("stage", "The pipeline stage counted (the engine takes the minimum).") { $0.stage },
            F.field("notes", .array(.string)) { .array($0.notes.map(JSONValue.string)) },
        ])

    static let tier = JSONShape<KVTierUse>(
        "One offload tier and the KV share it holds per device for the workload's batch.",
        [
            F.choice("kind", KVTierKind.self) { $0.tier.kind },
            F.bytes("capacity_bytes") { $0.tier.capacity },
            F.quantity("bandwidth_bytes_per_s", .bytesPerSecond, "Tier to device.") { $0.tier.bandwidth },
            F.nullable("link", .choice(KVTierLink.allCases.map(\.rawValue))) { $0.tier.link.map { .string($0.rawValue) } },
            F.bool("prefetch") { $0.tier.prefetch },
            F.bytes("used_bytes") { $0.bytes },
            F.quantity("read_s", .seconds, "Reading the share back once (each decode step).") { $0.readSeconds },
        ])

    static let layout = JSONShape<KVLayoutProfile>(
        "The KV layout: storage per token and block with metadata, capacity, the named engine's count, tiers.",
        [
            F.choice("dtype", NumberFormat.self) { $0.cache.dtype },
            F.choice("scheme", KVQuantScheme.self) { $0.cache.scheme },
            F.ratio("bits_per_element", "Stored bits per element with scales and zero points, on one device.") { $0.bitsPerElement },
            F.exact("bits_per_token_per_layer", "One attention layer on one device.") { $0.bitsPerTokenPerLayer },
            F.bytes("bytes_per_token_per_layer") { $0.bytesPerTokenPerLayer },
            F.count("block_tokens") { $0.cache.blockTokens },
            F.bytes("bytes_per_block_per_layer") { $0.bytesPerBlockPerLayer },
            F.count("attention_layers", "Attention layers on the counted device.") { $0.attentionLayers },
            F.bytes("bytes_per_block", "One block over the device's attention layers.") { $0.bytesPerBlock },
            F.bytes("constant_bytes", "Per-tensor scales or codebooks, whatever the sequences.") { $0.constantBytes },
            F.count("stage", "The pipeline stage counted (the most constrained).") { $0.stage },
            F.count("sequence_tokens", "A request at the target context: prompt + output.") { $0.sequenceTokens },
            F.count("kept_tokens", "Tokens such a request keeps per global layer under the budget.") { $0.keptTokens },
            F.bytes("bytes_per_sequence", "Such a request's cache on the device.") { $0.bytesPerSequence },
            F.optional("budget", budget) { $0.cache.budget },
            F.nullable("prefix_tokens", .count) { $0.cache.prefix.map { .int($0.tokens) } },
            F.object("ideal", capacity) { $0.ideal },
            F.optional("engine", engine) { $0.engine },
            F.nullable("engine_unavailable", .string, "Why the named engine's count is missing.") {
                $0.engineUnavailable.flatMap { $0.isEmpty ? nil : JSONValue.string($0) }
            },
            F.list("tiers", tier) { $0.tiers },
        ])
}
