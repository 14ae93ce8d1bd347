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
    /// The smallest base at which the Men criterion alone holds over the context (the quantity of Men et al.'s
    /// table of lower bounds), scanned from the summary aliasing bound L / (2 pi) up on a 0.1% grid; nil when
    /// no scan ran or its budget ran out first.
    public let menMinimumBase: BigFloat?
    /// Where a scan stopped for want of budget or steps, without a holding base (nil when none stopped).
    public let scanStoppedAt: BigFloat?
    /// Whether the scan was not started, the budget being below a hundred checks of every position (it then
    /// "stopped" at the phase-modulation bound, where it would have started).
    public let scanSkipped: Bool
    /// The scaling factor s that divides the slowest frequency so the model's base reaches `minBase`
    /// (linear, yarn and llama3 all divide the slowest pairs by s): max(L / trained context,
    /// (minBase / b)^((r-2)/r)).
    public let scalingFactor: BigFloat
    /// Whether that factor keeps the effective base below the precision ceiling.
    public let scalingStaysInZone: Bool

    /// Men windows are scanned by `MenWindowScan` within `totalBudget` cosines (0: no scan, the phase-modulation
    /// bounds alone): first up from the phase-modulation bound for the recommendation, then, with what budget
    /// is left, from L / (2 pi) up to that bound for the criterion alone (above the bound, the first window is
    /// the recommendation's). A budget below a hundred full checks (100 x context x pairs) scans nothing.
    public init(
        context: Int, rotaryDim r: Int, passThrough: Int, base: BigFloat, trainedContext: Int,
        lowerBound: BigFloat, ceiling: BigFloat, precision wp: WorkingPrecision,
        totalBudget: Int = 1 << 27, digits: Int = 10
    ) {
        var candidate = lowerBound
        var scanned = false
        var menMinimum: BigFloat? = nil
        var stopped: BigFloat? = nil
        var skipped = false
        // A scan costs about a hundred checks of every position (the bisection's halvings hold about half of
        // them; the walk below adds its failing rounds): one the budget cannot cover stops at its start.
        let fullCheck = context.multipliedReportingOverflow(by: max(r / 2, 1) * 100)
        if totalBudget > 0, r >= 2, context >= 1, fullCheck.overflow || fullCheck.partialValue > totalBudget {
            stopped = lowerBound
            skipped = true
        } else if totalBudget > 0, r >= 2, context >= 1 {
            var scan = MenWindowScan(
                context: context, rotaryDim: r, passThrough: passThrough, precision: wp, digits: digits, budget: totalBudget)
            let aliasing = wp.divide(wp.number(context), wp.multiply(wp.number(2), wp.pi))
            let start = aliasing.compare(to: wp.number(2)) == -1 ? wp.number(2) : aliasing
            let floor = lowerBound.compare(to: start) == -1 ? start : lowerBound
            switch scan.firstWindow(from: floor) {
            case .found(let b): candidate = b; scanned = true; menMinimum = b
            case .stopped(let at): stopped = at
            case .passed: break
            }
            if stopped == nil, floor.compare(to: start) == 1 {
                switch scan.firstWindow(from: start, below: floor) {
                case .found(let b): menMinimum = b
                case .stopped(let at): menMinimum = nil; stopped = at
                case .passed: break
                }
            }
        }
        minBase = candidate
        menScanned = scanned
        menMinimumBase = menMinimum
        scanStoppedAt = stopped
        scanSkipped = skipped
        let extension_ = wp.divide(wp.number(context), wp.number(max(trainedContext, 1)))
        var factor = r >= 4 ? wp.power(wp.divide(candidate, base), wp.divide(wp.number(r - 2), wp.number(r))) : wp.divide(candidate, base)
        if factor.compare(to: extension_) == -1 { factor = extension_ }
        if factor.compare(to: wp.number(1)) == -1 { factor = wp.number(1) }
        scalingFactor = factor
        let scaledBase = r >= 4 ? wp.multiply(base, wp.power(factor, wp.divide(wp.number(r), wp.number(r - 2)))) : wp.multiply(base, factor)
        scalingStaysInZone = scaledBase.compare(to: ceiling) == -1
    }
}
