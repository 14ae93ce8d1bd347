import LCPlanModel
import LCPlanPrecision

/// The rotation frequencies of a model's RoPE after its scaling method, in arbitrary precision.
///
/// Pair j (j = 0 ..< r/2) of a head turns by m x theta_j at position m, theta_j = b^(-2j/r)
/// (Su et al., arXiv 2104.09864). Scaling methods transform the theta_j and may scale attention logits,
/// as Hugging Face transformers `src/transformers/modeling_rope_utils.py` defines them (defaults where a
/// config omits a key: YaRN beta_fast 32 and beta_slow 1, that file's; llama3 low_freq_factor 1 and
/// high_freq_factor 4, the values of Llama 3.1's `config.json`, which transformers requires):
/// linear divides every theta_j by s; ntk raises the base to b s^(r/(r-2)); dynamic NTK to
/// b (s n / L_max - (s - 1))^(r/(r-2)) at sequence length n > L_max; yarn blends theta_j/s and theta_j with a
/// ramp between two correction dims; llama3 keeps short wavelengths, divides long ones by s and blends
/// between; longrope divides by per-pair factors.
public struct RoPEFrequencies: Sendable {
    /// theta_j for j = 0 ..< r/2, effective (after scaling).
    public let theta: [BigFloat]
    /// theta_j without scaling.
    public let baseTheta: [BigFloat]
    /// Multiplies cos and sin (logits scale by its square); 1 without scaling.
    public let attentionFactor: BigFloat
    /// How many pairs a method left unchanged, blended, and scaled (llama3 and yarn), for the report.
    public let unchangedPairs: Int
    public let blendedPairs: Int
    public let scaledPairs: Int
    /// yarn's correction range [low, high] (after truncation), if yarn.
    public let yarnRange: (low: Double, high: Double)?
    public let rotaryDim: Int
    public let precision: WorkingPrecision

    /// The base b, parsed exactly from its decimal text; nil if the text is not a positive number.
    public static func base(_ text: String, _ wp: WorkingPrecision) -> BigFloat? {
        guard let value = wp.number(decimal: text), value.sign > 0 else { return nil }
        return value
    }

    /// Frequencies of `rope` evaluated for sequence length `length` (used by dynamic NTK and longrope).
    public init?(_ rope: RoPESpec, maxContext: Int, length: Int, precision wp: WorkingPrecision, theta baseText: String? = nil) {
        guard let b = Self.base(baseText ?? rope.theta, wp), rope.rotaryDim >= 2 else { return nil }
        let r = rope.rotaryDim
        let pairs = r / 2
        let rBig = wp.number(r)
        precision = wp
        rotaryDim = r
        func thetas(base: BigFloat) -> [BigFloat] {
            (0..<pairs).map { j in
                // b^(-2j/r) = exp(-(2j/r) ln b)
                wp.exp(wp.negate(wp.multiply(wp.divide(wp.number(2 * j), rBig), wp.log(base))))
            }
        }
        let original = thetas(base: b)
        baseTheta = original
        var result = original
        var factor = wp.number(1)
        var unchanged = pairs, blended = 0, scaled = 0
        var range: (Double, Double)? = nil
        if let scaling = rope.scaling {
            let s = wp.number(decimalOf: scaling.factor)
            let exponent = wp.divide(rBig, wp.number(r - 2))
            switch scaling.type {
            case .linear:
                result = original.map { wp.divide($0, s) }
                (unchanged, scaled) = (0, pairs)
            case .ntk:
                result = thetas(base: wp.multiply(b, wp.power(s, exponent)))
                (unchanged, scaled) = (0, pairs)
            case .dynamic:
                let limit = scaling.originalContext ?? maxContext
                if length > limit {
                    // b' = b (s n / L_max - (s - 1))^(r/(r-2))
                    let inner = wp.subtract(
                        wp.divide(wp.multiply(s, wp.number(length)), wp.number(limit)),
                        wp.subtract(s, wp.number(1)))
                    result = thetas(base: wp.multiply(b, wp.power(inner, exponent)))
                    (unchanged, scaled) = (0, pairs)
                }
            case .yarn:
                let originalContext = wp.number(scaling.originalContext ?? maxContext)
                let twoPi = wp.multiply(wp.number(2), wp.pi)
                func correctionDim(_ rotations: Double) -> BigFloat {
                    // D(x) = r ln(L_orig / (2 pi x)) / (2 ln b)
                    wp.divide(
                        wp.multiply(rBig, wp.log(wp.divide(originalContext, wp.multiply(twoPi, wp.number(decimalOf: rotations))))),
                        wp.multiply(wp.number(2), wp.log(b)))
                }
                let truncate = scaling.truncate ?? true
                var low = correctionDim(scaling.betaFast ?? 32)
                var high = correctionDim(scaling.betaSlow ?? 1)
                if truncate { low = wp.floor(low); high = wp.ceil(high) }
                if low.sign < 0 { low = wp.number(0) }
                if high.compare(to: wp.number(r - 1)) == 1 { high = wp.number(r - 1) }
                if low.compare(to: high) == 0 { high = wp.add(high, wp.number(decimalOf: 0.001)) }
                range = (low.doubleValue, high.doubleValue)
                let span = wp.subtract(high, low)
                unchanged = 0; blended = 0; scaled = 0
                result = original.enumerated().map { j, theta in
                    var ramp = wp.divide(wp.subtract(wp.number(j), low), span)
                    if ramp.sign < 0 { ramp = wp.number(0) }
                    if ramp.compare(to: wp.number(1)) == 1 { ramp = wp.number(1) }
                    // theta'_j = (theta_j / s) g_j + theta_j (1 - g_j), g_j the ramp (rope.md sec. 4).
                    if ramp.isZero { unchanged += 1 } else if ramp.compare(to: wp.number(1)) == 0 { scaled += 1 } else { blended += 1 }
                    return wp.add(wp.multiply(wp.divide(theta, s), ramp), wp.multiply(theta, wp.subtract(wp.number(1), ramp)))
                }
                factor = Self.yarnAttentionFactor(scaling, wp)
            case .llama3:
                let originalContext = wp.number(scaling.originalContext ?? 8192)
                let lowFactor = wp.number(decimalOf: scaling.lowFreqFactor ?? 1),
                    highFactor = wp.number(decimalOf: scaling.highFreqFactor ?? 4)
                let lowWavelength = wp.divide(originalContext, lowFactor)
                let highWavelength = wp.divide(originalContext, highFactor)
                let twoPi = wp.multiply(wp.number(2), wp.pi)
                unchanged = 0; blended = 0; scaled = 0
                result = original.map { theta in
                    let wavelength = wp.divide(twoPi, theta)
                    if wavelength.compare(to: highWavelength) == -1 { unchanged += 1; return theta }
                    if wavelength.compare(to: lowWavelength) == 1 { scaled += 1; return wp.divide(theta, s) }
                    blended += 1
                    // gamma = (L_orig / lambda - low) / (high - low); theta' = (1 - gamma) theta / s + gamma theta
                    let gamma = wp.divide(
                        wp.subtract(wp.divide(originalContext, wavelength), lowFactor), wp.subtract(highFactor, lowFactor))
                    return wp.add(wp.multiply(wp.subtract(wp.number(1), gamma), wp.divide(theta, s)), wp.multiply(gamma, theta))
                }
            case .longrope:
                let originalContext = scaling.originalContext ?? 4096
                let factors = (length > originalContext ? scaling.longFactor : scaling.shortFactor) ?? []
                if factors.count == pairs {
                    result = zip(original, factors).map { wp.divide($0, wp.number(decimalOf: $1)) }
                    (unchanged, scaled) = (0, pairs)
                }
                if let explicit = scaling.attentionFactor {
                    factor = wp.number(decimalOf: explicit)
                } else if scaling.factor > 1 {
                    // sqrt(1 + ln s / ln L_orig)
                    factor = wp.sqrt(wp.add(wp.number(1), wp.divide(wp.log(s), wp.log(wp.number(originalContext)))))
                }
            }
        }
        theta = result
        attentionFactor = factor
        unchangedPairs = unchanged
        blendedPairs = blended
        scaledPairs = scaled
        yarnRange = range
    }

    /// yarn's attention factor: explicit if given; else f(s, mscale)/f(s, mscale_all_dim) when both are
    /// given; else f(s, 1); f(s, m) = 1 if s <= 1, else 0.1 m ln s + 1.
    static func yarnAttentionFactor(_ scaling: RoPEScaling, _ wp: WorkingPrecision) -> BigFloat {
        if let explicit = scaling.attentionFactor { return wp.number(decimalOf: explicit) }
        if let m = scaling.mscale, let all = scaling.mscaleAllDim {
            return wp.divide(mscaleFunction(scaling.factor, m, wp), mscaleFunction(scaling.factor, all, wp))
        }
        return mscaleFunction(scaling.factor, 1, wp)
    }

    /// f(s, m) = 1 if s <= 1, else 0.1 m ln(s) + 1 (DeepSeek-V2 `yarn_get_mscale`).
    public static func mscaleFunction(_ s: Double, _ m: Double, _ wp: WorkingPrecision) -> BigFloat {
        guard s > 1 else { return wp.number(1) }
        return wp.add(
            wp.multiply(wp.multiply(wp.number(decimalOf: 0.1), wp.number(decimalOf: m)), wp.log(wp.number(decimalOf: s))), wp.number(1))
    }

    /// The slowest pair's frequency, theta_min.
    public var slowest: BigFloat { theta.last ?? precision.number(1) }
    /// The fastest pair's frequency.
    public var fastest: BigFloat { theta.first ?? precision.number(1) }

    /// The base a default (unscaled) RoPE would need to have the same slowest frequency:
    /// b_eff = theta_min^(-r/(r-2)).
    public var effectiveBase: BigFloat {
        let wp = precision
        return wp.power(slowest, wp.negate(wp.divide(wp.number(rotaryDim), wp.number(rotaryDim - 2))))
    }
}
