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
    /// Inference: one step of continuous batching (vLLM V1, SGLang, TensorRT-LLM in-flight batching): the
    /// decode token of every running sequence plus 1/output of their prompts' prefill, the weights read once
    /// for both. Its length is the inter-token latency a request sees under this load; nil for training.
    public var batchStep: PhaseTime? = nil
    /// Decode throughput (inference) or training tokens per second, over all devices.
    public let tokensPerSecond: Double
    /// Inference: output tokens per second a server sustains over all devices when each request's prefill
    /// is counted too, sequences in flight / `batchStep`; nil for training.
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
    /// The time between a request's output tokens under the workload's load: the continuous-batching step
    /// when there is one, the decode step otherwise. What `constraints.tpot` and `expect.max_tpot` bound.
    public var interTokenSeconds: Double? { batchStep?.seconds ?? tpot?.seconds }

    /// The throughput the layout search ranks by: training tokens, or the output tokens a server sustains
    /// with prefill counted (`servedTokensPerSecond`).
    public var objectiveTokensPerSecond: Double { servedTokensPerSecond ?? tokensPerSecond }
}
