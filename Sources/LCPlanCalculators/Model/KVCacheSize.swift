import LCPlanModel
import LCPlanPrecision

/// The size of the KV cache (and of the constant recurrent state of SSM and linear-attention layers).
///
/// Elements per cached token per layer (keys and values of every KV head; GQA, Ainslie et al. 2023): MHA 2 a d_h,
/// GQA 2 n_kv d_h, MQA 2 d_h, MLA kv_lora_rank + qk_rope_head_dim (DeepSeek-V2 Table 1). Sliding-window
/// layers keep min(tokens, window) tokens (Mistral 7B's rolling buffer); SSM layers keep a constant
/// state of d_inner x (state + conv - 1) elements (Mamba's ssm and conv states); linear-attention layers a
/// d_h x d_h state per head.
///
/// Storage per element with its metadata (vLLM's quantized KV cache docs; LMDeploy `kv_quant.md`; FlexGen
/// `CompressionConfig`; KIVI, arXiv 2402.02750; MILLION, arXiv 2504.03661):
/// - `uniform`: b bits per element, and for integer formats (or a stated `group_size`) one scale, and a
///   zero point when asymmetric, of `scale_dtype` per group of consecutive channels of one token's head
///   vector (default group: the whole head vector, LMDeploy's per token and head: int8 8.25 bits, int4 4.25
///   at d_h 128 with fp16 scale and zero). Floating formats without groups use per-tensor scales: two fp32
///   values (K and V) per layer, as vLLM's `k_scale`/`v_scale`.
/// - `kivi` (arXiv 2402.02750): values grouped per token over `group_size` channels, keys per channel over
///   `group_size` tokens (amortized per token, rounded up to whole bits), both with scale and zero; the most
///   recent `residual` tokens kept in fp16.
/// - `pq` (MILLION, arXiv 2504.03661): each head vector of d elements stored as M codes of b bits (M b / d
///   bits per element), plus per-layer codebooks for K and V of M x 2^b x (d / M) values of `scale_dtype`.
public struct KVCacheSize: Sendable {
    public let model: ModelSpec
    public let cache: KVCacheSpec

    public init(_ model: ModelSpec, cache: KVCacheSpec) {
        self.model = model
        self.cache = cache
    }

    /// Elements of one cached vector: a head's key or value (d_h), or MLA's latent.
    public var vectorLength: Int {
        if let mla = model.attention.mla, model.attention.kind == .mla { return mla.kvLoraRank + mla.qkRopeHeadDim }
        return model.headDim
    }

    /// Cached vectors per token per attention layer on one device: a key and a value per KV head of the
    /// rank (replicated when tp exceeds the KV heads), or MLA's one latent, which tp does not split.
    public func vectorsPerToken(tp: Int = 1) -> Int {
        if model.attention.kind == .mla && model.attention.mla != nil { return 1 }
        return 2 * max(1, (model.kvHeads + tp - 1) / max(tp, 1))
    }

    /// Cached elements per token per attention layer on one device, with KV heads split over `tp`
    /// (replicated when tp exceeds them); MLA's latent is not split by tensor parallelism.
    public func elementsPerToken(tp: Int = 1) -> ExactInt {
        ExactInt(vectorsPerToken(tp: tp)) * ExactInt(vectorLength)
    }

    /// Bits of one group's metadata: its scale, and its zero point when asymmetric.
    var metadataBits: Int { cache.scale.bits * (cache.hasZeroPoint ? 2 : 1) }

    /// The group size of the format's scales, nil for per-tensor scales.
    public var group: Int? {
        switch cache.scheme {
        case .uniform: return cache.groupSize ?? (cache.isInteger ? vectorLength : nil)
        case .kivi: return cache.groupSize ?? 32
        case .pq: return nil
        }
    }

    /// Bits one token adds to one attention layer's quantized cache on one device, metadata included.
    public func bitsPerToken(tp: Int = 1) -> ExactInt {
        let vectors = ExactInt(vectorsPerToken(tp: tp))
        let d = ExactInt(vectorLength)
        let elements = vectors * d
        let meta = ExactInt(metadataBits)
        switch cache.scheme {
        case .uniform:
            var bits = elements * ExactInt(cache.dtype.bits)
            if let g = group { bits += vectors * (d.ceilDivided(by: ExactInt(g)) ?? .zero) * meta }
            return bits
        case .kivi:
            let g = ExactInt(group ?? 32)
            let bits = elements * ExactInt(cache.dtype.bits)
            guard vectorsPerToken(tp: tp) > 1 else { return bits + (d.ceilDivided(by: g) ?? .zero) * meta }
            let half = vectors.floorDivided(by: 2) ?? .zero
            // Values: per token, groups of g channels. Keys: per channel, groups of g tokens (amortized).
            let values = half * (d.ceilDivided(by: g) ?? .zero) * meta
            let keys = (half * d * meta).ceilDivided(by: g) ?? .zero
            return bits + values + keys
        case .pq:
            return vectors * ExactInt(cache.subvectors ?? 1) * ExactInt(cache.codeBits ?? 8)
        }
    }

    /// Bits per stored element including metadata, as a fraction (numerator over elements).
    public func bitsPerElement(tp: Int = 1) -> Double {
        bitsPerToken(tp: tp).doubleValue / max(elementsPerToken(tp: tp).doubleValue, 1)
    }

    /// Bytes of a paged block of `block` tokens of one layer on one device (whole bytes per block).
    public func bytesPerBlock(tp: Int = 1, block: Int? = nil) -> ExactInt {
        (bitsPerToken(tp: tp) * ExactInt(max(block ?? cache.blockTokens, 1))).ceilDivided(by: 8) ?? .zero
    }

    /// Bytes per token per attention layer on one device (rounded up to whole bytes).
    public func bytesPerTokenPerLayer(tp: Int = 1) -> ExactInt {
        bitsPerToken(tp: tp).ceilDivided(by: 8) ?? .zero
    }

    /// Bytes of one KIVI residual token (fp16) per layer on one device.
    public func residualBytesPerToken(tp: Int = 1) -> ExactInt {
        cache.scheme == .kivi ? elementsPerToken(tp: tp) * 2 : .zero
    }

    /// Bytes each attention layer holds whatever the sequences: per-tensor fp32 scales of a floating format
    /// below 16 bits (K and V), or PQ's K and V codebooks.
    public func constantBytesPerLayer() -> ExactInt {
        switch cache.scheme {
        case .pq:
            let codes = ExactInt(2).power(UInt(max(cache.codeBits ?? 8, 0)))
            return ExactInt(2) * codes * ExactInt(vectorLength) * ExactInt(cache.scale.bits / 8)
        case .uniform where group == nil && cache.dtype.bits < 16:
            return 8
        default:
            return .zero
        }
    }

    /// Bytes one token adds to the cache across all attention layers of the whole model (no parallel split):
    /// the figure usually quoted ("327,680 bytes per token" for Llama-3.1-70B in BF16).
    public var bytesPerToken: ExactInt {
        ExactInt(LayerCensus(model).attentionLayers) * bytesPerTokenPerLayer()
    }

    /// Tokens of a sequence of `tokens` tokens one layer of `kind` keeps: the budget's share (eviction), and
    /// for local layers at most their window.
    public func keptTokens(_ tokens: Int, kind: LayerKind) -> Int {
        var kept = cache.budget?.kept(tokens) ?? tokens
        if kind == .local, let window = model.attention.window { kept = min(kept, window) }
        return kept
    }

    /// Bytes one sequence of `tokens` tokens holds on one device, for the layers in `census`, with the
    /// sequence split over `cp` devices and each layer's tokens rounded up to whole paged blocks.
    public func bytesPerSequence(tokens: ExactInt, census: LayerCensus, tp: Int = 1, cp: Int = 1, paged: Bool = true) -> ExactInt {
        var total = ExactInt.zero
        let count = tokens.intValue ?? SpecShapes.maxTokens
        for (kind, layers) in census.counts {
            total += ExactInt(layers) * layerBytes(kind.kind, tokens: count, tp: tp, cp: cp, paged: paged, ExactInt.self)
        }
        return total
    }

    /// Bytes one layer of `kind` holds for one sequence of `tokens` tokens on one device.
    @inline(__always)
    func layerBytes<N: CountArithmetic>(_ kind: LayerKind, tokens: Int, tp: Int, cp: Int, paged: Bool, _: N.Type) -> N {
        switch kind {
        case .ssm, .linear:
            return N(exact: stateBytes(kind, tp: tp))
        case .global, .local:
            let kept = keptTokens(tokens, kind: kind)
            let onDevice = (kept + max(cp, 1) - 1) / max(cp, 1)
            let residual = min(onDevice, cache.residualTokens)
            let quantized = onDevice - residual
            var bytes = N(residual) * N(exact: residualBytesPerToken(tp: tp))
            if paged {
                let block = max(cache.blockTokens, 1)
                bytes = bytes + N((quantized + block - 1) / block) * N(exact: bytesPerBlock(tp: tp))
            } else {
                bytes = bytes + (N(quantized) * N(exact: bitsPerToken(tp: tp))).ceilDiv(N(8))
            }
            return bytes
        }
    }

    /// Bytes a shared prefix saves one replica of `sequences` sequences per global layer on one device:
    /// (n - 1) x ceil(P / block) blocks for n sequences sharing P tokens (vLLM, Kwon et al. 2023 sec. 4.4;
    /// serving.md "Budgets, eviction, sharing"); none under an eviction budget, which breaks the sharing.
    public func prefixSavingPerLayer(sequences: Int, tp: Int, cp: Int) -> ExactInt {
        guard let prefix = cache.prefix, cache.budget == nil, sequences > 1 else { return .zero }
        let sharing = min(prefix.sequences, sequences)
        guard sharing > 1 else { return .zero }
        let onDevice = (prefix.tokens + max(cp, 1) - 1) / max(cp, 1)
        let stored = max(onDevice - min(onDevice, cache.residualTokens), 0)
        let blocks = (stored + max(cache.blockTokens, 1) - 1) / max(cache.blockTokens, 1)
        return ExactInt(sharing - 1) * ExactInt(blocks) * bytesPerBlock(tp: tp)
    }

    /// Bytes of the constant recurrent state of one SSM or linear-attention layer on one device (0 for
    /// attention layers): the SSM's d_inner x (state + conv - 1), or a d_h x d_h state per head, in the cache's
    /// element format (rounded up to whole bytes).
    public func stateBytes(_ kind: LayerKind, tp: Int) -> ExactInt {
        let elements: ExactInt
        switch kind {
        case .ssm:
            elements = ssmStateElements(tp: tp)
        case .linear:
            let heads = max(1, (model.heads + tp - 1) / max(tp, 1))
            elements = ExactInt(heads) * ExactInt(model.headDim) * ExactInt(model.headDim)
        case .global, .local:
            return .zero
        }
        return (elements * ExactInt(cache.dtype.bits)).ceilDivided(by: 8) ?? .zero
    }

    /// Elements of one SSM layer's recurrent state on one device: d_inner x state + d_inner x (conv - 1).
    func ssmStateElements(tp: Int) -> ExactInt {
        guard let ssm = model.ssm else { return .zero }
        let inner = ExactInt(ssm.expand * model.hidden).ceilDivided(by: ExactInt(max(tp, 1))) ?? .zero
        return inner * ExactInt(ssm.state + max(ssm.conv - 1, 0))
    }
}
