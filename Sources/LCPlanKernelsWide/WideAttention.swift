import Foundation
import Synchronization

/// Causal attention in fp32 for CPUs with AVX-512 (built for skylake-avx512; run only after the AVX2 code has
/// checked avx512f), blocked as a flash-attention kernel is on a CPU: each task is one head's block of 64 or
/// 128 queries, taken longest first from a shared counter; keys come in blocks of 256 (K packed into 32-key
/// panels, V into 32-column panels, by the threads a KV head each), so one block's K and V stay in L2 while the
/// 8-query slivers pass over them, each K or V panel staying in L1 across the slivers. Both products
/// (S = Q K^T and O += P V) run through one 8 x 32 register block (16 zmm accumulators, as the matrix
/// product); the online softmax takes a block's scores a row at a time with a vectorised exponential. Key
/// blocks stop at the block's last query, so the multiply-adds it executes exceed the causal pairs by at most
/// a query-block triangle (keys rounded up to 32) per task; it reports both. Key indices are compared as
/// floats, exact below 2^24 tokens, which callers check.
public enum WideAttention {
    public struct Result: Sendable {
        /// [heads][length][headDim], normalised.
        public let output: [Float]
        /// Pairs computed (including the masked part of diagonal blocks) and pairs attended.
        public let computedPairs: Int
        public let causalPairs: Int
    }

    /// Queries per task: 128 from 4K tokens on (each task streams K and V from its first key to its last query,
    /// so bigger blocks halve that traffic per query; measured here 189 -> 212 GFLOP/s at 16K), 64 below (more
    /// tasks to balance across the threads). Keys per block: 256 (a block's K and V, 256 KB at d = 128, in L2).
    static func queryBlock(length: Int) -> Int { length >= 4096 ? 128 : 64 }
    static let keyBlock = 256

    /// e^x for x <= 0 (scores less the running maximum), about 2 ulp: x = n ln 2 + r, e^r by a degree-6
    /// polynomial, 2^n by the exponent bits; below -87 it is 0. Rounding by the 1.5 x 2^23 shifter and
    /// integer lane arithmetic, so every step is a vector instruction (no per-lane rounding calls).
    /// `@_transparent`: with `@inline(__always)` the optimizer left it a call, and the call split its 16 lanes
    /// into four 4-lane pieces (half the softmax's time, measured with perf).
    @_transparent static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let floor = SIMD16<Float>(repeating: -87)
        let clamped = greater(x, floor)
        let shifter = SIMD16<Float>(repeating: 12_582_912)  // 1.5 x 2^23: adding it rounds to an integer.
        let shifted = clamped * 1.442_695_04 + shifter
        let n = shifted - shifter
        let r = clamped - n * 0.693_145_75 - n * 1.428_606_8e-06
        var p = SIMD16<Float>(repeating: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // The shifter's low mantissa bits hold n + 2^22 (two's complement within the field): 2^n's exponent.
        let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD16<Float>.self)
        let result = p * scale
        // Lanes below the floor (masked scores are -infinity) give 0.
        return result.replacing(with: 0, where: x .< floor)
    }

    /// The largest lane and the sum of the lanes, by halving (the standard library's reductions go lane by
    /// lane through memory).
    @inline(__always) static func largest(_ x: SIMD16<Float>) -> Float {
        let a = greater(x.lowHalf, x.highHalf)
        let b = greater(a.lowHalf, a.highHalf)
        return max(max(b[0], b[1]), max(b[2], b[3]))
    }

    /// The lane-wise larger of two vectors by compare and blend (no NaN reaches here). The standard
    /// library's `pointwiseMax` follows IEEE maximum lane by lane, a scalar loop.
    @inline(__always) static func greater(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> {
        x.replacing(with: y, where: y .> x)
    }

    @inline(__always) static func greater(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
        x.replacing(with: y, where: y .> x)
    }

    @inline(__always) static func greater(_ x: SIMD4<Float>, _ y: SIMD4<Float>) -> SIMD4<Float> {
        x.replacing(with: y, where: y .> x)
    }

    @inline(__always) static func total(_ x: SIMD16<Float>) -> Float {
        let a = x.lowHalf + x.highHalf
        let b = a.lowHalf + a.highHalf
        return (b[0] + b[1]) + (b[2] + b[3])
    }

    /// The same for a row with nothing masked whose lane-wise maximum the product kept: one pass, each score
    /// scaled and shifted by one fused multiply-add.
    @inline(never) static func exponentiate(
        _ row: UnsafeMutablePointer<Float>, vectors: Int, scale: Float, rowMaximum: UnsafePointer<Float>, runningMax: Float
    ) -> (Float, Float) {
        // scale > 0, so the largest scaled score is the largest score scaled.
        let newMax = max(runningMax, largest(UnsafeRawPointer(rowMaximum).loadUnaligned(as: SIMD16<Float>.self)) * scale)
        let factor = SIMD16<Float>(repeating: scale), shift = SIMD16<Float>(repeating: -newMax)
        var sum = SIMD16<Float>()
        for i in 0..<vectors {
            let x = UnsafeRawPointer(row + i * 16).loadUnaligned(as: SIMD16<Float>.self)
            let p = exp(shift.addingProduct(x, factor))
            UnsafeMutableRawPointer(row + i * 16).storeBytes(of: p, as: SIMD16<Float>.self)
            sum += p
        }
        return (newMax, total(sum))
    }

    /// One row of a block's scores made its softmax numerators in place: scaled, keys after `query` masked
    /// (key indices compared as floats, exact below 2^24, which `run` requires), the maximum taken with the
    /// running one, and e^(score - maximum) written back. Returns the new maximum and the row's sum. Not
    /// inlined: as a function of its own its vectors stay 16 lanes wide (inlined into the task loop, the
    /// exponential was left as a call over 4-lane pieces).
    @inline(never) static func exponentiate(
        _ row: UnsafeMutablePointer<Float>, vectors: Int, scale: Float, firstKey: Int, query: Int, runningMax: Float
    ) -> (Float, Float) {
        let lanes = SIMD16<Float>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let factor = SIMD16<Float>(repeating: scale)
        let last = SIMD16<Float>(repeating: Float(query - firstKey))
        let masked = firstKey + vectors * 16 - 1 > query
        var top = SIMD16<Float>(repeating: -.infinity)
        for i in 0..<vectors {
            var x = UnsafeRawPointer(row + i * 16).loadUnaligned(as: SIMD16<Float>.self) * factor
            if masked { x.replace(with: -.infinity, where: lanes + Float(i * 16) .> last) }
            UnsafeMutableRawPointer(row + i * 16).storeBytes(of: x, as: SIMD16<Float>.self)
            top = greater(top, x)
        }
        let newMax = max(runningMax, largest(top))
        let shift = SIMD16<Float>(repeating: newMax)
        var sum = SIMD16<Float>()
        for i in 0..<vectors {
            let p = exp(UnsafeRawPointer(row + i * 16).loadUnaligned(as: SIMD16<Float>.self) - shift)
            UnsafeMutableRawPointer(row + i * 16).storeBytes(of: p, as: SIMD16<Float>.self)
            sum += p
        }
        return (newMax, total(sum))
    }

    /// q: [heads][L][d], k and v: [kvHeads][L][d]; d a multiple of 32. Scores are multiplied by `scale`
    /// (1 when the inputs carry it already, 1/sqrt(d) otherwise).
    public static func run(
        q: [Float], k: [Float], v: [Float], heads: Int, kvHeads: Int, length L: Int, headDim d: Int, threads: Int,
        scale: Float = 1
    ) -> Result {
        let group = max(heads / max(kvHeads, 1), 1)
        let tiles = (L + 31) / 32
        // K of each KV head in 32-key panels: panel t holds k[t*32 ..< t*32+32][i] for each i, key-minor. V in
        // 32-column panels: panel c holds v[j][c*32 ..< c*32+32] for each key j, so a block's rows are
        // contiguous (V as stored has a d-float row stride, which maps its rows onto few L1 sets).
        let packed = WideMatmul.Aligned.reused(count: kvHeads * tiles * d * 32)
        let columns = d / 32
        let packedV = WideMatmul.Aligned.reused(count: kvHeads * columns * tiles * 32 * 32)
        defer {
            WideMatmul.Aligned.recycle(packed)
            WideMatmul.Aligned.recycle(packedV)
        }
        // Packed by the workers, a KV head each (a quarter of the time at L = 1K when done on one thread).
        withExtendedLifetime((packed, packedV)) {
            DispatchQueue.concurrentPerform(iterations: kvHeads) { h in
                k.withUnsafeBufferPointer { keys in
                    v.withUnsafeBufferPointer { values in
                        guard let from = keys.baseAddress, let vFrom = values.baseAddress else { return }
                        for t in 0..<tiles {
                            let panel = packed.pointer + (h * tiles + t) * d * 32
                            let count = min(32, L - t * 32)
                            // The last panel's keys past the sequence are zero (their scores are masked).
                            if count < 32 { panel.update(repeating: 0, count: d * 32) }
                            for j in 0..<count {
                                let key = from + (h * L + t * 32 + j) * d
                                for i in 0..<d { panel[i * 32 + j] = key[i] }
                            }
                        }
                        for c in 0..<columns {
                            let panel = packedV.pointer + (h * columns + c) * tiles * 32 * 32
                            for j in 0..<L { (panel + j * 32).update(from: vFrom + (h * L + j) * d + c * 32, count: 32) }
                        }
                    }
                }
            }
        }
        let queryBlock = queryBlock(length: L)
        let blocks = (L + queryBlock - 1) / queryBlock
        // Longest tasks first (the last query blocks attend to the most keys), taken from a shared counter.
        let tasks = heads * blocks
        let next = Atomic<Int>(0)
        // One count per worker in a raw buffer (no shared array mutated from several threads).
        let counts = Tally(count: max(threads, 1))
        @Sendable func work(
            _ worker: Int, qp: UnsafePointer<Float>, kp: UnsafePointer<Float>, vp: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
        ) {
            let scores = WideMatmul.Aligned(count: queryBlock * keyBlock)
            let o = WideMatmul.Aligned(count: queryBlock * d)
            let maxima = WideMatmul.Aligned(count: queryBlock * 16)
            // The buffers live to the end of the work, not just to the last use of their references.
            defer { withExtendedLifetime((scores, o, maxima)) {} }
            var m = [Float](repeating: 0, count: queryBlock), l = m
            let s = scores.pointer
            var computed = 0
            while true {
                let task = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard task < tasks else { break }
                let b = blocks - 1 - task / heads, h = task % heads
                let kv = h / group
                let q0 = b * queryBlock, rows = min(queryBlock, L - q0), slivers = (rows + 7) / 8
                let end = q0 + rows
                for r in 0..<queryBlock {
                    m[r] = -.infinity
                    l[r] = 0
                }
                o.pointer.update(repeating: 0, count: queryBlock * d)
                var k0 = 0
                while k0 < end {
                    let keys = min(keyBlock, end - k0), panels = (keys + 31) / 32
                    // Whether no key of the block comes after the block's first query: then nothing is masked and
                    // the product keeps each row's maximum as it goes.
                    let open = scale > 0 && k0 + panels * 32 - 1 <= q0
                    if open { maxima.pointer.update(repeating: -.infinity, count: slivers * 8 * 16) }
                    // S = Q K^T over the block, 8 queries x 32 keys at a time.
                    for p in 0..<panels {
                        for sliver in 0..<slivers {
                            WideMatmul.block8x32(
                                a: qp + (h * L + q0 + sliver * 8) * d, rowStride: d, columnStride: 1, rows: min(8, rows - sliver * 8),
                                b: kp + (kv * tiles + k0 / 32 + p) * d * 32, bStride: 32, depth: d, c: s + sliver * 8 * keyBlock + p * 32,
                                cStride: keyBlock, accumulate: false, maxima: open ? maxima.pointer + sliver * 8 * 16 : nil)
                        }
                    }
                    computed += slivers * 8 * panels * 32
                    // The online softmax, row by row: scale, causal mask (keys after the query; it also covers
                    // the keys past the sequence, which come after every query), block maximum, exponentials.
                    let vectors = panels * 2
                    for r in 0..<(slivers * 8) {
                        let row = s + r * keyBlock
                        guard r < rows else {
                            row.update(repeating: 0, count: vectors * 16)
                            continue
                        }
                        let (newMax, sum) =
                            open
                            ? exponentiate(row, vectors: vectors, scale: scale, rowMaximum: maxima.pointer + r * 16, runningMax: m[r])
                            : exponentiate(row, vectors: vectors, scale: scale, firstKey: k0, query: q0 + r, runningMax: m[r])
                        let correction = m[r] == -.infinity ? 0 : Foundation.exp(m[r] - newMax)
                        l[r] = l[r] * correction + sum
                        m[r] = newMax
                        if correction != 1 {
                            let by = SIMD16<Float>(repeating: correction)
                            var i = 0
                            while i < d {
                                let at = o.pointer + r * d + i
                                UnsafeMutableRawPointer(at).storeBytes(
                                    of: UnsafeRawPointer(at).loadUnaligned(as: SIMD16<Float>.self) * by, as: SIMD16<Float>.self)
                                i += 16
                            }
                        }
                    }
                    // O += P V over the block's keys, 32 of d x 8 queries at a time (the V panel stays in L1).
                    for c in 0..<columns {
                        let panel = vp + ((kv * columns + c) * tiles * 32 + k0) * 32
                        for sliver in 0..<slivers {
                            WideMatmul.block8x32(
                                a: UnsafePointer(s + sliver * 8 * keyBlock), rowStride: keyBlock, columnStride: 1, rows: 8,
                                b: panel, bStride: 32, depth: keys, c: o.pointer + sliver * 8 * d + c * 32, cStride: d,
                                accumulate: true)
                        }
                    }
                    k0 += keyBlock
                }
                // Every row is written (a causal row attends at least to key 0, so its sum is at least 1).
                for r in 0..<rows {
                    let inverse = SIMD16<Float>(repeating: l[r] > 0 ? 1 / l[r] : 0)
                    var i = 0
                    while i < d {
                        let value = UnsafeRawPointer(o.pointer + r * d + i).loadUnaligned(as: SIMD16<Float>.self) * inverse
                        UnsafeMutableRawPointer(out + (h * L + q0 + r) * d + i).storeBytes(of: value, as: SIMD16<Float>.self)
                        i += 16
                    }
                }
            }
            counts.pointer[worker] = computed
        }
        // The workers write the result array in place (no zeroing first, no copy after).
        let output = [Float](unsafeUninitializedCapacity: heads * L * d) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            let target = Target(pointer: base)
            withExtendedLifetime((packed, packedV)) {
                DispatchQueue.concurrentPerform(iterations: max(threads, 1)) { worker in
                    q.withUnsafeBufferPointer { qBuffer in
                        guard let qp = qBuffer.baseAddress else { return }
                        work(worker, qp: qp, kp: UnsafePointer(packed.pointer), vp: UnsafePointer(packedV.pointer), out: target.pointer)
                    }
                }
            }
            initialized = heads * L * d
        }
        return Result(output: output, computedPairs: counts.total, causalPairs: heads * L * (L + 1) / 2)
    }

    /// The result's storage for the workers (each writes its own rows).
    struct Target: @unchecked Sendable { let pointer: UnsafeMutablePointer<Float> }

    /// Per-worker integers the workers write directly, each its own slot.
    final class Tally: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Int>
        let count: Int
        init(count: Int) {
            self.count = count
            pointer = UnsafeMutablePointer<Int>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
        }
        deinit { pointer.deallocate() }
        var total: Int { withExtendedLifetime(self) { UnsafeBufferPointer(start: pointer, count: count).reduce(0, +) } }
    }
}
