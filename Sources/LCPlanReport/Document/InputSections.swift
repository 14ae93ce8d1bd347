import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The resolved inputs of a report (presets expanded): model, hardware, workload, plan, constraints,
/// conventions, checks. Each is one description that both the JSON output and its schema come from.
enum InputSections {
    typealias F = JSONField

    static func optionalInt<S>(_ name: String, _ get: @escaping @Sendable (S) -> Int?) -> JSONField<S> {
        F.nullable(name, .count) { get($0).map(JSONValue.int) }
    }

    static func optionalNumber<S>(_ name: String, _ get: @escaping @Sendable (S) -> Double?) -> JSONField<S> {
        F.nullable(name, .ratio) { get($0).map(JSONValue.number) }
    }

    static let attention = JSONShape<AttentionSpec>(
        "Attention settings.",
        [
            F.choice("kind", AttentionKind.self) { $0.kind },
            optionalInt("window") { $0.window },
            F.nullable("pattern", .array(.choice(LayerKind.allCases.map(\.rawValue)))) { a in
                a.pattern.map { .array($0.map { .string($0.rawValue) }) }
            },
            F.optional("mla", mla) { $0.mla },
        ])

    static let mla = JSONShape<MLASpec>(
        "MLA ranks.",
        [
            optionalInt("q_lora_rank") { $0.qLoraRank }, F.count("kv_lora_rank") { $0.kvLoraRank },
            F.count("qk_nope_head_dim") { $0.qkNopeHeadDim }, F.count("qk_rope_head_dim") { $0.qkRopeHeadDim },
            F.count("v_head_dim") { $0.vHeadDim },
        ])

    static let moe = JSONShape<MoESpec>(
        "Mixture of experts.",
        [
            F.count("experts") { $0.experts }, F.count("active") { $0.active }, F.count("shared") { $0.shared },
            F.count("expert_ffn") { $0.expertFfn }, F.count("dense_layers") { $0.denseLayers }, F.count("every") { $0.every },
            F.count("offset") { $0.offset }, F.bool("router_bias") { $0.routerBias },
        ])

    static let ssm = JSONShape<SSMSpec>(
        "State-space layers.",
        [F.count("state") { $0.state }, F.count("conv") { $0.conv }, F.count("expand") { $0.expand }, F.count("dt_rank") { $0.dtRank }])

    static let scaling = JSONShape<RoPEScaling>(
        "Scaling method.",
        [
            F.choice("type", RoPEScalingType.self) { $0.type }, F.ratio("factor") { $0.factor },
            optionalInt("original_context") { $0.originalContext },
            optionalNumber("low_freq_factor") { $0.lowFreqFactor }, optionalNumber("high_freq_factor") { $0.highFreqFactor },
            optionalNumber("beta_fast") { $0.betaFast }, optionalNumber("beta_slow") { $0.betaSlow },
            optionalNumber("mscale") { $0.mscale }, optionalNumber("mscale_all_dim") { $0.mscaleAllDim },
            optionalNumber("attention_factor") { $0.attentionFactor },
            F.nullable("truncate", .boolean) { $0.truncate.map(JSONValue.bool) },
            F.nullable("short_factor", .array(.ratio)) { $0.shortFactor.map { .array($0.map(JSONValue.number)) } },
            F.nullable("long_factor", .array(.ratio)) { $0.longFactor.map { .array($0.map(JSONValue.number)) } },
        ])

    static let rope = JSONShape<RoPESpec>(
        "Rotary embedding; theta as the exact decimal text.",
        [
            F.string("theta") { $0.theta }, F.ratio("theta_value") { $0.thetaValue }, F.count("rotary_dim") { $0.rotaryDim },
            F.count("trained_context") { $0.trainedContext },
            F.nullable("local_theta", .string) { $0.localTheta.map(JSONValue.string) },
            F.optional("scaling", scaling) { $0.scaling },
        ])

    static let parameters = JSONShape<ParameterCount>(
        "Exact parameter counts (integers of any length).",
        [
            F.exact("total") { $0.total }, F.exact("active") { $0.active }, F.exact("non_embedding") { $0.nonEmbedding },
            F.exact("embedding") { $0.embedding }, F.exact("lm_head") { $0.lmHead }, F.exact("attention") { $0.attention },
            F.exact("mlp") { $0.mlp }, F.exact("experts") { $0.experts }, F.exact("norms") { $0.norms },
        ])

    static let layerKinds = JSONShape<ModelSpec>(
        "Layers of each kind.",
        LayerKind.allCases.map { kind in F.count(kind.rawValue) { model in model.layerKinds.filter { $0 == kind }.count } })

    /// The model with its exact parameter counts.
    static let model = JSONShape<(ModelSpec, ParameterCount?)>(
        "The resolved model (presets expanded).",
        [
            F.string("name") { $0.0.name }, F.string("source") { $0.0.source },
            F.choice("confidence", Confidence.self) { $0.0.confidence },
            F.count("layers") { $0.0.layers }, F.count("hidden") { $0.0.hidden }, F.count("heads") { $0.0.heads },
            F.count("kv_heads") { $0.0.kvHeads }, F.count("head_dim") { $0.0.headDim }, F.count("ffn") { $0.0.ffn },
            F.choice("ffn_kind", FFNKind.self) { $0.0.ffnKind }, F.string("activation") { $0.0.activation },
            F.count("vocab") { $0.0.vocab }, F.bool("tied_embeddings") { $0.0.tiedEmbeddings },
            F.bool("qkv_bias") { $0.0.qkvBias }, F.bool("linear_bias") { $0.0.linearBias },
            F.choice("norm", NormKind.self) { $0.0.norm }, F.count("norms_per_layer") { $0.0.normsPerLayer },
            F.bool("qk_norm") { $0.0.qkNorm }, F.choice("positions", PositionKind.self) { $0.0.positions },
            F.count("max_context") { $0.0.maxContext },
            F.object("attention", attention) { $0.0.attention },
            F.object("layer_kinds", layerKinds) { $0.0 },
            F.optional("moe", moe) { $0.0.moe },
            F.optional("ssm", ssm) { $0.0.ssm },
            F.optional("rope", rope) { $0.0.rope },
            F.optional("parameters", parameters) { $0.1 },
        ])

    static let peaks = JSONShape<DeviceSpec>(
        "Dense peak FLOP/s by number format (the formats the device lists).",
        NumberFormat.allCases.map { format in
            F.omittable(format.rawValue, .quantity(.flopPerSecond)) { device in
                device.peak[format].map { .number($0.flopsPerSecond) }
            }
        })

    static let device = JSONShape<DeviceSpec>(
        "One device, with the source of its figures.",
        [
            F.string("name") { $0.name }, F.choice("kind", DeviceKind.self) { $0.kind }, F.string("source") { $0.source },
            F.choice("confidence", Confidence.self) { $0.confidence },
            F.bytes("memory_bytes") { $0.memory.value },
            F.quantity("memory_bandwidth_bytes_per_s", .bytesPerSecond) { $0.memoryBandwidth.bytesPerSecond },
            F.object("peak_flop_per_s", peaks) { $0 },
            F.nullable("intra_node_bytes_per_s", .quantity(.bytesPerSecond)) { $0.intraNode.map { .number($0.bytesPerSecond) } },
            F.nullable(
                "inter_node_bytes_per_s", .quantity(.bytesPerSecond),
                "Per device to other nodes: the network port the device's reference system gives each device."
            ) { $0.interNode.map { .number($0.bytesPerSecond) } },
            F.nullable("host_memory_bytes", .exactBytes) { $0.hostMemory.map { .integer($0.value) } },
            F.nullable("host_link_bytes_per_s", .quantity(.bytesPerSecond)) { $0.hostLink.map { .number($0.bytesPerSecond) } },
        ])

    static let efficiency = JSONShape<Efficiency>(
        "Fractions of peak: compute FLOP/s, memory bandwidth, link bandwidth.",
        [
            F.ratio("compute") { $0.compute }, F.ratio("memory") { $0.memory }, F.ratio("network") { $0.network },
            F.field("stated", .array(.choice(["compute", "memory", "network"])), "The factors the spec set; the others are defaults.") {
                .array(["compute", "memory", "network"].filter($0.stated.contains).map(JSONValue.string))
            },
        ])

    static let efficiencySources = JSONShape<EfficiencySources>(
        "Where each efficiency factor comes from: a cited default for the device class, or the spec.",
        [F.string("compute") { $0.compute }, F.string("memory") { $0.memory }, F.string("network") { $0.network }])

    static let network = JSONShape<NetworkTier>(
        "A network as the time model uses it.",
        [
            F.quantity("bandwidth_bytes_per_s", .bytesPerSecond, "Per direction, as stated (or the fallback).") {
                $0.bandwidthBytesPerSecond
            },
            F.quantity("effective_bytes_per_s", .bytesPerSecond, "Stated x network efficiency.") { $0.effectiveBytesPerSecond },
            F.ratio("efficiency", "The network efficiency applied to this link.") { $0.efficiency },
            F.bool("fallback", "Neither the spec nor the device (preset) states it: 25 GB/s (InfiniBand HDR) is used.") {
                $0.isFallback
            },
        ])

    static let memoryTier = JSONShape<MemoryTier>(
        "A memory tier beside the device.",
        [
            F.choice("kind", MemoryTier.Kind.self) { $0.kind },
            F.bytes("capacity_bytes") { $0.capacity },
            F.quantity("bandwidth_bytes_per_s", .bytesPerSecond) { $0.bandwidthBytesPerSecond },
        ])

    /// The effective values the time model uses, always present.
    static let effective = JSONShape<System>(
        "The figures the time model uses: networks after efficiency (and fallback), compute and memory rates.",
        [
            F.object("intra_node", network) { $0.intraNode }, F.object("inter_node", network) { $0.interNode },
            F.quantity("compute_flop_per_s", .flopPerSecond, "Dense peak of the compute format x compute efficiency.") { $0.flopRate },
            F.quantity("memory_bytes_per_s", .bytesPerSecond, "Memory bandwidth x memory efficiency.") { $0.byteRate },
            F.list("memory_tiers", memoryTier) { $0.memoryTiers },
            F.object("efficiency_sources", efficiencySources) { $0.efficiencySources },
        ])

    static let hardware = JSONShape<(HardwareSpec, System?)>(
        "The hardware; bandwidths per direction.",
        [
            F.object("device", device) { $0.0.device },
            F.count("count") { $0.0.count }, F.count("per_node") { $0.0.perNode },
            F.count("nodes") { ($0.0.count + $0.0.perNode - 1) / $0.0.perNode },
            F.nullable("intra_node_bytes_per_s", .quantity(.bytesPerSecond)) { h in
                (h.0.intraNode ?? h.0.device.intraNode).map { .number($0.bytesPerSecond) }
            },
            F.nullable("inter_node_bytes_per_s", .quantity(.bytesPerSecond)) { h in
                (h.0.interNode ?? h.0.device.interNode).map { .number($0.bytesPerSecond) }
            },
            F.object("efficiency", efficiency) { $0.0.efficiency },
            F.bytes("workspace_bytes") { $0.0.workspace.value },
            F.choice("attention_kernel", AttentionKernel.self) { $0.0.attentionKernel },
            F.optional("effective", effective) { $0.1 },
        ])

    static let kvCache = JSONShape<KVCacheSpec>(
        "KV cache layout as given (kv_layout has what follows from it).",
        [
            F.choice("dtype", NumberFormat.self) { $0.dtype }, F.count("block_tokens") { $0.blockTokens },
            optionalInt("group_size") { $0.groupSize },
            F.nullable("scale_dtype", .choice(NumberFormat.allCases.map(\.rawValue))) { $0.scaleDtype.map { .string($0.rawValue) } },
            F.choice("scheme", KVQuantScheme.self) { $0.scheme }, F.bool("zero_point") { $0.hasZeroPoint },
            optionalInt("residual") { $0.scheme == .kivi ? $0.residualTokens : nil },
            optionalInt("subvectors") { $0.subvectors }, optionalInt("code_bits") { $0.codeBits },
        ])

    static let serving = JSONShape<ServingSpec>(
        "The serving engine whose KV accounting is reproduced, and the knobs given (null: the engine's default).",
        [
            F.choice("engine", ServingEngine.self) { $0.engine },
            F.nullable("version", .string) { $0.version.map { .string($0.description) } },
            F.nullable("gpu_memory_utilization", .ratio) { $0.gpuMemoryUtilization.map(JSONValue.number) },
            optionalInt("max_num_batched_tokens") { $0.maxNumBatchedTokens }, optionalInt("max_num_seqs") { $0.maxNumSeqs },
            F.nullable("mem_fraction_static", .ratio) { $0.memFractionStatic.map(JSONValue.number) },
            optionalInt("block_size") { $0.blockSize },
            F.nullable("non_torch_memory_bytes", .exactBytes) { $0.nonTorchMemory.map(JSONValue.integer) },
            F.nullable("cudagraph_memory_bytes", .exactBytes) { $0.cudagraphMemory.map(JSONValue.integer) },
            optionalInt("chunked_prefill_size") { $0.chunkedPrefillSize },
        ])

    static let training = JSONShape<TrainingSpec>(
        "Training settings.",
        [
            F.count("global_batch") { $0.globalBatch }, F.count("micro_batch") { $0.microBatch },
            F.choice("optimizer", Optimizer.self) { $0.optimizer }, F.count("zero") { $0.zero },
            F.choice("recompute", Recompute.self) { $0.recompute }, F.choice("grad_dtype", NumberFormat.self) { $0.gradDtype },
        ])

    static let workload = JSONShape<WorkloadSpec>(
        "The workload; token counts are integers.",
        [
            F.choice("mode", WorkloadMode.self) { $0.mode }, F.count("context") { $0.context }, F.count("batch") { $0.batch },
            F.count("prompt_tokens") { $0.promptTokens }, F.count("output_tokens") { $0.outputTokens },
            F.choice("dtype", NumberFormat.self) { $0.dtype }, optionalInt("prefill_chunk") { $0.prefillChunk },
            F.object("kv_cache", kvCache) { $0.kvCache }, F.optional("training", training) { $0.training },
        ])

    static let plan = JSONShape<PlanSpec>(
        "Fixed layout choices from the spec; null is left open.",
        [
            optionalInt("tp") { $0.tp }, optionalInt("pp") { $0.pp }, optionalInt("vpp") { $0.vpp }, optionalInt("dp") { $0.dp },
            optionalInt("cp") { $0.cp },
            F.nullable("cp_kind", .choice(ContextParallelKind.allCases.map(\.rawValue))) { $0.cpKind.map { .string($0.rawValue) } },
            optionalInt("ep") { $0.ep }, optionalInt("etp") { $0.etp }, optionalInt("attention_dp") { $0.attentionDP },
            F.nullable("sequence_parallel", .boolean) { $0.sequenceParallel.map(JSONValue.bool) },
            optionalInt("zero") { $0.zero },
            F.nullable("recompute", .choice(Recompute.allCases.map(\.rawValue))) { $0.recompute.map { .string($0.rawValue) } },
            optionalInt("micro_batch") { $0.microBatch },
            F.nullable("schedule", .choice(PipelineSchedule.allCases.map(\.rawValue))) { $0.schedule.map { .string($0.rawValue) } },
        ])

    static let constraints = JSONShape<ConstraintsSpec>(
        "Limits the plan must meet.",
        [
            F.ratio("memory_headroom", "Fraction of device memory kept free.") { $0.memoryHeadroom },
            F.nullable("ttft_s", .quantity(.seconds)) { $0.ttft.map(JSONValue.number) },
            F.nullable("tpot_s", .quantity(.seconds)) { $0.tpot.map(JSONValue.number) },
            F.nullable("step_time_s", .quantity(.seconds)) { $0.stepTime.map(JSONValue.number) },
        ])

    static let conventions = JSONShape<ConventionsSpec>(
        "Counting conventions in force.",
        [
            F.choice("attention_flops", AttentionFLOPConvention.self) { $0.attentionFLOPs },
            F.bool("fused_attention") { $0.fusedAttention }, F.bool("dropout") { $0.dropout },
            F.choice("rope_phase_dtype", NumberFormat.self) { $0.ropePhaseDtype },
            F.choice("rope_position_dtype", NumberFormat.self) { $0.ropePositionDtype },
            F.ratio("rope_eps") { $0.ropeEps }, optionalInt("rope_depth") { $0.ropeDepth },
        ])

    static let keySuppression = JSONShape<(rule: String, key: String, reason: String?, count: Int)>(
        "A rule suppressed at a key path, and the findings it dropped.",
        [
            F.string("rule") { $0.rule }, F.string("key") { $0.key },
            F.nullable("reason", .string) { $0.reason.map(JSONValue.string) }, F.count("suppressed") { $0.count },
        ])

    static let expect = JSONShape<ExpectSpec>(
        "The assertions of checks.expect as given (null: not asserted).",
        [
            F.nullable("fits", .boolean) { $0.fits.map(JSONValue.bool) },
            F.nullable("rope_feasible", .boolean) { $0.ropeFeasible.map(JSONValue.bool) },
            optionalInt("min_max_context") { $0.minMaxContext },
            F.nullable("max_ttft_s", .quantity(.seconds)) { $0.maxTTFT.map(JSONValue.number) },
            F.nullable("max_tpot_s", .quantity(.seconds)) { $0.maxTPOT.map(JSONValue.number) },
            F.nullable("max_step_time_s", .quantity(.seconds)) { $0.maxStepTime.map(JSONValue.number) },
            F.nullable("min_mfu", .ratio) { $0.minMFU.map(JSONValue.number) },
            F.nullable("max_memory_fraction", .ratio) { $0.maxMemoryFraction.map(JSONValue.number) },
            optionalInt("min_sequences") { $0.minSequences },
            F.field("layout", .array(.string), "key=value pairs.") { .array($0.layout.map { .string("\($0.key)=\($0.value)") }) },
        ])

    static let checks = JSONShape<(ChecksSpec, [String], [String], [(rule: String, key: String, reason: String?, count: Int)])>(
        "Check settings.",
        [
            F.choice("fail_on", Severity.self) { $0.0.failOn },
            F.field("suppress", .array(.string)) { .array($0.1.map(JSONValue.string)) },
            F.field("suppressed_findings", .array(.string)) { .array($0.2.map(JSONValue.string)) },
            F.list("key_suppressions", keySuppression) { $0.3 },
            F.object("expect", expect) { $0.0.expect },
        ])
}
