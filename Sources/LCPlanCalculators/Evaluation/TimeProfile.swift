import LCPlanModel

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
/// communication that is not overlapped. Computed by `LayoutEvaluator`.
public struct TimeProfile: Sendable, Equatable {
    public let ttft: PhaseTime?
    public let tpot: PhaseTime?
    public let step: PhaseTime?
    /// Decode throughput (inference) or training tokens per second, over all devices.
    public let tokensPerSecond: Double
    /// Inference: output tokens per second a server sustains over all devices when each request's prefill
    /// is counted too, replicas x sequences x output tokens / (TTFT + output tokens x TPOT); nil for training.
    public let servedTokensPerSecond: Double?
    /// Model FLOPs utilisation and hardware FLOPs utilisation of a training step, against dense peak.
    public let mfu: Double?
    public let hfu: Double?
    /// The pipeline bubble's share of ideal step time, (p - 1)/(v m) (Narayanan 2021 sec. 2.2).
    public let bubbleFraction: Double?
    /// The compute format whose peak was used, and that peak.
    public let computeFormat: NumberFormat
    public let peak: Double
}

extension TimeProfile {
    /// The throughput the layout search ranks by: training tokens, or the output tokens a server sustains
    /// with prefill counted (`servedTokensPerSecond`).
    public var objectiveTokensPerSecond: Double { servedTokensPerSecond ?? tokensPerSecond }
}
