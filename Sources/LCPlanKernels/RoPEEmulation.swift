import Foundation
import LCPlanPrecision

/// RoPE phases as a framework forms them: inverse frequencies b^(-2j/r) in fp32, positions in the position
/// format, the product rounded to the phase format; against the exact phase m b^(-2j/r) in MPFR.
public enum RoPEEmulation {
    public struct Outcome: Sendable {
        /// The largest position up to which every integer position is distinct in the position format
        /// (the first collision minus one; the scanned limit when none).
        public let largestDistinctPosition: Int
        /// At `position`: the largest phase error over the pairs (radians), at the fastest pair and the slowest.
        public let position: Int
        public let maxPhaseError: Double
        public let fastestPhaseError: Double
        public let slowestPhaseError: Double
        /// The error the formats allow at `position` for the pair with the largest error: the position's
        /// rounding times the frequency, the fp32 inverse frequency's relative half-ulp times the phase, and
        /// half an ulp of the phase format.
        public let phaseErrorBound: Double
    }

    public static func run(
        base: Double, rotaryDim r: Int, position: Int, positionFormat: KernelFormat, phaseFormat: KernelFormat, scanLimit: Int = 1 << 25
    ) -> Outcome {
        // The first position that rounds onto its predecessor.
        var distinct = min(position, scanLimit)
        var previous = positionFormat.round(0)
        for m in 1...max(min(position, scanLimit), 1) {
            let rounded = positionFormat.round(Double(m))
            if rounded == previous {
                distinct = m - 1
                break
            }
            previous = rounded
        }
        let wp = WorkingPrecision(bits: 256)
        let pairs = max(r / 2, 1)
        let m = positionFormat.round(Double(position))
        var worst = 0.0, bound = 0.0, fastest = 0.0, slowest = 0.0
        // At most 256 pairs, evenly spread (the fastest and the slowest always among them).
        let step = max(1, (pairs - 1) / 255)
        var sampled = Array(Swift.stride(from: 0, to: pairs, by: step))
        if sampled.last != pairs - 1 { sampled.append(pairs - 1) }
        for j in sampled {
            let exponent = -2.0 * Double(j) / Double(r)
            let inverse = Double(Float(Foundation.pow(base, exponent)))  // fp32, as torch forms inv_freq
            let phase = phaseFormat.round(Double(Float(m) * Float(inverse)))
            let exact = wp.multiply(wp.number(position), wp.power(wp.number(decimalOf: base), wp.number(decimalOf: exponent))).doubleValue
            let error = abs(phase - exact)
            let allowed =
                abs(m - Double(position)) * inverse + exact * KernelFormat.fp32.halfULP(1) * 2 + phaseFormat.halfULP(exact)
                + KernelFormat.fp32.halfULP(exact)
            if error > worst {
                worst = error
                bound = allowed
            }
            if j == 0 { fastest = error }
            if j == pairs - 1 { slowest = error }
            if error <= worst && bound == 0 { bound = allowed }
        }
        return Outcome(
            largestDistinctPosition: distinct, position: position, maxPhaseError: worst, fastestPhaseError: fastest,
            slowestPhaseError: slowest, phaseErrorBound: bound)
    }
}
