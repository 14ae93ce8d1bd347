import Foundation
import LCPlanModel
import LCPlanPrecision

/// Costs one layout of a model on a system: pure, no loader, no RoPE, no allocation per call (fast
/// arithmetic; see `LayoutProfile`). The formulas are accounting.md's "Communication" and "Time":
///
/// Training step, per device: compute = hardware FLOPs / devices / (peak x efficiency), scaled by the
/// largest pipeline stage's share of the layers (uneven stages set the pace); the weights read three times
/// per micro-batch; the pipeline bubble (p - 1)/(v m) of compute (Narayanan 2021 sec. 2.2); plus, per
/// micro-batch and layer of the largest stage, tensor parallel all-reduces of b s h activations (2 forward,
/// 2 backward, 2 more for a full recompute; Narayanan 2021 sec. 3.2; exposed; MoE layers with expert tensor
/// parallelism below tp keep only their attention's), context parallel traffic by
/// kind (`contextTraffic`), pipeline sends of b s h each way per virtual stage, expert dispatch and combine
/// forward and backward (not overlapped), and the data parallel gradient all-reduce over dp x cp,
/// overlapped with the backward pass (two thirds of compute); under ZeRO-2 a reduce-scatter per micro-batch
/// and one all-gather of the parameters; under ZeRO-3 per micro-batch a reduce-scatter of the gradients and
/// two all-gathers of the parameters, overlapped with the whole step.
///
/// Inference: TTFT is the prefill of one replica's sequences through every stage in turn, each split over
/// tp x cp, reading the weights of every stage and the KV cache once, with 2 all-reduces per layer and the
/// context-parallel traffic of one forward pass (`prefillContextTraffic`); TPOT is
/// one decode step at the final context reading every stage's weights (of a mixture of experts, the routed
/// experts its tokens pick: `unreadExpertBytes`) and KV cache, with 2 all-reduces of each sequence's hidden
/// vector per layer. No queueing.
public struct LayoutEvaluator: Sendable {
    public let profile: ModelProfile
    public let system: System
    let usableBytes: Double
    let workspaceBytes: Double
    let moeLayers: Int
    /// Parameters of one routed expert (its gated or plain MLP).
    let routedExpertParameters: Double
    /// The measured attention kernel the plan runs, or nil where none applies (attention then costs at the
    /// flat compute rate).
    public let attentionKernel: AttentionKernelModel?
    /// Causal attention FLOPs per counted one: 1/2 under the full convention, which counts the masked half.
    let causalShare: Double

    public init(profile: ModelProfile, system: System) {
        self.profile = profile
        self.system = system
        let spec = profile.spec
        usableBytes = MemoryModel.usable(spec.hardware.device.memory.value, headroom: spec.constraints.memoryHeadroom).doubleValue
        workspaceBytes = spec.hardware.workspace.value.doubleValue
        moeLayers = profile.kinds.indices.reduce(0) {
            $0 + (profile.kinds[$1].moe ? profile.layers(ofKind: $1, in: 0..<profile.model.layers) : 0)
        }
        routedExpertParameters = profile.model.moe.map { ParameterCount.ffn(profile.model, inner: $0.expertFfn).doubleValue } ?? 0
        attentionKernel = AttentionKernelModel(
            spec.hardware, headDim: profile.model.headDim, fused: spec.conventions.fusedAttention)
        causalShare = spec.conventions.attentionFLOPs == .full ? 0.5 : 1
    }

    /// Zigzag ring attention's efficiency against the same attention on one device, fused kernels with the
    /// sends hidden: 0.902 forward and backward on 8 H800, 0.898 on 8 A100, Llama-3.1-8B attention at 8k
    /// tokens per GPU (zhuzilin/ring-flash-attention README at 01c8baf): smaller blocks per step and the
    /// causal imbalance the zigzag split leaves. lcplan takes 0.90.
    static let ringAttentionEfficiency = 0.90

    /// Seconds of the attention core on a device: `forward` counted FLOPs of one forward pass, run forward
    /// `forwards` times and backward `backwards` times over sequences of `length` tokens per device. With a
    /// measured kernel each direction runs at its own efficiency, the backward recomputing the scores (2.5
    /// times the forward's FLOPs, `AttentionKernelModel`); without one at the flat rate, the backward twice
    /// the forward.
    @inline(__always) func attentionSeconds(forward: Double, forwards: Double, backwards: Double, length: Double) -> Double {
        let rate = system.kernels.attentionFLOPRate
        guard let k = attentionKernel else { return forward * (forwards + 2 * backwards) / rate }
        let causal = forward * causalShare
        let ahead = forwards > 0 ? causal * forwards / (rate * k.relative(k.forward(length: length, causal: true))) : 0
        let back = backwards > 0 ? causal * 2.5 * backwards / (rate * k.relative(k.backward(length: length, causal: true))) : 0
        return ahead + back
    }

    /// Tokens per sequence an attention kernel call sees on one device: `tokens` over the context-parallel
    /// ranks, no more than a sliding window.
    @inline(__always) func kernelLength(_ tokens: Int, cp: Int) -> Double {
        let perRank = Double(tokens) / Double(max(cp, 1))
        return min(perRank, Double(profile.model.attention.window ?? Int.max))
    }

    /// The cost of `layout` at the workload's context; inference replicas hold `sequences` sequences each
    /// (default: the workload's batch spread over the replicas).
    public func evaluate(_ layout: Layout, sequences perReplica: Int? = nil) -> LayoutProfile {
        let workload = profile.spec.workload
        let sequences = perReplica ?? layout.sequences ?? (workload.batch + layout.dp - 1) / max(layout.dp, 1)
        let microBatches = MemoryModel.microBatches(workload, layout)
        let sequence = workload.mode == .inference ? workload.promptTokens + workload.outputTokens : workload.context
        var best = MemoryParts<Double>()
        var bestStage = -1, last = -1
        // Stages in increasing order, each once; the first of equal totals is kept (as `MemoryModel`).
        func consider(_ stage: Int) {
            guard stage > last else { return }
            last = stage
            let memory: MemoryParts<Double> = StageMemory.compute(
                profile, layout, stage: stage, sequence: sequence, prompt: workload.promptTokens, sequences: sequences,
                microBatches: microBatches, workspace: workspaceBytes)
            if bestStage < 0 || memory.total > best.total {
                best = memory
                bestStage = stage
            }
        }
        let pp = layout.pp
        if profile.kinds.count == 1 && pp > 4 {
            // One kind of layer: a middle stage's memory depends only on its layer count and the micro-batches
            // it holds, which fall with the stage index; so the first middle stage of each size is the largest
            // of its size (`Layout.stageLayers`: the middle stages are even, or, when the ends cannot absorb an
            // uneven split, the first `layers % pp` stages hold one layer more). The ends hold more.
            let extra = profile.model.layers % pp
            consider(0)
            consider(1)
            if extra > 1 && extra < pp - 1 { consider(extra) }
            consider(pp - 1)
        } else if pp <= 256 {
            // Every stage when there are few (middle stages can hold more experts than the ends).
            for stage in 0..<pp { consider(stage) }
        } else {
            // The two ends and the middle otherwise (as `MemoryModel`).
            consider(0)
            consider(pp / 2)
            consider(pp - 1)
        }
        var communication = Communication()
        let time =
            workload.training != nil
            ? trainingTime(layout, memory: best, microBatches: microBatches, communication: &communication)
            : inferenceTime(layout, memory: best, stage: bestStage, sequences: sequences, communication: &communication)
        return LayoutProfile(
            layout: layout, memory: best, stage: bestStage, usableBytes: usableBytes, tierBytes: profile.kvTierCapacity.doubleValue,
            time: time,
            communication: communication, microBatches: microBatches, sequencesPerReplica: sequences)
    }

    /// The network each kind of parallelism uses, by how many consecutive ranks its group spans
    /// (Megatron-LM's rank order tp-cp-ep-dp-pp, innermost first; planner.md K12).
    @inline(__always) func tensorNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp) }
    @inline(__always) func contextNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp * l.cp) }
    @inline(__always) func pipelineNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp * l.cp * l.pp) }
    @inline(__always) func dataNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.devices) }
    @inline(__always) func expertNetwork(_ l: Layout) -> NetworkTier { system.network(spanning: l.tp * l.ep) }

    /// Routed-expert weight bytes a device of one stage holds but a decode step of a replica's `tokens` tokens
    /// leaves unread: an expert's weights are read only when some token picks it. With uniform top-k routing
    /// over E experts an expert escapes each token with probability 1 - k/E, so all N tokens that reach its
    /// expert group with (1 - k/E)^N; that group spans etp x ep devices of a stage and a replica tp, so it
    /// serves N = tokens x etp ep / tp. Mixtral 8x7B at batch 1 reads 2 of its 8 experts: it "uses 12.9B
    /// parameters per token" and generates "at the same speed ... as a 12.9B model" (Mistral AI, "Mixtral of
    /// experts", December 2023). Shared experts, routers and dense layers are always read; prefill's tokens
    /// touch every expert.
    @inline(__always) func unreadExpertBytes(_ layout: Layout, tokens: Double) -> Double {
        guard let moe = profile.model.moe, moe.experts > 0, moeLayers > 0 else { return 0 }
        let group = Double(layout.etp * layout.ep)
        let held = Double(moeLayers) / Double(layout.pp) * Double(moe.experts) * routedExpertParameters / group
        let bytes = StageMemory.weightBytes(held, bits: profile.spec.workload.dtype.bits)
        let share = tokens * group / Double(layout.tp)
        return bytes * pow(1 - Double(min(moe.active, moe.experts)) / Double(moe.experts), share)
    }

    /// Serving's tensor-parallel all-reduces over a replica's `tokens` tokens: one after attention and one
    /// after the MLP in every layer. With attention data parallelism (attention_dp a) attention runs on groups
    /// of tp / a ranks, each over its own 1/a of the sequences, so its all-reduce spans a group on a 1/a share
    /// (none when a = tp); the MLP or the experts still reduce over all tp ranks (SGLang's DP attention
    /// gathers the groups' tokens for the tensor-parallel MoE and scatters them back: an all-reduce's volume).
    @inline(__always) func servingTensorTraffic(_ layout: Layout, tokens: Double) -> CollectiveCost {
        let groups = max(layout.attentionDP, 1)
        let vector = Double(profile.model.hidden) * Double(profile.activationBytes)
        let attention = Collectives.allReduce(bytes: tokens / Double(groups) * vector, ranks: layout.tp / groups)
        let mlp = Collectives.allReduce(bytes: tokens * vector, ranks: layout.tp)
        return (attention + mlp).repeated(Double(profile.model.layers))
    }

    /// Expert dispatch and combine of one rank's `tokens` tokens through one stage's MoE layers (uniform routing).
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
        // The pipeline runs at the pace of its largest stage, ceil(layers / pp) layers (`Layout.stageLayers`):
        // with uneven stages every stage waits for the middle ones.
        let slowest = Double(Layout.largestStage(layers: model.layers, pp: layout.pp))
        let imbalance = layout.pp > 1 ? slowest * Double(layout.pp) / Double(max(model.layers, 1)) : 1
        let attentionFLOPs = profile.trainingAttentionHardware(layout.recompute)
        var attention = attentionSeconds(
            forward: profile.trainingAttentionForward / devices * imbalance, forwards: layout.recompute == .none ? 1 : 2,
            backwards: 1, length: kernelLength(spec.workload.context, cp: layout.cp))
        if attentionKernel != nil && layout.cp > 1 && (layout.cpKind == .ring || layout.cpKind == .hierarchical) {
            attention /= Self.ringAttentionEfficiency
        }
        let compute = max(hardwareFLOPs - attentionFLOPs, 0) / devices * imbalance / system.kernels.linearFLOPRate + attention
        let m = Double(microBatches)
        let bubble = Self.bubble(layout, microBatches: m)
        let bytes = Double(profile.activationBytes)
        let b = Double(layout.microBatch)
        let s = Double(spec.workload.context) / Double(layout.cp)
        let h = Double(model.hidden)
        let perStage = slowest * m
        let fullRecompute = layout.recompute == .full
        // Experts with less tensor parallelism than the rest (etp < tp; Megatron's parallel folding): the
        // MoE layers' MLP needs no tensor-parallel collectives, only their attention does; each rank
        // dispatches its etp/tp share of the tokens (sequence-parallel split).
        let foldedExperts = profile.model.moe != nil && layout.etp < layout.tp
        let moeShare = Double(moeLayers) / Double(max(model.layers, 1))
        var collectives = (fullRecompute ? 6 : 4) * perStage
        if foldedExperts { collectives -= (fullRecompute ? 3 : 2) * perStage * moeShare }
        c.tensor = CommunicationCost(
            Collectives.allReduce(bytes: b * s * h * bytes, ranks: layout.tp).repeated(collectives), on: tensorNetwork(layout))
        c.context = contextTraffic(layout, perStage: perStage, attention: attention)
        // Between stages each micro-batch's b x s x h activations go forward and their gradient back, v times
        // when interleaved (accounting.md); each of the tp ranks sends its own 1/tp of them over its own link
        // (sequence parallelism splits them so; without it Megatron-LM's scatter/gather optimisation does,
        // Narayanan et al. 2021, arXiv 2104.04473 sec. 4.1).
        c.pipeline =
            layout.pp > 1
            ? CommunicationCost(
                Collectives.pointToPoint(bytes: b * s * h * bytes / Double(layout.tp)).repeated(2 * m * Double(layout.vpp)),
                on: pipelineNetwork(layout))
            : CommunicationCost()
        c.data = dataTraffic(layout, memory: memory, microBatches: m, compute: compute)
        // Each tensor-parallel rank dispatches its 1/tp share of the micro-batch's tokens, whatever etp: with
        // expert and tensor parallelism Megatron-LM requires sequence parallelism, so the MoE layer's input is
        // split across the tp ranks, and its all-to-all dispatcher sends each rank's share, the expert-TP group
        // then gathering them over its own link (counted with the tensor-parallel collectives when etp = tp).
        // Forward and backward each dispatch and combine once; a full recompute runs the forward, and so its
        // all-to-alls, again in the backward pass.
        let dispatched = b * s / Double(layout.tp)
        c.expert = CommunicationCost(
            expertTraffic(layout, tokens: dispatched).repeated((fullRecompute ? 3 : 2) * m), on: expertNetwork(layout))
        let phase = PhaseTime(
            compute: compute, memory: memory.weights * 3 * m / system.byteRate, communication: c.exposedSeconds,
            extra: compute * bubble)
        let tokens = Double(spec.workload.training?.globalBatch ?? 0) * Double(spec.workload.context)
        let peak = max(system.peakFLOPPerSecond, 1)
        return TimeProfile(
            ttft: nil, tpot: nil, step: phase, tokensPerSecond: tokens / phase.seconds, servedTokensPerSecond: nil,
            mfu: profile.trainingModelFLOPs / (phase.seconds * devices * peak),
            hfu: hardwareFLOPs / (phase.seconds * devices * peak), bubbleFraction: layout.pp > 1 ? bubble : nil,
            computeFormat: system.computeFormat, peak: system.peakFLOPPerSecond)
    }

    /// The data-parallel (and ZeRO) traffic of one training step over the dp x cp ranks that share the
    /// parameters, overlapped with `compute` as each ZeRO stage allows.
    func dataTraffic(_ layout: Layout, memory: MemoryParts<Double>, microBatches m: Double, compute: Double) -> CommunicationCost {
        let spec = profile.spec
        let gradientBytes = memory.parameters * Double(spec.workload.training?.gradDtype.bits ?? 16) / 8
        let shards = layout.dp * layout.cp
        let weightBytes = memory.parameters * Double(spec.workload.dtype.bits) / 8
        switch layout.zero {
        case 3:
            // ZeRO-3 gathers each layer's parameters for the forward and again for the backward pass of every
            // micro-batch and reduce-scatters the gradients after each backward pass: per micro-batch 1.5
            // times the all-reduce's volume (ZeRO, arXiv 1910.02054 sec. 7.2.2), prefetched behind the step.
            return CommunicationCost(
                (Collectives.reduceScatter(bytes: gradientBytes, ranks: shards)
                    + Collectives.allGather(bytes: weightBytes, ranks: shards).repeated(2)).repeated(m),
                on: dataNetwork(layout), hiddenBehind: compute)
        case 2:
            // ZeRO-2 keeps only its shard of the gradients, so it reduce-scatters them after every
            // micro-batch's backward pass (DeepSpeed's stage 2), and gathers the updated parameters once.
            return CommunicationCost(
                Collectives.reduceScatter(bytes: gradientBytes, ranks: shards).repeated(m)
                    + Collectives.allGather(bytes: weightBytes, ranks: shards),
                on: dataNetwork(layout), hiddenBehind: compute * 2 / 3)
        default:
            // Full gradients accumulate over the micro-batches and are all-reduced once per step (ZeRO-1 and
            // Megatron-LM's distributed optimizer: a reduce-scatter and an all-gather, the same volume).
            return CommunicationCost(
                Collectives.allReduce(bytes: gradientBytes, ranks: shards), on: dataNetwork(layout), hiddenBehind: compute * 2 / 3)
        }
    }

    /// The pipeline bubble as a fraction of the ideal step. 1F1B: (pp - 1)/m, interleaved (pp - 1)/(v m)
    /// (Narayanan 2021). DualPipe (DeepSeek-V3, arXiv 2412.19437 Table 2): (pp/2 - 1)(F&B + B - 3W) against
    /// the m (F + B) of the micro-batches, with a forward chunk F = 1, a full backward chunk B = 2 (3 when the
    /// forward is recomputed in it), its weight part W = 1, and F&B = F + B: the overlapped pair hides
    /// communication, not compute, which lcplan costs apart.
    static func bubble(_ layout: Layout, microBatches m: Double) -> Double {
        guard layout.pp > 1 else { return 0 }
        guard layout.dualPipe else { return Double(layout.pp - 1) / (Double(layout.vpp) * m) }
        let f = 1.0, w = 1.0, b = layout.recompute == .full ? 3.0 : 2.0
        return (Double(layout.pp) / 2 - 1) * ((f + b) + b - 3 * w) / (m * (f + b))
    }

    /// Context-parallel traffic of one training step, by kind (planner.md K5; Megatron-LM
    /// `context_parallel.md`, TransformerEngine `context_parallel.py`), per micro-batch and layer of the
    /// largest stage:
    /// - `ring` (p2p): each rank's K and V chunk passes round the ring, (cp - 1)/cp of the gathered K and V,
    ///   forward, again backward, and their gradients back: 3 times (4 with a full recompute), overlapped
    ///   with the attention core's compute;
    /// - `allgather`: the same volume gathered before attention, exposed (Llama 3, arXiv 2407.21783
    ///   sec. 3.3.2: small with GQA);
    /// - `ulysses` (a2a): Q, K, V and the output re-partitioned from sequence to heads and back, (cp - 1)/cp of
    ///   each rank's b s/cp (2 q + kv) elements, forward and again backward (a third time with a full
    ///   recompute), exposed (Ulysses, arXiv 2309.14509 sec. 3.2);
    /// - `hierarchical` (a2a+p2p): the all-to-all inside groups of a ranks (exposed), then the ring across the
    ///   cp/a groups on the K and V of the group's heads (1/a of the rank's; overlapped).
    @inline(__always) func contextTraffic(_ layout: Layout, perStage: Double, attention: Double) -> CommunicationCost {
        let full = layout.recompute == .full
        let tokens = Double(layout.microBatch) * Double(profile.spec.workload.context)
        return contextCost(
            layout, tokens: tokens, ringPasses: (full ? 4 : 3) * perStage, traversals: (full ? 3 : 2) * perStage,
            allToAllPasses: (full ? 3 : 2) * perStage, overlap: attention)
    }

    /// Context-parallel traffic of a prefill of `tokens` tokens (all sequences of a replica), every layer once
    /// forward; as `contextTraffic` for one forward pass.
    @inline(__always) func prefillContextTraffic(_ layout: Layout, tokens: Double, attention: Double) -> CommunicationCost {
        let layers = Double(profile.model.layers)
        return contextCost(layout, tokens: tokens, ringPasses: layers, traversals: layers, allToAllPasses: layers, overlap: attention)
    }

    /// The traffic of `tokens` tokens' attention split over the context-parallel ranks: K and V gathered
    /// `ringPasses` times, or Q, K, V and the output re-partitioned `allToAllPasses` times. A ring moves in
    /// `traversals` trips round the ranks (forward, backward, a recomputed forward), the backward's carrying
    /// both K and V and their gradients; each of a trip's cp - 1 sends overlaps one of its cp blocks of
    /// attention (`overlap` seconds in all) and exposes what it takes beyond it, latency included.
    @inline(__always) func contextCost(
        _ layout: Layout, tokens: Double, ringPasses: Double, traversals: Double, allToAllPasses: Double, overlap: Double
    ) -> CommunicationCost {
        guard layout.cp > 1 else { return CommunicationCost() }
        let model = profile.model
        let bytes = Double(profile.activationBytes)
        let kvPerToken = profile.kvElementsPerRank(tp: layout.tp)
        let query = Double(model.heads * model.headDim) / Double(layout.tp)
        switch layout.cpKind {
        case .ring:
            let cost = Collectives.ringPass(bytes: tokens * kvPerToken * bytes, ranks: layout.cp).repeated(ringPasses)
            let trips = traversals * Double(layout.cp - 1)
            return CommunicationCost(
                cost, on: contextNetwork(layout), stepsOf: trips, hiddenBehind: overlap, computeSteps: traversals * Double(layout.cp))
        case .allgather:
            let cost = Collectives.allGather(bytes: tokens * kvPerToken * bytes, ranks: layout.cp).repeated(ringPasses)
            return CommunicationCost(cost, on: contextNetwork(layout))
        case .ulysses:
            let buffer = tokens / Double(layout.cp) * (2 * query + kvPerToken) * bytes
            return CommunicationCost(
                Collectives.allToAll(bytes: buffer, ranks: layout.cp).repeated(allToAllPasses), on: contextNetwork(layout))
        case .hierarchical:
            guard let split = ContextParallelKind.hierarchicalSplit(cp: layout.cp, tp: layout.tp, model: model) else {
                return CommunicationCost()
            }
            let buffer = tokens / Double(layout.cp) * (2 * query + kvPerToken) * bytes
            let inner = CommunicationCost(
                Collectives.allToAll(bytes: buffer, ranks: split.a2a).repeated(allToAllPasses),
                on: system.network(spanning: layout.tp * split.a2a))
            let across = CommunicationCost(
                Collectives.ringPass(bytes: tokens * kvPerToken / Double(split.a2a) * bytes, ranks: split.p2p).repeated(ringPasses),
                on: contextNetwork(layout), stepsOf: traversals * Double(split.p2p - 1), hiddenBehind: overlap,
                computeSteps: traversals * Double(split.p2p))
            return inner.followed(by: across)
        }
    }

    func inferenceTime(
        _ layout: Layout, memory: MemoryParts<Double>, stage: Int, sequences sequenceCount: Int, communication c: inout Communication
    ) -> TimeProfile {
        let spec = profile.spec
        let kernels = system.kernels
        let sequences = Double(sequenceCount)
        let perReplica = sequences / Double(max(spec.workload.batch, 1))
        let tp = Double(layout.tp), cp = Double(layout.cp), pp = Double(layout.pp)
        let prompt = Double(spec.workload.promptTokens)
        let output = Double(spec.workload.outputTokens)
        // Sequences in flight over all replicas: the batch (replicas beyond it stand idle), the most loaded
        // replica setting the pace.
        let served =
            layout.sequences != nil
            ? Double(layout.dp) * sequences : min(Double(layout.dp) * sequences, Double(max(spec.workload.batch, 1)))
        let prefillFLOPs = profile.prefillFLOPs * perReplica / (tp * cp)
        let prefillAttention = profile.prefillAttentionFLOPs * perReplica / (tp * cp)
        // Chunked prefill: every step of `chunk` tokens over the replica's sequences reads every stage's
        // weights, and a prompt split into n chunks reads its own growing cache, (n + 1)/2 times the whole.
        // Without chunking the batch's prompts go through in one pass.
        var steps = 1.0, chunks = 1.0
        if let chunk = layout.prefillChunk.map(Double.init), chunk < sequences * prompt {
            steps = (sequences * prompt / chunk).rounded(.up)
            chunks = max((prompt / chunk).rounded(.up), 1)
        }
        let stageLayers = Double(max(layout.stageLayers(max(stage, 0), of: profile.model.layers).count, 1))
        let prefillKV = memory.kvCache * (chunks + 1) / 2
        let prefillMemory =
            memory.weights * pp * steps / kernels.weightByteRate + kernels.kvReadSeconds(prefillKV, perCall: memory.kvCache / stageLayers)
        c.tensor = CommunicationCost(servingTensorTraffic(layout, tokens: sequences * prompt / cp), on: tensorNetwork(layout))
        // As in training, each of the tp ranks dispatches a 1/tp share of the replica's tokens (a token
        // replicated over a tensor-parallel group crosses to another expert rank once, not tp times).
        c.expert = CommunicationCost(expertTraffic(layout, tokens: sequences * prompt / cp / tp), on: expertNetwork(layout))
        // A chunk's queries attend to the whole prompt before them: the kernel's work per query block is the
        // prompt's length, so it runs as on the whole prompt (chunking changes the steps, not the rate).
        let prefillAttentionSeconds = attentionSeconds(
            forward: prefillAttention, forwards: 1, backwards: 0, length: kernelLength(spec.workload.promptTokens, cp: layout.cp))
        let prefillCompute = max(prefillFLOPs - prefillAttention, 0) / kernels.linearFLOPRate + prefillAttentionSeconds
        c.context = prefillContextTraffic(layout, tokens: sequences * prompt, attention: prefillAttentionSeconds)
        let ttft = PhaseTime(
            compute: prefillCompute, memory: prefillMemory,
            communication: c.tensor.exposedSeconds + c.expert.exposedSeconds + c.context.exposedSeconds)
        let decodeFLOPs = profile.decodeFLOPsPerToken * sequences / (tp * cp)
        let decodeAttention = profile.decodeAttentionFLOPsPerToken * sequences / (tp * cp)
        // The unread experts are the stages' average, the weights the largest stage's: never below zero.
        let decodeWeights = max(memory.weights - unreadExpertBytes(layout, tokens: sequences), 0)
        // A decode step reads each sequence's cache at its current length: over the output, prompt + t for
        // t = 1 ... output, on average prompt + (output + 1)/2 (the cache at the final length is what must fit).
        let mean = meanCacheShare(layout, stage: stage, sequences: sequenceCount, final: memory.kvCache + memory.kvOffloaded)
        let kvMean = memory.kvCache * mean
        let decodeMemory =
            decodeWeights * pp / kernels.weightByteRate + kernels.kvReadSeconds(kvMean * pp, perCall: kvMean / stageLayers)
        c.decodeTensor = CommunicationCost(servingTensorTraffic(layout, tokens: sequences), on: tensorNetwork(layout))
        c.decodeExpert = CommunicationCost(expertTraffic(layout, tokens: sequences / tp), on: expertNetwork(layout))
        let decodeCompute = kernels.computeSeconds(decodeFLOPs, attention: decodeAttention)
        let decodeExposed = c.decodeTensor.exposedSeconds + c.decodeExpert.exposedSeconds
        let tpot = PhaseTime(
            compute: decodeCompute,
            memory: Self.withTiers(decodeMemory, offloaded: memory.kvOffloaded * mean, stages: layout.pp, spec.workload.kvCache.tiers),
            communication: decodeExposed)
        // Continuous batching (vLLM V1, SGLang, TensorRT-LLM in-flight batching): each step runs every running
        // sequence's decode token and, within the same step, 1/output of the replica's prefill work (each step
        // output / sequences requests finish and as many prompts enter), so the prefill's arithmetic and its
        // cache traffic ride in the decode step's memory-bound slack while the weights are read once.
        let batchStep =
            output >= 1
            ? PhaseTime(
                compute: decodeCompute + prefillCompute / output,
                memory: tpot.memory + kernels.kvReadSeconds(prefillKV, perCall: memory.kvCache / stageLayers) / output,
                communication: decodeExposed + ttft.communication / output) : nil
        return TimeProfile(
            ttft: ttft, tpot: tpot, step: nil, batchStep: batchStep, tokensPerSecond: served / tpot.seconds,
            servedTokensPerSecond: batchStep.map { served / $0.seconds } ?? 0, mfu: nil, hfu: nil,
            bubbleFraction: nil, computeFormat: system.computeFormat, peak: system.peakFLOPPerSecond)
    }

    /// The cache a decode step reads on average over the output as a share of the cache at the final
    /// length (`final` bytes on the stage's device, offloaded share included): paged bytes at prompt +
    /// (output + 1)/2 tokens (rounded down) through the same layout arithmetic (windows, budgets, prefix
    /// sharing), so a capped cache stays capped.
    func meanCacheShare(_ layout: Layout, stage: Int, sequences: Int, final whole: Double) -> Double {
        let workload = profile.spec.workload
        let meanTokens = workload.promptTokens + (workload.outputTokens + 1) / 2
        guard meanTokens < workload.promptTokens + workload.outputTokens, whole > 0 else { return 1 }
        let layers = layout.stageLayers(max(stage, 0), of: profile.model.layers)
        let part: Double = StageMemory.kvBytes(profile, layout, layers: layers, tokens: meanTokens, sequences: sequences)
        return min(part / whole, 1)
    }

    /// A decode step's memory time with offloaded KV: each device's offloaded share fills the tiers in
    /// order and is read at each tier's bandwidth, after device memory, or overlapped with it when the tier
    /// prefetches (serving.md "Offload tiers"); the pipeline's stages read theirs one after another.
    static func withTiers(_ device: Double, offloaded: Double, stages: Int, _ tiers: [KVTier]) -> Double {
        guard offloaded > 0 else { return device }
        var left = offloaded, waited = 0.0, overlapped = 0.0
        for tier in tiers where left > 0 {
            let share = min(left, tier.capacity.doubleValue)
            left -= share
            if tier.prefetch { overlapped += share / tier.bandwidth } else { waited += share / tier.bandwidth }
        }
        return max(device, overlapped * Double(stages)) + waited * Double(stages)
    }
}
