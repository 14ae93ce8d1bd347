import LCPlanModel
import LCPlanPrecision

/// What the KV layout holds and how many sequences it serves: lcplan's own (ideal) count, and when
/// `serving.engine` names one, that engine's start-up accounting (`EngineKVCapacity`).
public struct KVLayoutProfile: Sendable {
    public let cache: KVCacheSpec
    /// Bits per stored element with its metadata (scales, zero points), as stored on one device.
    public let bitsPerElement: Double
    /// One attention layer on one device: bits and bytes per token, bytes per paged block.
    public let bitsPerTokenPerLayer: ExactInt
    public let bytesPerTokenPerLayer: ExactInt
    public let bytesPerBlockPerLayer: ExactInt
    /// The device the count is for (the most constrained pipeline stage) and its attention layers.
    public let stage: Int
    public let attentionLayers: Int
    /// Bytes of one block over the device's attention layers (global and local).
    public let bytesPerBlock: ExactInt
    /// Bytes the device's cache holds whatever the sequences (per-tensor scales, codebooks).
    public let constantBytes: ExactInt
    /// Tokens of a request at the target context (prompt + output), and those its global layers keep.
    public let sequenceTokens: Int
    public let keptTokens: Int
    /// Bytes one such request holds on the device.
    public let bytesPerSequence: ExactInt
    public let ideal: KVCapacity
    public let engine: EngineKVCapacity?
    /// Why the engine's count is missing although one was named.
    public let engineUnavailable: String?
    /// The workload's batch: the KV bytes per device on each offload tier.
    public let tiers: [KVTierUse]
}

/// lcplan's own count: every byte of device memory the plan does not use otherwise holds KV blocks.
public struct KVCapacity: Sendable {
    /// Device memory for the cache: usable capacity (less the headroom) less weights, the working set and
    /// the workspace; and the offload tiers' bytes.
    public let deviceBytes: ExactInt
    public let tierBytes: ExactInt
    /// Whole blocks and their tokens (full-attention equivalent: a block of every attention layer).
    public let blocks: ExactInt
    public let tokens: ExactInt
    /// Requests at the target context held at once per replica (tiers included), and on the device alone.
    public let sequences: Int
    public let sequencesOnDevice: Int
    /// The longest single request the cache holds (tiers included), nil when none.
    public let longestSequence: Int?
}

/// The bytes of one device's KV share on an offload tier, and a decode step's read time of it.
public struct KVTierUse: Sendable {
    public let tier: KVTier
    public let bytes: ExactInt
    public let readSeconds: Double
}

extension KVLayoutProfile {
    /// The profile of `layout`'s KV cache for `spec` (inference only).
    public init?(_ profile: ModelProfile, layout: Layout) {
        let spec = profile.spec
        guard spec.workload.mode == .inference else { return nil }
        let cache = profile.kvCache
        let w = spec.workload
        let sequences = (w.batch + layout.dp - 1) / max(layout.dp, 1)
        let sequence = w.promptTokens + w.outputTokens
        let usable = profile.usableBytes
        // The most constrained stage: the least room for requests at the target context.
        var best: (stage: Int, room: ExactInt, perSequence: ExactInt, sequences: Int)? = nil
        for stage in MemoryModel.stages(layout) {
            let parts: MemoryParts<ExactInt> = StageMemory.compute(
                profile, layout, stage: stage, sequence: sequence, prompt: w.promptTokens, sequences: sequences, microBatches: 1,
                workspace: spec.hardware.workspace.value)
            let room = usable - parts.weights - parts.activations - parts.workspace
            let layers = layout.stageLayers(stage, of: profile.model.layers)
            let fitting = Self.largest(limit: room + profile.kvTierCapacity, upTo: SpecShapes.maxTokens) { n in
                StageMemory.kvBytes(profile, layout, layers: layers, tokens: sequence, sequences: n)
            }
            if fitting < best?.sequences ?? Int.max {
                let one: ExactInt = StageMemory.kvBytes(profile, layout, layers: layers, tokens: sequence, sequences: 1)
                best = (stage, room, one - Self.constant(profile, layers), fitting)
            }
        }
        guard let best else { return nil }
        let layers = layout.stageLayers(best.stage, of: profile.model.layers)
        let counts = profile.attentionLayers(in: layers)
        let attention = counts.global + counts.local
        self.cache = spec.workload.kvCache
        stage = best.stage
        attentionLayers = attention
        bitsPerElement = cache.bitsPerElement(tp: layout.attentionTP)
        bitsPerTokenPerLayer = cache.bitsPerToken(tp: layout.attentionTP)
        bytesPerTokenPerLayer = cache.bytesPerTokenPerLayer(tp: layout.attentionTP)
        bytesPerBlockPerLayer = cache.bytesPerBlock(tp: layout.attentionTP)
        bytesPerBlock = bytesPerBlockPerLayer * ExactInt(attention)
        constantBytes = Self.constant(profile, layers)
        sequenceTokens = sequence
        keptTokens = cache.keptTokens(sequence, kind: .global)
        bytesPerSequence = best.perSequence
        let room = best.room - constantBytes
        let deviceRoom = room.isNegative ? ExactInt.zero : room
        let blocks = bytesPerBlock.isZero ? ExactInt.zero : (deviceRoom.floorDivided(by: bytesPerBlock) ?? .zero)
        let onDevice = Self.largest(limit: best.room, upTo: SpecShapes.maxTokens) { n in
            StageMemory.kvBytes(profile, layout, layers: layers, tokens: sequence, sequences: n)
        }
        let longest = Self.largest(limit: best.room + profile.kvTierCapacity, upTo: SpecShapes.maxTokens) { t in
            StageMemory.kvBytes(profile, layout, layers: layers, tokens: t, sequences: 1)
        }
        ideal = KVCapacity(
            deviceBytes: deviceRoom, tierBytes: profile.kvTierCapacity, blocks: blocks,
            tokens: blocks * ExactInt(max(w.kvCache.blockTokens, 1)), sequences: best.sequences, sequencesOnDevice: onDevice,
            longestSequence: longest > 0 ? longest : nil)
        switch EngineKVCapacity.make(profile, layout: layout) {
        case .success(let engine):
            self.engine = engine
            engineUnavailable = nil
        case .failure(let reason):
            self.engine = nil
            engineUnavailable = reason.text
        }
        let memory = MemoryModel(profile, layout: layout).profile()
        var left = memory.device.kvOffloaded
        var uses: [KVTierUse] = []
        for tier in w.kvCache.tiers {
            let share = ExactInt.min(left, tier.capacity)
            left -= share
            uses.append(KVTierUse(tier: tier, bytes: share, readSeconds: share.doubleValue / tier.bandwidth))
        }
        tiers = uses
    }

    /// The per-layer constants (per-tensor scales, codebooks) of a stage's attention layers.
    static func constant(_ p: ModelProfile, _ layers: Range<Int>) -> ExactInt {
        let counts = p.attentionLayers(in: layers)
        return ExactInt(counts.global + counts.local) * p.kvConstantBytesPerLayer
    }

    /// The largest n in [0, upTo] with cost(n) <= limit, for a cost that never decreases with n (0 when
    /// none fits, or when even cost(0) exceeds the limit).
    static func largest(limit: ExactInt, upTo: Int, _ cost: (Int) -> ExactInt) -> Int {
        guard cost(1) <= limit else { return 0 }
        if cost(upTo) <= limit { return upTo }
        var low = 1, high = upTo
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if cost(middle) <= limit { low = middle } else { high = middle }
        }
        return low
    }
}
