/// A resolved model description: every field known, presets expanded. Shape fields are `Int`, checked
/// at load time to lie in the ranges the loader accepts (at most 2^24 for shapes), so that the
/// calculators' exact arithmetic starts from trusted values.
public struct ModelSpec: Sendable, Equatable {
    public var name: String
    public var layers: Int
    public var hidden: Int
    /// Query heads (0 for a model with no attention layers).
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    /// Dense FFN inner size.
    public var ffn: Int
    public var ffnKind: FFNKind
    public var activation: String
    public var vocab: Int
    public var tiedEmbeddings: Bool
    /// Biases on the Q, K and V projections only (Qwen2).
    public var qkvBias: Bool
    /// Biases on every linear layer and norm (GPT-2, OPT, GPT-NeoX).
    public var linearBias: Bool
    public var norm: NormKind
    /// Norms per layer: 2 (pre-attention, pre-FFN), or 4 with Gemma 2/3's extra post-norms.
    public var normsPerLayer: Int
    /// Per-head RMSNorm on queries and keys (Gemma 3, Qwen3): head_dim weights each.
    public var qkNorm: Bool
    public var positions: PositionKind
    public var maxContext: Int
    public var attention: AttentionSpec
    public var moe: MoESpec?
    public var ssm: SSMSpec?
    public var rope: RoPESpec?
    /// Where the figures come from, and how sure we are of them.
    public var source: String
    public var confidence: Confidence
    /// The rotary configuration a released model's own config.json publishes, and the context it states
    /// (`max_position_embeddings`): evidence that this configuration works at that length. Set by the Hugging
    /// Face importer; a spec that changes the rotary embedding no longer matches it.
    public var publishedRoPE: PublishedRoPE? = nil

    public init(
        name: String, layers: Int, hidden: Int, heads: Int, kvHeads: Int, headDim: Int, ffn: Int,
        ffnKind: FFNKind = .gated, activation: String = "silu", vocab: Int, tiedEmbeddings: Bool = false,
        qkvBias: Bool = false, linearBias: Bool = false, norm: NormKind = .rmsnorm, normsPerLayer: Int = 2, qkNorm: Bool = false,
        positions: PositionKind = .rope,
        maxContext: Int, attention: AttentionSpec = AttentionSpec(), moe: MoESpec? = nil, ssm: SSMSpec? = nil,
        rope: RoPESpec? = nil, source: String = "user spec", confidence: Confidence = .user
    ) {
        self.name = name
        self.layers = layers
        self.hidden = hidden
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.ffn = ffn
        self.ffnKind = ffnKind
        self.activation = activation
        self.vocab = vocab
        self.tiedEmbeddings = tiedEmbeddings
        self.qkvBias = qkvBias
        self.linearBias = linearBias
        self.norm = norm
        self.normsPerLayer = normsPerLayer
        self.qkNorm = qkNorm
        self.positions = positions
        self.maxContext = maxContext
        self.attention = attention
        self.moe = moe
        self.ssm = ssm
        self.rope = rope
        self.source = source
        self.confidence = confidence
    }

    /// A rotary configuration and the context its publisher states for it.
    public struct PublishedRoPE: Sendable, Equatable {
        public let rope: RoPESpec
        public let context: Int
        public init(_ rope: RoPESpec, context: Int) {
            self.rope = rope
            self.context = context
        }
    }

    /// The kind of each layer, from `attention.pattern` repeated over the depth (all `global` when absent,
    /// all `ssm` for a model with no attention heads).
    public var layerKinds: [LayerKind] {
        if let pattern = attention.pattern, !pattern.isEmpty {
            return (0..<layers).map { pattern[$0 % pattern.count] }
        }
        let kind: LayerKind = heads == 0 ? .ssm : (attention.window != nil ? .local : .global)
        return Array(repeating: kind, count: layers)
    }

    /// Whether layer `index` (0-based) has a mixture-of-experts FFN.
    public func isMoELayer(_ index: Int) -> Bool {
        guard let moe else { return false }
        guard index >= moe.denseLayers else { return false }
        return moe.every <= 1 || index % moe.every == moe.offset % moe.every
    }
}

public enum FFNKind: String, Sendable, CaseIterable { case gated, plain, none }
public enum NormKind: String, Sendable, CaseIterable { case rmsnorm, layernorm }
public enum PositionKind: String, Sendable, CaseIterable { case rope, learned, none }
public enum LayerKind: String, Sendable, CaseIterable { case global, local, linear, ssm }
public enum AttentionKind: String, Sendable, CaseIterable { case mha, gqa, mqa, mla }

/// How sure the catalogue is of a figure: checked against a public copy of the source, widely quoted
/// but not re-checked, or given by the user.
public enum Confidence: String, Sendable, CaseIterable { case checked, quoted, measured, stated, user }

public struct AttentionSpec: Sendable, Equatable {
    public var kind: AttentionKind
    public var mla: MLASpec?
    /// Sliding-window size in tokens for `local` layers.
    public var window: Int?
    /// Layer kinds, repeated cyclically over the layers.
    public var pattern: [LayerKind]?

    public init(kind: AttentionKind = .gqa, mla: MLASpec? = nil, window: Int? = nil, pattern: [LayerKind]? = nil) {
        self.kind = kind
        self.mla = mla
        self.window = window
        self.pattern = pattern
    }
}

/// Multi-head latent attention ranks (DeepSeek-V2, arXiv 2405.04434 sec. 2.1).
public struct MLASpec: Sendable, Equatable {
    /// Rank of the query compression; nil when queries are projected directly (DeepSeek-V2-Lite).
    public var qLoraRank: Int?
    public var kvLoraRank: Int
    public var qkNopeHeadDim: Int
    public var qkRopeHeadDim: Int
    public var vHeadDim: Int

    public init(qLoraRank: Int?, kvLoraRank: Int, qkNopeHeadDim: Int, qkRopeHeadDim: Int, vHeadDim: Int) {
        self.qLoraRank = qLoraRank
        self.kvLoraRank = kvLoraRank
        self.qkNopeHeadDim = qkNopeHeadDim
        self.qkRopeHeadDim = qkRopeHeadDim
        self.vHeadDim = vHeadDim
    }
}

/// Mixture of experts: which layers route, and how many experts each token uses.
public struct MoESpec: Sendable, Equatable {
    public var experts: Int
    /// Routed experts per token (top-k).
    public var active: Int
    /// Shared experts every token uses.
    public var shared: Int
    /// Inner size of one expert's FFN.
    public var expertFfn: Int
    /// The first `denseLayers` layers use the dense FFN.
    public var denseLayers: Int
    /// MoE on every `every`-th layer, starting at `offset` (Jamba: every 2, offset 1).
    public var every: Int
    public var offset: Int
    /// A learned per-expert routing bias (DeepSeek-V3's `e_score_correction_bias`).
    public var routerBias: Bool

    public init(
        experts: Int, active: Int, shared: Int = 0, expertFfn: Int, denseLayers: Int = 0,
        every: Int = 1, offset: Int = 0, routerBias: Bool = false
    ) {
        self.experts = experts
        self.active = active
        self.shared = shared
        self.expertFfn = expertFfn
        self.denseLayers = denseLayers
        self.every = every
        self.offset = offset
        self.routerBias = routerBias
    }
}

/// Selective state-space (Mamba) layer sizes (Gu and Dao, arXiv 2312.00752; `state-spaces/mamba`).
public struct SSMSpec: Sendable, Equatable {
    public var state: Int
    public var conv: Int
    public var expand: Int
    /// Rank of the time-step projection; Mamba's default is ceil(hidden / 16).
    public var dtRank: Int

    public init(state: Int, conv: Int, expand: Int, dtRank: Int) {
        self.state = state
        self.conv = conv
        self.expand = expand
        self.dtRank = dtRank
    }
}
