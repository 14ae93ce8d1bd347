import Foundation

/// The matrix product for CPUs with AVX-512 (this module is built for skylake-avx512; nothing in it may run
/// unless the CPU reports avx512f, which `Calibration.wideAvailable`, built for AVX2, checks first): B packed in 32-column panels, an 8 x 32 register block (16 zmm accumulators),
/// as toolchain.md sec. 5 measured at about 85% of the FMA peak.
public enum WideMatmul {
    /// C = A B for n x n row-major matrices, threads splitting the rows.
    public static func matmul(_ a: [Float], _ b: [Float], n: Int, threads: Int) -> [Float] {
        let panels = (n + 31) / 32
        // Each panel row is a contiguous run of B's row: copied whole.
        var packed = [Float](repeating: 0, count: panels * n * 32)
        packed.withUnsafeMutableBufferPointer { target in
            b.withUnsafeBufferPointer { source in
                guard let to = target.baseAddress, let from = source.baseAddress else { return }
                for p in 0..<panels {
                    let width = min(32, n - p * 32)
                    for k in 0..<n { (to + (p * n + k) * 32).update(from: from + k * n + p * 32, count: width) }
                }
            }
        }
        let output = Box(count: n * n)
        let blocks = (n + 7) / 8
        let workers = max(1, min(threads, blocks))
        let packedB = packed
        @Sendable func work(_ worker: Int, ap: UnsafePointer<Float>, bp: UnsafePointer<Float>) {
            let panelA = UnsafeMutablePointer<Float>.allocate(capacity: 8 * n)
            defer { panelA.deallocate() }
            var block = worker
            while block < blocks {
                let rows = min(8, n - block * 8)
                for k in 0..<n {
                    for r in 0..<8 { panelA[k * 8 + r] = r < rows ? ap[(block * 8 + r) * n + k] : 0 }
                }
                for p in 0..<panels {
                    var c0 = SIMD16<Float>(), d0 = SIMD16<Float>(), c1 = SIMD16<Float>(), d1 = SIMD16<Float>()
                    var c2 = SIMD16<Float>(), d2 = SIMD16<Float>(), c3 = SIMD16<Float>(), d3 = SIMD16<Float>()
                    var c4 = SIMD16<Float>(), d4 = SIMD16<Float>(), c5 = SIMD16<Float>(), d5 = SIMD16<Float>()
                    var c6 = SIMD16<Float>(), d6 = SIMD16<Float>(), c7 = SIMD16<Float>(), d7 = SIMD16<Float>()
                    let panel = bp + p * n * 32
                    for k in 0..<n {
                        let b0 = UnsafeRawPointer(panel + k * 32).loadUnaligned(as: SIMD16<Float>.self)
                        let b1 = UnsafeRawPointer(panel + k * 32 + 16).loadUnaligned(as: SIMD16<Float>.self)
                        let a = panelA + k * 8
                        var x = SIMD16<Float>(repeating: a[0])
                        c0 = c0.addingProduct(x, b0)
                        d0 = d0.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: a[1])
                        c1 = c1.addingProduct(x, b0)
                        d1 = d1.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: a[2])
                        c2 = c2.addingProduct(x, b0)
                        d2 = d2.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: a[3])
                        c3 = c3.addingProduct(x, b0)
                        d3 = d3.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: a[4])
                        c4 = c4.addingProduct(x, b0)
                        d4 = d4.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: a[5])
                        c5 = c5.addingProduct(x, b0)
                        d5 = d5.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: a[6])
                        c6 = c6.addingProduct(x, b0)
                        d6 = d6.addingProduct(x, b1)
                        x = SIMD16<Float>(repeating: a[7])
                        c7 = c7.addingProduct(x, b0)
                        d7 = d7.addingProduct(x, b1)
                    }
                    let results = [(c0, d0), (c1, d1), (c2, d2), (c3, d3), (c4, d4), (c5, d5), (c6, d6), (c7, d7)]
                    for r in 0..<rows {
                        for c in 0..<32 where p * 32 + c < n {
                            output.values[(block * 8 + r) * n + p * 32 + c] = c < 16 ? results[r].0[c] : results[r].1[c - 16]
                        }
                    }
                }
                block += workers
            }
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            a.withUnsafeBufferPointer { aBuffer in
                packedB.withUnsafeBufferPointer { bBuffer in
                    guard let ap = aBuffer.baseAddress, let bp = bBuffer.baseAddress else { return }
                    work(worker, ap: ap, bp: bp)
                }
            }
        }
        return output.values
    }

    final class Box: @unchecked Sendable {
        var values: [Float]
        init(count: Int) { values = [Float](repeating: 0, count: count) }
    }

}
