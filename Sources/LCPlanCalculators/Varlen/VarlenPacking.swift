import LCPlanModel
import LCPlanPrecision

/// How a training step's documents are laid into the data-parallel ranks' sequences.
public enum PackingPolicy: String, Sendable, CaseIterable {
    /// DistCA's naive packing (arXiv 2510.18121): lengths rounded up to 16, bins of the context filled in
    /// order, a document split at the bin boundary with the rest carried on, consecutive bins to
    /// consecutive ranks; each piece attends only within itself.
    case naive
    /// Length-balanced packing in the manner of WLB-LLM (arXiv 2503.17924): documents longer than a sequence
    /// split into sequence-length pieces (as any packing into sequences of the context must), then the
    /// costliest first to the rank with the least attention that has room (greedy, token capacity kept).
    case balanced
    /// Uniform chunking with state carried (ChunkFlow, arXiv 2503.02356): a document runs in chunks of
    /// `chunk` tokens that attend to its earlier chunks' K/V, so it keeps its whole causal attention
    /// (l^2 / 2) and stays on one rank; documents costliest first to the least-loaded rank with room (the
    /// rank with the most room when none has enough). Peak activations are one chunk's plus the carried K/V.
    case chunked
    /// Core attention disaggregated onto attention servers (DistCA): the linear layers keep the naive
    /// packing's equal tokens without splitting documents, and core-attention tasks are split at token
    /// granularity into equal shares; Q, K, V and the output (and their gradients) cross the network,
    /// overlapped with compute (DistCA's ping-pong), so the step pays no imbalance.
    case disaggregated
}

/// One policy's outcome: each rank's attention cost (sum of l^2 / 2 over its documents or pieces, in
/// (query, key) pairs), its tokens, the imbalance, the step time against a perfectly balanced step, and the
/// peak activation memory of one sequence (or chunk).
public struct PackingOutcome: Sendable {
    public let policy: PackingPolicy
    /// Per rank: attention (query, key) pairs and tokens.
    public let rankPairs: [ExactInt]
    public let rankTokens: [Int]
    /// Max over mean of the ranks' attention pairs (1 when all are equal or none attend).
    public let imbalance: Double
    /// The step (linear + attention FLOPs of the slowest rank) over a perfectly balanced one (the mean).
    public let stepRatio: Double
    /// Bytes of activations one device keeps for its largest unit (a sequence of the context, or a chunk
    /// with its carried K/V).
    public let peakActivationBytes: ExactInt
    /// Disaggregated: bytes each rank sends and receives per step (Q, K, V, output and their gradients).
    public let communicationBytes: ExactInt?
}

/// The variable-length model of a training step (serving.md, "Variable-length training batches").
public struct VarlenProfile: Sendable {
    public let spec: DocumentSpec
    /// Ranks and sequences per rank simulated (at most 1,024 ranks and 2^25 tokens in all: a larger step is
    /// represented by fewer sequences per rank, then fewer ranks; contexts above 2^24 tokens are not simulated).
    public let ranks: Int
    public let sequencesPerRank: Int
    public let ranksInLayout: Int
    public let sequencesPerRankInLayout: Int
    public let sequenceTokens: Int
    public let chunk: Int
    /// The documents drawn (rounded up to 16 tokens) and their tokens.
    public let documents: Int
    public let tokens: Int
    public let longest: Int
    /// Training FLOPs per token outside the attention core, and per attended (query, key) pair.
    public let linearFLOPsPerToken: Double
    public let attentionFLOPsPerPair: Double
    public let outcomes: [PackingOutcome]

    /// Simulated tokens and ranks at most. Within them every count fits a machine integer: pairs per rank
    /// are at most (2^25)^2 / 2 = 2^49.
    static let tokenLimit = 1 << 25
    static let rankLimit = 1024

    public init?(_ profile: ModelProfile, layout: Layout) {
        let spec = profile.spec
        guard let training = spec.workload.training, let documents = training.documents else { return nil }
        self.spec = documents
        let context = spec.workload.context
        guard context <= Self.tokenLimit / 2 else { return nil }
        sequenceTokens = context
        ranksInLayout = max(layout.dp, 1)
        sequencesPerRankInLayout = max((training.globalBatch + ranksInLayout - 1) / ranksInLayout, 1)
        var ranks = min(ranksInLayout, Self.rankLimit), perRank = sequencesPerRankInLayout
        if ranks.saturatingMultiplied(by: perRank).saturatingMultiplied(by: context) > Self.tokenLimit {
            perRank = max(1, Self.tokenLimit / max(ranks * context, 1))
            if ranks * perRank * context > Self.tokenLimit { ranks = max(2, Self.tokenLimit / context) }
        }
        self.ranks = ranks
        sequencesPerRank = perRank
        chunk = max(16, (documents.chunk ?? max(context / 4, 16)) / 16 * 16)
        let total = ranks * perRank * context
        let lengths = Self.draw(documents, tokens: total)
        self.documents = lengths.count
        tokens = lengths.reduce(0, +)
        longest = lengths.max() ?? 0
        // FLOPs: the training step's (3 x forward) attention core per causal pair, and the rest per token.
        let flops = FLOPModel(profile.model, convention: .causal)
        let attentionLayers = LayerCensus(profile.model).attentionLayers
        let perPair = 3 * flops.perPair.doubleValue * Double(attentionLayers)
        attentionFLOPsPerPair = perPair
        let model = profile.flops.trainingModel?.doubleValue ?? 0
        let core = 3 * (profile.flops.trainingForward?.attentionCore.doubleValue ?? 0)
        let perToken = (model - core) / Double(max(training.globalBatch, 1)) / Double(max(context, 1))
        linearFLOPsPerToken = perToken
        let bin = context
        let capacity = perRank * bin
        var outcomes: [PackingOutcome] = []
        for policy in PackingPolicy.allCases {
            var pairs = [Int](repeating: 0, count: ranks), held = [Int](repeating: 0, count: ranks)
            var communication: ExactInt? = nil
            switch policy {
            case .naive, .balanced, .chunked:
                let placed = Self.placement(policy, lengths: lengths, ranks: ranks, capacity: capacity, bin: bin)
                for r in 0..<ranks {
                    pairs[r] = placed[r].reduce(0) { $0 + Self.pairs($1) }
                    held[r] = placed[r].reduce(0, +)
                }
            case .disaggregated:
                // Tokens as the naive bins hold them; attention pairs of whole documents, shared evenly.
                let whole = lengths.reduce(0) { $0 + Self.pairs($1) }
                for r in 0..<ranks {
                    pairs[r] = whole / ranks + (r < whole % ranks ? 1 : 0)
                    held[r] = capacity
                }
                communication = Self.disaggregatedBytes(profile, layout: layout, tokens: capacity)
            }
            let mean = pairs.reduce(0.0) { $0 + Double($1) } / Double(ranks)
            let most = pairs.max() ?? 0
            let times = zip(pairs, held).map { perToken * Double($1) + perPair * Double($0) }
            let meanTime = times.reduce(0, +) / Double(ranks)
            let unit = policy == .chunked ? chunk : bin
            outcomes.append(
                PackingOutcome(
                    policy: policy, rankPairs: pairs.map { ExactInt($0) }, rankTokens: held, imbalance: mean > 0 ? Double(most) / mean : 1,
                    stepRatio: meanTime > 0 ? (times.max() ?? 0) / meanTime : 1,
                    peakActivationBytes: Self.peakActivations(
                        profile, layout: layout, unit: unit, carried: policy == .chunked ? max(lengths.max() ?? 0, chunk) - chunk : 0),
                    communicationBytes: communication))
        }
        self.outcomes = outcomes
    }

    /// Where a policy puts the documents: for each rank, the lengths of the documents or pieces it holds, in
    /// order (the disaggregated policy places tokens as naive packing does).
    public static func placement(_ policy: PackingPolicy, lengths: [Int], ranks: Int, capacity: Int, bin: Int) -> [[Int]] {
        var placed = [[Int]](repeating: [], count: ranks)
        switch policy {
        case .naive, .disaggregated:
            var binIndex = 0, filled = 0
            for length in lengths {
                var left = length
                while left > 0 {
                    let piece = min(left, bin - filled)
                    placed[binIndex % ranks].append(piece)
                    filled += piece
                    left -= piece
                    if filled == bin {
                        binIndex += 1
                        filled = 0
                    }
                }
            }
        case .balanced:
            var items: [(tokens: Int, pairs: Int)] = []
            for length in lengths {
                var left = length
                while left > 0 {
                    let piece = min(left, bin)
                    items.append((piece, Self.pairs(piece)))
                    left -= piece
                }
            }
            Self.assign(items, capacity: capacity, ranks: ranks, placed: &placed, split: true)
        case .chunked:
            Self.assign(lengths.map { ($0, Self.pairs($0)) }, capacity: capacity, ranks: ranks, placed: &placed, split: false)
        }
        return placed
    }

    /// (query, key) pairs of a causal document of `length` tokens, l^2 / 2 (lengths are multiples of 16).
    public static func pairs(_ length: Int) -> Int { length * length / 2 }

    /// Costliest first to the rank with the least attention that has room (a heap of ranks by attention);
    /// when none has room, to the rank with the most room: the part that fits (`split`, pieces independent)
    /// or the whole (no split); when every rank is full, to the least loaded.
    static func assign(_ items: [(tokens: Int, pairs: Int)], capacity: Int, ranks: Int, placed: inout [[Int]], split: Bool) {
        var pairs = [Int](repeating: 0, count: ranks), held = [Int](repeating: 0, count: ranks)
        let order = items.indices.sorted { a, b in
            items[a].pairs != items[b].pairs ? items[a].pairs > items[b].pairs : a < b
        }
        var queue = order.map { items[$0].tokens }
        var heap = RankHeap(count: pairs.count)
        var index = 0
        var skipped: [Int] = []
        while index < queue.count {
            let tokens = queue[index]
            index += 1
            skipped.removeAll(keepingCapacity: true)
            var chosen: Int? = nil
            while let r = heap.popMin(pairs) {
                if held[r] + tokens <= capacity {
                    chosen = r
                    break
                }
                skipped.append(r)
            }
            if let r = chosen {
                pairs[r] += Self.pairs(tokens)
                held[r] += tokens
                placed[r].append(tokens)
                // A full rank (room below the 16-token unit every length is a multiple of) leaves the heap.
                if held[r] < capacity { heap.push(r, pairs) }
                for s in skipped { heap.push(s, pairs) }
                continue
            }
            // Every rank full (after an earlier whole document overflowed one): the least loaded takes it.
            let roomiest =
                skipped.min { held[$0] != held[$1] ? held[$0] < held[$1] : $0 < $1 }
                ?? pairs.indices.min { pairs[$0] != pairs[$1] ? pairs[$0] < pairs[$1] : $0 < $1 } ?? 0
            let room = capacity - held[roomiest]
            if split && room > 0 && room < tokens {
                pairs[roomiest] += Self.pairs(room)
                held[roomiest] += room
                placed[roomiest].append(room)
                queue.append(tokens - room)
            } else {
                pairs[roomiest] += Self.pairs(tokens)
                held[roomiest] += tokens
                placed[roomiest].append(tokens)
            }
            for s in skipped where held[s] < capacity { heap.push(s, pairs) }
        }
    }

    /// Document lengths filling exactly `tokens`, each rounded up to a multiple of 16: drawn from the
    /// histogram by document share (uniform within the bucket, SplitMix64 from the seed), or the given
    /// lengths in turn; the last is cut to fill the step.
    public static func draw(_ spec: DocumentSpec, tokens: Int) -> [Int] {
        var lengths: [Int] = []
        var total = 0
        var state = UInt64(truncatingIfNeeded: spec.seed)
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let buckets = spec.buckets ?? []
        let shareTotal = buckets.reduce(0) { $0 + $1.share }
        var given = 0
        while total < tokens {
            var length: Int
            if case .lengths(let list) = spec.source {
                length = list[given % list.count]
                given += 1
            } else {
                var pick = Double(next() >> 11) / Double(1 << 53) * shareTotal
                var lower = 0, upper = buckets.last?.below ?? 16
                for bucket in buckets {
                    if pick < bucket.share || bucket.below == buckets.last?.below {
                        upper = bucket.below
                        break
                    }
                    pick -= bucket.share
                    lower = bucket.below
                }
                length = lower + Int(next() % UInt64(max(upper - lower, 1)))
            }
            length = max(16, (length + 15) / 16 * 16)
            length = min(length, tokens - total)
            lengths.append(length)
            total += length
        }
        return lengths
    }

    /// Activations one device keeps for a unit of `unit` tokens (the model's layers at the layout's tp,
    /// sequence parallelism and recompute; no pipeline split), plus `carried` tokens of K/V from earlier
    /// chunks of the same document, on the device's KV heads.
    static func peakActivations(_ p: ModelProfile, layout: Layout, unit: Int, carried: Int) -> ExactInt {
        var total = ExactInt.zero
        for k in p.kinds.indices {
            let count = p.layers(ofKind: k, in: 0..<p.model.layers)
            total +=
                ExactInt(count)
                * ActivationMemory.layer(
                    p.activation[k], elementBytes: p.activationBytes, hidden: p.model.hidden, tokens: ExactInt(unit),
                    sequence: ExactInt(unit), tp: layout.tp, sequenceParallel: layout.sequenceParallel,
                    recompute: layout.recompute)
        }
        let kv =
            ExactInt(LayerCensus(p.model).attentionLayers) * ExactInt(Int(p.kvElementsPerRank(tp: layout.tp)))
            * ExactInt(p.activationBytes)
        return total + ExactInt(carried) * kv
    }

    /// Bytes each rank exchanges with the attention servers per step: per token and attention layer the
    /// query, key, value and output forward, and their gradients backward.
    static func disaggregatedBytes(_ p: ModelProfile, layout: Layout, tokens: Int) -> ExactInt {
        let m = p.model
        let q = ExactInt(m.heads * m.headDim), kv = ExactInt(Int(p.kvElementsPerRank(tp: 1)))
        let perToken = (q * 2 + kv) * 2 * ExactInt(p.activationBytes)
        return ExactInt(tokens) * ExactInt(LayerCensus(m).attentionLayers) * perToken
    }
}

/// A binary min-heap of rank indices ordered by their attention so far (ties: the lower index).
struct RankHeap {
    var items: [Int]

    init(count: Int) { items = Array(0..<count) }

    static func less(_ a: Int, _ b: Int, _ key: [Int]) -> Bool { key[a] != key[b] ? key[a] < key[b] : a < b }

    mutating func push(_ rank: Int, _ key: [Int]) {
        items.append(rank)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(items[i], items[parent], key) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popMin(_ key: [Int]) -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && Self.less(items[l], items[m], key) { m = l }
                if r < items.count && Self.less(items[r], items[m], key) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return first
    }
}
