import LCPlanPrecision

/// The arithmetic the memory formulas need, so that one formula serves both the exact report
/// (`ExactInt`, GMP beyond a machine word) and the fast layout search (`Double`, exact for integers
/// below 2^53, which every per-device byte count of a real plan is).
public protocol CountArithmetic: Sendable {
    init(_ value: Int)
    /// The value of an exact integer (the nearest double for `Double`).
    init(exact value: ExactInt)
    static func + (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    /// ceil(self / divisor) for a positive divisor.
    func ceilDiv(_ divisor: Self) -> Self
    /// The smaller of two values.
    static func smaller(_ a: Self, _ b: Self) -> Self
    /// Whether self > other.
    func exceeds(_ other: Self) -> Bool
}

extension ExactInt: CountArithmetic {
    @inlinable public init(exact value: ExactInt) { self = value }
    @inlinable public func ceilDiv(_ divisor: ExactInt) -> ExactInt { ceilDivided(by: divisor) ?? self }
    @inlinable public static func smaller(_ a: ExactInt, _ b: ExactInt) -> ExactInt { min(a, b) }
    @inlinable public func exceeds(_ other: ExactInt) -> Bool { self > other }
}

extension Double: CountArithmetic {
    @inlinable public init(exact value: ExactInt) { self = value.doubleValue }
    @inlinable public func ceilDiv(_ divisor: Double) -> Double { (self / divisor).rounded(.up) }
    @inlinable public static func smaller(_ a: Double, _ b: Double) -> Double { Swift.min(a, b) }
    @inlinable public func exceeds(_ other: Double) -> Bool { self > other }
}
