/// Number formats the kernels emulate on fp32 and fp64 values, by rounding to nearest, ties to even.
public enum KernelFormat: String, Sendable, CaseIterable {
    case fp32, fp16, bf16, fp8e4m3, fp8e5m2

    /// Significand bits after the leading one, the smallest normal exponent, and the largest finite value.
    public var mantissaBits: Int {
        switch self {
        case .fp32: return 23
        case .fp16: return 10
        case .bf16: return 7
        case .fp8e4m3: return 3
        case .fp8e5m2: return 2
        }
    }

    public var minExponent: Int {
        switch self {
        case .fp32, .bf16: return -126
        case .fp16: return -14
        case .fp8e4m3: return -6
        case .fp8e5m2: return -14
        }
    }

    /// OCP E4M3FN tops out at 448 (no infinity), E5M2 at 57,344 (OCP 8-bit Floating Point Specification
    /// (OFP8) revision 1.0, table 1).
    public var maxFinite: Double {
        switch self {
        case .fp32: return Double(Float.greatestFiniteMagnitude)
        case .fp16: return 65504
        case .bf16: return Double(Float(bitPattern: 0x7F7F_0000))
        case .fp8e4m3: return 448
        case .fp8e5m2: return 57344
        }
    }

    /// `x` rounded to this format (saturating at the largest finite value, subnormals kept).
    public func round(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        let magnitude = abs(x)
        let exponent = max(Int(magnitude.exponent), minExponent)
        let quantum = Double(sign: .plus, exponent: exponent - mantissaBits, significand: 1)
        var rounded = (magnitude / quantum).rounded(.toNearestOrEven) * quantum
        if rounded > maxFinite { rounded = maxFinite }
        return x < 0 ? -rounded : rounded
    }

    /// Half the gap between this format's neighbours at `x`: the largest rounding error there.
    public func halfULP(_ x: Double) -> Double {
        let exponent = max(Int(abs(x).exponent), minExponent)
        return Double(sign: .plus, exponent: exponent - mantissaBits - 1, significand: 1)
    }
}
