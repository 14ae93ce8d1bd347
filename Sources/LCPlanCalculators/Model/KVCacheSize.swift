import LCPlanModel
import LCPlanPrecision

/// The size of the KV cache (and of the constant recurrent state of SSM and linear-attention layers).
///
/// Elements per cached token per layer (../shared/reference/accounting.md, "KV cache"): MHA 2 a d_h,
/// GQA 2 n_kv d_h, MQA 2 d_h, MLA kv_lora_rank + qk_rope_head_dim (DeepSeek-V2 Table 1). Sliding-window
/// layers keep min(tokens, window) tokens (Mistral 7B's rolling buffer); SSM layers keep a constant
/// state of d_inner x (state + conv - 1) elements (Mamba's ssm and conv states); linear-attention layers a
/// d_h x d_h state per head. A quantized cache adds one scale of `scale_dtype` per `group_size` elements.
public struct KVCacheSize: Sendable {
    public let model: ModelSpec
    public let cache: KVCacheSpec

    public init(_ model: ModelSpec, cache: KVCacheSpec) {
        self.model = model
        self.cache = cache
    }

    /// Cached elements per token per attention layer on one device, with KV heads split over `tp`
    /// (replicated when tp exceeds them); MLA's latent is not split by tensor parallelism.
    public func elementsPerToken(tp: Int = 1) -> ExactInt {
        if let mla = model.attention.mla, model.attention.kind == .mla {
            return ExactInt(mla.kvLoraRank + mla.qkRopeHeadDim)
        }
        let heads = max(1, (model.kvHeads + tp - 1) / max(tp, 1))
        return ExactInt(2 * heads * model.headDim)
    }

    /// Bits to store `elements` cache elements with their quantization scales.
    func bits(elements: ExactInt) -> ExactInt {
        var bits = elements * ExactInt(cache.dtype.bits)
        if let group = cache.groupSize, group > 0 {
            let groups = elements.ceilDivided(by: ExactInt(group)) ?? .zero
            bits += groups * ExactInt((cache.scaleDtype ?? .fp16).bits)
        }
        return bits
    }

    /// Bytes per token per attention layer on one device (rounded up to whole bytes).
    public func bytesPerTokenPerLayer(tp: Int = 1) -> ExactInt {
        bits(elements: elementsPerToken(tp: tp)).ceilDivided(by: 8) ?? .zero
    }

    /// Bytes one token adds to the cache across all attention layers of the whole model (no parallel split):
    /// the figure usually quoted ("327,680 bytes per token" for Llama-3.1-70B in BF16).
    public var bytesPerToken: ExactInt {
        ExactInt(LayerCensus(model).attentionLayers) * bytesPerTokenPerLayer()
    }

    /// Bytes one sequence of `tokens` tokens holds on one device, for the layers in `census`, with the
    /// sequence split over `cp` devices and each layer's tokens rounded up to whole paged blocks.
    public func bytesPerSequence(tokens: ExactInt, census: LayerCensus, tp: Int = 1, cp: Int = 1, paged: Bool = true) -> ExactInt {
        let perDevice = tokens.ceilDivided(by: ExactInt(max(cp, 1))) ?? tokens
        let perLayer = bytesPerTokenPerLayer(tp: tp)
        let block = ExactInt(max(cache.blockTokens, 1))
        func stored(_ count: ExactInt) -> ExactInt {
            paged ? (count.ceilDivided(by: block) ?? count) * block : count
        }
        var total = ExactInt.zero
        for (kind, count) in census.counts {
            let n = ExactInt(count)
            switch kind.kind {
            case .global:
                total += n * stored(perDevice) * perLayer
            case .local:
                let window = ExactInt(model.attention.window ?? Int.max)
                total += n * stored(ExactInt.min(perDevice, window)) * perLayer
            case .ssm, .linear:
                total += n * stateBytes(kind.kind, tp: tp)
            }
        }
        return total
    }

    /// Bytes of the constant recurrent state of one SSM or linear-attention layer on one device (0 for
    /// attention layers): the SSM's d_inner x (state + conv - 1), or a d_h x d_h state per head.
    public func stateBytes(_ kind: LayerKind, tp: Int) -> ExactInt {
        switch kind {
        case .ssm:
            return bits(elements: ssmStateElements(tp: tp)).ceilDivided(by: 8) ?? .zero
        case .linear:
            let heads = max(1, (model.heads + tp - 1) / max(tp, 1))
            let state = ExactInt(heads) * ExactInt(model.headDim) * ExactInt(model.headDim)
            return bits(elements: state).ceilDivided(by: 8) ?? .zero
        case .global, .local:
            return .zero
        }
    }

    /// Elements of one SSM layer's recurrent state on one device: d_inner x state + d_inner x (conv - 1).
    func ssmStateElements(tp: Int) -> ExactInt {
        guard let ssm = model.ssm else { return .zero }
        let inner = ExactInt(ssm.expand * model.hidden).ceilDivided(by: ExactInt(max(tp, 1))) ?? .zero
        return inner * ExactInt(ssm.state + max(ssm.conv - 1, 0))
    }
}
