/// The memory rules (LC2xx), raised by `Analysis.findings` in LCPlanCalculators from the exact memory
/// profile. Declared in this module because the loader checks `checks.suppress` against the registry.
extension Rule {
    public static let doesNotFit = Rule(
        id: "LC201", name: "does-not-fit", area: .memory, severity: .error,
        summary: "The most loaded device needs more memory than it has.",
        help: """
            The report's Memory section shows what the device holds (weights, KV cache, activations, gradients, \
            optimizer state, workspace) against its capacity, and the longest context that fits. Shard further \
            (tensor or pipeline parallelism, ZeRO), quantize weights or the KV cache, recompute activations, or \
            shorten the context or batch.
            """,
        triggering: """
            version: 1
            model: llama-3.1-405b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-405b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 8k, dtype: fp8}
            plan: {tp: 8}
            """)

    public static let headroomBelowConstraint = Rule(
        id: "LC202", name: "headroom-below-constraint", area: .memory, severity: .warning,
        summary: "The plan fits in device memory but leaves less free than `constraints.memory_headroom` asks.",
        help: """
            Allocators fragment and kernels need scratch space: a plan that fills memory to the last byte fails \
            in practice. Free memory as for LC201, or lower the headroom if it was set conservatively.
            """,
        triggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 128k, dtype: fp8}
            constraints: {memory_headroom: 0.25}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 64k, dtype: fp8}
            constraints: {memory_headroom: 0.25}
            """)

    public static let kvCacheDominates = Rule(
        id: "LC203", name: "kv-cache-dominates", area: .memory, severity: .note,
        summary: "The KV cache takes more than half of the memory the most loaded device uses.",
        help: """
            At long contexts the KV cache, not the weights, decides what fits. A quantized cache (fp8, int8 with \
            group scales), a model with fewer KV heads or MLA, or context parallelism reduce it.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 128k, batch: 4}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k, batch: 4}
            """)

    /// This area's rules, in id order.
    static let memoryRules: [Rule] = [doesNotFit, headroomBelowConstraint, kvCacheDominates]
}
