import LCPlanPrecision

/// Reads the quantities a spec states as text: token counts, byte sizes, bandwidths, compute rates,
/// durations and fractions. Integer results are exact; a value that is not a whole number of tokens
/// or bytes is an error, never rounded.
public enum QuantityParser {
    /// Why a quantity could not be read; the `expected` text goes into the diagnostic.
    public struct Problem: Error, Equatable {
        public let message: String
        public let expected: String
    }

    public static let tokensExpected =
        "a token count: an integer, or a number with k (x1024), M (x1024^2) or G (x1024^3), e.g. 131072, 128k, 1M"
    public static let bytesExpected =
        "a byte size: an integer number of bytes, or a number with kB, MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB, PiB (powers of 1024), e.g. 141GB, 80GiB"
    public static let bandwidthExpected =
        "a bandwidth: a number with B/s, kB/s, MB/s, GB/s, TB/s, GiB/s... or bits b/s, Mb/s, Gb/s, Tb/s (also Gbps), e.g. 4.8TB/s, 400Gb/s"
    public static let flopRateExpected =
        "a compute rate: a number with FLOPS (or FLOP/s) and an optional prefix k, M, G, T, P, E, e.g. 989TFLOPS"
    public static let durationExpected = "a duration: a number with ns, us, ms, s, min or h, e.g. 50ms, 2s"
    public static let fractionExpected = "a fraction: a number from 0 to 1, or a percentage such as 10%"

    private static let siBytes: [(String, Int)] = [
        ("B", 0), ("kB", 1), ("KB", 1), ("MB", 2), ("GB", 3), ("TB", 4), ("PB", 5), ("EB", 6),
    ]
    private static let iecBytes: [(String, UInt)] = [("KiB", 1), ("MiB", 2), ("GiB", 3), ("TiB", 4), ("PiB", 5), ("EiB", 6)]

    /// Splits `"4.8 TB/s"` into the number and the unit text.
    private static func split(_ text: String) -> (DecimalNumber, String)? {
        let trimmed = text.trimmingWhitespace
        var end = trimmed.startIndex
        var previous: Character? = nil
        while end < trimmed.endIndex {
            let c = trimmed[end]
            let isNumberPart =
                c.isASCII
                && (c.isNumber || c == "." || c == "+" || c == "-"
                    || ((c == "e" || c == "E") && previous?.isNumber == true
                        && trimmed.index(after: end) < trimmed.endIndex
                        && (trimmed[trimmed.index(after: end)].isNumber || "+-".contains(trimmed[trimmed.index(after: end)]))))
            guard isNumberPart else { break }
            previous = c
            end = trimmed.index(after: end)
        }
        guard let number = DecimalNumber(trimmed[..<end]) else { return nil }
        return (number, String(trimmed[end...]).trimmingWhitespace)
    }

    /// A token count: `131072`, `128k`, `1M`, `1.5M`.
    public static func tokens(_ text: String) -> Result<ExactInt, Problem> {
        guard let (number, unit) = split(text) else {
            return .failure(Problem(message: "'\(text)' is not a token count", expected: tokensExpected))
        }
        let exponent: UInt
        switch unit {
        case "": exponent = 0
        case "k", "K": exponent = 1
        case "M": exponent = 2
        case "G": exponent = 3
        default:
            return .failure(Problem(message: "unknown token-count suffix '\(unit)' in '\(text)'", expected: tokensExpected))
        }
        guard let value = number.exactInteger(times: ExactInt(1024).power(exponent)) else {
            return .failure(Problem(message: "'\(text)' is not a whole number of tokens", expected: tokensExpected))
        }
        return .success(value)
    }

    /// A byte size: `141GB` (141e9), `80GiB` (80 x 2^30), `16` (bytes).
    public static func bytes(_ text: String) -> Result<ExactInt, Problem> {
        guard let (number, unit) = split(text) else {
            return .failure(Problem(message: "'\(text)' is not a byte size", expected: bytesExpected))
        }
        var factor: ExactInt? = unit.isEmpty ? .one : nil
        if let si = siBytes.first(where: { $0.0 == unit }) { factor = ExactInt(10).power(UInt(3 * si.1)) }
        if let iec = iecBytes.first(where: { $0.0 == unit }) { factor = ExactInt(1024).power(iec.1) }
        guard let factor else {
            return .failure(Problem(message: "unknown byte unit '\(unit)' in '\(text)'", expected: bytesExpected))
        }
        guard let value = number.exactInteger(times: factor) else {
            return .failure(Problem(message: "'\(text)' is not a whole number of bytes", expected: bytesExpected))
        }
        return .success(value)
    }

    /// A bandwidth in bytes per second: `4.8TB/s`, `900GB/s`, `400Gb/s` (= 50 GB/s), `25GiB/s`.
    public static func bandwidth(_ text: String) -> Result<Double, Problem> {
        guard let (number, unit) = split(text) else {
            return .failure(Problem(message: "'\(text)' is not a bandwidth", expected: bandwidthExpected))
        }
        var body = unit
        var bits = false
        if body.hasSuffix("ps") {
            body.removeLast(2)
            guard body.hasSuffix("b") else {
                return .failure(Problem(message: "unknown bandwidth unit '\(unit)' in '\(text)'", expected: bandwidthExpected))
            }
            body += "/s"
        }
        guard body.hasSuffix("/s") else {
            return .failure(Problem(message: "'\(text)' has no rate unit (/s)", expected: bandwidthExpected))
        }
        body.removeLast(2)
        if body.hasSuffix("b") && !body.hasSuffix("iB") { bits = true; body = String(body.dropLast()) + "B" }
        var factor: Double? = nil
        if let si = siBytes.first(where: { $0.0 == body }) { factor = pow10(3 * si.1) }
        if let iec = iecBytes.first(where: { $0.0 == body }) { factor = pow2(10 * Int(iec.1)) }
        guard let factor else {
            return .failure(Problem(message: "unknown bandwidth unit '\(unit)' in '\(text)'", expected: bandwidthExpected))
        }
        return .success(number.doubleValue * factor / (bits ? 8 : 1))
    }

    /// A compute rate in FLOP/s: `989TFLOPS`, `989.4 TFLOP/s`, `228GFLOPS`.
    public static func flopRate(_ text: String) -> Result<Double, Problem> {
        guard let (number, unit) = split(text) else {
            return .failure(Problem(message: "'\(text)' is not a compute rate", expected: flopRateExpected))
        }
        var body = unit.uppercased()
        if body.hasSuffix("FLOP/S") {
            body.removeLast(6)
        } else if body.hasSuffix("FLOPS") {
            body.removeLast(5)
        } else {
            return .failure(Problem(message: "unknown compute-rate unit '\(unit)' in '\(text)'", expected: flopRateExpected))
        }
        let prefixes = ["": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6]
        guard let exponent = prefixes[body] else {
            return .failure(Problem(message: "unknown prefix '\(body)' in '\(text)'", expected: flopRateExpected))
        }
        return .success(number.doubleValue * pow10(3 * exponent))
    }

    /// A duration in seconds: `50ms`, `2s`, `1.5min`; a bare number is seconds.
    public static func duration(_ text: String) -> Result<Double, Problem> {
        guard let (number, unit) = split(text) else {
            return .failure(Problem(message: "'\(text)' is not a duration", expected: durationExpected))
        }
        let factors: [String: Double] = ["": 1, "s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "min": 60, "h": 3600]
        guard let factor = factors[unit] else {
            return .failure(Problem(message: "unknown time unit '\(unit)' in '\(text)'", expected: durationExpected))
        }
        return .success(number.doubleValue * factor)
    }

    /// A fraction in [0, 1]: `0.1` or `10%`.
    public static func fraction(_ text: String) -> Result<Double, Problem> {
        guard let (number, unit) = split(text), unit.isEmpty || unit == "%" else {
            return .failure(Problem(message: "'\(text)' is not a fraction", expected: fractionExpected))
        }
        let value = number.doubleValue / (unit == "%" ? 100 : 1)
        guard value >= 0 && value <= 1 else {
            return .failure(Problem(message: "\(text) is outside 0 ... 1", expected: fractionExpected))
        }
        return .success(value)
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 10 } }
    private static func pow2(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 2 } }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
