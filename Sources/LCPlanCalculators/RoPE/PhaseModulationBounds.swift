import LCPlanModel
import LCPlanPrecision

/// Bounds on the RoPE base from "Rotary Positional Embeddings as Phase Modulation" (arXiv 2602.10959),
/// in the forms published summaries give, and in exact-dimension forms derived from first principles
/// (the slowest pair, theta_min = b^(-(r-2)/r), carries the constraint), after "Rotary Positional
/// Embeddings as Phase Modulation" (arXiv 2602.10959):
///
/// | bound | summary form | exact-dimension form |
/// |---|---|---|
/// | A aliasing | b > L / (2 pi) | b >= (L / (2 pi))^(r/(r-2)) |
/// | B DC stability | b >= L / arccos(eps) | b >= (L / arccos(eps))^(r/(r-2)) |
/// | C depth-tightened | b >= L / arccos(eps^(1/N)) | b >= (L / arccos(eps^(1/N)))^(r/(r-2)) |
/// | D precision ceiling | b < 1 / eps_mach | b < eps_mach^(-r/(r-2)) |
///
/// The coherence threshold eps and the depth N are inputs: eps = 0.5 by default is an assumption of
/// lcplan's, not a value the paper fixes; N defaults to the model's layers. eps_mach = 2^(1-p) of the
/// format in which phases are formed (fp32 in Hugging Face, even for bf16 models).
public struct PhaseModulationBounds: Sendable {
    public struct Family: Sendable {
        public let aliasing: BigFloat
        public let stability: BigFloat
        public let depth: BigFloat
        public let precisionCeiling: BigFloat
        /// max(A, B, C): the least base every lower bound allows.
        public var lowerBound: BigFloat {
            depth.compare(to: aliasing) == 1 ? (depth.compare(to: stability) == 1 ? depth : stability) : aliasing
        }
    }

    public let summary: Family
    /// Nil when r < 4 (the exponent r/(r-2) is undefined at r = 2).
    public let exact: Family?
    public let eps: Double
    public let depth: Int
    public let phaseFormat: NumberFormat

    /// eps_mach = 2^(1 - p) for a format with p significand bits.
    public static func machineEpsilon(_ format: NumberFormat, _ wp: WorkingPrecision) -> BigFloat {
        wp.power(wp.number(2), wp.number(1 - (format.significandBits ?? 24)))
    }

    public init(context: Int, rotaryDim r: Int, eps: Double, depth: Int, phaseFormat: NumberFormat, precision wp: WorkingPrecision) {
        self.eps = eps
        self.depth = depth
        self.phaseFormat = phaseFormat
        let L = wp.number(context)
        let twoPi = wp.multiply(wp.number(2), wp.pi)
        let a = wp.divide(L, twoPi)
        let b = wp.divide(L, wp.acos(wp.number(decimalOf: eps)))
        let rootEps = wp.power(wp.number(decimalOf: eps), wp.divide(wp.number(1), wp.number(max(depth, 1))))
        let c = wp.divide(L, wp.acos(rootEps))
        let epsMach = Self.machineEpsilon(phaseFormat, wp)
        let d = wp.divide(wp.number(1), epsMach)
        summary = Family(aliasing: a, stability: b, depth: c, precisionCeiling: d)
        if r >= 4 {
            let exponent = wp.divide(wp.number(r), wp.number(r - 2))
            exact = Family(
                aliasing: wp.power(a, exponent), stability: wp.power(b, exponent), depth: wp.power(c, exponent),
                precisionCeiling: wp.power(d, exponent))
        } else {
            exact = nil
        }
    }

    /// The precision wall on context: L_max = (1/eps_mach) arccos(eps^(1/N)) (summary form), the longest
    /// context any base below the ceiling can serve under bound C.
    public static func precisionWall(eps: Double, depth: Int, phaseFormat: NumberFormat, _ wp: WorkingPrecision) -> BigFloat {
        let rootEps = wp.power(wp.number(decimalOf: eps), wp.divide(wp.number(1), wp.number(max(depth, 1))))
        return wp.divide(wp.acos(rootEps), machineEpsilon(phaseFormat, wp))
    }

    /// The longest context base `b` supports under A and C (summary form): min(2 pi b, b arccos(eps^(1/N))),
    /// floored; 0 when b is at or above the precision ceiling, unless `ceiling` is false (A and C alone).
    public static func maxContext(
        base b: BigFloat, rotaryDim r: Int, eps: Double, depth: Int, phaseFormat: NumberFormat,
        exactForm: Bool, ceiling checkCeiling: Bool = true, _ wp: WorkingPrecision
    ) -> ExactInt {
        let ceiling = wp.divide(wp.number(1), machineEpsilon(phaseFormat, wp))
        var effective = b
        if exactForm && r >= 4 {
            // Exact forms: the constraints act on theta_min^-1 = b^((r-2)/r).
            effective = wp.power(b, wp.divide(wp.number(r - 2), wp.number(r)))
        }
        let limitBase = exactForm && r >= 4 ? wp.power(ceiling, wp.divide(wp.number(r), wp.number(r - 2))) : ceiling
        guard !checkCeiling || b.compare(to: limitBase) == -1 else { return .zero }
        let rootEps = wp.power(wp.number(decimalOf: eps), wp.divide(wp.number(1), wp.number(max(depth, 1))))
        let fromA = wp.multiply(wp.multiply(wp.number(2), wp.pi), effective)
        let fromC = wp.multiply(effective, wp.acos(rootEps))
        let smaller = fromA.compare(to: fromC) == -1 ? fromA : fromC
        return smaller.floorInteger ?? .zero
    }
}
