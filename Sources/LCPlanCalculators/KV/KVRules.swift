import LCPlanModel
import LCPlanPrecision

/// The KV-cache rules (LC501-LC504), raised by `Analysis` from the KV layout profile; LC505 is the loader's.
extension Rule {
    public static let contextExceedsKVCapacity = Rule(
        id: "LC501", name: "context-exceeds-kv-capacity", area: .kvCache, severity: .error,
        summary: "Not even one request at the target context fits the KV cache a device has left.",
        help: """
            After weights, the working set and the workspace, the device's memory (and any offload tiers) holds \
            less than one request's KV cache at the target context (prompt + output). The message gives the longest \
            request that fits. Quantize the cache, shard it (tensor or context parallelism), add an offload tier, \
            or budget it (`workload.kv_cache.budget`).
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: a100-40gb, count: 1}
            workload: {mode: inference, context: 1M}
            plan: {tp: 1}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: a100-40gb, count: 1}
            workload: {mode: inference, context: 64k}
            plan: {tp: 1}
            """)

    public static let engineRefusesContext = Rule(
        id: "LC502", name: "engine-refuses-context", area: .kvCache, severity: .error,
        summary: "The serving engine named in `serving.engine` would not start (or not admit a request) at the target context.",
        help: """
            vLLM refuses to start when one request of `max_model_len` tokens needs more KV blocks than its \
            budget leaves ("To serve at least one request with the models's max seq len ... the estimated maximum \
            model length is N"); SGLang starts but rejects requests longer than its token pool. The message gives \
            the longest length the engine would accept, by its own accounting. Raise `gpu_memory_utilization` or \
            `mem_fraction_static`, use an fp8 cache, more tensor parallelism, or a shorter context.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: inference, context: 1M}
            plan: {tp: 1}
            serving: {engine: vllm}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: inference, context: 128k}
            plan: {tp: 1}
            serving: {engine: vllm}
            """)

    public static let budgetBelowWindow = Rule(
        id: "LC503", name: "budget-below-window", area: .kvCache, severity: .warning,
        summary: "The KV budget keeps fewer tokens than the model's sliding window attends to.",
        help: """
            A sliding-window layer reads the last `window` tokens at every step; a budget below that evicts \
            tokens the model was trained to see, on every layer, not just the long-range ones. Keep the budget at \
            or above the window, or give it only to the global layers by other means.
            """,
        triggering: """
            version: 1
            model: mistral-7b-v0.1
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: inference, context: 32k, kv_cache: {budget: {sink: 4, window: 2044}}}
            """,
        nonTriggering: """
            version: 1
            model: mistral-7b-v0.1
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: inference, context: 32k, kv_cache: {budget: {sink: 4, window: 8188}}}
            """)

    public static let offloadTierTooSlow = Rule(
        id: "LC504", name: "offload-tier-too-slow", area: .kvCache, severity: .error,
        summary: "Reading the offloaded KV cache back at the tier's bandwidth alone exceeds `constraints.tpot`.",
        help: """
            Every decode step reads each sequence's whole cache; the share on an offload tier crosses its link \
            (PCIe Gen5 35.2 GB/s host to device measured, NVLink-C2C 346 GB/s). When that alone exceeds the TPOT \
            limit no kernel can meet it. Use a faster tier, fewer sequences per replica, a quantized or budgeted \
            cache, or more devices.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 1}
            workload:
              mode: inference
              context: 1M
              batch: 2
              kv_cache: {tiers: [{kind: host, capacity: 1TB, link: pcie-gen5}]}
            plan: {tp: 1}
            constraints: {tpot: 200ms}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 1}
            workload:
              mode: inference
              context: 1M
              batch: 2
              kv_cache: {tiers: [{kind: host, capacity: 1TB, link: pcie-gen5}]}
            plan: {tp: 1}
            constraints: {tpot: 20s}
            """)

    static let kvCacheRules: [Rule] = [contextExceedsKVCapacity, engineRefusesContext, budgetBelowWindow, offloadTierTooSlow]
}

extension KVLayoutProfile {
    /// The findings about this layout for `spec`, against `tpot` (the decode step) when constrained.
    func findings(_ spec: Spec, stages: Int) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let location = SourceLocation(file: spec.file)
        let tokens = UnitFormat.grouped(ExactInt(sequenceTokens))
        if (ideal.longestSequence ?? 0) < sequenceTokens {
            let longest = ideal.longestSequence.map { "the longest that fits is \(UnitFormat.grouped(ExactInt($0))) tokens" } ?? "none fits"
            found.append(
                Diagnostic(
                    .contextExceedsKVCapacity,
                    "one request of \(tokens) tokens needs \(Bytes(bytesPerSequence)) of KV cache on the device, which has \(Bytes(ideal.deviceBytes + ideal.tierBytes)) left for it; \(longest)",
                    at: location, keyPath: "workload.context", expected: "a context of at most the longest that fits"))
        }
        if let engine, engine.refuses {
            let name = engine.engine == .vllm ? "vLLM" : "SGLang"
            let action = engine.engine == .vllm ? "would refuse to start" : "would reject requests"
            found.append(
                Diagnostic(
                    .engineRefusesContext,
                    "\(name) \(action) at max_model_len \(UnitFormat.grouped(ExactInt(spec.workload.context))): one request needs \(UnitFormat.grouped(engine.blocksPerRequest)) \(engine.engine == .vllm ? "blocks" : "tokens"), its pool holds \(UnitFormat.grouped(engine.engine == .vllm ? engine.blocks : engine.tokens)); the longest it would accept is \(UnitFormat.grouped(ExactInt(engine.longestAccepted))) tokens",
                    at: location, keyPath: "serving.engine", expected: "a context the engine admits"))
        }
        if let cap = cache.budget?.cap ?? cache.budget.map({ $0.kept(sequenceTokens) }), let window = spec.model.attention.window,
            cap < window
        {
            found.append(
                Diagnostic(
                    .budgetBelowWindow,
                    "the budget keeps \(UnitFormat.grouped(ExactInt(cap))) tokens per sequence, fewer than the \(UnitFormat.grouped(ExactInt(window)))-token sliding window the model attends to",
                    at: location, keyPath: "workload.kv_cache.budget", expected: "a budget of at least \(window) tokens"))
        }
        if let limit = spec.constraints.tpot {
            let waited = tiers.filter { !$0.tier.prefetch }.reduce(0) { $0 + $1.readSeconds } * Double(stages)
            let overlapped = tiers.filter(\.tier.prefetch).reduce(0) { $0 + $1.readSeconds } * Double(stages)
            let read = max(waited, overlapped)
            if read > limit, let slowest = tiers.filter({ $0.bytes.signum > 0 }).min(by: { $0.tier.bandwidth < $1.tier.bandwidth }) {
                found.append(
                    Diagnostic(
                        .offloadTierTooSlow,
                        "each decode step reads \(Bytes(tiers.reduce(ExactInt.zero) { $0 + $1.bytes })) of offloaded KV per device, \(Seconds(read)) at the tiers' bandwidth (\(slowest.tier.kind.rawValue): \(Bandwidth(bytesPerSecond: slowest.tier.bandwidth))), above the \(Seconds(limit)) TPOT limit",
                        at: location, keyPath: "workload.kv_cache.tiers", expected: "offloaded reads within the TPOT limit"))
            }
        }
        return found
    }
}
