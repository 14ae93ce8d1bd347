import CMPFR

/// Owns one MPFR number at a stable heap address. Never mutated after it is wrapped in a `BigFloat`.
final class MPFRNumber: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<__mpfr_struct>

    init(bits: Int) {
        pointer = .allocate(capacity: 1)
        mpfr_init2(pointer, mpfr_prec_t(bits))
    }

    deinit {
        mpfr_clear(pointer)
        pointer.deallocate()
    }
}

/// An arbitrary-precision binary floating-point number (MPFR), carrying the precision in bits it was
/// rounded to. Values are immutable; every operation that makes one is a method of
/// `WorkingPrecision`, which names the precision and the rounding explicitly.
public struct BigFloat: Sendable {
    let number: MPFRNumber

    init(_ number: MPFRNumber) { self.number = number }

    /// The precision of this value, in bits of significand.
    public var precision: Int { Int(mpfr_get_prec(number.pointer)) }

    /// The nearest `Double`.
    public var doubleValue: Double { mpfr_get_d(number.pointer, MPFR_RNDN) }

    public var isNaN: Bool { mpfr_nan_p(number.pointer) != 0 }
    public var isFinite: Bool { mpfr_number_p(number.pointer) != 0 }
    public var isZero: Bool { mpfr_zero_p(number.pointer) != 0 }
    public var sign: Int { Int(mpfr_sgn(number.pointer)) }

    /// Three-way comparison; NaN compares as unordered (nil).
    public func compare(to other: BigFloat) -> Int? {
        guard !isNaN, !other.isNaN else { return nil }
        return Int(mpfr_cmp(number.pointer, other.number.pointer).signum())
    }

    /// The value rounded to an integer toward negative infinity, exactly; nil for NaN or infinities.
    public var floorInteger: ExactInt? { integer(MPFR_RNDD) }

    /// The value rounded to an integer toward positive infinity, exactly; nil for NaN or infinities.
    public var ceilInteger: ExactInt? { integer(MPFR_RNDU) }

    private func integer(_ rounding: mpfr_rnd_t) -> ExactInt? {
        guard isFinite else { return nil }
        let result = GMPInteger()
        mpfr_get_z(result.pointer, number.pointer, rounding)
        return ExactInt(gmp: result)
    }

    /// The value as a decimal string with `digits` significant digits, correctly rounded to nearest.
    ///
    /// Plain notation when the decimal exponent is at least -5 and the integer part needs no more
    /// digits than requested (`"20860.757"`, `"0.000125"`), scientific otherwise (`"1.8446744e+19"`):
    /// no digit is ever padded in that was not computed. Trailing zeros are kept so every requested
    /// digit shows. `roundingUp` rounds toward +infinity instead (a lower bound that must still hold as shown).
    public func decimalString(digits: Int, roundingUp: Bool = false) -> String {
        if isNaN { return "nan" }
        if !isFinite { return sign < 0 ? "-inf" : "inf" }
        let count = Swift.max(1, digits)
        if isZero { return count == 1 ? "0" : "0." + String(repeating: "0", count: count - 1) }
        var exponent: mpfr_exp_t = 0
        guard let raw = mpfr_get_str(nil, &exponent, 10, count, number.pointer, roundingUp ? MPFR_RNDU : MPFR_RNDN) else { return "nan" }
        defer { mpfr_free_str(raw) }
        var mantissa = String(cString: raw)
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        // The value is 0.<mantissa> x 10^exponent; the first digit sits at 10^(exponent-1).
        let pointPosition = exponent
        let scientificExponent = exponent - 1
        var text: String
        if scientificExponent >= -5 && pointPosition <= mantissa.count {
            if pointPosition <= 0 {
                text = "0." + String(repeating: "0", count: -pointPosition) + mantissa
            } else if pointPosition == mantissa.count {
                text = mantissa
            } else {
                let split = mantissa.index(mantissa.startIndex, offsetBy: pointPosition)
                text = String(mantissa[..<split]) + "." + String(mantissa[split...])
            }
        } else {
            let head = String(mantissa.prefix(1))
            let tail = String(mantissa.dropFirst())
            let sign = scientificExponent < 0 ? "-" : "+"
            let magnitude = String(abs(scientificExponent))
            text = head + (tail.isEmpty ? "" : "." + tail) + "e" + sign + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        return negative ? "-" + text : text
    }
}

/// How an operation rounds its exact result to the working precision.
public enum Rounding: Sendable {
    case nearest, towardZero, up, down

    var mpfr: mpfr_rnd_t {
        switch self {
        case .nearest: return MPFR_RNDN
        case .towardZero: return MPFR_RNDZ
        case .up: return MPFR_RNDU
        case .down: return MPFR_RNDD
        }
    }
}
