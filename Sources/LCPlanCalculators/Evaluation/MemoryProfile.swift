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
    /// KV bytes held on offload tiers for this device (outside device memory, not in `total`).
    public var kvOffloaded: ExactInt = .zero

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
    /// Bytes of offload tiers per device.
    public let tierCapacity: ExactInt
    public var total: ExactInt { device.total }
    public var fits: Bool { device.total <= usable && device.kvOffloaded <= tierCapacity }
    /// Free bytes under the usable limit (negative when it does not fit).
    public var headroom: ExactInt { usable - device.total }
    /// Bytes per cached token over all attention layers of the model (no parallel split, no paging).
    public let kvCacheBytesPerToken: ExactInt
    /// Sequences each data-parallel replica serves (inference) or micro-batches in flight on the stage (training).
    public let sequencesPerReplica: Int
    public let inFlightMicroBatches: Int
}

/// Computes exact memory profiles of one layout (accounting.md "Activation memory", "Model states",
/// "KV cache") with the formula `StageMemory` shares with the layout evaluator.
public struct MemoryModel: Sendable {
    public let modelProfile: ModelProfile
    public let layout: Layout
    var spec: Spec { modelProfile.spec }
    /// The stages a profile evaluates: every stage when there are few (middle stages can hold more experts
    /// than the ends); the two ends and the middle otherwise.
    let stages: [Int]

    public init(_ profile: ModelProfile, layout: Layout) {
        self.modelProfile = profile
        self.layout = layout
        stages = Self.stages(layout)
    }

    /// A memory model from a spec alone (its model profile without the RoPE analysis).
    public init(_ spec: Spec, layout: Layout) {
        self.init(ModelProfile(spec, analyseRoPE: false), layout: layout)
    }

    static func stages(_ layout: Layout) -> [Int] {
        layout.pp <= 256 ? Array(0..<layout.pp) : [0, layout.pp / 2, layout.pp - 1]
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

    /// The profile of the spec as written: at inference each sequence holds its prompt and output tokens
    /// (`prompt_tokens` + `output_tokens`, at most the context), in training the context.
    public func profile() -> MemoryProfile {
        let workload = spec.workload
        return profile(prompt: workload.mode == .inference ? workload.promptTokens : workload.context, sequenceOf: workload.context)
    }

    /// The profile with sequences of `context` tokens (at inference, prompt = context - output tokens). Every
    /// context is costed the same way, so `maxContext()` is consistent with `fits`: the spec fits exactly
    /// when its sequence length is at most `maxContext()`, whatever `prompt_tokens` says.
    public func profile(context: Int) -> MemoryProfile {
        let workload = spec.workload
        let output = workload.mode == .inference ? min(workload.outputTokens, max(context - 1, 0)) : 0
        return profile(prompt: max(context - output, 1), sequenceOf: context)
    }

    private func profile(prompt: Int, sequenceOf context: Int) -> MemoryProfile {
        let workload = spec.workload
        let output = workload.mode == .inference ? min(workload.outputTokens, max(context - 1, 0)) : 0
        let sequence = workload.mode == .inference ? prompt + output : context
        var best: (MemoryParts<ExactInt>, Int)? = nil
        let sequences = (workload.batch + layout.dp - 1) / max(layout.dp, 1)
        let microBatches = microBatchesPerPipeline
        for stage in stages {
            let memory: MemoryParts<ExactInt> = StageMemory.compute(
                modelProfile, layout, stage: stage, sequence: sequence, prompt: prompt, sequences: sequences,
                microBatches: microBatches, workspace: spec.hardware.workspace.value)
            if let current = best, memory.total <= current.0.total { continue }
            best = (memory, stage)
        }
        let parts = best?.0 ?? MemoryParts<ExactInt>()
        let stage = best?.1 ?? 0
        var device = MemoryBreakdown()
        device.weights = parts.weights
        device.kvCache = parts.kvCache
        device.activations = parts.activations
        device.gradients = parts.gradients
        device.optimizer = parts.optimizer
        device.workspace = parts.workspace
        device.kvOffloaded = parts.kvOffloaded
        let capacity = spec.hardware.device.memory.value
        return MemoryProfile(
            device: device, stage: stage, parametersPerDevice: parts.parameters, capacity: capacity,
            usable: Self.usable(capacity, headroom: spec.constraints.memoryHeadroom), tierCapacity: modelProfile.kvTierCapacity,
            kvCacheBytesPerToken: modelProfile.kvBytesPerToken, sequencesPerReplica: sequences,
            inFlightMicroBatches: workload.mode == .training ? StageMemory.inFlight(layout, stage: stage, microBatches) : 0)
    }

    /// Parameters one device of pipeline stage `stage` holds (for identities over stages).
    public func stageParameters(_ stage: Int) -> ExactInt {
        let parts: MemoryParts<ExactInt> = StageMemory.compute(
            modelProfile, layout, stage: stage, sequence: 1, prompt: 1, sequences: 1, microBatches: 1, workspace: .zero)
        return parts.parameters
    }

    /// Capacity less the headroom fraction, exact to a millionth of the capacity.
    static func usable(_ capacity: ExactInt, headroom: Double) -> ExactInt {
        let ppm = Int((headroom * 1_000_000).rounded())
        return (capacity * ExactInt(1_000_000 - ppm)).floorDivided(by: 1_000_000) ?? capacity
    }

    /// Micro-batches per pipeline per training step: global batch / (dp x micro-batch), at least 1.
    public var microBatchesPerPipeline: Int { Self.microBatches(spec.workload, layout) }

    static func microBatches(_ workload: WorkloadSpec, _ layout: Layout) -> Int {
        guard let training = workload.training else { return 1 }
        let perReplica = (training.globalBatch + layout.dp - 1) / max(layout.dp, 1)
        return max(1, (perReplica + layout.microBatch - 1) / max(layout.microBatch, 1))
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
