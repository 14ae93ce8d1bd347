import Foundation
import LCPlanKernelsWide

/// The shape of a scaled-down attention problem: query heads sharing KV heads (GQA), a head dimension,
/// a sequence, and the mask (causal, optionally a sliding window; optionally documents packed in the
/// sequence, each attending only within itself).
public struct AttentionShape: Sendable, Equatable {
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var length: Int
    /// Keys a query sees: at most the last `window` positions (itself included); nil: all earlier ones.
    public var window: Int?
    /// Document boundaries: the start of each document after the first (sorted, within the sequence).
    public var documentStarts: [Int] = []

    public init(heads: Int, kvHeads: Int, headDim: Int, length: Int, window: Int? = nil) {
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.length = length
        self.window = window
    }

    /// The keys query `q` attends to: from the later of its document's start and the window's, to itself.
    @inline(__always) public func keys(of q: Int, documentStart: Int = 0) -> Range<Int> {
        var low = documentStart
        if let window { low = max(low, q - window + 1) }
        return low..<(q + 1)
    }

    /// The start of the document holding each position.
    public func documentStartOfEach() -> [Int] {
        var starts = [Int](repeating: 0, count: length)
        var current = 0, next = 0
        for position in 0..<length {
            while next < documentStarts.count && documentStarts[next] <= position {
                current = documentStarts[next]
                next += 1
            }
            starts[position] = current
        }
        return starts
    }

    /// Query heads per KV head.
    public var group: Int { heads / max(kvHeads, 1) }
}

/// Q, K, V of a problem: [heads][length][headDim] for Q, [kvHeads][length][headDim] for K and V, row-major.
public struct AttentionInputs: Sendable {
    public let shape: AttentionShape
    public let q: [Float]
    public let k: [Float]
    public let v: [Float]

    /// Deterministic inputs from a seed, uniform in [-1, 1), queries and keys scaled by 1/sqrt(d) so the
    /// scores stay of order one.
    public init(_ shape: AttentionShape, seed: UInt64) {
        self.shape = shape
        var state = seed
        func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24) * 2 - 1
        }
        let scale = 1 / Float(shape.headDim).squareRoot().squareRoot()
        q = (0..<(shape.heads * shape.length * shape.headDim)).map { _ in next() * scale }
        k = (0..<(shape.kvHeads * shape.length * shape.headDim)).map { _ in next() * scale }
        v = (0..<(shape.kvHeads * shape.length * shape.headDim)).map { _ in next() }
    }
}

/// The attention output with what the kernel counted: multiply-adds executed (QK^T and PV), per head and in
/// all, and the log-sum-exp of each query's scores (for merging partial results).
public struct AttentionResult: Sendable {
    /// [heads][length][headDim].
    public let output: [Double]
    /// [heads][length]: log of the softmax denominator (natural log, scores as computed).
    public let logSumExp: [Double]
    /// Attended (query, key) pairs, summed over heads; multiply-adds = pairs x headDim x 2 (QK^T and PV).
    public let pairs: Int
    public var multiplyAdds: Int { pairs * 2 }
}

/// Causal attention in fp64, O(L^2) memory: every score materialised, softmax, weighted sum. The
/// reference the other kernels are measured against.
public enum ReferenceAttention {
    public static func run(_ inputs: AttentionInputs) -> AttentionResult {
        let s = inputs.shape, d = s.headDim, L = s.length
        let starts = s.documentStartOfEach()
        var output = [Double](repeating: 0, count: s.heads * L * d)
        var lse = [Double](repeating: 0, count: s.heads * L)
        var pairs = 0
        var scores = [Double](repeating: 0, count: L)
        for h in 0..<s.heads {
            let kv = h / max(s.group, 1)
            for q in 0..<L {
                let keys = s.keys(of: q, documentStart: starts[q])
                var maximum = -Double.infinity
                for key in keys {
                    var dot = 0.0
                    for i in 0..<d { dot += Double(inputs.q[(h * L + q) * d + i]) * Double(inputs.k[(kv * L + key) * d + i]) }
                    scores[key] = dot
                    maximum = max(maximum, dot)
                }
                var sum = 0.0
                for key in keys { sum += Foundation.exp(scores[key] - maximum) }
                for key in keys {
                    let p = Foundation.exp(scores[key] - maximum) / sum
                    for i in 0..<d { output[(h * L + q) * d + i] += p * Double(inputs.v[(kv * L + key) * d + i]) }
                }
                lse[h * L + q] = maximum + Foundation.log(sum)
                pairs += keys.count
            }
        }
        return AttentionResult(output: output, logSumExp: lse, pairs: pairs)
    }
}

/// Tiled online-softmax attention in fp32 (FlashAttention's recurrence), O(L) memory: queries in blocks,
/// keys streamed in tiles, a running maximum and denominator per query; GQA, causal, sliding-window and
/// document masks, with masked pairs skipped (not computed and not counted); multi-threaded over (head,
/// query block). The kernel lcplan's FLOP formulas describe: it counts the pairs it executes.
public enum TiledAttention {
    public static let queryBlock = 32, keyTile = 64

    /// `keyRanges` restricts each query to a subset of its keys (a context-parallel rank's share); nil: all.
    public static func run(
        _ inputs: AttentionInputs, queries: [Int]? = nil, heads headRange: Range<Int>? = nil, keyFilter: (@Sendable (Int) -> Bool)? = nil,
        threads: Int = 2
    ) -> AttentionResult {
        let s = inputs.shape, d = s.headDim, L = s.length
        let starts = s.documentStartOfEach()
        let rows = queries ?? Array(0..<L)
        let blocks = (rows.count + queryBlock - 1) / queryBlock
        let headList = Array(headRange ?? 0..<s.heads)
        let tasks = headList.count * blocks
        let shared = Shared(output: s.heads * L * d, rows: s.heads * L, tasks: tasks)
        let workers = max(1, min(threads, tasks))
        /// One worker's share of the (head, query block) tasks, on raw pointers: scores by SIMD dot products,
        /// the online-softmax rescale and the P V accumulation eight lanes at a time.
        @Sendable func work(worker: Int, qp: UnsafePointer<Float>, kp: UnsafePointer<Float>, vp: UnsafePointer<Float>) {
            let out = UnsafeMutablePointer<Float>.allocate(capacity: d + 8)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: keyTile)
            defer {
                out.deallocate()
                scores.deallocate()
            }
            let lanes = d / 8 * 8
            var task = worker
            while task < tasks {
                let h = headList[task / blocks], block = task % blocks
                let kv = h / max(s.group, 1)
                var pairs = 0
                var results: [(Int, [Float], Float, Float)] = []
                for r in (block * queryBlock)..<min((block + 1) * queryBlock, rows.count) {
                    let q = rows[r]
                    let keys = s.keys(of: q, documentStart: starts[q])
                    var running = -Float.infinity, denominator: Float = 0
                    out.initialize(repeating: 0, count: d)
                    let query = qp + (h * L + q) * d
                    var tileStart = keys.lowerBound
                    while tileStart < keys.upperBound {
                        let tileEnd = min(tileStart + keyTile, keys.upperBound)
                        var tileMax = -Float.infinity
                        var used = 0
                        for key in tileStart..<tileEnd {
                            if let keyFilter, !keyFilter(key) {
                                scores[key - tileStart] = -Float.infinity
                                continue
                            }
                            let k = kp + (kv * L + key) * d
                            var a0 = SIMD8<Float>(repeating: 0), a1 = SIMD8<Float>(repeating: 0)
                            var i = 0
                            while i + 16 <= lanes {
                                a0 = a0.addingProduct(
                                    UnsafeRawPointer(query + i).loadUnaligned(as: SIMD8<Float>.self),
                                    UnsafeRawPointer(k + i).loadUnaligned(as: SIMD8<Float>.self))
                                a1 = a1.addingProduct(
                                    UnsafeRawPointer(query + i + 8).loadUnaligned(as: SIMD8<Float>.self),
                                    UnsafeRawPointer(k + i + 8).loadUnaligned(as: SIMD8<Float>.self))
                                i += 16
                            }
                            while i + 8 <= lanes {
                                a0 = a0.addingProduct(
                                    UnsafeRawPointer(query + i).loadUnaligned(as: SIMD8<Float>.self),
                                    UnsafeRawPointer(k + i).loadUnaligned(as: SIMD8<Float>.self))
                                i += 8
                            }
                            var dot = (a0 + a1).sum()
                            while i < d {
                                dot += query[i] * k[i]
                                i += 1
                            }
                            scores[key - tileStart] = dot
                            tileMax = max(tileMax, dot)
                            used += 1
                        }
                        pairs += used
                        if used > 0 {
                            let newMax = max(running, tileMax)
                            if running != -Float.infinity && running != newMax {
                                let correction = Foundation.exp(running - newMax)
                                denominator *= correction
                                for i in 0..<d { out[i] *= correction }
                            }
                            for key in tileStart..<tileEnd where scores[key - tileStart] != -Float.infinity {
                                let p = Foundation.exp(scores[key - tileStart] - newMax)
                                denominator += p
                                let v = vp + (kv * L + key) * d
                                let weight = SIMD8<Float>(repeating: p)
                                var i = 0
                                while i + 8 <= lanes {
                                    let current = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD8<Float>.self)
                                    let updated = current.addingProduct(
                                        weight, UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self))
                                    UnsafeMutableRawPointer(out + i).storeBytes(of: updated, as: SIMD8<Float>.self)
                                    i += 8
                                }
                                while i < d {
                                    out[i] += p * v[i]
                                    i += 1
                                }
                            }
                            running = newMax
                        }
                        tileStart = tileEnd
                    }
                    results.append((q, Array(UnsafeBufferPointer(start: out, count: d)), running, denominator))
                }
                shared.lock.lock()
                shared.counts[task] = pairs
                for (q, values, running, denominator) in results where denominator > 0 {
                    for i in 0..<d { shared.output[(h * L + q) * d + i] = Double(values[i] / denominator) }
                    shared.lse[h * L + q] = Double(running) + Foundation.log(Double(denominator))
                }
                shared.lock.unlock()
                task += workers
            }
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            inputs.q.withUnsafeBufferPointer { qBuffer in
                inputs.k.withUnsafeBufferPointer { kBuffer in
                    inputs.v.withUnsafeBufferPointer { vBuffer in
                        guard let qp = qBuffer.baseAddress, let kp = kBuffer.baseAddress, let vp = vBuffer.baseAddress else { return }
                        work(worker: worker, qp: qp, kp: kp, vp: vp)
                    }
                }
            }
        }
        return AttentionResult(output: shared.output, logSumExp: shared.lse, pairs: shared.counts.reduce(0, +))
    }

    /// What the workers write, each its own rows, under a lock.
    final class Shared: @unchecked Sendable {
        var output: [Double]
        var lse: [Double]
        var counts: [Int]
        let lock = NSLock()

        init(output: Int, rows: Int, tasks: Int) {
            self.output = [Double](repeating: 0, count: output)
            lse = [Double](repeating: -Double.infinity, count: rows)
            counts = [Int](repeating: 0, count: tasks)
        }
    }
}

/// Partial attention results over disjoint key subsets merged by log-sum-exp: out = sum_r w_r out_r with
/// w_r = exp(lse_r - lse), lse = log sum_r exp(lse_r) (how ring and all-gather context parallelism combine
/// their ranks' partial outputs).
public enum LogSumExpMerge {
    public static func merge(_ parts: [AttentionResult], shape: AttentionShape) -> AttentionResult {
        let d = shape.headDim
        let count = shape.heads * shape.length
        var output = [Double](repeating: 0, count: count * d)
        var lse = [Double](repeating: -Double.infinity, count: count)
        for row in 0..<count {
            let values = parts.map { $0.logSumExp[row] }.filter { $0 > -Double.infinity }
            guard let top = values.max() else { continue }
            let total = top + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - top) })
            lse[row] = total
            for part in parts where part.logSumExp[row] > -Double.infinity {
                let weight = Foundation.exp(part.logSumExp[row] - total)
                for i in 0..<d { output[row * d + i] += weight * part.output[row * d + i] }
            }
        }
        return AttentionResult(output: output, logSumExp: lse, pairs: parts.reduce(0) { $0 + $1.pairs })
    }

    /// The largest absolute difference between two outputs, over the largest absolute reference value.
    public static func relativeError(_ a: [Double], _ reference: [Double]) -> Double {
        var worst = 0.0, scale = 0.0
        for i in reference.indices {
            worst = max(worst, abs(a[i] - reference[i]))
            scale = max(scale, abs(reference[i]))
        }
        return scale > 0 ? worst / scale : worst
    }
}

/// Context-parallel attention as a plan splits it: each rank's share of the queries (or of the heads)
/// against the keys it sees, the partial results of each key chunk merged by log-sum-exp, and the pairs
/// each rank executes.
public enum ShardedAttention {
    public enum Split: String, Sendable, CaseIterable {
        /// Ring (and all-gather, hierarchical) with Megatron-LM's load balancing: the sequence in 2 cp chunks,
        /// rank r holding chunks r and 2 cp - 1 - r; its queries meet each key chunk in turn.
        case loadBalanced
        /// Contiguous chunks, rank r holding chunk r (no load balancing).
        case contiguous
        /// Ulysses: all positions, the heads split over the ranks.
        case heads
    }

    public struct Outcome: Sendable {
        public let merged: AttentionResult
        public let rankPairs: [Int]
    }

    /// The positions rank `rank` of `ranks` holds.
    public static func positions(rank: Int, ranks: Int, length: Int, split: Split) -> [Int] {
        switch split {
        case .heads: return Array(0..<length)
        case .contiguous:
            let chunk = (length + ranks - 1) / ranks
            return Array((rank * chunk)..<min((rank + 1) * chunk, length))
        case .loadBalanced:
            let chunk = (length + 2 * ranks - 1) / (2 * ranks)
            let first = (rank * chunk)..<min((rank + 1) * chunk, length)
            let mirror = ((2 * ranks - 1 - rank) * chunk)..<min((2 * ranks - rank) * chunk, length)
            return Array(first) + Array(mirror)
        }
    }

    public static func run(_ inputs: AttentionInputs, ranks: Int, split: Split, threads: Int = 2) -> Outcome {
        let s = inputs.shape
        var parts: [AttentionResult] = []
        var rankPairs: [Int] = []
        for rank in 0..<ranks {
            if split == .heads {
                let per = s.heads / ranks
                let part = TiledAttention.run(inputs, heads: (rank * per)..<((rank + 1) * per), threads: threads)
                parts.append(part)
                rankPairs.append(part.pairs)
                continue
            }
            // The rank's queries against each rank's key chunk in turn (the ring's passes), merged.
            let mine = positions(rank: rank, ranks: ranks, length: s.length, split: split)
            var passes: [AttentionResult] = []
            var owner = [Int](repeating: 0, count: s.length)
            for source in 0..<ranks {
                for position in positions(rank: source, ranks: ranks, length: s.length, split: split) { owner[position] = source }
            }
            let owners = owner
            for source in 0..<ranks {
                passes.append(TiledAttention.run(inputs, queries: mine, keyFilter: { owners[$0] == source }, threads: threads))
            }
            let merged = LogSumExpMerge.merge(passes, shape: s)
            parts.append(merged)
            rankPairs.append(merged.pairs)
        }
        // Ranks hold disjoint rows (positions or heads): their union is the whole output.
        var output = [Double](repeating: 0, count: s.heads * s.length * s.headDim)
        var lse = [Double](repeating: -Double.infinity, count: s.heads * s.length)
        for part in parts {
            for row in 0..<(s.heads * s.length) where part.logSumExp[row] > -Double.infinity {
                lse[row] = part.logSumExp[row]
                for i in 0..<s.headDim { output[row * s.headDim + i] = part.output[row * s.headDim + i] }
            }
        }
        return Outcome(merged: AttentionResult(output: output, logSumExp: lse, pairs: rankPairs.reduce(0, +)), rankPairs: rankPairs)
    }
}

/// The fastest causal attention this CPU runs: the AVX-512 blocked kernel where the CPU has it and the
/// problem suits it (plain causal mask, head_dim a multiple of 32), else the tiled kernel. For speed (the
/// calibration and the benchmark); validation counts pairs with `TiledAttention`, which skips masked pairs.
public enum FastAttention {
    public struct Result: Sendable {
        public let output: [Double]
        /// Pairs computed (the blocked kernel computes diagonal tiles whole) and causal pairs.
        public let computedPairs: Int
        public let causalPairs: Int
        public let wide: Bool
    }

    public static func run(_ inputs: AttentionInputs, threads: Int = 2) -> Result {
        if let r = wide(inputs, threads: threads) {
            return Result(output: r.output.map(Double.init), computedPairs: r.computedPairs, causalPairs: r.causalPairs, wide: true)
        }
        let r = TiledAttention.run(inputs, threads: threads)
        return Result(output: r.output, computedPairs: r.pairs, causalPairs: r.pairs, wide: false)
    }

    /// The AVX-512 kernel's own result (fp32 output, nothing converted: what the benchmark and the calibration
    /// time), or nil where it does not apply (no AVX-512, a window or documents, head_dim not a multiple of
    /// 32, 2^24 tokens or more).
    public static func wide(_ inputs: AttentionInputs, threads: Int = 2) -> WideAttention.Result? {
        let s = inputs.shape
        guard Calibration.wideAvailable && s.window == nil && s.documentStarts.isEmpty && s.headDim % 32 == 0 && s.length < 1 << 24
        else { return nil }
        return WideAttention.run(
            q: inputs.q, k: inputs.k, v: inputs.v, heads: s.heads, kvHeads: s.kvHeads, length: s.length, headDim: s.headDim,
            threads: threads)
    }
}
