import Dispatch
import Foundation
import LCPlanPrecision

/// The criterion of Men et al., "Base of RoPE Bounds Context Length" (arXiv 2405.14591): similar tokens
/// get more attention than random ones on average iff B(m) = sum_j cos(m theta_j) >= 0, and a base
/// supports context L iff B(m) >= 0 for every m = 0 ..< L. Non-rotating pairs (partial rotary) add 1 each.
///
/// Millions of positions cannot each be summed in MPFR, so every B(m) is first evaluated in double
/// precision with a rigorous error bound, and every position whose double value lies within that bound of
/// zero is evaluated again in MPFR, where the sign is certain: the verdict is exact. The admissible bases
/// form a union of narrow windows, not an interval, so a minimum base is found by scanning, never by bisection.
public struct MenCriterion: Sendable {
    public struct Result: Sendable {
        public let holds: Bool
        /// The first m with B(m) < 0, and B there (from MPFR when it was rechecked).
        public let firstFailure: Int?
        public let failureValue: Double?
        /// The smallest B(m) over the range and where it occurs.
        public let minimum: Double
        public let argmin: Int
        /// Positions evaluated, and those whose sign needed MPFR.
        public let evaluated: Int
        public let rechecked: Int
    }

    /// Checks B(m) >= 0 for m in 0 ..< length, with frequencies `theta` and `passThrough` non-rotating pairs.
    /// `precision` is the MPFR working precision of the rechecks (at least 64 bits above log2(length)).
    /// Positions between exact reseeds of the rotation recurrence.
    static let reseed = 1024

    /// `thetaAt` recomputes the frequencies at a given precision; near-zero sums are then re-evaluated at
    /// rising precision until their sign is certain (without it, the given theta are rounded up).
    public static func check(
        theta: [BigFloat], passThrough: Int, length: Int, precision: WorkingPrecision,
        thetaAt: (@Sendable (WorkingPrecision) -> [BigFloat]?)? = nil
    ) -> Result {
        let sums = Sums(theta: theta, passThrough: passThrough, length: length, precision: precision, thetaAt: thetaAt)
        let chunkCount = max(1, min(64, length / 4096))
        let chunkSize = (length + chunkCount - 1) / chunkCount
        let ranges = (0..<chunkCount).map { min(length, $0 * chunkSize)..<min(length, ($0 + 1) * chunkSize) }
        var first: (Int, Double)? = nil
        var minimum = Double.infinity, argmin = 0, rechecked = 0
        for partial in sums.evaluate(ranges) {
            rechecked += partial.rechecked
            if partial.minimum < minimum { minimum = partial.minimum; argmin = partial.argmin }
            if let failure = partial.firstFailure, failure < (first?.0 ?? Int.max) { first = (failure, partial.failureValue ?? 0) }
        }
        return Result(
            holds: first == nil, firstFailure: first?.0, failureValue: first?.1, minimum: minimum, argmin: argmin,
            evaluated: length, rechecked: rechecked)
    }

    /// Whether B(m) >= 0 for every m in 0 ..< length, decided as early as the sums allow: `witnesses`
    /// (positions where nearby bases failed) are tried first, one at a time in the order given, each with
    /// the `witnessSpan` positions after it; then every position in order, in rounds of eight chunks,
    /// stopping after the first round that holds a negative sum. The answer is exact (the signs are certain,
    /// as in `check`); only the work depends on the witnesses. Returns a failing position (the first of the
    /// round or witness window that failed) and the number of positions evaluated.
    static func firstFailure(
        theta: [BigFloat], passThrough: Int, length: Int, precision: WorkingPrecision, witnesses: [Int],
        thetaAt: (@Sendable (WorkingPrecision) -> [BigFloat]?)? = nil
    ) -> (failure: Int?, evaluated: Int) {
        let sums = Sums(theta: theta, passThrough: passThrough, length: length, precision: precision, thetaAt: thetaAt)
        let span = witnessSpan(length)
        var evaluated = 0
        for window in witnesses where window < length {
            let range = window..<min(length, window + span)
            evaluated += range.count
            if let failure = sums.evaluate([range]).first?.firstFailure { return (failure, evaluated) }
        }
        let chunk = max(256, min(4096, (length + 7) / 8))
        var start = 0
        while start < length {
            let ranges = (0..<8).map { min(length, start + $0 * chunk)..<min(length, start + ($0 + 1) * chunk) }
            evaluated += ranges.reduce(0) { $0 + $1.count }
            if let failure = sums.evaluate(ranges).compactMap(\.firstFailure).min() { return (failure, evaluated) }
            start += 8 * chunk
        }
        return (nil, evaluated)
    }

    /// Positions a witness window covers: a failure seen at m for one base tends to recur near m for the next
    /// base 0.1% larger, as the dips of B drift slowly with the base. At most a 32nd of the context, so that
    /// four windows cost an eighth of a full check.
    static func witnessSpan(_ length: Int) -> Int { max(8, min(512, length / 32)) }

    /// One base's sums ready to evaluate over any ranges of positions: the frequencies in double (with the
    /// rotation steps) for the fast pass, and in MPFR at the recheck precision for sums near zero.
    struct Sums: Sendable {
        struct Partial: Sendable {
            var firstFailure: Int?; var failureValue: Double?; var minimum = Double.infinity; var argmin = 0; var rechecked = 0
        }
        let doubles: [Double], stepCos: [Double], stepSin: [Double]
        let passThrough: Int
        let theta: [BigFloat]
        let recheck: WorkingPrecision
        let thetaAt: (@Sendable (WorkingPrecision) -> [BigFloat]?)?

        /// `precision` is the analysis's working precision; sums near zero are rechecked above it, by
        /// log2(length) + 64 bits, with the frequencies recomputed there when `thetaAt` is given.
        init(
            theta: [BigFloat], passThrough: Int, length: Int, precision: WorkingPrecision,
            thetaAt: (@Sendable (WorkingPrecision) -> [BigFloat]?)?
        ) {
            doubles = theta.map(\.doubleValue)
            stepCos = doubles.map { cos($0) }
            stepSin = doubles.map { sin($0) }
            self.passThrough = passThrough
            self.theta = theta
            recheck = WorkingPrecision(bits: precision.bits + Int(log2(Double(max(length, 2))).rounded(.up)) + 64)
            self.thetaAt = thetaAt
        }

        /// The sums over each range, on every core; each range's result lands in its own slot, so the
        /// outcome does not depend on how many cores run them.
        func evaluate(_ ranges: [Range<Int>]) -> [Partial] {
            guard !ranges.isEmpty else { return [] }
            /// Per-range result slots shared with the worker threads, each written by exactly one of them.
            struct Slots: @unchecked Sendable { let base: UnsafeMutablePointer<Partial>? }
            let partials = UnsafeMutableBufferPointer<Partial>.allocate(capacity: ranges.count)
            partials.initialize(repeating: Partial())
            defer { partials.deallocate() }
            let slots = Slots(base: partials.baseAddress)
            let constant = Double(passThrough)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
                // Each iteration writes only its own slot.
                guard let slot = slots.base?.advanced(by: index) else { return }
                slot.pointee = evaluateRange(ranges[index], constant)
            }
            return Array(partials)
        }

        private func evaluateRange(_ range: Range<Int>, _ constant: Double) -> Partial {
            var partial = Partial()
            // The frequencies at the recheck precision, formed on the first sum near zero (rare).
            var exact: [BigFloat]? = nil
            MenCriterion.scan(theta: doubles, stepCos: stepCos, stepSin: stepSin, constant: constant, range: range) { m, sum, bound in
                var value = sum
                if abs(sum) <= bound {
                    partial.rechecked += 1
                    let precise = exact ?? thetaAt?(recheck) ?? theta.map { recheck.number($0) }
                    exact = precise
                    value = MenCriterion.certainSum(m: m, theta: precise, passThrough: passThrough, recheck, thetaAt: thetaAt)
                }
                if value < partial.minimum { partial.minimum = value; partial.argmin = m }
                if value < 0 && partial.firstFailure == nil {
                    partial.firstFailure = m
                    partial.failureValue = value
                }
            }
            return partial
        }
    }

    /// Evaluates B(m) in double precision for every m in `range`, handing each value and its error bound to
    /// `body`. cos(m theta_j) and sin(m theta_j) are seeded with libm every `reseed` positions and advanced
    /// in between by rotating through theta_j.
    ///
    /// Error bound: the seed's phase m0 theta_j is within m theta_j 2^-52 (theta and the product each rounded
    /// once) and libm's cos and sin within 2^-52; each rotation adds at most 2^-49 (four products, two sums,
    /// and the rounding of cos and sin of theta_j); the summation at most n^2 2^-53. The bound handed on is
    /// twice that sum.
    static func scan(
        theta: [Double], stepCos: [Double], stepSin: [Double], constant: Double, range: Range<Int>,
        _ body: (Int, Double, Double) -> Void
    ) {
        let pairs = theta.count
        let n = Double(pairs)
        let sumTheta = theta.reduce(0, +)
        let unit = 0x1p-52
        let c = UnsafeMutablePointer<Double>.allocate(capacity: max(pairs, 1))
        let s = UnsafeMutablePointer<Double>.allocate(capacity: max(pairs, 1))
        defer { c.deallocate(); s.deallocate() }
        theta.withUnsafeBufferPointer { t in
            stepCos.withUnsafeBufferPointer { rc in
                stepSin.withUnsafeBufferPointer { rs in
                    var block = range.lowerBound
                    while block < range.upperBound {
                        let seed = Double(block)
                        for j in 0..<pairs {
                            c[j] = cos(seed * t[j])
                            s[j] = sin(seed * t[j])
                        }
                        let blockEnd = min(range.upperBound, block + reseed)
                        var m = block
                        while m < blockEnd {
                            // Four partial sums break the dependency chain; the n^2 2^-53 bound holds for any order.
                            var s0 = constant, s1 = 0.0, s2 = 0.0, s3 = 0.0
                            var j = 0
                            while j + 4 <= pairs {
                                s0 += c[j]; s1 += c[j + 1]; s2 += c[j + 2]; s3 += c[j + 3]
                                j += 4
                            }
                            while j < pairs { s0 += c[j]; j += 1 }
                            let sum = (s0 + s1) + (s2 + s3)
                            let steps = Double(m - block + 1)
                            let bound = 2 * ((Double(m) * sumTheta + n) * unit + steps * n * 0x1p-49 + n * n * unit / 2)
                            body(m, sum, bound)
                            for j in 0..<pairs {
                                let cj = c[j], sj = s[j]
                                c[j] = cj * rc[j] - sj * rs[j]
                                s[j] = sj * rc[j] + cj * rs[j]
                            }
                            m += 1
                        }
                        block = blockEnd
                    }
                }
            }
        }
    }

    /// B(m) in MPFR at precision `wp`, and a bound on its error: each phase m theta_j carries the
    /// frequency's relative error (at most 2^(8 - p), the frequency formulas being a few dozen roundings)
    /// and the product's rounding, each cosine one more ulp, the sum one per term.
    static func exactSum(m: Int, theta: [BigFloat], passThrough: Int, _ wp: WorkingPrecision) -> (value: Double, bound: Double) {
        let position = wp.number(m)
        var sum = wp.number(passThrough)
        var phases = 0.0
        for t in theta {
            let phase = wp.multiply(position, t)
            phases += abs(phase.doubleValue)
            sum = wp.add(sum, wp.cos(phase))
        }
        let unit = pow(2.0, Double(-wp.bits))
        let bound = phases * unit * 512 + Double(2 * theta.count + 1) * unit * 4
        return (sum.doubleValue, bound)
    }

    /// B(m) with its sign certain: evaluated in MPFR, and again at twice the precision (the frequencies
    /// recomputed there when `thetaAt` is given) while the value lies within its error bound of zero. No
    /// tolerance treats a small value as zero; past 2^16 bits (never reached by a real base) the last value
    /// stands.
    static func certainSum(
        m: Int, theta: [BigFloat], passThrough: Int, _ wp: WorkingPrecision,
        thetaAt: (@Sendable (WorkingPrecision) -> [BigFloat]?)?
    ) -> Double {
        var precision = wp
        var current = theta
        while true {
            let (value, bound) = exactSum(m: m, theta: current, passThrough: passThrough, precision)
            if abs(value) > bound || precision.bits >= 1 << 16 { return value }
            precision = WorkingPrecision(bits: precision.bits * 2)
            current = thetaAt?(precision) ?? theta.map { precision.number($0) }
        }
    }
}
