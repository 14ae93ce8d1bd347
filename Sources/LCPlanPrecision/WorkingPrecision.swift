import CMPFR

/// The precision (bits of significand) and rounding of a computation in MPFR.
///
/// Every `BigFloat` operation goes through one of these, so each result states the precision it was
/// rounded to. MPFR's own defaults are thread-local (toolchain notes, "Thread safety"); passing the
/// precision on every call keeps results independent of the thread that computes them.
public struct WorkingPrecision: Sendable, Equatable {
    /// Bits of significand of every result.
    public let bits: Int
    public let rounding: Rounding

    /// The smallest and largest precisions this type accepts (MPFR allows 1 ... MPFR_PREC_MAX; lcplan
    /// bounds it so a command-line value cannot exhaust memory).
    public static let supportedBits = 2...1 << 20

    /// Precision clamped into `supportedBits`.
    public init(bits: Int, rounding: Rounding = .nearest) {
        self.bits = Swift.min(Swift.max(bits, Self.supportedBits.lowerBound), Self.supportedBits.upperBound)
        self.rounding = rounding
    }

    /// The precision that carries `digits` significant decimal digits plus `guardBits` of margin:
    /// ceil(digits * log2(10)) + guardBits.
    public static func forDecimalDigits(_ digits: Int, guardBits: Int = 64) -> WorkingPrecision {
        let needed = (Swift.max(digits, 1) * 3322 + 999) / 1000
        return WorkingPrecision(bits: needed + guardBits)
    }

    private func make(_ body: (UnsafeMutablePointer<__mpfr_struct>, mpfr_rnd_t) -> Void) -> BigFloat {
        let result = MPFRNumber(bits: bits)
        body(result.pointer, rounding.mpfr)
        return BigFloat(result)
    }

    // MARK: Values

    public func number(_ value: Int) -> BigFloat { make { mpfr_set_si($0, value, $1) } }
    public func number(_ value: Double) -> BigFloat { make { mpfr_set_d($0, value, $1) } }
    public func number(_ value: ExactInt) -> BigFloat {
        make { result, rounding in value.withGMP { _ = mpfr_set_z(result, $0, rounding) } }
    }
    /// Rounds a value already computed at another precision to this one.
    public func number(_ value: BigFloat) -> BigFloat { make { mpfr_set($0, value.number.pointer, $1) } }

    /// A real input that arrived as a decimal in a spec or on the command line and was held as a `Double`:
    /// its shortest round-trip decimal (the text the user wrote, for up to 15 significant digits) parsed
    /// exactly, so that 0.707 enters as 0.707 and not as the nearest double 0.70699999999999996.
    public func number(decimalOf value: Double) -> BigFloat {
        guard value.isFinite, let exact = number(decimal: value.description) else { return number(value) }
        return exact
    }

    /// Parses a decimal (or `e` exponent) literal exactly and rounds it once; nil if it is not a number.
    public func number(decimal text: String) -> BigFloat? {
        var end: UnsafeMutablePointer<CChar>? = nil
        var ok = false
        let value = make { result, rounding in
            text.withCString { start in
                _ = mpfr_strtofr(result, start, &end, 10, rounding)
                ok = end.map { $0.pointee == 0 && $0 != UnsafeMutablePointer(mutating: start) } ?? false
            }
        }
        return ok && !text.isEmpty ? value : nil
    }

    public var pi: BigFloat { make { _ = mpfr_const_pi($0, $1) } }

    // MARK: Arithmetic

    public func add(_ a: BigFloat, _ b: BigFloat) -> BigFloat { make { mpfr_add($0, a.number.pointer, b.number.pointer, $1) } }
    public func subtract(_ a: BigFloat, _ b: BigFloat) -> BigFloat { make { mpfr_sub($0, a.number.pointer, b.number.pointer, $1) } }
    public func multiply(_ a: BigFloat, _ b: BigFloat) -> BigFloat { make { mpfr_mul($0, a.number.pointer, b.number.pointer, $1) } }
    public func divide(_ a: BigFloat, _ b: BigFloat) -> BigFloat { make { mpfr_div($0, a.number.pointer, b.number.pointer, $1) } }
    public func power(_ a: BigFloat, _ b: BigFloat) -> BigFloat { make { mpfr_pow($0, a.number.pointer, b.number.pointer, $1) } }
    public func negate(_ a: BigFloat) -> BigFloat { make { mpfr_neg($0, a.number.pointer, $1) } }

    // MARK: Functions

    public func sqrt(_ a: BigFloat) -> BigFloat { make { mpfr_sqrt($0, a.number.pointer, $1) } }
    public func exp(_ a: BigFloat) -> BigFloat { make { mpfr_exp($0, a.number.pointer, $1) } }
    public func log(_ a: BigFloat) -> BigFloat { make { mpfr_log($0, a.number.pointer, $1) } }
    public func cos(_ a: BigFloat) -> BigFloat { make { mpfr_cos($0, a.number.pointer, $1) } }
    public func sin(_ a: BigFloat) -> BigFloat { make { mpfr_sin($0, a.number.pointer, $1) } }
    public func acos(_ a: BigFloat) -> BigFloat { make { mpfr_acos($0, a.number.pointer, $1) } }
    public func floor(_ a: BigFloat) -> BigFloat {
        make {
            _ = mpfr_floor($0, a.number.pointer); _ = $1
        }
    }
    public func ceil(_ a: BigFloat) -> BigFloat {
        make {
            _ = mpfr_ceil($0, a.number.pointer); _ = $1
        }
    }
}
