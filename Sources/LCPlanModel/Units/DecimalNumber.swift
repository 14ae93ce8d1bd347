import LCPlanPrecision

/// A decimal literal read exactly: `digits * 10^-scale`, e.g. "4.8" is 48 x 10^-1.
///
/// Quantities in specs are parsed through this type so that an integer result (a byte size, a token
/// count) is exact and a fractional one is detected rather than rounded away.
public struct DecimalNumber: Sendable, Equatable {
    public let digits: ExactInt
    public let scale: Int

    /// Parses `[+-]digits[.digits][e[+-]digits]`; nil for anything else, or exponents beyond +-400.
    public init?(_ text: Substring) {
        var rest = text[...]
        var negative = false
        if let first = rest.first, first == "-" || first == "+" {
            negative = first == "-"
            rest = rest.dropFirst()
        }
        var mantissa = ""
        var fraction = 0
        var seenPoint = false
        while let c = rest.first, c.isASCII, c.isNumber || (c == "." && !seenPoint) {
            if c == "." {
                seenPoint = true
            } else {
                mantissa.append(c)
                if seenPoint { fraction += 1 }
            }
            rest = rest.dropFirst()
        }
        guard !mantissa.isEmpty else { return nil }
        var exponent = 0
        if let e = rest.first, e == "e" || e == "E" {
            rest = rest.dropFirst()
            var exponentNegative = false
            if let s = rest.first, s == "-" || s == "+" {
                exponentNegative = s == "-"
                rest = rest.dropFirst()
            }
            guard !rest.isEmpty, rest.count <= 3, rest.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(rest), value <= 400
            else { return nil }
            exponent = exponentNegative ? -value : value
            rest = rest.dropFirst(rest.count)
        }
        guard rest.isEmpty, mantissa.count <= 400, var value = ExactInt(decimal: mantissa) else { return nil }
        var scale = fraction - exponent
        if scale < 0 {
            value = value * ExactInt(10).power(UInt(-scale))
            scale = 0
        }
        digits = negative ? -value : value
        self.scale = scale
    }

    /// The value times an integer factor, if that is a whole number.
    public func exactInteger(times factor: ExactInt = .one) -> ExactInt? {
        let numerator = digits * factor
        let denominator = ExactInt(10).power(UInt(scale))
        guard numerator.isMultiple(of: denominator) else { return nil }
        return numerator.floorDivided(by: denominator)
    }

    /// The nearest double (to within one rounding of the decimal string).
    public var doubleValue: Double {
        Double("\(digits)e-\(scale)") ?? digits.doubleValue
    }

    public var isNegative: Bool { digits.isNegative }
    public var isZero: Bool { digits.isZero }
}
