import LCPlanModel
import LCPlanPrecision

/// Bytes one device holds, by part.
public struct MemoryBreakdown: Sendable, Equatable {
    public var weights: ExactInt = .zero
    public var kvCache: ExactInt = .zero
    public var activations: ExactInt = .zero
    public var gradients: ExactInt = .zero
    public var optimizer: ExactInt = .zero
    public var workspace: ExactInt = .zero

    public var total: ExactInt { weights + kvCache + activations + gradients + optimizer + workspace }
}

/// Memory per device for a spec and layout: the most loaded device (pipeline stage), its capacity,
/// whether it fits under the headroom constraint, and the longest context that fits.
public struct MemoryProfile: Sendable, Equatable {
    public let device: MemoryBreakdown
    /// The pipeline stage (0-based) of the most loaded device.
    public let stage: Int
    /// Parameters held by that device.
    public let parametersPerDevice: ExactInt
    public let capacity: ExactInt
    /// Capacity less the `constraints.memory_headroom` reserve.
    public let usable: ExactInt
    public var total: ExactInt { device.total }
    public var fits: Bool { device.total <= usable }
    /// Free bytes under the usable limit (negative when it does not fit).
    public var headroom: ExactInt { usable - device.total }
    /// Bytes per cached token over all attention layers of the model (no parallel split, no paging).
    public let kvCacheBytesPerToken: ExactInt
    /// Sequences each data-parallel replica serves (inference) or micro-batches in flight on the stage (training).
    public let sequencesPerReplica: Int
    public let inFlightMicroBatches: Int
}

/// Computes memory profiles (accounting.md "Activation memory", "Model states", "KV cache").
public struct MemoryModel: Sendable {
    public let spec: Spec
    public let layout: Layout
    /// The stages a profile evaluates, their layer censuses and the whole model's parameters: computed once,
    /// since none depends on the context (the bisection for max_context evaluates ~40 profiles).
    let stages: [Int]
    let censuses: [Int: LayerCensus]
    let parameters: ParameterCount
    let kvBytesPerToken: ExactInt

    public init(_ spec: Spec, layout: Layout) {
        self.spec = spec
        self.layout = layout
        // Every stage when there are few (middle stages can hold more experts than the ends); the two ends and
        // the middle otherwise.
        let stages = layout.pp <= 256 ? Array(0..<layout.pp) : [0, layout.pp / 2, layout.pp - 1]
        self.stages = stages
        var censuses: [Int: LayerCensus] = [:]
        for stage in stages { censuses[stage] = LayerCensus(spec.model, layers: layout.stageLayers(stage, of: spec.model.layers)) }
        self.censuses = censuses
        parameters = ParameterCount(spec.model)
        kvBytesPerToken = KVCacheSize(spec.model, cache: spec.workload.kvCache).bytesPerToken
    }

    /// Weight bits per parameter: the format's bits, plus for 4-bit formats one fp16 scale per group of
    /// 128 weights (the GPTQ/AWQ default group size; an assumption, reported). 8-bit formats are taken with
    /// per-tensor scales, which are negligible.
    static func weightBytes(_ parameters: ExactInt, format: NumberFormat) -> ExactInt {
        var bits = parameters * ExactInt(format.bits)
        if format.bits == 4 { bits += (parameters.ceilDivided(by: 128) ?? .zero) * ExactInt(16) }
        return bits.ceilDivided(by: 8) ?? .zero
    }

    /// Optimizer state bytes per parameter (ZeRO, arXiv 1910.02054 sec. 3: Adam keeps an fp32 master copy,
    /// momentum and variance, 12 bytes; SGD with momentum 8; Adafactor the master copy, 4, its factored
    /// second moments being O(rows + cols) and not counted). No master copy when weights are fp32 already.
    static func optimizerBytesPerParameter(_ optimizer: Optimizer, weights: NumberFormat) -> Int {
        let master = weights.bits >= 32 ? 0 : 4
        switch optimizer {
        case .adam, .adamw: return master + 8
        case .sgd: return master + 4
        case .adafactor: return master
        }
    }

    /// The profile at the spec's own context.
    public func profile() -> MemoryProfile { profile(context: spec.workload.context) }

    /// The profile with the workload's context set to `context` (prompt = context - output tokens).
    public func profile(context: Int) -> MemoryProfile {
        let model = spec.model
        let workload = spec.workload
        let output = workload.mode == .inference ? min(workload.outputTokens, max(context - 1, 0)) : 0
        let prompt = context == workload.context ? workload.promptTokens : max(context - output, 1)
        let sequence = ExactInt(workload.mode == .inference ? prompt + output : context)
        var best: (MemoryBreakdown, Int, ExactInt)? = nil
        let sequences = (workload.batch + layout.dp - 1) / max(layout.dp, 1)
        let microBatches = microBatchesPerPipeline
        for stage in stages {
            let (memory, parameters) = stageMemory(
                stage, sequence: sequence, prompt: prompt, sequences: sequences,
                microBatches: microBatches, all: parameters)
            if let current = best, memory.total <= current.0.total { continue }
            best = (memory, stage, parameters)
        }
        let (device, stage, parameters) = best ?? (MemoryBreakdown(), 0, .zero)
        let capacity = spec.hardware.device.memory.value
        let ppm = Int((spec.constraints.memoryHeadroom * 1_000_000).rounded())
        let usable = (capacity * ExactInt(1_000_000 - ppm)).floorDivided(by: 1_000_000) ?? capacity
        return MemoryProfile(
            device: device, stage: stage, parametersPerDevice: parameters, capacity: capacity, usable: usable,
            kvCacheBytesPerToken: kvBytesPerToken,
            sequencesPerReplica: sequences, inFlightMicroBatches: workload.mode == .training ? inFlight(stage: stage, microBatches) : 0)
    }

    /// Micro-batches per pipeline per training step: global batch / (dp x micro-batch), at least 1.
    public var microBatchesPerPipeline: Int {
        guard let training = spec.workload.training else { return 1 }
        let perReplica = (training.globalBatch + layout.dp - 1) / max(layout.dp, 1)
        return max(1, (perReplica + layout.microBatch - 1) / max(layout.microBatch, 1))
    }

    /// Micro-batches whose activations stage `stage` holds at once under 1F1B: min(pp - stage, m).
    func inFlight(stage: Int, _ microBatches: Int) -> Int { max(1, min(layout.pp - stage, microBatches)) }

    private func stageMemory(
        _ stage: Int, sequence: ExactInt, prompt: Int, sequences: Int, microBatches: Int,
        all: ParameterCount
    ) -> (MemoryBreakdown, ExactInt) {
        let model = spec.model
        let workload = spec.workload
        let census = censuses[stage] ?? LayerCensus(model, layers: layout.stageLayers(stage, of: model.layers))
        let h = ExactInt(model.hidden)
        var dense = ExactInt.zero, experts = ExactInt.zero
        for (kind, count) in census.counts {
            let layer = ParameterCount.layer(model, kind)
            dense += ExactInt(count) * layer.dense
            experts += ExactInt(count) * layer.experts
        }
        let first = stage == 0, last = stage == layout.pp - 1
        if first { dense += all.embedding }
        if last {
            dense += ExactInt(model.norm == .layernorm ? 2 : 1) * h
            // With tied embeddings and pp > 1 the last stage keeps its own copy of the output matrix.
            dense += all.lmHead.isZero && layout.pp > 1 ? ExactInt(model.vocab) * h : all.lmHead
        }
        let tp = ExactInt(layout.tp)
        let parameters = (dense.ceilDivided(by: tp) ?? dense) + (experts.ceilDivided(by: tp * ExactInt(layout.ep)) ?? experts)
        var memory = MemoryBreakdown()
        memory.weights = Self.weightBytes(parameters, format: workload.dtype)
        memory.workspace = spec.hardware.workspace.value
        let activationBytes = ExactInt(workload.dtype.bits >= 32 ? 4 : 2)
        if let training = workload.training {
            let activations = ActivationMemory(
                model, dtype: workload.dtype, dropout: spec.conventions.dropout,
                fusedAttention: spec.conventions.fusedAttention)
            let local = sequence.ceilDivided(by: ExactInt(layout.cp)) ?? sequence
            let tokens = local * ExactInt(layout.microBatch)
            var perMicroBatch = ExactInt.zero
            for (kind, count) in census.counts {
                perMicroBatch +=
                    ExactInt(count)
                    * activations.layer(
                        kind, tokens: tokens, sequence: sequence, tp: layout.tp,
                        sequenceParallel: layout.sequenceParallel, recompute: layout.recompute)
            }
            var held = perMicroBatch * ExactInt(inFlight(stage: stage, microBatches))
            if layout.vpp > 1 && first {
                // Interleaved 1F1B: the first stage holds (1 + (p - 1)/(p v)) times as much (Korthikanti sec. 4.2.3).
                let p = ExactInt(layout.pp), v = ExactInt(layout.vpp)
                held = (held * (p * v + p - 1)).ceilDivided(by: p * v) ?? held
            }
            if last {
                // The final norm's input and fp32 logits for the loss, split over the vocabulary by TP.
                held += activationBytes * tokens * h
                held += (ExactInt(4) * tokens * ExactInt(model.vocab)).ceilDivided(by: tp) ?? .zero
            }
            memory.activations = held
            let shard = ExactInt(max(layout.dp * layout.cp, 1))
            let zero = layout.zero
            let gradients = parameters * ExactInt(training.gradDtype.bits / 8)
            let optimizer = parameters * ExactInt(Self.optimizerBytesPerParameter(training.optimizer, weights: workload.dtype))
            memory.gradients = zero >= 2 ? (gradients.ceilDivided(by: shard) ?? gradients) : gradients
            memory.optimizer = zero >= 1 ? (optimizer.ceilDivided(by: shard) ?? optimizer) : optimizer
            if zero >= 3 { memory.weights = memory.weights.ceilDivided(by: shard) ?? memory.weights }
        } else {
            let cache = KVCacheSize(model, cache: workload.kvCache)
            memory.kvCache = ExactInt(sequences) * cache.bytesPerSequence(tokens: sequence, census: census, tp: layout.tp, cp: layout.cp)
            memory.activations = inferenceWorkingSet(prompt: prompt, sequences: sequences, last: last, activationBytes: activationBytes)
        }
        return (memory, parameters)
    }

    /// The transient working set of a prefill chunk (nothing is kept across layers at inference): the
    /// residual stream and its normed copy (2h), the Q/K/V outputs, and the MLP's intermediate tensors
    /// (gate and up, or the routed experts' share) for every token of the chunk, split by TP and CP; plus
    /// fp32 logits of the last position of each sequence. Attention is taken as fused (no s x s scores).
    func inferenceWorkingSet(prompt: Int, sequences: Int, last: Bool, activationBytes: ExactInt) -> ExactInt {
        let model = spec.model
        let chunk = ExactInt(min(spec.workload.prefillChunk ?? prompt, prompt))
        let tokens = ((chunk * ExactInt(sequences)).ceilDivided(by: ExactInt(layout.cp))) ?? chunk
        let tp = ExactInt(layout.tp)
        let qkv = ExactInt(model.heads * model.headDim + 2 * model.kvHeads * model.headDim)
        let ffnWidth: ExactInt
        if let moe = model.moe {
            ffnWidth = ExactInt(max(model.ffn, moe.expertFfn * (moe.active + moe.shared)))
        } else {
            ffnWidth = ExactInt(model.ffn)
        }
        let perToken = ExactInt(2 * model.hidden) + ((qkv + ExactInt(2) * ffnWidth).ceilDivided(by: tp) ?? qkv)
        var bytes = activationBytes * tokens * perToken
        if last { bytes += (ExactInt(4 * sequences) * ExactInt(model.vocab)).ceilDivided(by: tp) ?? .zero }
        return bytes
    }

    /// The largest context (at most 2^40 tokens) whose profile fits, by bisection: memory never
    /// decreases with context, so the fitting contexts form a prefix. Nil when even the shortest does not fit.
    public func maxContext() -> Int? {
        let lowest = spec.workload.mode == .inference ? spec.workload.outputTokens + 1 : 1
        guard profile(context: lowest).fits else { return nil }
        var low = lowest, high = SpecShapes.maxTokens
        if profile(context: high).fits { return high }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if profile(context: middle).fits { low = middle } else { high = middle }
        }
        return low
    }
}
