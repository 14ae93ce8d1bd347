import LCPlanModel
import LCPlanPrecision

/// Costs one layout of a model on a system: pure, no loader, no RoPE, no allocation per call (fast
/// arithmetic; see `LayoutProfile`). The formulas are accounting.md's "Communication" and "Time":
///
/// Training step, per device: compute = hardware FLOPs / devices / (peak x efficiency); the weights read
/// three times per micro-batch; the pipeline bubble (p - 1)/(v m) of compute (Narayanan 2021 sec. 2.2);
/// plus, per micro-batch and layer of a stage, tensor parallel all-reduces of b s h activations (2 forward,
/// 2 backward, 2 more for a full recompute; Narayanan 2021 sec. 3.2; exposed), context parallel K and V
/// all-gathered forward, again in the backward pass and their gradients reduce-scattered (Megatron-LM
/// `context_parallel.md`; overlapped with the attention core), pipeline sends of b s h each way per
/// virtual stage, expert dispatch and combine forward and backward (not overlapped), and the data
/// parallel all-reduce of the gradients over dp x cp, overlapped with the backward pass (two thirds of
/// compute).
///
/// Inference: TTFT is the prefill of one replica's sequences through every stage in turn, each split over
/// tp x cp, reading the weights of every stage and the KV cache once, with 2 all-reduces per layer; TPOT is
/// one decode step at the final context reading every stage's weights and KV cache, with 2 all-reduces of
/// each sequence's hidden vector per layer. No queueing.
public struct LayoutEvaluator: Sendable {
    public let profile: ModelProfile
    public let system: System
    let usableBytes: Double
    let workspaceBytes: Double
    let moeLayers: Int

    public init(profile: ModelProfile, system: System) {
        self.profile = profile
        self.system = system
        let spec = profile.spec
        usableBytes = MemoryModel.usable(spec.hardware.device.memory.value, headroom: spec.constraints.memoryHeadroom).doubleValue
        workspaceBytes = spec.hardware.workspace.value.doubleValue
        moeLayers = profile.kinds.indices.reduce(0) {
            $0 + (profile.kinds[$1].moe ? profile.layers(ofKind: $1, in: 0..<profile.model.layers) : 0)
        }
    }

    /// The cost of `layout` at the workload's context.
    public func evaluate(_ layout: Layout) -> LayoutProfile {
        let workload = profile.spec.workload
        let sequences = (workload.batch + layout.dp - 1) / max(layout.dp, 1)
        let microBatches = MemoryModel.microBatches(workload, layout)
        let sequence = workload.mode == .inference ? workload.promptTokens + workload.outputTokens : workload.context
        var best = MemoryParts<Double>()
        var bestStage = 0
        var first = true
        // Every stage when there are few (middle stages can hold more experts than the ends); the two ends and
        // the middle otherwise (as `MemoryModel`).
        let stageCount = layout.pp <= 256 ? layout.pp : 3
        for index in 0..<stageCount {
            let stage = layout.pp <= 256 ? index : (index == 0 ? 0 : index == 1 ? layout.pp / 2 : layout.pp - 1)
            let memory: MemoryParts<Double> = StageMemory.compute(
                profile, layout, stage: stage, sequence: sequence, prompt: workload.promptTokens, sequences: sequences,
                microBatches: microBatches, workspace: workspaceBytes)
            if first || memory.total > best.total {
                best = memory
                bestStage = stage
                first = false
            }
        }
        var communication = Communication()
        let time =
            workload.training != nil
            ? trainingTime(layout, memory: best, microBatches: microBatches, communication: &communication)
            : inferenceTime(layout, memory: best, sequences: sequences, communication: &communication)
        return LayoutProfile(
            layout: layout, memory: best, stage: bestStage, usableBytes: usableBytes, time: time,
            communication: communication, microBatches: microBatches, sequencesPerReplica: sequences)
    }

    /// The network each kind of parallelism uses, by how many consecutive ranks its group spans
    /// (Megatron-LM's rank order tp-cp-ep-dp-pp, innermost first; planner.md K12).
    @inline(__always) func tensorNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp) }
    @inline(__always) func contextNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp * l.cp) }
    @inline(__always) func pipelineNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp * l.cp * l.pp) }
    @inline(__always) func dataNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.devices) }
    @inline(__always) func expertNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp * l.ep) }

    /// Expert dispatch and combine of `tokens` tokens through one stage's MoE layers (uniform routing).
    @inline(__always) func expertTraffic(_ layout: Layout, tokens: Double) -> CollectiveCost {
        guard layout.ep > 1, let moe = profile.model.moe else { return .none }
        let layers = Double(moeLayers) / Double(layout.pp)
        let buffer = tokens * Double(profile.model.hidden) * Double(profile.activationBytes)
        return Collectives.expertDispatch(bytes: buffer, ranks: layout.ep, topK: moe.active).repeated(2 * layers)
    }

    func trainingTime(
        _ layout: Layout, memory: MemoryParts<Double>, microBatches: Int, communication c: inout Communication
    ) -> TimeProfile {
        let spec = profile.spec
        let model = profile.model
        let devices = Double(layout.devices)
        let hardwareFLOPs = profile.trainingHardware(layout.recompute)
        let compute = hardwareFLOPs / devices / system.flopRate
        let m = Double(microBatches)
        let bubble = layout.pp > 1 ? Double(layout.pp - 1) / (Double(layout.vpp) * m) : 0
        let bytes = Double(profile.activationBytes)
        let b = Double(layout.microBatch)
        let s = Double(spec.workload.context) / Double(layout.cp)
        let h = Double(model.hidden)
        let stageLayers = Double((model.layers + layout.pp - 1) / layout.pp)
        let perStage = stageLayers * m
        let allReduces = layout.recompute == .full ? 6.0 : 4.0
        c.tensor = CommunicationCost(
            Collectives.allReduce(bytes: b * s * h * bytes, ranks: layout.tp).repeated(allReduces * perStage), on: tensorNetwork(layout))
        let kv = b * Double(spec.workload.context) * Double(profile.kvElementsPerToken) * bytes
        c.context = CommunicationCost(
            Collectives.allGather(bytes: kv, ranks: layout.cp).repeated(3 * perStage), on: contextNetwork(layout),
            hiddenBehind: compute * profile.trainingAttentionShare)
        c.pipeline =
            layout.pp > 1
            ? CommunicationCost(
                Collectives.pointToPoint(bytes: b * s * h * bytes).repeated(2 * m * Double(layout.vpp)), on: pipelineNetwork(layout))
            : CommunicationCost()
        let gradientBytes = memory.parameters * Double(spec.workload.training?.gradDtype.bits ?? 16) / 8
        c.data = CommunicationCost(
            Collectives.allReduce(bytes: gradientBytes, ranks: layout.dp * layout.cp), on: dataNetwork(layout),
            hiddenBehind: compute * 2 / 3)
        c.expert = CommunicationCost(expertTraffic(layout, tokens: b * s).repeated(2 * m), on: expertNetwork(layout))
        let phase = PhaseTime(
            compute: compute, memory: memory.weights * 3 * m / system.byteRate, communication: c.exposedSeconds,
            extra: compute * bubble)
        let tokens = Double(spec.workload.training?.globalBatch ?? 0) * Double(spec.workload.context)
        let peak = max(system.peakFLOPPerSecond, 1)
        return TimeProfile(
            ttft: nil, tpot: nil, step: phase, tokensPerSecond: tokens / phase.seconds,
            mfu: profile.trainingModelFLOPs / (phase.seconds * devices * peak),
            hfu: hardwareFLOPs / (phase.seconds * devices * peak), bubbleFraction: layout.pp > 1 ? bubble : nil,
            computeFormat: system.computeFormat, peak: system.peakFLOPPerSecond)
    }

    func inferenceTime(
        _ layout: Layout, memory: MemoryParts<Double>, sequences sequenceCount: Int, communication c: inout Communication
    ) -> TimeProfile {
        let spec = profile.spec
        let model = profile.model
        let sequences = Double(sequenceCount)
        let perReplica = sequences / Double(max(spec.workload.batch, 1))
        let tp = Double(layout.tp), cp = Double(layout.cp)
        let h = Double(model.hidden)
        let bytes = Double(profile.activationBytes)
        let layers = Double(model.layers)
        let prompt = Double(spec.workload.promptTokens)
        let prefillFLOPs = profile.prefillFLOPs * perReplica / (tp * cp)
        let prefillBytes = memory.weights * Double(layout.pp) + memory.kvCache
        c.tensor = CommunicationCost(
            Collectives.allReduce(bytes: sequences * prompt / cp * h * bytes, ranks: layout.tp).repeated(2 * layers),
            on: tensorNetwork(layout))
        c.expert = CommunicationCost(expertTraffic(layout, tokens: sequences * prompt / cp), on: expertNetwork(layout))
        let ttft = PhaseTime(
            compute: prefillFLOPs / system.flopRate, memory: prefillBytes / system.byteRate,
            communication: c.tensor.exposedSeconds + c.expert.exposedSeconds)
        let decodeFLOPs = profile.decodeFLOPsPerToken * sequences / (tp * cp)
        let decodeBytes = (memory.weights + memory.kvCache) * Double(layout.pp)
        c.decodeTensor = CommunicationCost(
            Collectives.allReduce(bytes: sequences * h * bytes, ranks: layout.tp).repeated(2 * layers), on: tensorNetwork(layout))
        c.decodeExpert = CommunicationCost(expertTraffic(layout, tokens: sequences), on: expertNetwork(layout))
        let tpot = PhaseTime(
            compute: decodeFLOPs / system.flopRate, memory: decodeBytes / system.byteRate,
            communication: c.decodeTensor.exposedSeconds + c.decodeExpert.exposedSeconds)
        return TimeProfile(
            ttft: ttft, tpot: tpot, step: nil, tokensPerSecond: Double(layout.dp) * sequences / tpot.seconds, mfu: nil, hfu: nil,
            bubbleFraction: nil, computeFormat: system.computeFormat, peak: system.peakFLOPPerSecond)
    }
}
