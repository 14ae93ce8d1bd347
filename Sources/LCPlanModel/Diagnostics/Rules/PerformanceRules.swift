/// The performance rules (LC6xx), raised by `Analysis.findings` in LCPlanCalculators from the time
/// profile against `constraints`. Declared in this module because the loader checks `checks.suppress`
/// against the registry.
extension Rule {
    public static let ttftOverConstraint = Rule(
        id: "LC601", name: "ttft-over-constraint", area: .performance, severity: .error,
        summary: "The estimated time to first token exceeds `constraints.ttft`.",
        help: """
            TTFT is the prefill of one replica's batch: a roofline of FLOPs over the peak and bytes over the \
            bandwidth, with the stated efficiency factors, plus unhidden tensor-parallel communication. More \
            tensor or context parallelism, chunked prefill across requests, or a shorter prompt lower it.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 128k}
            constraints: {ttft: 1s}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k}
            constraints: {ttft: 1s}
            """)

    public static let tpotOverConstraint = Rule(
        id: "LC602", name: "tpot-over-constraint", area: .performance, severity: .error,
        summary: "The estimated time per output token exceeds `constraints.tpot`.",
        help: """
            Decoding reads every weight and the whole KV cache once per step: it is bound by memory bandwidth. \
            Fewer bytes (quantized weights or cache) or more devices sharing them (tensor parallelism) lower it.
            """,
        triggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 32k, batch: 8}
            plan: {tp: 8}
            constraints: {tpot: 1ms}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 32k, batch: 8}
            plan: {tp: 8}
            constraints: {tpot: 100ms}
            """)

    public static let stepOverConstraint = Rule(
        id: "LC603", name: "step-time-over-constraint", area: .performance, severity: .error,
        summary: "The estimated training step time exceeds `constraints.step_time`.",
        help: """
            The step is compute over the devices plus the pipeline bubble and the communication that is not \
            overlapped. More devices, fewer pipeline stages per micro-batch count, or less recompute shorten it.
            """,
        triggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 8k, global_batch: 64, recompute: full}
            plan: {tp: 8}
            constraints: {step_time: 1s}
            """,
        nonTriggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 8k, global_batch: 64, recompute: full}
            plan: {tp: 8}
            constraints: {step_time: 1h}
            """)

    /// This area's rules, in id order.
    static let performanceRules: [Rule] = [ttftOverConstraint, tpotOverConstraint, stepOverConstraint]
}
