import LCPlanModel
import LCPlanPrecision

/// Everything about a model at a workload's context that no layout changes, computed once: exact
/// parameter counts, the FLOPs of each phase, per-layer parameter and activation coefficients by layer
/// kind, KV bytes per token per layer kind, and the RoPE analysis. A layout evaluation reads these and
/// never recomputes them.
public struct ModelProfile: Sendable {
    public let spec: Spec
    public let model: ModelSpec
    public let parameters: ParameterCount
    /// FLOPs of each phase for the whole workload (exact), and their totals as doubles for the time model.
    public let flops: PhaseFLOPs
    let prefillFLOPs: Double
    let decodeFLOPsPerToken: Double
    /// The attention core's FLOPs in a prefill of the whole batch and in one decoded token (at the final
    /// context), and in one training step's forward pass.
    let prefillAttentionFLOPs: Double
    let decodeAttentionFLOPsPerToken: Double
    let trainingAttentionForward: Double
    let trainingModelFLOPs: Double
    let trainingHardwareNone: Double
    let trainingHardwareSelective: Double
    let trainingHardwareFull: Double
    /// The attention core's share of a training forward pass (the part context-parallel traffic overlaps).
    let trainingAttentionShare: Double
    /// The attention core's share of a prefill (the part a context-parallel ring overlaps).
    let prefillAttentionShare: Double
    /// The layer kinds present (attention kind x dense or MoE), in a fixed order.
    public let kinds: [LayerCensus.Kind]
    /// Per kind: the parameters of one layer outside and inside the experts.
    let denseParameters: [ExactInt]
    /// Per kind: the attention projections' parameters (part of the dense ones; 0 for SSM layers), which
    /// attention data parallelism splits over tp / attention_dp ranks instead of tp.
    let attentionParameters: [ExactInt]
    let expertParameters: [ExactInt]
    /// prefix[k][i]: layers of kind k among the first i x `prefixStride` layers (a stage's census in
    /// O(kinds) for real models; every 1,024th layer for deeper ones, so a hostile depth of 2^24 layers
    /// costs kilobytes, not gigabytes).
    let prefix: [[Int]]
    let prefixStride: Int
    /// Per kind, bytes per token of activations kept for the backward pass (see `ActivationMemory`).
    let activation: [ActivationCoefficients]
    /// Bytes per activation element: 2 for 16- and 8-bit training, 4 for fp32.
    public let activationBytes: Int
    /// Bytes per cached token over all attention layers (no parallel split, no paging).
    public let kvBytesPerToken: ExactInt
    /// Per kind (as `kinds`): bytes one token adds to one layer's cache with no parallel split (0 for
    /// SSM and linear-attention layers, whose state does not grow with the context).
    public let kvBytesPerTokenPerLayer: [ExactInt]
    /// The KV cache's size rules for this model and cache format.
    let kvCache: KVCacheSize
    /// Bytes each attention layer's cache holds whatever the sequences (per-tensor scales, codebooks).
    let kvConstantBytesPerLayer: ExactInt
    /// Whether the layout shares a prompt prefix between sequences.
    let kvSharesPrefix: Bool
    /// Bytes of offload tiers per device (0: none), and the device's capacity less the headroom.
    let kvTierCapacity: ExactInt
    let usableBytes: ExactInt
    /// KV elements per token per attention layer and the width of the K and V tensors exchanged by context
    /// parallelism (2 n_kv d_h, or MLA's latent).
    public let kvElementsPerToken: Int
    /// The RoPE analyses at the workload's context, per layer kind (empty without rotary embeddings).
    public let rope: [RoPEAnalysis]

    /// K and V elements per token per attention layer that one tensor-parallel rank holds and context
    /// parallelism exchanges: its share of the KV heads (at least one, replicated beyond the groups), or
    /// MLA's latent, which tensor parallelism does not split (as `KVCacheSize.elementsPerToken(tp:)`).
    @inline(__always) func kvElementsPerRank(tp: Int) -> Double {
        if model.attention.kind == .mla { return Double(kvElementsPerToken) }
        let heads = max(1, (model.kvHeads + tp - 1) / max(tp, 1))
        return Double(2 * heads * model.headDim)
    }

    /// Bytes per token (per key for scores) one layer of a kind keeps for its backward pass.
    struct ActivationCoefficients: Sendable {
        /// Held whole by every tensor-parallel rank unless sequence parallelism splits it.
        let unsplit: Int
        /// Split over the tensor-parallel ranks.
        let split: Int
        /// Softmax scores per key (unfused attention without recompute), split over tp.
        let scorePerKey: Int
        /// The log-sum-exp of a fused attention kernel, split over tp.
        let fused: Int
        /// The key window of a local layer (nil: the whole sequence).
        let window: Int?
    }

    public init(_ spec: Spec, analyseRoPE: Bool = true, ropeSettings: RoPESettings? = nil) {
        self.spec = spec
        let model = spec.model
        self.model = model
        parameters = ParameterCount(model)
        let flops = PhaseFLOPs(spec)
        self.flops = flops
        prefillFLOPs = flops.prefill.total.doubleValue
        decodeFLOPsPerToken = flops.decodePerToken.total.doubleValue
        prefillAttentionFLOPs = flops.prefill.attentionCore.doubleValue
        decodeAttentionFLOPsPerToken = flops.decodePerToken.attentionCore.doubleValue
        trainingAttentionForward = flops.trainingForward?.attentionCore.doubleValue ?? 0
        trainingModelFLOPs = flops.trainingModel?.doubleValue ?? 0
        trainingHardwareNone = flops.trainingHardware(recompute: .none)?.doubleValue ?? 0
        trainingHardwareSelective = flops.trainingHardware(recompute: .selective)?.doubleValue ?? 0
        trainingHardwareFull = flops.trainingHardware(recompute: .full)?.doubleValue ?? 0
        prefillAttentionShare = flops.prefill.attentionCore.doubleValue / max(flops.prefill.total.doubleValue, 1)
        trainingAttentionShare = flops.trainingForward.map { $0.attentionCore.doubleValue / max($0.total.doubleValue, 1) } ?? 0
        let census = LayerCensus(model)
        kinds = census.counts.map(\.0)
        denseParameters = kinds.map { ParameterCount.layer(model, $0).dense }
        attentionParameters = kinds.map { $0.kind == .global || $0.kind == .local ? ParameterCount.layer(model, $0).mixer : .zero }
        expertParameters = kinds.map { ParameterCount.layer(model, $0).experts }
        let stride = model.layers <= 1 << 16 ? 1 : 1024
        var prefix = kinds.map { _ in [0] }
        var running = kinds.map { _ in 0 }
        for index in 0..<model.layers {
            if let k = Self.kindIndex(index, model: model, kinds: kinds) { running[k] += 1 }
            if (index + 1) % stride == 0 { for k in kinds.indices { prefix[k].append(running[k]) } }
        }
        self.prefix = prefix
        prefixStride = stride
        let activations = ActivationMemory(
            model, dtype: spec.workload.dtype, dropout: spec.conventions.dropout, fusedAttention: spec.conventions.fusedAttention)
        activation = kinds.map { activations.coefficients($0) }
        activationBytes = activations.elementBytes
        let cache = KVCacheSize(model, cache: spec.workload.kvCache)
        kvCache = cache
        kvBytesPerToken = cache.bytesPerToken
        kvConstantBytesPerLayer = cache.constantBytesPerLayer()
        kvSharesPrefix = spec.workload.kvCache.prefix != nil && spec.workload.kvCache.budget == nil
        kvTierCapacity =
            spec.workload.mode == .inference ? spec.workload.kvCache.tiers.reduce(ExactInt.zero) { $0 + $1.capacity } : .zero
        usableBytes = MemoryModel.usable(spec.hardware.device.memory.value, headroom: spec.constraints.memoryHeadroom)
        let perLayer = cache.bytesPerTokenPerLayer()
        kvBytesPerTokenPerLayer = kinds.map { $0.kind == .global || $0.kind == .local ? perLayer : .zero }
        kvElementsPerToken = cache.elementsPerToken().intValue ?? 0
        rope =
            analyseRoPE
            ? RoPEAnalysis.all(
                model: model, context: spec.workload.context, settings: ropeSettings ?? RoPESettings(spec.conventions, checks: spec.checks),
                file: spec.file)
            : []
    }

    /// Layers of kind index `k` among layers `range`.
    @inline(__always) func layers(ofKind k: Int, in range: Range<Int>) -> Int {
        if prefixStride == 1 { return prefix[k][range.upperBound] - prefix[k][range.lowerBound] }
        return layers(ofKind: k, below: range.upperBound) - layers(ofKind: k, below: range.lowerBound)
    }

    /// Attention layers among `range`: global (full) and local (sliding-window) ones.
    func attentionLayers(in range: Range<Int>) -> (global: Int, local: Int) {
        var global = 0, local = 0
        for k in kinds.indices {
            if kinds[k].kind == .global { global += layers(ofKind: k, in: range) }
            if kinds[k].kind == .local { local += layers(ofKind: k, in: range) }
        }
        return (global, local)
    }

    /// Layers of kind index `k` among the first `n`: the stored prefix, then the rest one by one.
    func layers(ofKind k: Int, below n: Int) -> Int {
        let stored = n / prefixStride
        var count = prefix[k][stored]
        for index in (stored * prefixStride)..<n where Self.kindIndex(index, model: model, kinds: kinds) == k { count += 1 }
        return count
    }

    /// The index in `kinds` of layer `index`'s kind.
    static func kindIndex(_ index: Int, model: ModelSpec, kinds: [LayerCensus.Kind]) -> Int? {
        let pattern = model.attention.pattern ?? []
        let kind: LayerKind =
            pattern.isEmpty
            ? (model.heads == 0 ? .ssm : (model.attention.window != nil ? .local : .global)) : pattern[index % pattern.count]
        let moe = model.isMoELayer(index)
        return kinds.firstIndex { $0.kind == kind && $0.moe == moe }
    }

    /// Hardware FLOPs of a training step under a recompute policy, as a double.
    @inline(__always) func trainingHardware(_ recompute: Recompute) -> Double {
        switch recompute {
        case .none: return trainingHardwareNone
        case .selective: return trainingHardwareSelective
        case .full: return trainingHardwareFull
        }
    }

    /// The attention core's share of those hardware FLOPs: forward and backward (2 x forward) once, and the
    /// forward again under selective or full recompute (`PhaseFLOPs.trainingHardware`).
    @inline(__always) func trainingAttentionHardware(_ recompute: Recompute) -> Double {
        trainingAttentionForward * (recompute == .none ? 3 : 4)
    }
}
