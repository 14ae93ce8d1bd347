import LCPlanModel
import LCPlanPrecision

/// A search for the smallest base at which the Men criterion holds over a context (unscaled RoPE, r rotary
/// dims, `passThrough` non-rotating pairs): bases rise from a start in steps of 0.1% to the first that holds,
/// then a bisection between it and the last failing step finds that window's start to the digits asked.
///
/// The admissible bases form a union of narrow windows (Men et al., arXiv 2405.14591; rope.md sec. 2), so
/// the walk cannot bisect from afar: it visits every step, and a window narrower than one step can be
/// stepped over (the grid is stated wherever the result is reported). Failing bases are cheap: each check
/// first tries the positions where the last bases failed (`MenCriterion.firstFailure`), and otherwise
/// stops after the first round of positions that fails; only a holding base costs every position.
struct MenWindowScan {
    let context: Int
    let rotaryDim: Int
    let passThrough: Int
    let precision: WorkingPrecision
    let digits: Int
    /// Cosines (positions x pairs) the scan may still spend; a check starts only while some are left.
    private(set) var budget: Int
    /// Positions where recent bases failed, the latest first.
    private var witnesses: [Int] = []

    init(context: Int, rotaryDim: Int, passThrough: Int, precision: WorkingPrecision, digits: Int, budget: Int) {
        self.context = context
        self.rotaryDim = rotaryDim
        self.passThrough = passThrough
        self.precision = precision
        self.digits = digits
        self.budget = budget
    }

    /// The result of a walk: the window's start; the limit reached without one; or where the walk stopped
    /// for want of budget or steps.
    enum Outcome {
        case found(BigFloat)
        case passed
        case stopped(at: BigFloat)
    }

    /// The first base at or above `start` (on the grid start x 1.001^k, k < `maxSteps`, below `limit` when
    /// given) at which the criterion holds, bisected down to the start of its window; `.passed` when the grid
    /// reached `limit` first, `.stopped` when the steps or the budget ran out.
    mutating func firstWindow(from start: BigFloat, below limit: BigFloat? = nil, maxSteps: Int = 20_000) -> Outcome {
        let wp = precision
        func beyond(_ b: BigFloat) -> Bool { limit.map { (b.compare(to: $0) ?? 1) >= 0 } ?? false }
        if beyond(start) { return .passed }
        guard let first = holds(start) else { return .stopped(at: start) }
        if first { return .found(shown(start)) }
        let step = wp.number(decimal: "1.001") ?? wp.number(1.001)
        var failing = start
        for _ in 0..<maxSteps {
            let next = wp.multiply(failing, step)
            if beyond(next) { return .passed }
            guard let verdict = holds(next) else { return .stopped(at: next) }
            if verdict { return .found(shown(bisect(failing: failing, holding: next))) }
            failing = next
        }
        return .stopped(at: failing)
    }

    /// The start of the window that holds `holding`, to `digits` significant digits: the bracket starts 0.1%
    /// wide, so log2(1000 x 10^digits) halvings. Once the budget is spent the bracket's top stands: a base
    /// that holds, within 0.1% of the window's start (a holding check costs every position, so at millions of
    /// tokens the halvings alone could take minutes).
    private mutating func bisect(failing start: BigFloat, holding top: BigFloat) -> BigFloat {
        let wp = precision
        var failing = start, holding = top
        let halvings = max(40, Int((Double(digits + 3) * 3.3219280948873626).rounded(.up)))
        for _ in 0..<halvings {
            let middle = wp.divide(wp.add(failing, holding), wp.number(2))
            guard let verdict = holds(middle) else { break }
            if verdict { holding = middle } else { failing = middle }
        }
        return holding
    }

    /// `b` rounded up to `digits` significant digits, when the criterion still holds there (a window wider
    /// than that rounding): the base as reports print it is then one that holds. Else `b` itself.
    private mutating func shown(_ b: BigFloat) -> BigFloat {
        guard let up = precision.number(decimal: b.decimalString(digits: digits, roundingUp: true)),
            holds(up, spendingPastBudget: true) == true
        else { return b }
        return up
    }

    /// Whether the criterion holds at base `b`; nil when the budget is spent (`spendingPastBudget`: one check
    /// more, the rounded-up base that reports print).
    private mutating func holds(_ b: BigFloat, spendingPastBudget: Bool = false) -> Bool? {
        guard budget > 0 || spendingPastBudget, rotaryDim >= 2 else { return nil }
        let r = rotaryDim
        let spanStart = witnesses.map { max(0, $0 - MenCriterion.witnessSpan(context) / 2) }
        let (failure, evaluated) = MenCriterion.firstFailure(
            theta: Self.fastFrequencies(base: b, rotaryDim: r), passThrough: passThrough,
            length: context, precision: precision, witnesses: spanStart,
            thetaAt: { Self.frequencies(base: b, rotaryDim: r, $0) })
        budget -= min(budget, evaluated.multipliedReportingOverflow(by: max(r / 2, 1)).partialValue)
        guard let failure else { return true }
        // The failure becomes the latest witness, replacing one whose window it falls in (the dip drifted).
        witnesses.removeAll { abs($0 - failure) < MenCriterion.witnessSpan(context) / 2 }
        witnesses.insert(failure, at: 0)
        if witnesses.count > 4 { witnesses.removeLast() }
        return false
    }

    /// theta_j = b^(-2j/r) for j < r/2 at precision p: exp(-(2j/r) ln b) formed at p + 16 bits, so the
    /// exponent's rounding (|x| ulps of x, |x| <= ln b) stays within the 2^(8-p) relative error the Men sums'
    /// recheck bound allows for any base below e^(2^20). Rechecks take them at their own precision.
    static func frequencies(base b: BigFloat, rotaryDim r: Int, _ wp: WorkingPrecision) -> [BigFloat] {
        let inner = WorkingPrecision(bits: wp.bits + 16)
        let logBase = inner.log(inner.number(b))
        return (0..<(r / 2)).map { j in
            wp.number(inner.exp(inner.multiply(logBase, inner.divide(inner.number(-2 * j), inner.number(r)))))
        }
    }

    /// The same frequencies for the double-precision pass, as powers of b^(-2/r) at 192 bits: j
    /// multiplications leave theta_j within j x 2^-188 of itself, so each still rounds to a double within
    /// half an ulp (bar a tie closer than 2^-180, where it is faithful), the rounding the pass's bound takes.
    static func fastFrequencies(base b: BigFloat, rotaryDim r: Int) -> [BigFloat] {
        let wp = WorkingPrecision(bits: 192)
        let ratio = wp.exp(wp.divide(wp.multiply(wp.log(wp.number(b)), wp.number(-2)), wp.number(r)))
        var theta = wp.number(1)
        return (0..<(r / 2)).map { _ in
            defer { theta = wp.multiply(theta, ratio) }
            return theta
        }
    }
}
