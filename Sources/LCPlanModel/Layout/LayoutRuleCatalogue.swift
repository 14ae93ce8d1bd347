import Foundation

/// The rules `LayoutRules` raises, declared next to their checks: LC110 and LC116 (spec area, their ids
/// predate the parallelism area and are stable), LC401 and LC402.
extension Rule {
    public static let planNotDivisible = Rule(
        id: "LC110", name: "plan-not-divisible", area: .spec, severity: .error,
        summary: "A parallel degree in `plan` does not divide what it splits.",
        help: """
            Tensor parallelism splits heads (and KV heads, unless they are replicated) and the FFN; pipeline \
            parallelism splits layers; context parallelism splits the sequence; expert parallelism splits the \
            experts; data parallelism splits the global batch; virtual stages (vpp) split each pipeline stage's \
            layers into chunks, on uneven stages the largest stage's, the first and last stage falling short by \
            at most a chunk. Choose degrees that divide these.
            """,
        triggering: exampleBase.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 3}")
            .replacingOccurrences(of: "count: 1", with: "count: 3"),
        nonTriggering: exampleBase.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 1}"))

    public static let planDeviceMismatch = Rule(
        id: "LC116", name: "plan-device-mismatch", area: .spec, severity: .error,
        summary: "The parallel degrees in `plan` need more devices than `hardware.count` provides.",
        help: """
            tp * pp * cp * dp devices are needed (expert parallelism reuses the data- and context-parallel \
            devices). Raise `hardware.count` or lower a degree.
            """,
        triggering: exampleBase.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 8}"),
        nonTriggering: exampleBase.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 1}"))

    private static let trainingBase = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100-sxm, count: 8}
        workload: {mode: training, context: 8k, global_batch: 64}
        """

    public static let unevenPipelineStages = Rule(
        id: "LC401", name: "uneven-pipeline-stages", area: .parallelism, severity: .warning,
        summary: "The pipeline degree does not divide the layers, so stages differ in size.",
        help: """
            Uneven stages are normal (Llama 3.1 405B's 126 layers on 16 stages: 7, fourteen of 8, 7; \
            Megatron-LM's --decoder-first/last-pipeline-num-layers, torchtitan's first/last_stage_less_layers): \
            lcplan splits them so, the first and last stages short, and the largest stage sets the pace: \
            lcplan costs it. Choose pp dividing the layers for even stages, or accept the imbalance.
            """,
        triggering: trainingBase.replacingOccurrences(of: "count: 8", with: "count: 6") + "\nplan: {pp: 6, dp: 1}",
        nonTriggering: trainingBase + "\nplan: {pp: 8, dp: 1}")

    public static let layoutUnsupported = Rule(
        id: "LC402", name: "layout-unsupported", area: .parallelism, severity: .error,
        summary: "A combination of parallel settings that frameworks refuse to start.",
        help: """
            Sequence parallelism splits activations over the tensor-parallel ranks, so it needs tp > 1; \
            interleaved virtual pipeline stages need pp > 1 (Megatron-LM megatron/training/arguments.py). \
            Drop the setting or raise the degree it depends on.
            """,
        triggering: trainingBase + "\nplan: {tp: 1, sequence_parallel: true}",
        nonTriggering: trainingBase + "\nplan: {tp: 2, sequence_parallel: true}")

    /// The rules `LayoutRules` raises, in id order.
    static let layoutRules: [Rule] = [planNotDivisible, planDeviceMismatch, unevenPipelineStages, layoutUnsupported]
}
