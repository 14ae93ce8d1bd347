import CGMP

/// An exact integer of any size: the type of every count in lcplan (FLOPs, bytes, parameters, tokens).
///
/// Values that fit a machine word are held inline; an operation whose result would overflow `Int`
/// continues in GMP, so no count can wrap or trap whatever the spec states. The value is immutable
/// and `Sendable`.
public struct ExactInt: Sendable {
    enum Storage: Sendable {
        case small(Int)
        case big(GMPInteger)
    }

    let storage: Storage

    public init(_ value: Int) { storage = .small(value) }

    init(gmp: GMPInteger) {
        if let small = gmp.intValue { storage = .small(small) } else { storage = .big(gmp) }
    }

    private init(storage: Storage) { self.storage = storage }

    /// Parses an optionally signed run of decimal digits; nil for anything else.
    public init?(decimal text: String) {
        var digits = Substring(text)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if let small = Int(text) {
            self.init(small)
            return
        }
        let value = GMPInteger()
        let status = text.withCString { __gmpz_set_str(value.pointer, $0, 10) }
        guard status == 0 else { return nil }
        self.init(gmp: value)
    }

    public static let zero = ExactInt(0)
    public static let one = ExactInt(1)

    /// The value as a GMP integer (a fresh copy for small values).
    func withGMP<R>(_ body: (UnsafePointer<__mpz_struct>) -> R) -> R {
        switch storage {
        case .big(let value): return body(value.pointer)
        case .small(let value):
            let temporary = GMPInteger(value)
            return body(temporary.pointer)
        }
    }

    /// The value as an `Int` when it fits in one.
    public var intValue: Int? {
        switch storage {
        case .small(let value): return value
        case .big: return nil
        }
    }

    /// The nearest `Double` (GMP truncates toward zero beyond 2^53; callers use it only for display and ratios).
    public var doubleValue: Double {
        switch storage {
        case .small(let value): return Double(value)
        case .big(let value): return value.doubleValue
        }
    }

    public var signum: Int {
        switch storage {
        case .small(let value): return value.signum()
        case .big(let value): return value.sign
        }
    }

    public var isZero: Bool { signum == 0 }
    public var isNegative: Bool { signum < 0 }
}

extension ExactInt: CustomStringConvertible, LosslessStringConvertible {
    public init?(_ description: String) { self.init(decimal: description) }

    /// Every digit, no separators: `"1606938044258990275541962092341162602522202993782792835301376"`.
    public var description: String {
        switch storage {
        case .small(let value): return String(value)
        case .big(let value): return value.decimal
        }
    }
}

extension ExactInt: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension ExactInt: Comparable, Hashable {
    public static func == (lhs: ExactInt, rhs: ExactInt) -> Bool { compare(lhs, rhs) == 0 }
    public static func < (lhs: ExactInt, rhs: ExactInt) -> Bool { compare(lhs, rhs) < 0 }

    static func compare(_ lhs: ExactInt, _ rhs: ExactInt) -> Int {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            return a < b ? -1 : (a == b ? 0 : 1)
        }
        return lhs.withGMP { a in rhs.withGMP { b in Int(__gmpz_cmp(a, b).signum()) } }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension ExactInt {
    public static func + (lhs: ExactInt, rhs: ExactInt) -> ExactInt {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if !overflow { return ExactInt(sum) }
        }
        return binary(lhs, rhs, __gmpz_add)
    }

    public static func - (lhs: ExactInt, rhs: ExactInt) -> ExactInt {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            let (difference, overflow) = a.subtractingReportingOverflow(b)
            if !overflow { return ExactInt(difference) }
        }
        return binary(lhs, rhs, __gmpz_sub)
    }

    public static func * (lhs: ExactInt, rhs: ExactInt) -> ExactInt {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            if !overflow { return ExactInt(product) }
        }
        return binary(lhs, rhs, __gmpz_mul)
    }

    public static prefix func - (value: ExactInt) -> ExactInt { ExactInt.zero - value }

    public static func += (lhs: inout ExactInt, rhs: ExactInt) { lhs = lhs + rhs }
    public static func -= (lhs: inout ExactInt, rhs: ExactInt) { lhs = lhs - rhs }
    public static func *= (lhs: inout ExactInt, rhs: ExactInt) { lhs = lhs * rhs }

    /// Quotient rounded toward negative infinity; nil when `divisor` is zero.
    public func floorDivided(by divisor: ExactInt) -> ExactInt? {
        guard !divisor.isZero else { return nil }
        if case .small(let a) = storage, case .small(let b) = divisor.storage, !(a == .min && b == -1) {
            let (quotient, remainder) = a.quotientAndRemainder(dividingBy: b)
            return ExactInt((remainder != 0 && (remainder < 0) != (b < 0)) ? quotient - 1 : quotient)
        }
        return ExactInt.binary(self, divisor, __gmpz_fdiv_q)
    }

    /// Quotient rounded toward positive infinity; nil when `divisor` is zero.
    public func ceilDivided(by divisor: ExactInt) -> ExactInt? {
        guard !divisor.isZero else { return nil }
        return ExactInt.binary(self, divisor, __gmpz_cdiv_q)
    }

    /// Remainder of floor division (same sign as the divisor); nil when `divisor` is zero.
    public func modulo(_ divisor: ExactInt) -> ExactInt? {
        guard !divisor.isZero else { return nil }
        return ExactInt.binary(self, divisor, __gmpz_fdiv_r)
    }

    /// True when `divisor` is non-zero and divides the value exactly.
    public func isMultiple(of divisor: ExactInt) -> Bool { modulo(divisor)?.isZero ?? false }

    /// `self` raised to a non-negative power.
    public func power(_ exponent: UInt) -> ExactInt {
        ExactInt(gmp: GMPInteger.make { result in withGMP { __gmpz_pow_ui(result, $0, exponent) } })
    }

    /// n! for n >= 0.
    public static func factorial(_ n: UInt) -> ExactInt {
        ExactInt(gmp: GMPInteger.make { __gmpz_fac_ui($0, n) })
    }

    public static func min(_ a: ExactInt, _ b: ExactInt) -> ExactInt { a < b ? a : b }
    public static func max(_ a: ExactInt, _ b: ExactInt) -> ExactInt { a < b ? b : a }

    private static func binary(
        _ lhs: ExactInt, _ rhs: ExactInt,
        _ operation: (UnsafeMutablePointer<__mpz_struct>?, UnsafePointer<__mpz_struct>?, UnsafePointer<__mpz_struct>?) -> Void
    ) -> ExactInt {
        ExactInt(
            gmp: GMPInteger.make { result in
                lhs.withGMP { a in rhs.withGMP { b in operation(result, a, b) } }
            })
    }
}

extension Sequence where Element == ExactInt {
    /// The exact sum of the elements.
    public func sum() -> ExactInt { reduce(ExactInt.zero, +) }
}
