import LCPlanModel

/// The traffic of one kind of parallelism in one step (or phase): bytes each device sends, the network it
/// uses, and the seconds it takes and leaves exposed after overlap.
public struct CommunicationCost: Sendable, Equatable {
    public var bytes: Double = 0
    public var network: NetworkTier.Kind = .intraNode
    /// Seconds on that network at its effective bandwidth.
    public var seconds: Double = 0
    /// Seconds not hidden behind computation (equal to `seconds` when not overlapped).
    public var exposedSeconds: Double = 0
    /// Whether the model overlaps it with computation.
    public var overlapped: Bool = false

    init() {}

    init(_ cost: CollectiveCost, on tier: NetworkTier, hiddenBehind: Double? = nil) {
        bytes = cost.bytesPerRank
        network = tier.kind
        seconds = cost.seconds(on: tier)
        if let hidden = hiddenBehind {
            overlapped = true
            exposedSeconds = max(0, seconds - hidden)
        } else {
            exposedSeconds = seconds
        }
    }
}

extension CommunicationCost {
    /// Traffic sent in `steps` equal steps, each overlapping its own share of `compute` seconds spread over
    /// `computeSteps` (ring attention: a step's K and V block travels while the previous block's attention
    /// runs; a rank computes cp blocks per traversal and sends cp - 1): each step exposes what its send takes
    /// beyond its compute, max(0, send - compute) per step, never less.
    init(_ cost: CollectiveCost, on tier: NetworkTier, stepsOf steps: Double, hiddenBehind compute: Double, computeSteps: Double) {
        bytes = cost.bytesPerRank
        network = tier.kind
        seconds = cost.seconds(on: tier)
        overlapped = true
        guard steps > 0 else {
            exposedSeconds = seconds
            return
        }
        exposedSeconds = steps * max(0, seconds / steps - compute / max(computeSteps, 1))
    }

    /// Two stages of one kind's traffic, one after the other: bytes and seconds add; the exposed seconds of
    /// each add; reported on the later stage's network, overlapped if either is.
    func followed(by next: CommunicationCost) -> CommunicationCost {
        var combined = CommunicationCost()
        combined.bytes = bytes + next.bytes
        combined.network = next.network
        combined.seconds = seconds + next.seconds
        combined.exposedSeconds = exposedSeconds + next.exposedSeconds
        combined.overlapped = overlapped || next.overlapped
        return combined
    }
}

/// The communication of a layout, by kind of parallelism (training: per step; inference: the prefill of
/// one replica's batch and one decode step).
public struct Communication: Sendable, Equatable {
    public var tensor = CommunicationCost()
    public var context = CommunicationCost()
    public var pipeline = CommunicationCost()
    public var data = CommunicationCost()
    public var expert = CommunicationCost()
    /// Decode-step traffic of inference (tensor and expert parallel); zero for training.
    public var decodeTensor = CommunicationCost()
    public var decodeExpert = CommunicationCost()

    public init() {}

    /// Seconds not hidden behind computation, over every kind (training step or prefill).
    public var exposedSeconds: Double {
        tensor.exposedSeconds + context.exposedSeconds + pipeline.exposedSeconds + data.exposedSeconds + expert.exposedSeconds
    }
}

/// What one layout costs, in fast arithmetic: the most loaded device's memory, the time of each phase,
/// each communication and the bubble. The reported plan's memory is recomputed exactly by `MemoryModel`.
public struct LayoutProfile: Sendable {
    public let layout: Layout
    /// The most loaded device (its pipeline stage) and its memory by part.
    public let memory: MemoryParts<Double>
    public let stage: Int
    /// Capacity less the headroom.
    public let usableBytes: Double
    /// Bytes of offload tiers per device.
    public let tierBytes: Double
    public var fits: Bool { memory.total <= usableBytes && memory.kvOffloaded <= tierBytes }
    public let time: TimeProfile
    public let communication: Communication
    /// Micro-batches per pipeline per step (training), sequences per replica (inference).
    public let microBatches: Int
    public let sequencesPerReplica: Int
}
