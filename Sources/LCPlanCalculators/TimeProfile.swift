import Foundation
import LCPlanModel
import LCPlanPrecision

/// What limits a phase: arithmetic, memory traffic, or communication.
public enum Bound: String, Sendable, CaseIterable { case compute, memory, communication }

/// The time of one phase on one device and what bounds it.
public struct PhaseTime: Sendable, Equatable {
    public let seconds: Double
    public let compute: Double
    public let memory: Double
    /// Communication that is not hidden behind computation.
    public let communication: Double
    public let bound: Bound

    init(compute: Double, memory: Double, communication: Double, extra: Double = 0) {
        self.compute = compute
        self.memory = memory
        self.communication = communication
        let local = max(compute, memory)
        seconds = local + communication + extra
        if communication > local { bound = .communication } else { bound = compute >= memory ? .compute : .memory }
    }
}

/// A roofline estimate of each phase (accounting.md, "Time"): a phase takes at least
/// max(FLOPs / (peak x compute efficiency), bytes / (bandwidth x memory efficiency)) per device, plus the
/// communication that is not overlapped. Efficiencies are the hardware's stated factors.
public struct TimeProfile: Sendable, Equatable {
    public let ttft: PhaseTime?
    public let tpot: PhaseTime?
    public let step: PhaseTime?
    /// Decode throughput (inference) or training tokens per second, over all devices.
    public let tokensPerSecond: Double
    /// Model FLOPs utilisation and hardware FLOPs utilisation of a training step, against dense peak.
    public let mfu: Double?
    public let hfu: Double?
    /// The pipeline bubble's share of ideal step time, (p - 1)/(v m) (Narayanan 2021 sec. 2.2).
    public let bubbleFraction: Double?
    /// The compute format whose peak was used, and that peak.
    public let computeFormat: NumberFormat
    public let peak: Double

    public init(_ spec: Spec, layout: Layout, flops: PhaseFLOPs, memory: MemoryProfile) {
        let hardware = spec.hardware
        let device = hardware.device
        let efficiency = hardware.efficiency
        let entry = device.peakEntry(for: spec.workload.dtype.computeFormat)
        computeFormat = entry?.0 ?? spec.workload.dtype.computeFormat
        peak = entry?.1.flopsPerSecond ?? 0
        let flopRate = max(peak * efficiency.compute, 1)
        let byteRate = max(device.memoryBandwidth.bytesPerSecond * efficiency.memory, 1)
        let model = spec.model
        let activationBytes = Double(spec.workload.dtype.bits >= 32 ? 4 : 2)
        let links = Links(hardware: hardware, layout: layout)
        let stageLayers = Double((model.layers + layout.pp - 1) / layout.pp)
        let tp = Double(layout.tp), cp = Double(layout.cp)

        if let training = spec.workload.training {
            ttft = nil
            tpot = nil
            let devices = Double(layout.devices)
            let modelFLOPs = flops.trainingModel?.doubleValue ?? 0
            let hardwareFLOPs = flops.trainingHardware(recompute: layout.recompute)?.doubleValue ?? 0
            let compute = hardwareFLOPs / devices / flopRate
            let m = Double(MemoryModel(spec, layout: layout).microBatchesPerPipeline)
            let bubble = layout.pp > 1 ? Double(layout.pp - 1) / (Double(layout.vpp) * m) : 0
            bubbleFraction = layout.pp > 1 ? bubble : nil
            let b = Double(layout.microBatch)
            let s = Double(spec.workload.context) / cp
            let h = Double(model.hidden)
            // Tensor parallel: 8 b s h (t - 1)/t elements per layer per micro-batch (2 all-reduces forward,
            // 2 backward; Narayanan 2021 sec. 3.2), 12 with full recompute's second forward. Not overlapped.
            let tpVolume =
                layout.tp > 1
                ? (layout.recompute == .full ? 12 : 8) * b * s * h * (tp - 1) / tp * activationBytes * stageLayers * m : 0
            // Context parallel: K and V of the other ranks, (c - 1)/c x 2 b s n_kv d_h per layer forward, and
            // their gradients backward (Megatron context_parallel.md); overlapped with attention compute.
            let kvWidth = KVCacheSize(model, cache: spec.workload.kvCache).elementsPerToken().doubleValue
            let cpVolume =
                layout.cp > 1
                ? 3 * (cp - 1) / cp * b * Double(spec.workload.context) * kvWidth * activationBytes
                    * stageLayers * m : 0
            let coreShare = (flops.trainingForward.map { $0.attentionCore.doubleValue / max($0.total.doubleValue, 1) }) ?? 0
            let cpExposed = max(0, cpVolume / links.cp - compute * coreShare)
            // Pipeline: b s h activations each way between neighbouring stages per micro-batch.
            let ppVolume = layout.pp > 1 ? 2 * b * s * h * activationBytes * m * Double(layout.vpp) : 0
            // Data parallel: ring all-reduce of the gradients, 2 (n - 1)/n of their bytes, overlapped with the
            // backward pass (two thirds of compute); only the excess is exposed.
            let dpGroup = Double(layout.dp * layout.cp)
            let gradientBytes = memory.parametersPerDevice.doubleValue * Double(training.gradDtype.bits / 8)
            let dpVolume = dpGroup > 1 ? 2 * (dpGroup - 1) / dpGroup * gradientBytes : 0
            let dpExposed = max(0, dpVolume / links.dp - compute * 2 / 3)
            // Expert parallelism: each MoE layer sends every token to its k experts and back (dispatch and
            // combine all-to-alls), (ep - 1)/ep of it leaving the device, forward and backward. Not overlapped.
            let epVolume = Self.expertTraffic(spec, layout: layout, tokens: b * s, activationBytes: activationBytes) * 2 * m
            let communication = tpVolume / links.tp + cpExposed + ppVolume / links.pp + dpExposed + epVolume / links.ep
            let weightTraffic = memory.device.weights.doubleValue * 3 * m
            let phase = PhaseTime(
                compute: compute, memory: weightTraffic / byteRate, communication: communication,
                extra: compute * bubble)
            step = phase
            let tokens = Double(training.globalBatch) * Double(spec.workload.context)
            tokensPerSecond = tokens / phase.seconds
            mfu = modelFLOPs / (phase.seconds * devices * max(peak, 1))
            hfu = hardwareFLOPs / (phase.seconds * devices * max(peak, 1))
        } else {
            bubbleFraction = nil
            mfu = nil
            hfu = nil
            let sequences = Double(memory.sequencesPerReplica)
            let batch = Double(max(spec.workload.batch, 1))
            let perReplica = sequences / batch
            let h = Double(model.hidden)
            // Prefill: one replica's sequences through all pp stages in turn, each stage split over tp x cp.
            let prefillFLOPs = flops.prefill.total.doubleValue * perReplica / (tp * cp)
            let prefillBytes = memory.device.weights.doubleValue * Double(layout.pp) + memory.device.kvCache.doubleValue
            let prompt = Double(spec.workload.promptTokens)
            let tpPrefill =
                layout.tp > 1
                ? 4 * sequences * prompt / cp * h * (tp - 1) / tp * activationBytes
                    * Double(model.layers) / links.tp : 0
            let epPrefill =
                Self.expertTraffic(spec, layout: layout, tokens: sequences * prompt / cp, activationBytes: activationBytes) / links.ep
            ttft = PhaseTime(compute: prefillFLOPs / flopRate, memory: prefillBytes / byteRate, communication: tpPrefill + epPrefill)
            // Decode: every step reads the stage's weights and its whole KV cache, on each of pp stages in turn.
            let decodeFLOPs = flops.decodePerToken.total.doubleValue * sequences / (tp * cp)
            let decodeBytes = (memory.device.weights.doubleValue + memory.device.kvCache.doubleValue) * Double(layout.pp)
            let tpDecode = layout.tp > 1 ? 4 * sequences * h * (tp - 1) / tp * activationBytes * Double(model.layers) / links.tp : 0
            let epDecode = Self.expertTraffic(spec, layout: layout, tokens: sequences, activationBytes: activationBytes) / links.ep
            let decode = PhaseTime(compute: decodeFLOPs / flopRate, memory: decodeBytes / byteRate, communication: tpDecode + epDecode)
            tpot = decode
            step = nil
            tokensPerSecond = Double(layout.dp) * sequences / decode.seconds
        }
    }
}

extension TimeProfile {
    /// Bytes one device sends in the forward pass's MoE all-to-alls for `tokens` tokens: dispatch and combine,
    /// each token's hidden vector once to every other expert-parallel rank that holds one of its k experts.
    /// With uniform routing a token reaches (ep - 1)(1 - ((ep - 1)/ep)^k) other ranks on average (copies to
    /// the same rank deduplicated, as DeepEP and Megatron's token dispatcher do); an assumption, stated.
    /// Summed over the MoE layers of one pipeline stage.
    static func expertTraffic(_ spec: Spec, layout: Layout, tokens: Double, activationBytes: Double) -> Double {
        guard layout.ep > 1, let moe = spec.model.moe else { return 0 }
        let moeLayers = Double(LayerCensus(spec.model).count { $0.moe }) / Double(layout.pp)
        let ep = Double(layout.ep)
        let remoteRanks = (ep - 1) * (1 - pow((ep - 1) / ep, Double(moe.active)))
        return 2 * tokens * remoteRanks * Double(spec.model.hidden) * activationBytes * moeLayers
    }
}

/// Per-direction bandwidths (bytes/s, times the network efficiency) of the links each kind of
/// parallelism uses: within a node when its group fits in one, across nodes otherwise.
struct Links {
    let tp: Double, cp: Double, pp: Double, dp: Double, ep: Double

    init(hardware: HardwareSpec, layout: Layout) {
        let efficiency = hardware.efficiency.network
        let intra =
            (hardware.intraNode ?? hardware.device.intraNode ?? hardware.device.hostLink
            ?? Bandwidth(bytesPerSecond: 25e9)).bytesPerSecond * efficiency
        let inter = (hardware.interNode ?? Bandwidth(bytesPerSecond: 25e9)).bytesPerSecond * efficiency
        let perNode = max(hardware.perNode, 1)
        tp = layout.tp <= perNode ? intra : inter
        cp = layout.tp * layout.cp <= perNode ? intra : inter
        pp = layout.tp * layout.cp * layout.pp <= perNode ? intra : inter
        dp = layout.devices <= perNode ? intra : inter
        ep = layout.tp * layout.ep <= perNode ? intra : inter
    }
}
