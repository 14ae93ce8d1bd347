import Foundation
import LCPlanModel

/// The memory (LC2xx) and performance (LC6xx) rules, raised by `Analysis.findings` from the exact memory
/// profile and the time profile against `constraints`: declared here, beside the code that raises them.
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
            workload: {mode: inference, context: 128k, batch: 2, dtype: fp8, kv_cache: {dtype: fp8}}
            constraints: {memory_headroom: 0.25}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 64k, batch: 2, dtype: fp8, kv_cache: {dtype: fp8}}
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

    /// The rules the profiles raise, in id order.
    static let profileRules: [Rule] = [
        doesNotFit, headroomBelowConstraint, kvCacheDominates, ttftOverConstraint, tpotOverConstraint, stepOverConstraint,
    ]
}
