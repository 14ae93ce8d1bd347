import LCPlanPrecision

/// A number of bytes, exact. Formats itself with decimal units (`42.9 GB`), as memory vendors quote them.
public struct Bytes: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let value: ExactInt
    public init(_ value: ExactInt) { self.value = value }
    public init(_ value: Int) { self.value = ExactInt(value) }
    public static func < (a: Bytes, b: Bytes) -> Bool { a.value < b.value }
    public var description: String { UnitFormat.scaled(value.doubleValue, unit: "B", base: 1000) }
    /// The same size with binary units (`40.0 GiB`).
    public var binaryDescription: String { UnitFormat.scaled(value.doubleValue, unit: "iB", base: 1024) }
}

/// A number of floating-point operations (one multiply or one add each), exact. Formats as `1.2 PFLOP`.
public struct FLOPs: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let value: ExactInt
    public init(_ value: ExactInt) { self.value = value }
    public static func < (a: FLOPs, b: FLOPs) -> Bool { a.value < b.value }
    public var description: String { UnitFormat.scaled(value.doubleValue, unit: "FLOP", base: 1000) }
}

/// A data rate in bytes per second (a real quantity). Formats as `4.8 TB/s`.
public struct Bandwidth: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let bytesPerSecond: Double
    public init(bytesPerSecond: Double) { self.bytesPerSecond = bytesPerSecond }
    public static func < (a: Bandwidth, b: Bandwidth) -> Bool { a.bytesPerSecond < b.bytesPerSecond }
    public var description: String { UnitFormat.scaled(bytesPerSecond, unit: "B/s", base: 1000) }
}

/// A compute rate in FLOP per second. Formats as `989 TFLOP/s`.
public struct FLOPRate: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let flopsPerSecond: Double
    public init(flopsPerSecond: Double) { self.flopsPerSecond = flopsPerSecond }
    public static func < (a: FLOPRate, b: FLOPRate) -> Bool { a.flopsPerSecond < b.flopsPerSecond }
    public var description: String { UnitFormat.scaled(flopsPerSecond, unit: "FLOP/s", base: 1000) }
}

/// A duration in seconds. Formats with the unit that keeps 1-3 integer digits (`50.0 ms`, `2.00 s`).
public struct Seconds: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let value: Double
    public init(_ value: Double) { self.value = value }
    public static func < (a: Seconds, b: Seconds) -> Bool { a.value < b.value }
    public var description: String {
        let magnitude = abs(value)
        if magnitude == 0 { return "0 s" }
        if magnitude >= 3600 { return UnitFormat.threeDigits(value / 3600) + " h" }
        if magnitude >= 60 { return UnitFormat.threeDigits(value / 60) + " min" }
        if magnitude >= 1 { return UnitFormat.threeDigits(value) + " s" }
        if magnitude >= 1e-3 { return UnitFormat.threeDigits(value * 1e3) + " ms" }
        if magnitude >= 1e-6 { return UnitFormat.threeDigits(value * 1e6) + " us" }
        return UnitFormat.threeDigits(value * 1e9) + " ns"
    }
}

/// Number formatting shared by the unit types: three significant digits, SI prefixes.
public enum UnitFormat {
    static let prefixes = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"]
    static let binaryPrefixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]

    /// `value` scaled by powers of `base` (1000 or 1024) to between 1 and `base`, with three significant digits.
    public static func scaled(_ value: Double, unit: String, base: Double) -> String {
        guard value.isFinite else { return "\(value) \(unit)" }
        if value == 0 { return base == 1024 ? "0 B" : "0 " + unit }
        var scaled = abs(value)
        var index = 0
        while scaled >= base && index < prefixes.count - 1 {
            scaled /= base
            index += 1
        }
        let sign = value < 0 ? "-" : ""
        if base == 1024 {
            let name = index == 0 ? "B" : binaryPrefixes[index] + "B"
            return sign + threeDigits(scaled) + " " + name
        }
        return sign + threeDigits(scaled) + " " + prefixes[index] + unit
    }

    /// Three significant digits, fixed notation: `42.9`, `1.20`, `512`.
    public static func threeDigits(_ value: Double) -> String {
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 0 : (magnitude >= 10 ? 1 : 2)
        return fixed(value, decimals: decimals)
    }

    /// `value` rounded half away from zero to `decimals` places, without Foundation's locale-dependent formatting.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return String(value) }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let rounded = (abs(value) * factor).rounded(.toNearestOrAwayFromZero)
        guard rounded < 9e18 else { return String(value) }
        let integer = Int(rounded)
        let whole = integer / Int(factor)
        let fraction = integer % Int(factor)
        var text = String(whole)
        if decimals > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return (value < 0 && integer != 0 ? "-" : "") + text
    }

    /// An integer with thin grouping commas: `8,030,261,248`.
    public static func grouped(_ value: ExactInt) -> String {
        let digits = value.description
        let negative = digits.hasPrefix("-")
        let body = negative ? String(digits.dropFirst()) : digits
        let count = body.utf8.count
        var out = ""
        out.reserveCapacity(count + count / 3)
        for (offset, character) in body.enumerated() {
            if offset > 0 && (count - offset) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (negative ? "-" : "") + out
    }
}
