import Foundation

/// What one collective costs one rank: bytes it sends, the algorithm's factor over the buffer, and the
/// number of sequential message steps (each paying the link's latency).
public struct CollectiveCost: Sendable, Equatable {
    /// Bytes each rank sends (= receives) over its link.
    public let bytesPerRank: Double
    /// bytesPerRank / buffer bytes: 2(n - 1)/n for a ring all-reduce, (n - 1)/n for the others.
    public let algorithmFactor: Double
    /// Sequential steps of the algorithm; with a per-message latency alpha the collective takes
    /// bytesPerRank / bandwidth + latencySteps x alpha. A double: repeated over every layer and micro-batch
    /// of a hostile spec, the count exceeds any machine integer.
    public let latencySteps: Double
    /// Operations launched (collective calls, or separate sends), each paying the base latency once.
    public let calls: Double

    public static let none = CollectiveCost(bytesPerRank: 0, algorithmFactor: 0, latencySteps: 0, calls: 0)

    public init(bytesPerRank: Double, algorithmFactor: Double, latencySteps: Double, calls: Double = 1) {
        self.bytesPerRank = bytesPerRank
        self.algorithmFactor = algorithmFactor
        self.latencySteps = latencySteps
        self.calls = calls
    }

    /// Seconds on `network`: the bytes at its effective bandwidth, plus each call's base latency and each
    /// step's hop latency (`NetworkTier`'s alpha).
    @inline(__always) public func seconds(on network: NetworkTier) -> Double {
        bytesPerRank / network.effectiveBytesPerSecond + calls * network.baseLatency + latencySteps * network.stepLatency
    }

    /// The latency part alone.
    @inline(__always) public func latencySeconds(on network: NetworkTier) -> Double {
        calls * network.baseLatency + latencySteps * network.stepLatency
    }

    /// Two collectives issued one after the other: their bytes, steps and calls add.
    @inline(__always) public static func + (a: CollectiveCost, b: CollectiveCost) -> CollectiveCost {
        CollectiveCost(
            bytesPerRank: a.bytesPerRank + b.bytesPerRank, algorithmFactor: max(a.algorithmFactor, b.algorithmFactor),
            latencySteps: a.latencySteps + b.latencySteps, calls: a.calls + b.calls)
    }

    /// The same collective repeated `times` times.
    @inline(__always) public func repeated(_ times: Double) -> CollectiveCost {
        CollectiveCost(
            bytesPerRank: bytesPerRank * times, algorithmFactor: algorithmFactor, latencySteps: latencySteps * times,
            calls: calls * times)
    }
}

/// One function per collective over `ranks` ranks on a buffer of `bytes` bytes (the full tensor each rank
/// contributes to or ends with), bandwidth-optimal ring algorithms.
///
/// Sources: Thakur, Rabenseifner and Gropp, "Optimization of Collective Communication Operations in
/// MPICH" (2005) for the ring algorithms; NVIDIA nccl-tests `doc/PERFORMANCE.md` for the bus-bandwidth
/// factors (all-reduce 2(n - 1)/n; all-gather, reduce-scatter and all-to-all (n - 1)/n), as
/// accounting.md "Communication" restates them.
public enum Collectives {
    /// Ring all-reduce: a reduce-scatter then an all-gather, 2(n - 1)/n x bytes per rank, 2(n - 1) steps.
    @inline(__always) public static func allReduce(bytes: Double, ranks: Int) -> CollectiveCost {
        guard ranks > 1 else { return .none }
        let n = Double(ranks)
        let factor = 2 * (n - 1) / n
        return CollectiveCost(bytesPerRank: factor * bytes, algorithmFactor: factor, latencySteps: Double(2 * (ranks - 1)))
    }

    /// Ring reduce-scatter: (n - 1)/n x bytes per rank, n - 1 steps.
    @inline(__always) public static func reduceScatter(bytes: Double, ranks: Int) -> CollectiveCost {
        guard ranks > 1 else { return .none }
        let factor = Double(ranks - 1) / Double(ranks)
        return CollectiveCost(bytesPerRank: factor * bytes, algorithmFactor: factor, latencySteps: Double(ranks - 1))
    }

    /// Ring all-gather: (n - 1)/n x bytes per rank, n - 1 steps.
    @inline(__always) public static func allGather(bytes: Double, ranks: Int) -> CollectiveCost {
        guard ranks > 1 else { return .none }
        let factor = Double(ranks - 1) / Double(ranks)
        return CollectiveCost(bytesPerRank: factor * bytes, algorithmFactor: factor, latencySteps: Double(ranks - 1))
    }

    /// All-to-all with a uniform exchange: each rank keeps 1/n of its buffer and sends the rest, (n - 1)/n
    /// x bytes, in n - 1 pairwise steps.
    @inline(__always) public static func allToAll(bytes: Double, ranks: Int) -> CollectiveCost {
        guard ranks > 1 else { return .none }
        let factor = Double(ranks - 1) / Double(ranks)
        return CollectiveCost(bytesPerRank: factor * bytes, algorithmFactor: factor, latencySteps: Double(ranks - 1))
    }

    /// Ring attention's K and V passing round `ranks` ranks: the all-gather's bytes, sent as n - 1 separate
    /// point-to-point steps, each its own operation (TransformerEngine and ring-flash-attention post one
    /// send/receive pair per step).
    @inline(__always) public static func ringPass(bytes: Double, ranks: Int) -> CollectiveCost {
        guard ranks > 1 else { return .none }
        let factor = Double(ranks - 1) / Double(ranks)
        return CollectiveCost(
            bytesPerRank: factor * bytes, algorithmFactor: factor, latencySteps: Double(ranks - 1), calls: Double(ranks - 1))
    }

    /// A point-to-point send of the whole buffer, one step.
    @inline(__always) public static func pointToPoint(bytes: Double) -> CollectiveCost {
        CollectiveCost(bytesPerRank: bytes, algorithmFactor: 1, latencySteps: 1)
    }

    /// Mixture-of-experts dispatch (and, the same again, combine) over `ranks` expert-parallel ranks: each
    /// of `tokens` tokens goes once to every other rank that holds one of its `topK` routed experts. With
    /// uniform routing a token reaches (n - 1)(1 - ((n - 1)/n)^k) other ranks on average, copies to the same
    /// rank deduplicated as DeepEP and Megatron-LM's token dispatcher do (an assumption, reported);
    /// `bytes` is the buffer of all tokens' hidden vectors.
    @inline(__always) public static func expertDispatch(bytes: Double, ranks: Int, topK: Int) -> CollectiveCost {
        guard ranks > 1 else { return .none }
        let n = Double(ranks)
        let factor = (n - 1) * (1 - pow((n - 1) / n, Double(topK)))
        return CollectiveCost(bytesPerRank: factor * bytes, algorithmFactor: factor, latencySteps: Double(ranks - 1))
    }
}
