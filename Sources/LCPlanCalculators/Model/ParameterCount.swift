import LCPlanModel
import LCPlanPrecision

/// Exact parameter counts of a model, total and active, broken down by part.
///
/// Counted as the weights a checkpoint stores: every matrix and bias, every norm's scale (and shift
/// for LayerNorm), embeddings, and the output layer unless it is tied. Conventions follow the models'
/// reference implementations (Hugging Face transformers `modeling_llama.py`, `modeling_deepseek_v3.py`,
/// `modeling_gemma2.py`, `modeling_mamba.py`); the tests hold the totals to the model cards'.
public struct ParameterCount: Sendable, Equatable {
    public let total: ExactInt
    /// Parameters one token uses: MoE layers count only `active` routed experts (plus shared ones).
    public let active: ExactInt
    /// Input embeddings (and learned position embeddings).
    public let embedding: ExactInt
    /// Output layer (0 when tied to the embedding).
    public let lmHead: ExactInt
    /// Attention projections (or SSM mixer weights) of all layers, with their biases and per-head norms.
    public let attention: ExactInt
    /// Dense FFNs of all layers.
    public let mlp: ExactInt
    /// Routed and shared experts and routers of all MoE layers.
    public let experts: ExactInt
    /// Norms of all layers and the final norm.
    public let norms: ExactInt

    /// Parameters outside the embedding and output layers (Kaplan et al. 2020's N, used for FLOPs).
    public var nonEmbedding: ExactInt { total - embedding - lmHead }

    public init(_ model: ModelSpec) {
        let h = ExactInt(model.hidden)
        let normWidth = ExactInt(model.norm == .layernorm ? 2 : 1)
        var attention = ExactInt.zero, mlp = ExactInt.zero, experts = ExactInt.zero, norms = ExactInt.zero
        var inactive = ExactInt.zero
        for (kind, count) in LayerCensus(model).counts {
            let n = ExactInt(count)
            let layer = Self.layer(model, kind)
            attention += n * layer.mixer
            mlp += n * layer.mlp
            experts += n * layer.experts
            norms += n * layer.norms
            if kind.moe, let moe = model.moe {
                inactive += n * ExactInt(moe.experts - moe.active) * Self.ffn(model, inner: moe.expertFfn)
            }
        }
        norms += normWidth * h
        var embedding = ExactInt(model.vocab) * h
        if model.positions == .learned { embedding += ExactInt(model.maxContext) * h }
        let lmHead = model.tiedEmbeddings ? ExactInt.zero : ExactInt(model.vocab) * h
        self.embedding = embedding
        self.lmHead = lmHead
        self.attention = attention
        self.mlp = mlp
        self.experts = experts
        self.norms = norms
        self.total = embedding + lmHead + attention + mlp + experts + norms
        self.active = total - inactive
    }

    /// The parameters of one layer of a kind, by part.
    public struct Layer: Sendable {
        public let mixer: ExactInt
        public let mlp: ExactInt
        /// Routed and shared experts and the router.
        public let experts: ExactInt
        public let norms: ExactInt
        /// Everything but the experts.
        public var dense: ExactInt { mixer + mlp + norms }
    }

    public static func layer(_ model: ModelSpec, _ kind: LayerCensus.Kind) -> Layer {
        let h = ExactInt(model.hidden)
        let mixer = kind.kind == .ssm ? ssmMixer(model) : attentionMixer(model)
        let hasFFN = kind.moe || model.ffnKind != .none
        let normsHere = hasFFN ? model.normsPerLayer : (model.normsPerLayer + 1) / 2
        let norms = ExactInt(normsHere * (model.norm == .layernorm ? 2 : 1)) * h
        var mlp = ExactInt.zero, experts = ExactInt.zero
        if kind.moe, let moe = model.moe {
            let router = h * ExactInt(moe.experts) + (moe.routerBias ? ExactInt(moe.experts) : .zero)
            experts = ExactInt(moe.experts + moe.shared) * ffn(model, inner: moe.expertFfn) + router
        } else if model.ffnKind != .none {
            mlp = ffn(model, inner: model.ffn)
        }
        return Layer(mixer: mixer, mlp: mlp, experts: experts, norms: norms)
    }

    /// One FFN of inner size f: gated 3hf (gate, up, down), plain 2hf; biases f per up-type matrix and h on down.
    static func ffn(_ model: ModelSpec, inner: Int) -> ExactInt {
        let h = ExactInt(model.hidden), f = ExactInt(inner)
        let matrices = model.ffnKind == .plain ? 2 : 3
        var count = ExactInt(matrices) * h * f
        if model.linearBias { count += ExactInt(matrices - 1) * f + h }
        return count
    }

    /// Q, K, V, O projections of one attention layer, with biases and per-head Q/K norms.
    ///
    /// MLA (DeepSeek-V2 arXiv 2405.04434 sec. 2.1; `modeling_deepseek_v3.py`): q_a (h x r_q) + its norm (r_q) +
    /// q_b (r_q x a(d_nope+d_rope)), or a direct h x a(d_nope+d_rope); kv_a (h x (r_kv + d_rope)) + its norm
    /// (r_kv); kv_b (r_kv x a(d_nope+d_v)); o (a d_v x h).
    static func attentionMixer(_ model: ModelSpec) -> ExactInt {
        let h = ExactInt(model.hidden), a = ExactInt(model.heads)
        if let mla = model.attention.mla, model.attention.kind == .mla {
            let qk = ExactInt(mla.qkNopeHeadDim + mla.qkRopeHeadDim)
            var count: ExactInt
            if let rq = mla.qLoraRank {
                count = h * ExactInt(rq) + ExactInt(rq) + ExactInt(rq) * a * qk
            } else {
                count = h * a * qk
            }
            let rkv = ExactInt(mla.kvLoraRank)
            count += h * (rkv + ExactInt(mla.qkRopeHeadDim)) + rkv
            count += rkv * a * ExactInt(mla.qkNopeHeadDim + mla.vHeadDim)
            count += a * ExactInt(mla.vHeadDim) * h
            return count
        }
        let q = a * ExactInt(model.headDim)
        let kv = ExactInt(model.kvHeads * model.headDim)
        var count = h * q + ExactInt(2) * h * kv + q * h
        if model.qkvBias || model.linearBias { count += q + ExactInt(2) * kv }
        if model.linearBias { count += h }
        if model.qkNorm { count += ExactInt(2 * model.headDim) }
        return count
    }

    /// One Mamba (selective SSM) mixer, as `state-spaces/mamba` `Mamba` builds it with d_inner = expand*h,
    /// dt_rank r: in_proj h x 2 d_inner; conv1d d_inner x conv + d_inner bias; x_proj d_inner x (r + 2 state);
    /// dt_proj r x d_inner + d_inner bias; A_log d_inner x state; D d_inner; out_proj d_inner x h.
    static func ssmMixer(_ model: ModelSpec) -> ExactInt {
        guard let ssm = model.ssm else { return .zero }
        let h = ExactInt(model.hidden)
        let inner = ExactInt(ssm.expand * model.hidden)
        let state = ExactInt(ssm.state), rank = ExactInt(ssm.dtRank)
        return h * ExactInt(2) * inner
            + inner * ExactInt(ssm.conv) + inner
            + inner * (rank + ExactInt(2) * state)
            + rank * inner + inner
            + inner * state + inner
            + inner * h
    }
}
