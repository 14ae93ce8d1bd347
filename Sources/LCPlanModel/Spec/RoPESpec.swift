/// Rotary position embedding settings of a model.
public struct RoPESpec: Sendable, Equatable {
    /// The base b (`rope_theta`), kept as the decimal text the source gave, so that MPFR can read it exactly.
    public var theta: String
    /// Rotated channels per head; the rest pass through.
    public var rotaryDim: Int
    /// The context the model was trained at (before any scaling extended it).
    public var trainedContext: Int
    public var scaling: RoPEScaling?
    /// Base of the local (sliding-window) layers when it differs (Gemma 3: 1e4 local, 1e6 global).
    public var localTheta: String?

    public init(theta: String, rotaryDim: Int, trainedContext: Int, scaling: RoPEScaling? = nil, localTheta: String? = nil) {
        self.theta = theta
        self.rotaryDim = rotaryDim
        self.trainedContext = trainedContext
        self.scaling = scaling
        self.localTheta = localTheta
    }

    /// The base as a double.
    public var thetaValue: Double { Double(theta) ?? .nan }
}

/// A RoPE scaling method and its parameters, as Hugging Face transformers' `modeling_rope_utils.py` defines them.
public struct RoPEScaling: Sendable, Equatable {
    public var type: RoPEScalingType
    public var factor: Double
    /// The pre-extension context (`original_max_position_embeddings`).
    public var originalContext: Int?
    public var lowFreqFactor: Double?
    public var highFreqFactor: Double?
    public var betaFast: Double?
    public var betaSlow: Double?
    public var mscale: Double?
    public var mscaleAllDim: Double?
    public var attentionFactor: Double?
    public var truncate: Bool?
    public var shortFactor: [Double]?
    public var longFactor: [Double]?

    public init(
        type: RoPEScalingType, factor: Double, originalContext: Int? = nil, lowFreqFactor: Double? = nil,
        highFreqFactor: Double? = nil, betaFast: Double? = nil, betaSlow: Double? = nil, mscale: Double? = nil,
        mscaleAllDim: Double? = nil, attentionFactor: Double? = nil, truncate: Bool? = nil,
        shortFactor: [Double]? = nil, longFactor: [Double]? = nil
    ) {
        self.type = type
        self.factor = factor
        self.originalContext = originalContext
        self.lowFreqFactor = lowFreqFactor
        self.highFreqFactor = highFreqFactor
        self.betaFast = betaFast
        self.betaSlow = betaSlow
        self.mscale = mscale
        self.mscaleAllDim = mscaleAllDim
        self.attentionFactor = attentionFactor
        self.truncate = truncate
        self.shortFactor = shortFactor
        self.longFactor = longFactor
    }
}

public enum RoPEScalingType: String, Sendable, CaseIterable {
    case linear, ntk, dynamic, yarn, llama3, longrope
}
