import LCPlanModel
import LCPlanPrecision

/// The RoPE verdict in three tiers: a hard limit crossed (`infeasible`), a literature criterion failing
/// (`at_risk`: a warning, which models documented to work also fail), or neither (`feasible`).
public enum RoPEVerdict: String, Sendable, CaseIterable {
    case feasible
    case atRisk = "at_risk"
    case infeasible
}

/// One limit a RoPE configuration is judged against: what it is, where it comes from, what it assumes,
/// and whether it holds at the target context.
public struct RoPELimit: Sendable {
    public enum Tier: String, Sendable, CaseIterable {
        /// Cannot be worked around: the number formats themselves cannot represent the positions or phases.
        case hard
        /// A criterion from the literature, derived under assumptions that may not carry to this model.
        case criterion
    }

    /// A stable id (`position_collision`, `men_criterion`, ...).
    public let id: String
    public let tier: Tier
    public let name: String
    public let source: String
    public let assumption: String
    /// Whether the criterion was derived for the scaling method in use (hard limits: always true).
    public let derivedForScaling: Bool
    public let holds: Bool
    /// The longest context (tokens) this limit allows, when it bounds the context.
    public let maxContext: ExactInt?
}

extension RoPEAnalysis {
    /// Where each criterion comes from and what it assumes (the papers each names).
    enum Sources {
        static let phaseModulation =
            "Rotary Positional Embeddings as Phase Modulation (arXiv 2602.10959), as published summaries state its bounds"
        static let men = "Men et al., Base of RoPE Bounds Context Length (arXiv 2405.14591)"
        static let liu = "Liu et al., Scaling Laws of RoPE-based Extrapolation (arXiv 2310.05209)"
        static let ieee = "IEEE 754 significand and range of the format (rope.md sec. 5)"
    }

    /// The hard limits at `positions` absolute positions, in the position and phase formats.
    static func hardLimits(positions: Int, settings: RoPESettings, slowest: BigFloat, wp: WorkingPrecision) -> [RoPELimit] {
        var limits: [RoPELimit] = []
        let format = settings.positionFormat
        if let p = format.significandBits {
            // Integers are exact up to 2^p; beyond, neighbouring position ids round to the same value.
            let exact = ExactInt(2).power(UInt(min(p, 62)))
            limits.append(
                RoPELimit(
                    id: "position_collision", tier: .hard, name: "\(format.rawValue) position ids distinct",
                    source: Sources.ieee, assumption: "position ids held in \(format.rawValue) (conventions.rope_position_dtype)",
                    derivedForScaling: true, holds: ExactInt(max(positions - 1, 0)) <= exact, maxContext: exact + .one))
        }
        if let largest = format.largestFinite {
            limits.append(
                RoPELimit(
                    id: "position_overflow", tier: .hard, name: "\(format.rawValue) position ids finite",
                    source: Sources.ieee, assumption: "position ids held in \(format.rawValue) (conventions.rope_position_dtype)",
                    derivedForScaling: true, holds: positions - 1 <= largest, maxContext: ExactInt(largest + 1)))
        }
        if let p = settings.phaseFormat.significandBits, slowest.sign > 0 {
            // The slowest pair's phase m theta moves by theta per position; the move is lost when theta is
            // below half an ulp of m theta, ulp(x) = 2^(floor(log2 x) - p + 1). It holds while
            // m theta < 2^(floor(log2 theta) + p + 1), so the last position kept is ceil(2^E / theta) - 1.
            let two = wp.number(2)
            let exponent = wp.floor(wp.divide(wp.log(slowest), wp.log(two)))
            let bound = wp.power(two, wp.add(exponent, wp.number(p + 1)))
            let lastPosition = (wp.ceil(wp.divide(bound, slowest)).floorInteger ?? .zero) - .one
            limits.append(
                RoPELimit(
                    id: "phase_increment_lost", tier: .hard, name: "slowest pair's phase increment resolved",
                    source: Sources.ieee,
                    assumption: "phases m x theta formed in \(settings.phaseFormat.rawValue) (conventions.rope_phase_dtype)",
                    derivedForScaling: true, holds: ExactInt(max(positions - 1, 0)) <= lastPosition,
                    maxContext: lastPosition + .one))
        }
        return limits
    }
}

extension NumberFormat {
    /// The largest finite value of a floating-point format whose range a position id can exceed (fp16
    /// 65504, fp8 e4m3 448, e5m2 57344, fp4 e2m1 6); nil for formats that reach beyond any context.
    public var largestFinite: Int? {
        switch self {
        case .fp16: return 65_504
        case .fp8, .fp8e4m3: return 448
        case .fp8e5m2: return 57_344
        case .fp4: return 6
        case .fp64, .fp32, .tf32, .bf16, .int8, .int4, .int2: return nil
        }
    }
}
