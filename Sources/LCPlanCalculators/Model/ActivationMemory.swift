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
        Self.layer(
            coefficients(kind), elementBytes: elementBytes, hidden: model.hidden, tokens: tokens, sequence: sequence,
            tp: tp, sequenceParallel: sequenceParallel, recompute: recompute)
    }

    /// The same from a layer kind's coefficients, in any count arithmetic (exact for reports, double for search).
    @inline(__always)
    static func layer<N: CountArithmetic>(
        _ c: ModelProfile.ActivationCoefficients, elementBytes: Int, hidden: Int, tokens: N, sequence: N,
        tp: Int, sequenceParallel: Bool, recompute: Recompute
    ) -> N {
        let t = N(max(tp, 1))
        if recompute == .full {
            // Only the layer input is kept (Korthikanti Table 2: 2sbh, split with sequence parallelism).
            let input = N(elementBytes * hidden) * tokens
            return sequenceParallel ? input.ceilDiv(t) : input
        }
        let unsplit = N(c.unsplit) * tokens
        var split = N(c.split + c.fused) * tokens
        if recompute == .none && c.scorePerKey > 0 {
            let keys = c.window.map { N.smaller(sequence, N($0)) } ?? sequence
            split = split + N(c.scorePerKey) * tokens * keys
        }
        return (sequenceParallel ? unsplit.ceilDiv(t) : unsplit) + split.ceilDiv(t)
    }

    /// Bytes per token (and per token and key for unfused scores) that one layer of `kind` keeps.
    ///
    /// Every tensor-parallel rank holds whole, unless sequence parallelism splits them, each sublayer's norm
    /// input, its output and the dropout mask after it; the rest is split: Q, K, V and the output
    /// projection's input (or the SSM's tensors), the FFN's or the visited experts' intermediates and the
    /// router's fp32 logits, and either the softmax output, its mask and the dropout output per key
    /// (unfused attention) or a fused kernel's fp32 log-sum-exp per head.
    func coefficients(_ kind: LayerCensus.Kind) -> ModelProfile.ActivationCoefficients {
        let a = elementBytes, h = model.hidden
        let mask = dropout ? 1 : 0
        let sublayers = kind.moe || model.ffnKind != .none ? 2 : 1
        var split = 0, scorePerKey = 0, fused = 0
        var window: Int? = nil
        switch kind.kind {
        case .global, .local, .linear:
            split += a * (attentionWidth.intValue ?? 0)
            if kind.kind != .linear {
                if fusedAttention { fused = 4 * model.heads } else { scorePerKey = (a + mask + (dropout ? a : 0)) * model.heads }
                if kind.kind == .local { window = model.attention.window }
            }
        case .ssm:
            if let ssm = model.ssm { split += a * (6 * ssm.expand * h + ssm.dtRank + 2 * ssm.state) }
        }
        if kind.moe, let moe = model.moe {
            let perExpert = (model.ffnKind == .plain ? 2 : 3) * moe.expertFfn
            split += a * (moe.active + moe.shared) * perExpert + 4 * moe.experts
        } else if model.ffnKind != .none {
            split += a * (model.ffnKind == .plain ? 2 : 3) * model.ffn
        }
        return ModelProfile.ActivationCoefficients(
            unsplit: sublayers * (2 * a + mask) * h, split: split, scorePerKey: scorePerKey, fused: fused, window: window)
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
