import LCPlanModel

/// The RoPE rules `RoPEAnalysis` raises (LC302-LC308), declared here beside it; LC301, which the loader
/// raises, is declared beside the loader.
extension Rule {
    public static let ropeBaseTooSmall = Rule(
        id: "LC302", name: "rope-base-too-small", area: .rope, severity: .warning,
        summary: "The (effective) RoPE base is below a phase-modulation lower bound for the target context.",
        help: """
            The slowest rotary pair must not wrap around (aliasing, bound A) nor drift past the coherence \
            threshold compounded over the layers (bound C) within the context. lcplan judges the effective base \
            (after scaling) against the exact-dimension forms and reports the summary forms beside them; eps and \
            the depth are stated assumptions (`conventions.rope_eps`, `conventions.rope_depth`). Raise the base, \
            or extend it with a scaling method (llama3, yarn, ntk). \
            A note, not a warning, where a catalogue model (or the model's own config.json) documents this \
            configuration at the context, or where the criterion was not derived for the scaling in use; \
            `checks.rope_criteria: warning` makes it a warning always.
            """,
        triggering: """
            version: 1
            model: {preset: llama-3-8b, rope: {theta: 10000}}
            hardware: {device: h200}
            workload: {context: 8k}
            """,
        nonTriggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h200}
            workload: {context: 8k}
            """)

    public static let ropeBaseAboveCeiling = Rule(
        id: "LC303", name: "rope-base-above-ceiling", area: .rope, severity: .warning,
        summary: "The RoPE base is at or above the precision ceiling of the format phases are formed in.",
        help: """
            Above eps_mach^(-r/(r-2)) the slowest pairs' per-position phase increments fall below one ulp of \
            the phase format and positions stop being resolved. Form phases in fp32 (or fp64), or lower the base. \
            A note, not a warning, where a catalogue model (or the model's own config.json) documents this \
            configuration at the context, or where the criterion was not derived for the scaling in use; \
            `checks.rope_criteria: warning` makes it a warning always.
            """,
        triggering: """
            version: 1
            model: {preset: llama-3-8b, rope: {theta: 1e9}}
            hardware: {device: h200}
            workload: {context: 8k}
            """,
        nonTriggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h200}
            workload: {context: 8k}
            """)

    public static let ropeScalingInconsistent = Rule(
        id: "LC304", name: "rope-scaling-inconsistent", area: .rope, severity: .warning,
        summary: "The RoPE scaling factor times the original context does not reach the model's max_context.",
        help: """
            For linear, ntk, dynamic, yarn and longrope scaling the factor is the context extension ratio: \
            factor x original_context should cover max_context. (llama3 scaling is exempt: its factor acts \
            on the low frequencies only.)
            """,
        triggering: """
            version: 1
            model: {preset: deepseek-v3, rope: {scaling: {type: yarn, factor: 10}}}
            hardware: {device: h200, count: 16}
            workload: {context: 8k, dtype: fp8}
            plan: {tp: 8, ep: 2}
            """,
        nonTriggering: """
            version: 1
            model: deepseek-v3
            hardware: {device: h200, count: 16}
            workload: {context: 8k, dtype: fp8}
            plan: {tp: 8, ep: 2}
            """)

    public static let positionsUnrepresentable = Rule(
        id: "LC305", name: "positions-unrepresentable", area: .rope, severity: .error,
        summary: "Position ids beyond the exact integer range (or the finite range) of their number format: a hard limit.",
        help: """
            bf16 holds integers exactly only up to 256 and fp16 up to 2048 (and overflows above 65504): \
            positions round (bf16: 15962 becomes 15936) and neighbouring tokens get the same position id and \
            phase (arXiv 2411.13476; transformers PR 29285). No training or scaling works around it, so the \
            plan is infeasible. Keep position ids and phases in fp32 (`conventions.rope_position_dtype`).
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200}
            workload: {context: 8k}
            conventions: {rope_position_dtype: bf16}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200}
            workload: {context: 8k}
            conventions: {rope_position_dtype: fp32}
            """)

    public static let menCriterionFails = Rule(
        id: "LC306", name: "men-criterion-fails", area: .rope, severity: .warning,
        summary: "The Men et al. criterion sum_j cos(m theta_j) >= 0 fails at a position inside the context.",
        help: """
            Men et al. (arXiv 2405.14591) show that below this bound the model cannot attend more to similar \
            tokens than to random ones at that distance. The admissible bases are windows, not an interval: \
            a larger base is not always better; `lcplan rope` recommends the smallest base that holds. \
            A note, not a warning, where a catalogue model (or the model's own config.json) documents this \
            configuration at the context, or where the criterion was not derived for the scaling in use; \
            `checks.rope_criteria: warning` makes it a warning always.
            """,
        triggering: """
            version: 1
            model: {preset: llama-2-7b, rope: {theta: 27000}}
            hardware: {device: h200}
            workload: {context: 4k}
            """,
        nonTriggering: """
            version: 1
            model: {preset: llama-2-7b, rope: {theta: 4293.5}}
            hardware: {device: h200}
            workload: {context: 1k}
            """)

    public static let phaseIncrementLost = Rule(
        id: "LC307", name: "phase-increment-lost", area: .rope, severity: .error,
        summary: "Phases formed in their format lose the slowest pair's increment between neighbouring positions: a hard limit.",
        help: """
            The phase of pair j at position m is m x theta_j, rounded to the phase format. Once theta_j is below \
            half an ulp of m x theta_j, positions m and m + 1 get the same phase: the format cannot tell them \
            apart. For the slowest pair this happens near 2^p / 2 positions whatever the base (fp32 about 16.7M, \
            fp16 about 2K, bf16 about 256). Form phases in fp32 (`conventions.rope_phase_dtype`), as Hugging \
            Face transformers does since PR 29285.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200}
            workload: {context: 8k}
            conventions: {rope_phase_dtype: bf16}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200}
            workload: {context: 8k}
            conventions: {rope_phase_dtype: fp32}
            """)

    public static let liuExtrapolationLimit = Rule(
        id: "LC308", name: "liu-extrapolation-limit", area: .rope, severity: .warning,
        summary: "The context is beyond the extrapolation limit of Liu et al.'s critical-dimension law.",
        help: """
            Liu et al. (arXiv 2310.05209) find that pairs beyond the critical dimension d_extra never complete a \
            period in pretraining, and that a model tuned with base beta extrapolates to about \
            2 pi beta^(d_extra / r) tokens. The law was fitted for base (NTK-style) changes after pretraining; \
            the finding says whether it was derived for the scaling in use. Weigh it against the evidence line: \
            models documented to work at this context. \
            A note, not a warning, where a catalogue model (or the model's own config.json) documents this \
            configuration at the context, or where the criterion was not derived for the scaling in use; \
            `checks.rope_criteria: warning` makes it a warning always.
            """,
        triggering: """
            version: 1
            model: llama-2-7b
            hardware: {device: h200}
            workload: {context: 16k}
            """,
        nonTriggering: """
            version: 1
            model: llama-2-7b
            hardware: {device: h200}
            workload: {context: 4k}
            """)

    /// This area's rules, in id order.
    static let ropeRules: [Rule] = [
        ropeBaseTooSmall, ropeBaseAboveCeiling, ropeScalingInconsistent, positionsUnrepresentable,
        menCriterionFails, phaseIncrementLost, liuExtrapolationLimit,
    ]
}
