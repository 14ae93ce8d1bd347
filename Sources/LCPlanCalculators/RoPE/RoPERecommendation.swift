import LCPlanModel
import LCPlanPrecision

/// What to change so a RoPE serves the target context: the smallest base that satisfies every lower bound,
/// and the scaling factor that brings the model's own base there.
public struct RoPERecommendation: Sendable {
    /// The smallest base (unscaled RoPE, r rotary dims) meeting the exact-dimension lower bounds and, where it
    /// was scanned, the Men criterion at every position below the context.
    public let minBase: BigFloat
    /// Whether `minBase` comes from a scan of the Men windows (else from the phase-modulation bounds alone).
    public let menScanned: Bool
    /// The scaling factor s that divides the slowest frequency so the model's base reaches `minBase`
    /// (linear, yarn and llama3 all divide the slowest pairs by s): max(L / trained context,
    /// (minBase / b)^((r-2)/r)).
    public let scalingFactor: BigFloat
    /// Whether that factor keeps the effective base below the precision ceiling.
    public let scalingStaysInZone: Bool

    /// Men windows are scanned upward from the phase-modulation bound in steps of 0.1% (at most `maxSteps`),
    /// then the first window's start is located by bisection between the last failing and the first holding
    /// base, to `digits` significant digits (the bracket starts 0.1% wide, so log2(1000 x 10^digits) halvings).
    /// Each step evaluates every position, so the scan runs only while the steps' total work
    /// (steps x context x pairs) stays within `totalBudget` cosines.
    public init(
        context: Int, rotaryDim r: Int, passThrough: Int, base: BigFloat, trainedContext: Int,
        lowerBound: BigFloat, ceiling: BigFloat, precision wp: WorkingPrecision,
        totalBudget: Int = 1 << 27, maxSteps: Int = 3000, digits: Int = 10
    ) {
        var candidate = lowerBound
        var scanned = false
        let pairs = r / 2
        let work = context.multipliedReportingOverflow(by: max(pairs, 1))
        let steps = work.overflow ? 0 : min(maxSteps, totalBudget / max(work.partialValue, 1))
        if steps >= 50, r >= 2 {
            scanned = true
            func holds(_ b: BigFloat) -> Bool {
                let rope = RoPESpec(theta: b.decimalString(digits: max(40, digits + 10)), rotaryDim: r, trainedContext: context)
                guard let f = RoPEFrequencies(rope, maxContext: context, length: context, precision: wp) else { return false }
                return MenCriterion.check(theta: f.theta, passThrough: passThrough, length: context, precision: wp).holds
            }
            if !holds(candidate) {
                let step = wp.number(decimal: "1.001") ?? wp.number(1.001)
                var failing = candidate
                var found: BigFloat? = nil
                for _ in 0..<steps {
                    let next = wp.multiply(failing, step)
                    if holds(next) { found = next; break }
                    failing = next
                }
                if var holding = found {
                    let halvings = max(40, Int((Double(digits + 3) * 3.3219280948873626).rounded(.up)))
                    for _ in 0..<halvings {
                        let middle = wp.divide(wp.add(failing, holding), wp.number(2))
                        if holds(middle) { holding = middle } else { failing = middle }
                    }
                    candidate = holding
                } else {
                    candidate = wp.multiply(failing, step)
                    scanned = false
                }
            }
        }
        minBase = candidate
        menScanned = scanned
        let extension_ = wp.divide(wp.number(context), wp.number(max(trainedContext, 1)))
        var factor = r >= 4 ? wp.power(wp.divide(candidate, base), wp.divide(wp.number(r - 2), wp.number(r))) : wp.divide(candidate, base)
        if factor.compare(to: extension_) == -1 { factor = extension_ }
        if factor.compare(to: wp.number(1)) == -1 { factor = wp.number(1) }
        scalingFactor = factor
        let scaledBase = r >= 4 ? wp.multiply(base, wp.power(factor, wp.divide(wp.number(r), wp.number(r - 2)))) : wp.multiply(base, factor)
        scalingStaysInZone = scaledBase.compare(to: ceiling) == -1
    }
}
