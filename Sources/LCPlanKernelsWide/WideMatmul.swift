import Foundation
import Synchronization

/// The matrix product for CPUs with AVX-512 (this module is built for skylake-avx512; nothing in it may run
/// unless the CPU reports avx512f, which `Calibration.wideAvailable`, built for AVX2, checks first): B packed in 32-column panels, an 8 x 32 register block (16 zmm accumulators),
/// as toolchain.md sec. 5 measured at about 85% of the FMA peak.
public enum WideMatmul {
    /// C = A B for n x n row-major matrices, blocked as GotoBLAS/BLIS block a product: K in blocks of
    /// `depthBlock`, rows in blocks of `rowBlock` that the threads take in turn. Each thread packs every B
    /// block itself into 32-column panels (n x 256 floats, 1 MB at n = 1024, in its own L2; the copy costs
    /// threads / n of the multiply-adds) and each of its A blocks into 8-row slivers, k-major; within a row
    /// block every B panel (32 KB, in L1) meets every sliver before the next panel. One parallel region per
    /// product, no barrier inside (a wake-up of the worker threads per K block cost a tenth of a 1024^3
    /// product here).
    public static func matmul(_ a: [Float], _ b: [Float], n: Int, threads: Int) -> [Float] {
        let workers = max(1, min(threads, (n + rowBlock - 1) / rowBlock))
        // The workers write the result array in place: the first K block writes every element (no zeroing
        // first, no copy after).
        return [Float](unsafeUninitializedCapacity: n * n) { output, initialized in
            initialized = 0
            guard let c = output.baseAddress else { return }
            a.withUnsafeBufferPointer { aBuffer in
                b.withUnsafeBufferPointer { bBuffer in
                    guard let ap = aBuffer.baseAddress, let bp = bBuffer.baseAddress else { return }
                    let inputs = Rows(a: ap, b: bp, c: c)
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        product(worker: worker, workers: workers, a: inputs.a, b: inputs.b, n: n, c: inputs.c)
                    }
                }
            }
            initialized = n * n
        }
    }

    /// The inputs (read only) and the output (each worker its own rows) for the workers.
    struct Rows: @unchecked Sendable {
        let a: UnsafePointer<Float>
        let b: UnsafePointer<Float>
        let c: UnsafeMutablePointer<Float>
    }

    /// One worker's rows of C: for each K block, B packed, then each of its row blocks packed and multiplied.
    static func product(worker: Int, workers: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, n: Int, c: UnsafeMutablePointer<Float>)
    {
        let kc = depthBlock
        let slivers = rowBlock / 8
        let panels = (n + 31) / 32
        // 64-byte aligned, so no 64-byte load of a panel row straddles two cache lines.
        let packedB = Aligned.reused(count: panels * kc * 32)
        let packedA = Aligned.reused(count: slivers * kc * 8)
        let scratch = Aligned(count: 8 * 32)
        defer {
            Aligned.recycle(packedB)
            Aligned.recycle(packedA)
        }
        withExtendedLifetime((packedB, packedA, scratch)) {
            var k0 = 0
            while k0 < n {
                let depth = min(kc, n - k0)
                let accumulate = k0 > 0
                // B rows k0 ..< k0 + depth into 32-column panels, k-major (each panel row a contiguous copy).
                for p in 0..<panels {
                    let width = min(32, n - p * 32)
                    for k in 0..<depth {
                        let row = packedB.pointer + (p * kc + k) * 32
                        row.update(from: b + (k0 + k) * n + p * 32, count: width)
                        if width < 32 { (row + width).update(repeating: 0, count: 32 - width) }
                    }
                }
                var block = worker
                while block * rowBlock < n {
                    let r0 = block * rowBlock, rows = min(rowBlock, n - r0)
                    let count = (rows + 7) / 8
                    // A[r0 ..< r0 + rows][k0 ..< k0 + depth] as 8-row slivers, k-major; rows past n are zero.
                    for sliver in 0..<count {
                        let target = packedA.pointer + sliver * kc * 8
                        for r in 0..<8 {
                            let row = sliver * 8 + r
                            if row < rows {
                                let source = a + (r0 + row) * n + k0
                                for k in 0..<depth { target[k * 8 + r] = source[k] }
                            } else {
                                for k in 0..<depth { target[k * 8 + r] = 0 }
                            }
                        }
                    }
                    for p in 0..<panels {
                        let width = min(32, n - p * 32)
                        let panel = packedB.pointer + p * kc * 32
                        for sliver in 0..<count {
                            let valid = min(8, rows - sliver * 8)
                            let tile = c + (r0 + sliver * 8) * n + p * 32
                            if valid == 8 && width == 32 {
                                block8x32(
                                    a: packedA.pointer + sliver * kc * 8, rowStride: 1, columnStride: 8, rows: 8, b: panel,
                                    bStride: 32, depth: depth, c: tile, cStride: n, accumulate: accumulate)
                            } else {
                                // A partial tile (the last rows or columns) through the scratch tile.
                                scratch.pointer.update(repeating: 0, count: 256)
                                if accumulate {
                                    for r in 0..<valid { (scratch.pointer + r * 32).update(from: tile + r * n, count: width) }
                                }
                                block8x32(
                                    a: packedA.pointer + sliver * kc * 8, rowStride: 1, columnStride: 8, rows: 8, b: panel,
                                    bStride: 32, depth: depth, c: scratch.pointer, cStride: 32, accumulate: true)
                                for r in 0..<valid { (tile + r * n).update(from: scratch.pointer + r * 32, count: width) }
                            }
                        }
                    }
                    block += workers
                }
                k0 += kc
            }
        }
    }

    /// Fused multiply-adds per second on one thread with nothing but register operands: 12 independent
    /// accumulator chains of 16-lane FMAs (enough to cover the FMA latency on two pipes), `iterations` rounds.
    /// FLOPs are 2 per lane per FMA; the caller times it.
    @inline(never) public static func fmaChains(iterations: Int, seed: Float) -> Float {
        var a0 = SIMD16<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
        var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
        let x = SIMD16<Float>(repeating: 0.999_9), y = SIMD16<Float>(repeating: 1e-4)
        for _ in 0..<iterations {
            a0 = a0.addingProduct(x, y)
            a1 = a1.addingProduct(x, y)
            a2 = a2.addingProduct(x, y)
            a3 = a3.addingProduct(x, y)
            a4 = a4.addingProduct(x, y)
            a5 = a5.addingProduct(x, y)
            a6 = a6.addingProduct(x, y)
            a7 = a7.addingProduct(x, y)
            a8 = a8.addingProduct(x, y)
            a9 = a9.addingProduct(x, y)
            a10 = a10.addingProduct(x, y)
            a11 = a11.addingProduct(x, y)
        }
        let sum = (a0 + a1) + (a2 + a3) + (a4 + a5) + (a6 + a7) + (a8 + a9) + (a10 + a11)
        return sum[0] + sum[15]
    }

    static let depthBlock = 256
    static let rowBlock = 128

    /// The register block of every product here (the matrix product, and attention's Q K^T and P V): C[8][32] = A[8][depth] B[depth][32], plus C when `accumulate`.
    /// A's element (r, k) is at a + r rowStride + k columnStride; B's row k at b + k bStride (32 floats); C's
    /// row r at c + r cStride. Rows past `rows` read the last row again (their C rows are written, and ignored
    /// by the caller, who gives C room for 8 rows).
    @inline(__always) static func block8x32(
        a: UnsafePointer<Float>, rowStride: Int, columnStride: Int, rows: Int, b: UnsafePointer<Float>, bStride: Int,
        depth: Int, c: UnsafeMutablePointer<Float>, cStride: Int, accumulate: Bool,
        maxima: UnsafeMutablePointer<Float>? = nil
    ) {
        let a0 = a, a1 = a + min(1, rows - 1) * rowStride, a2 = a + min(2, rows - 1) * rowStride
        let a3 = a + min(3, rows - 1) * rowStride, a4 = a + min(4, rows - 1) * rowStride
        let a5 = a + min(5, rows - 1) * rowStride, a6 = a + min(6, rows - 1) * rowStride
        let a7 = a + min(7, rows - 1) * rowStride
        @inline(__always) func load(_ r: Int, _ half: Int) -> SIMD16<Float> {
            accumulate ? UnsafeRawPointer(c + r * cStride + half * 16).loadUnaligned(as: SIMD16<Float>.self) : SIMD16<Float>()
        }
        var c0 = load(0, 0), d0 = load(0, 1), c1 = load(1, 0), d1 = load(1, 1), c2 = load(2, 0), d2 = load(2, 1)
        var c3 = load(3, 0), d3 = load(3, 1), c4 = load(4, 0), d4 = load(4, 1), c5 = load(5, 0), d5 = load(5, 1)
        var c6 = load(6, 0), d6 = load(6, 1), c7 = load(7, 0), d7 = load(7, 1)
        var row = b
        var k = 0
        while k < depth {
            let b0 = UnsafeRawPointer(row).loadUnaligned(as: SIMD16<Float>.self)
            let b1 = UnsafeRawPointer(row + 16).loadUnaligned(as: SIMD16<Float>.self)
            let at = k * columnStride
            var x = SIMD16<Float>(repeating: a0[at])
            c0 = c0.addingProduct(x, b0)
            d0 = d0.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: a1[at])
            c1 = c1.addingProduct(x, b0)
            d1 = d1.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: a2[at])
            c2 = c2.addingProduct(x, b0)
            d2 = d2.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: a3[at])
            c3 = c3.addingProduct(x, b0)
            d3 = d3.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: a4[at])
            c4 = c4.addingProduct(x, b0)
            d4 = d4.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: a5[at])
            c5 = c5.addingProduct(x, b0)
            d5 = d5.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: a6[at])
            c6 = c6.addingProduct(x, b0)
            d6 = d6.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: a7[at])
            c7 = c7.addingProduct(x, b0)
            d7 = d7.addingProduct(x, b1)
            row += bStride
            k += 1
        }
        @inline(__always) func store(_ r: Int, _ low: SIMD16<Float>, _ high: SIMD16<Float>) {
            UnsafeMutableRawPointer(c + r * cStride).storeBytes(of: low, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(c + r * cStride + 16).storeBytes(of: high, as: SIMD16<Float>.self)
        }
        store(0, c0, d0)
        store(1, c1, d1)
        store(2, c2, d2)
        store(3, c3, d3)
        store(4, c4, d4)
        store(5, c5, d5)
        store(6, c6, d6)
        store(7, c7, d7)
        // Attention's scores: each row's running lane-wise maximum (16 floats a row), so the softmax needs no
        // pass of its own to find it.
        if let maxima {
            @inline(__always) func keep(_ r: Int, _ low: SIMD16<Float>, _ high: SIMD16<Float>) {
                let at = UnsafeMutableRawPointer(maxima + r * 16)
                var top = at.load(as: SIMD16<Float>.self)
                top.replace(with: low, where: low .> top)
                top.replace(with: high, where: high .> top)
                at.storeBytes(of: top, as: SIMD16<Float>.self)
            }
            keep(0, c0, d0)
            keep(1, c1, d1)
            keep(2, c2, d2)
            keep(3, c3, d3)
            keep(4, c4, d4)
            keep(5, c5, d5)
            keep(6, c6, d6)
            keep(7, c7, d7)
        }
    }

    /// A 64-byte aligned buffer of floats.
    final class Aligned: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Float>
        let capacity: Int
        /// Zeroed unless `zeroed` is false (the caller then writes every element it reads).
        init(count: Int, zeroed: Bool = true) {
            capacity = max(count, 1)
            pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64).bindMemory(
                to: Float.self, capacity: capacity)
            if zeroed { pointer.initialize(repeating: 0, count: count) }
        }
        deinit { UnsafeMutableRawPointer(pointer).deallocate() }

        /// Large buffers the kernels pack into, kept between calls (at most 8, 256 MiB each): a 16 MB buffer
        /// new each call costs 4,096 page faults, about 5% of an 8-head attention at 4K tokens here. Contents
        /// are not zeroed (callers write what they read).
        static let pool = Mutex<[Aligned]>([])

        static func reused(count: Int) -> Aligned {
            let found = pool.withLock { buffers -> Aligned? in
                guard let index = buffers.firstIndex(where: { $0.capacity >= count && $0.capacity <= 2 * max(count, 1) }) else {
                    return nil
                }
                return buffers.remove(at: index)
            }
            return found ?? Aligned(count: count, zeroed: false)
        }

        static func recycle(_ buffer: Aligned) {
            guard buffer.capacity <= 64 << 20 else { return }  // 64 Mi floats, 256 MiB
            pool.withLock { buffers in
                buffers.append(buffer)
                if buffers.count > 8 { buffers.removeFirst() }
            }
        }
    }

}
