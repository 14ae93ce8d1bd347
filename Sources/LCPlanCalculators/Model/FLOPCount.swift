import LCPlanModel
import LCPlanPrecision

/// FLOPs of one phase, exact, split into parts that sum to the total.
///
/// A FLOP is one multiply or one add, so an (m x k)(k x n) matrix product is 2mkn
/// (the convention of Kaplan et al. 2020, arXiv 2001.08361 sec. 2.1, and Narayanan et al. 2021, arXiv
/// 2104.04473 appendix). Only matrix products and the SSM scan are counted;
/// norms, activations, softmax and residual adds are not (they are below 1% at the sizes lcplan plans).
public struct FLOPBreakdown: Sendable, Equatable {
    /// QK^T and PV.
    public var attentionCore: ExactInt = .zero
    /// Q, K, V and output projections (MLA: the down and up projections).
    public var attentionProjections: ExactInt = .zero
    /// Dense FFNs.
    public var mlp: ExactInt = .zero
    /// Routed and shared experts and the routers.
    public var experts: ExactInt = .zero
    public var lmHead: ExactInt = .zero
    /// SSM mixers (projections, convolution, scan) and linear-attention state updates.
    public var other: ExactInt = .zero

    public init() {}

    public var total: ExactInt { attentionCore + attentionProjections + mlp + experts + lmHead + other }

    /// Fraction of the total spent in QK^T and PV.
    public var attentionShare: Double {
        total.isZero ? 0 : attentionCore.doubleValue / total.doubleValue
    }

    public static func + (a: FLOPBreakdown, b: FLOPBreakdown) -> FLOPBreakdown {
        var sum = FLOPBreakdown()
        sum.attentionCore = a.attentionCore + b.attentionCore
        sum.attentionProjections = a.attentionProjections + b.attentionProjections
        sum.mlp = a.mlp + b.mlp
        sum.experts = a.experts + b.experts
        sum.lmHead = a.lmHead + b.lmHead
        sum.other = a.other + b.other
        return sum
    }

    /// Every part multiplied by `factor`.
    public func scaled(by factor: ExactInt) -> FLOPBreakdown {
        var result = self
        result.attentionCore *= factor
        result.attentionProjections *= factor
        result.mlp *= factor
        result.experts *= factor
        result.lmHead *= factor
        result.other *= factor
        return result
    }
}

/// The forward FLOPs of a model, per token for the weight products and per attended (query, key) pair
/// for the attention core.
///
/// Sources: Narayanan et al. 2021 (arXiv 2104.04473) appendix for the per-layer GEMMs; current Megatron-LM
/// `num_floating_point_operations` (megatron/training/training.py) for GQA, MLA, MoE and the causal
/// halving of the score term; Kaplan et al. 2020 / PaLM for 2N per token. The attention convention
/// (`causal` halves QK^T and PV for causal masks, `full` does not) is the spec's `conventions.attention_flops`.
public struct FLOPModel: Sendable {
    public let model: ModelSpec
    public let convention: AttentionFLOPConvention
    let census: LayerCensus

    public init(_ model: ModelSpec, convention: AttentionFLOPConvention) {
        self.model = model
        self.convention = convention
        self.census = LayerCensus(model)
    }

    /// Weight-product FLOPs of one token through one layer of each part (2 x matrix parameters).
    func perTokenWeights(_ kind: LayerCensus.Kind) -> FLOPBreakdown {
        var flops = FLOPBreakdown()
        let two = ExactInt(2)
        switch kind.kind {
        case .global, .local:
            flops.attentionProjections = two * ParameterCount.attentionMatrices(model)
        case .linear:
            flops.attentionProjections = two * ParameterCount.attentionMatrices(model)
            // Linear attention: the state update k^T v and the read q S, each d_h x d_h per head.
            flops.other = ExactInt(4) * ExactInt(model.heads) * ExactInt(model.headDim) * ExactInt(model.headDim)
        case .ssm:
            flops.other = two * ParameterCount.ssmMatrices(model) + ssmScan
        }
        if kind.moe, let moe = model.moe {
            let expert = ParameterCount.ffnMatrices(model, inner: moe.expertFfn)
            flops.experts = two * (ExactInt(moe.active + moe.shared) * expert + ExactInt(model.hidden) * ExactInt(moe.experts))
        } else if model.ffnKind != .none {
            flops.mlp = two * ParameterCount.ffnMatrices(model, inner: model.ffn)
        }
        return flops
    }

    /// The selective scan per token: the depthwise convolution (2 x d_inner x conv) and, per channel and
    /// state, one multiply-add each for h x A-bar, B-bar x and C h (6 x d_inner x state); the exponentials
    /// of the discretisation are not counted (Gu and Dao, arXiv 2312.00752, sec. 3.3 and Algorithm 2).
    var ssmScan: ExactInt {
        guard let ssm = model.ssm else { return .zero }
        let inner = ExactInt(ssm.expand * model.hidden)
        return ExactInt(2) * inner * ExactInt(ssm.conv) + ExactInt(6) * inner * ExactInt(ssm.state)
    }

    /// QK^T plus PV FLOPs for one attended (query, key) pair in one layer: 2 a (d_qk + d_v).
    var perPair: ExactInt {
        if let mla = model.attention.mla, model.attention.kind == .mla {
            return ExactInt(2 * model.heads) * ExactInt(mla.qkNopeHeadDim + mla.qkRopeHeadDim + mla.vHeadDim)
        }
        return ExactInt(4 * model.heads) * ExactInt(model.headDim)
    }

    /// Twice the number of (query, key) pairs that `queries` new queries attend to after `past` cached
    /// tokens in a layer whose keys are limited to the last `window` tokens (nil for global attention).
    ///
    /// Query i (0-based, at position past + i) sees min(past + i + 1, window) keys. Under the `causal`
    /// convention a prefill's triangle is counted as exactly half the square, as Megatron-LM does
    /// (s^2/2 rather than s(s+1)/2); under `full` the masked half is counted too. Decode (one query) is the
    /// same under both conventions. The result is doubled so that it stays an integer.
    func doubledPairs(queries: ExactInt, past: ExactInt, window: Int?) -> ExactInt {
        let two = ExactInt(2)
        let end = past + queries
        let w = window.map { ExactInt($0) }
        func fullRectangle() -> ExactInt {
            // Every query sees every key up to the end of the chunk (or the window).
            let keys = w.map { ExactInt.min($0, end) } ?? end
            return two * queries * keys
        }
        guard convention == .causal, queries > 1 else {
            if queries == 1 {
                let keys = w.map { ExactInt.min($0, end) } ?? end
                return two * keys
            }
            return fullRectangle()
        }
        // Causal: keys seen = past + (half of the new triangle), capped by the window.
        guard let w else { return two * queries * past + queries * queries }
        // Sum over i of min(past + i + 1, w), with the triangle halved: integrate the cap piecewise.
        let uncappedQueries = ExactInt.max(.zero, ExactInt.min(queries, w - past))
        var doubled = two * uncappedQueries * past + uncappedQueries * uncappedQueries
        doubled += two * (queries - uncappedQueries) * w
        return doubled
    }

    /// Attention-core FLOPs of `queries` queries after `past` tokens, per sequence, over all layers.
    public func attentionCore(queries: ExactInt, past: ExactInt) -> ExactInt {
        var doubled = ExactInt.zero
        for (kind, count) in census.counts {
            switch kind.kind {
            case .global: doubled += ExactInt(count) * doubledPairs(queries: queries, past: past, window: nil)
            case .local: doubled += ExactInt(count) * doubledPairs(queries: queries, past: past, window: model.attention.window)
            case .linear, .ssm: break
            }
        }
        // perPair x pairs = perPair x doubled / 2; perPair is even (2a(...)), so this is exact.
        return (perPair.floorDivided(by: 2) ?? .zero) * doubled
    }

    /// Forward FLOPs of `tokens` new tokens per sequence after `past` cached ones, with logits computed for
    /// `logits` positions.
    public func forward(tokens: ExactInt, past: ExactInt, logits: ExactInt) -> FLOPBreakdown {
        var flops = FLOPBreakdown()
        for (kind, count) in census.counts {
            flops = flops + perTokenWeights(kind).scaled(by: ExactInt(count) * tokens)
        }
        flops.attentionCore = attentionCore(queries: tokens, past: past)
        flops.lmHead = ExactInt(2) * ExactInt(model.hidden) * ExactInt(model.vocab) * logits
        return flops
    }
}
