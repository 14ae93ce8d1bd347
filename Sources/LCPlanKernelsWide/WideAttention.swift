import Foundation

/// Causal attention in fp32 for CPUs with AVX-512 (built for skylake-avx512; run only after the AVX2 code has
/// checked avx512f): queries in blocks of 8, keys in tiles of 32, each tile's scores and its P V product
/// computed as 8 x 32 register blocks (16 zmm accumulators, as the matrix product), the online softmax with a
/// vectorised exponential. Diagonal tiles are computed whole and masked, so the multiply-adds it executes
/// exceed the causal pairs by at most a triangle per query block; it reports both.
public enum WideAttention {
    public struct Result: Sendable {
        /// [heads][length][headDim], normalised.
        public let output: [Float]
        /// Pairs computed (including the masked part of diagonal tiles) and pairs attended.
        public let computedPairs: Int
        public let causalPairs: Int
    }

    /// e^x for x <= 0 (scores less the running maximum), about 2 ulp: x = n ln 2 + r, e^r by a degree-6
    /// polynomial, 2^n by the exponent bits; below -87 it is 0. Rounding by the 1.5 x 2^23 shifter and
    /// integer lane arithmetic, so every step is a vector instruction (no per-lane rounding calls).
    @inline(__always) static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let floor = SIMD16<Float>(repeating: -87)
        let clamped = pointwiseMax(x, floor)
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

    /// q: [heads][L][d], k and v: [kvHeads][L][d]; d a multiple of 32.
    public static func run(q: [Float], k: [Float], v: [Float], heads: Int, kvHeads: Int, length L: Int, headDim d: Int, threads: Int)
        -> Result
    {
        let group = max(heads / max(kvHeads, 1), 1)
        let tiles = (L + 31) / 32
        // K of each KV head transposed into 32-key tiles: tile t holds k[t*32 ..< t*32+32][i] for each i, key-minor.
        var packed = [Float](repeating: 0, count: kvHeads * tiles * d * 32)
        for h in 0..<kvHeads {
            for t in 0..<tiles {
                for j in 0..<32 where t * 32 + j < L {
                    for i in 0..<d { packed[((h * tiles + t) * d + i) * 32 + j] = k[(h * L + t * 32 + j) * d + i] }
                }
            }
        }
        let blocks = (L + 7) / 8
        let tasks = heads * blocks
        let out = WideMatmul.Box(count: heads * L * d)
        let kt = packed
        @Sendable func work(_ worker: Int, qp: UnsafePointer<Float>, kp: UnsafePointer<Float>, vp: UnsafePointer<Float>) -> Int {
            let o = UnsafeMutablePointer<Float>.allocate(capacity: 8 * d)
            let s = UnsafeMutablePointer<Float>.allocate(capacity: 8 * 32)
            defer {
                o.deallocate()
                s.deallocate()
            }
            var computed = 0
            var task = worker
            while task < tasks {
                let h = task / blocks, q0 = (task % blocks) * 8
                let kv = h / group
                let rows = min(8, L - q0)
                let m = UnsafeMutablePointer<Float>.allocate(capacity: 16)
                let l = m + 8
                defer { m.deallocate() }
                for r in 0..<8 {
                    m[r] = -.infinity
                    l[r] = 0
                }
                o.initialize(repeating: 0, count: 8 * d)
                let lastTile = (q0 + rows - 1) / 32
                for t in 0...lastTile {
                    // S = Q_block K_tile^T: 8 x 32, d steps of 2 loads, 8 broadcasts, 16 FMAs.
                    var c0 = SIMD16<Float>(), e0 = SIMD16<Float>(), c1 = SIMD16<Float>(), e1 = SIMD16<Float>()
                    var c2 = SIMD16<Float>(), e2 = SIMD16<Float>(), c3 = SIMD16<Float>(), e3 = SIMD16<Float>()
                    var c4 = SIMD16<Float>(), e4 = SIMD16<Float>(), c5 = SIMD16<Float>(), e5 = SIMD16<Float>()
                    var c6 = SIMD16<Float>(), e6 = SIMD16<Float>(), c7 = SIMD16<Float>(), e7 = SIMD16<Float>()
                    let tile = kp + (kv * tiles + t) * d * 32
                    let query = qp + (h * L + q0) * d
                    let r1 = min(1, rows - 1) * d, r2 = min(2, rows - 1) * d, r3 = min(3, rows - 1) * d
                    let r4 = min(4, rows - 1) * d, r5 = min(5, rows - 1) * d, r6 = min(6, rows - 1) * d, r7 = min(7, rows - 1) * d
                    for i in 0..<d {
                        let b0 = UnsafeRawPointer(tile + i * 32).loadUnaligned(as: SIMD16<Float>.self)
                        let b1 = UnsafeRawPointer(tile + i * 32 + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var x = SIMD16<Float>(repeating: query[i])
                        c0 = c0.addingProduct(x, b0)
                        e0 = e0.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: query[r1 + i])
                        c1 = c1.addingProduct(x, b0)
                        e1 = e1.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: query[r2 + i])
                        c2 = c2.addingProduct(x, b0)
                        e2 = e2.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: query[r3 + i])
                        c3 = c3.addingProduct(x, b0)
                        e3 = e3.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: query[r4 + i])
                        c4 = c4.addingProduct(x, b0)
                        e4 = e4.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: query[r5 + i])
                        c5 = c5.addingProduct(x, b0)
                        e5 = e5.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: query[r6 + i])
                        c6 = c6.addingProduct(x, b0)
                        e6 = e6.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: query[r7 + i])
                        c7 = c7.addingProduct(x, b0)
                        e7 = e7.addingProduct(x, b1)
                    }
                    computed += 8 * 32
                    @inline(__always) func put(_ r: Int, _ low: SIMD16<Float>, _ high: SIMD16<Float>) {
                        UnsafeMutableRawPointer(s + r * 32).storeBytes(of: low, as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(s + r * 32 + 16).storeBytes(of: high, as: SIMD16<Float>.self)
                    }
                    put(0, c0, e0)
                    put(1, c1, e1)
                    put(2, c2, e2)
                    put(3, c3, e3)
                    put(4, c4, e4)
                    put(5, c5, e5)
                    put(6, c6, e6)
                    put(7, c7, e7)
                    let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
                    for r in 0..<8 {
                        var lo = UnsafeRawPointer(s + r * 32).loadUnaligned(as: SIMD16<Float>.self)
                        var hi = UnsafeRawPointer(s + r * 32 + 16).loadUnaligned(as: SIMD16<Float>.self)
                        let q = Int32(q0 + r), k0 = Int32(t * 32)
                        // The causal mask and the keys past the sequence, on the tiles that reach them.
                        if t * 32 + 31 > q0 || t * 32 + 32 > L {
                            lo.replace(with: -.infinity, where: (lanes &+ k0) .> q .| (lanes &+ k0) .>= Int32(L))
                            hi.replace(with: -.infinity, where: (lanes &+ (k0 + 16)) .> q .| (lanes &+ (k0 + 16)) .>= Int32(L))
                        }
                        if r >= rows {
                            lo = SIMD16(repeating: -.infinity)
                            hi = lo
                        }
                        let top = max(lo.max(), hi.max())
                        guard top > -.infinity else {
                            UnsafeMutableRawPointer(s + r * 32).storeBytes(of: SIMD16<Float>(), as: SIMD16<Float>.self)
                            UnsafeMutableRawPointer(s + r * 32 + 16).storeBytes(of: SIMD16<Float>(), as: SIMD16<Float>.self)
                            continue
                        }
                        let newMax = max(m[r], top)
                        let correction = m[r] == -.infinity ? 0 : Foundation.exp(m[r] - newMax)
                        let pl = exp(lo - newMax), ph = exp(hi - newMax)
                        l[r] = l[r] * correction + pl.sum() + ph.sum()
                        m[r] = newMax
                        if correction != 1 {
                            let scale = SIMD16<Float>(repeating: correction)
                            var i = 0
                            while i < d {
                                let row = o + r * d + i
                                UnsafeMutableRawPointer(row).storeBytes(
                                    of: UnsafeRawPointer(row).loadUnaligned(as: SIMD16<Float>.self) * scale, as: SIMD16<Float>.self)
                                i += 16
                            }
                        }
                        UnsafeMutableRawPointer(s + r * 32).storeBytes(of: pl, as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(s + r * 32 + 16).storeBytes(of: ph, as: SIMD16<Float>.self)
                    }
                    // O += P V_tile, 32 columns of d at a time: 8 rows x 2 zmm accumulators.
                    var column = 0
                    while column < d {
                        var a0 = UnsafeRawPointer(o + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b0 = UnsafeRawPointer(o + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var a1 = UnsafeRawPointer(o + d + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b1 = UnsafeRawPointer(o + d + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var a2 = UnsafeRawPointer(o + 2 * d + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b2 = UnsafeRawPointer(o + 2 * d + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var a3 = UnsafeRawPointer(o + 3 * d + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b3 = UnsafeRawPointer(o + 3 * d + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var a4 = UnsafeRawPointer(o + 4 * d + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b4 = UnsafeRawPointer(o + 4 * d + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var a5 = UnsafeRawPointer(o + 5 * d + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b5 = UnsafeRawPointer(o + 5 * d + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var a6 = UnsafeRawPointer(o + 6 * d + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b6 = UnsafeRawPointer(o + 6 * d + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        var a7 = UnsafeRawPointer(o + 7 * d + column).loadUnaligned(as: SIMD16<Float>.self)
                        var b7 = UnsafeRawPointer(o + 7 * d + column + 16).loadUnaligned(as: SIMD16<Float>.self)
                        let keys = min(32, L - t * 32)
                        for j in 0..<keys {
                            let value = vp + (kv * L + t * 32 + j) * d + column
                            let v0 = UnsafeRawPointer(value).loadUnaligned(as: SIMD16<Float>.self)
                            let v1 = UnsafeRawPointer(value + 16).loadUnaligned(as: SIMD16<Float>.self)
                            var x = SIMD16<Float>(repeating: s[j])
                            a0 = a0.addingProduct(x, v0)
                            b0 = b0.addingProduct(x, v1)
                            x = SIMD16<Float>(repeating: s[32 + j])
                            a1 = a1.addingProduct(x, v0)
                            b1 = b1.addingProduct(x, v1)
                            x = SIMD16<Float>(repeating: s[64 + j])
                            a2 = a2.addingProduct(x, v0)
                            b2 = b2.addingProduct(x, v1)
                            x = SIMD16<Float>(repeating: s[96 + j])
                            a3 = a3.addingProduct(x, v0)
                            b3 = b3.addingProduct(x, v1)
                            x = SIMD16<Float>(repeating: s[128 + j])
                            a4 = a4.addingProduct(x, v0)
                            b4 = b4.addingProduct(x, v1)
                            x = SIMD16<Float>(repeating: s[160 + j])
                            a5 = a5.addingProduct(x, v0)
                            b5 = b5.addingProduct(x, v1)
                            x = SIMD16<Float>(repeating: s[192 + j])
                            a6 = a6.addingProduct(x, v0)
                            b6 = b6.addingProduct(x, v1)
                            x = SIMD16<Float>(repeating: s[224 + j])
                            a7 = a7.addingProduct(x, v0)
                            b7 = b7.addingProduct(x, v1)
                        }
                        @inline(__always) func keep(_ r: Int, _ low: SIMD16<Float>, _ high: SIMD16<Float>) {
                            UnsafeMutableRawPointer(o + r * d + column).storeBytes(of: low, as: SIMD16<Float>.self)
                            UnsafeMutableRawPointer(o + r * d + column + 16).storeBytes(of: high, as: SIMD16<Float>.self)
                        }
                        keep(0, a0, b0)
                        keep(1, a1, b1)
                        keep(2, a2, b2)
                        keep(3, a3, b3)
                        keep(4, a4, b4)
                        keep(5, a5, b5)
                        keep(6, a6, b6)
                        keep(7, a7, b7)
                        column += 32
                    }
                }
                for r in 0..<rows where l[r] > 0 {
                    let inverse = 1 / l[r]
                    for i in 0..<d { out.pointer[(h * L + q0 + r) * d + i] = o[r * d + i] * inverse }
                }
                task += threads
            }
            return computed
        }
        let counts = Counts(count: max(threads, 1))
        DispatchQueue.concurrentPerform(iterations: max(threads, 1)) { worker in
            q.withUnsafeBufferPointer { qBuffer in
                kt.withUnsafeBufferPointer { kBuffer in
                    v.withUnsafeBufferPointer { vBuffer in
                        guard let qp = qBuffer.baseAddress, let kp = kBuffer.baseAddress, let vp = vBuffer.baseAddress else { return }
                        counts.values[worker] = work(worker, qp: qp, kp: kp, vp: vp)
                    }
                }
            }
        }
        return Result(output: out.values, computedPairs: counts.values.reduce(0, +), causalPairs: heads * L * (L + 1) / 2)
    }

    final class Counts: @unchecked Sendable {
        var values: [Int]
        init(count: Int) { values = [Int](repeating: 0, count: count) }
    }
}
