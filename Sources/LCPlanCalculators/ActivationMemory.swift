import LCPlanModel
import LCPlanPrecision

/// Activation memory of training, per layer, from the tensors each layer keeps for its backward pass.
///
/// The itemisation follows Korthikanti et al. 2022 (arXiv 2205.05198) sec. 4 and Table 2: attention keeps
/// its input (2sbh), Q and K (4sbh), the softmax output (2as^2b), its dropout mask (as^2b) and output
/// (2as^2b), V (2sbh), the output projection's input (2sbh) and a dropout mask (sbh); the MLP its input
/// (2sbh), the activation's input (8sbh) and the second linear's input (8sbh) and a mask (sbh); the two
/// norms their inputs (4sbh). Generalised here from the tensors: Q is q = a d_h wide, K and V n_kv d_h
/// (MLA: a d_qk and a d_v, plus the latents), a gated MLP keeps gate, up and their product (3 x f), an MoE
/// layer keeps them for every routed and shared expert a token visits; masks only when dropout is on;
/// the s^2 terms only without fused attention (FlashAttention keeps the log-sum-exp, 4 bytes per
/// query per head, instead) and without selective recompute. For GPT (q = kv = h, f = 4h, plain MLP,
/// dropout, 2-byte activations) this reproduces Table 2: sbh(34 + 5as/h) with no parallelism.
public struct ActivationMemory: Sendable {
    public let model: ModelSpec
    /// Bytes per activation element: 2 for 16-bit (and 8-bit) training, 4 for fp32.
    public let elementBytes: Int
    public let dropout: Bool
    public let fusedAttention: Bool

    public init(_ model: ModelSpec, dtype: NumberFormat, dropout: Bool, fusedAttention: Bool) {
        self.model = model
        self.elementBytes = dtype.bits >= 32 ? 4 : 2
        self.dropout = dropout
        self.fusedAttention = fusedAttention
    }

    /// Bytes kept by one layer of `kind` for `tokens` = s x b tokens of sequence length `sequence`, on one
    /// device of a tensor-parallel group of `tp` with or without sequence parallelism.
    public func layer(
        _ kind: LayerCensus.Kind, tokens: ExactInt, sequence: ExactInt,
        tp: Int, sequenceParallel: Bool, recompute: Recompute
    ) -> ExactInt {
        let a = ExactInt(elementBytes)
        let h = ExactInt(model.hidden)
        let t = ExactInt(max(tp, 1))
        let mask = dropout ? ExactInt.one : .zero
        if recompute == .full {
            // Only the layer input is kept (Korthikanti Table 2: 2sbh, split with sequence parallelism).
            let input = a * tokens * h
            return sequenceParallel ? (input.ceilDivided(by: t) ?? input) : input
        }
        // Parts every tensor-parallel rank holds whole unless sequence parallelism splits them: each
        // sublayer's norm input, its output (the sublayer's input) and the dropout mask after it.
        let sublayers = ExactInt(kind.moe || model.ffnKind != .none ? 2 : 1)
        let unsplit = sublayers * (ExactInt(2) * a + mask) * tokens * h
        var split = ExactInt.zero
        switch kind.kind {
        case .global, .local, .linear:
            split += a * tokens * attentionWidth
            if kind.kind != .linear && !fusedAttention && recompute == .none {
                // Softmax output, its dropout mask and the dropout output, per head, over the keys each query sees.
                let keys = kind.kind == .local ? ExactInt.min(sequence, ExactInt(model.attention.window ?? Int.max)) : sequence
                let perScore = a + mask + (dropout ? a : .zero)
                split += perScore * ExactInt(model.heads) * tokens * keys
            } else if kind.kind != .linear && fusedAttention {
                split += ExactInt(4 * model.heads) * tokens  // log-sum-exp of a fused kernel, fp32
            }
        case .ssm:
            if let ssm = model.ssm {
                let inner = ssm.expand * model.hidden
                split += a * tokens * ExactInt(6 * inner + ssm.dtRank + 2 * ssm.state)
            }
        }
        if kind.moe, let moe = model.moe {
            let perExpert = ExactInt(model.ffnKind == .plain ? 2 : 3) * ExactInt(moe.expertFfn)
            split += a * tokens * ExactInt(moe.active + moe.shared) * perExpert + ExactInt(4) * tokens * ExactInt(moe.experts)
        } else if model.ffnKind != .none {
            split += a * tokens * ExactInt(model.ffnKind == .plain ? 2 : 3) * ExactInt(model.ffn)
        }
        let splitPart = split.ceilDivided(by: t) ?? split
        let unsplitPart = sequenceParallel ? (unsplit.ceilDivided(by: t) ?? unsplit) : unsplit
        return unsplitPart + splitPart
    }

    /// Width of the attention tensors kept per token: Q, K, V and the output projection's input.
    var attentionWidth: ExactInt {
        if let mla = model.attention.mla, model.attention.kind == .mla {
            let a = model.heads
            let qk = mla.qkNopeHeadDim + mla.qkRopeHeadDim
            return ExactInt(2 * a * qk + 2 * a * mla.vHeadDim + mla.kvLoraRank + (mla.qLoraRank ?? 0))
        }
        return ExactInt(2 * model.heads * model.headDim + 2 * model.kvHeads * model.headDim)
    }
}
