import Foundation

/// The matrix product for CPUs with AVX-512 (this module is built for skylake-avx512; nothing in it may run
/// unless the CPU reports avx512f, which `Calibration.wideAvailable`, built for AVX2, checks first): B packed in 32-column panels, an 8 x 32 register block (16 zmm accumulators),
/// as toolchain.md sec. 5 measured at about 85% of the FMA peak.
public enum WideMatmul {
    /// C = A B for n x n row-major matrices, threads splitting the rows. K is taken in blocks of 256 so that
    /// the packed B block (256 x n) stays in L2 while every row block passes over it.
    public static func matmul(_ a: [Float], _ b: [Float], n: Int, threads: Int) -> [Float] {
        let panels = (n + 31) / 32
        let kc = 256
        let output = Box(count: n * n)
        let blocks = (n + 7) / 8
        let workers = max(1, min(threads, blocks))
        // 64-byte aligned, so no 64-byte load of a panel row straddles two cache lines.
        let packed = Aligned(count: panels * kc * 32)
        var kk = 0
        while kk < n {
            let depth = min(kc, n - kk)
            // B rows kk ..< kk + depth packed into 32-column panels, k-major (each panel row a contiguous copy).
            do {
                let to = packed.pointer
                b.withUnsafeBufferPointer { source in
                    guard let from = source.baseAddress else { return }
                    for p in 0..<panels {
                        let width = min(32, n - p * 32)
                        for k in 0..<depth {
                            let row = to + (p * kc + k) * 32
                            row.update(from: from + (kk + k) * n + p * 32, count: width)
                            if width < 32 { (row + width).update(repeating: 0, count: 32 - width) }
                        }
                    }
                }
            }
            let block0 = kk
            @Sendable func work(_ worker: Int, ap: UnsafePointer<Float>, bp: UnsafePointer<Float>) {
                let panelA = UnsafeMutablePointer<Float>.allocate(capacity: 8 * kc)
                defer { panelA.deallocate() }
                let c = output.pointer
                var block = worker
                while block < blocks {
                    let rows = min(8, n - block * 8)
                    for k in 0..<depth {
                        for r in 0..<8 { panelA[k * 8 + r] = r < rows ? ap[(block * 8 + r) * n + block0 + k] : 0 }
                    }
                    for p in 0..<panels {
                        let width = min(32, n - p * 32)
                        // The C tile so far (zero for the first K block), kept in 16 registers over the K block.
                        var tile = [SIMD16<Float>](repeating: SIMD16<Float>(), count: 16)
                        if block0 > 0 && width == 32 {
                            for r in 0..<rows {
                                tile[2 * r] = UnsafeRawPointer(c + (block * 8 + r) * n + p * 32).loadUnaligned(as: SIMD16<Float>.self)
                                tile[2 * r + 1] = UnsafeRawPointer(c + (block * 8 + r) * n + p * 32 + 16).loadUnaligned(
                                    as: SIMD16<Float>.self)
                            }
                        } else if block0 > 0 {
                            for r in 0..<rows {
                                for j in 0..<width {
                                    if j < 16 {
                                        tile[2 * r][j] = c[(block * 8 + r) * n + p * 32 + j]
                                    } else {
                                        tile[2 * r + 1][j - 16] = c[(block * 8 + r) * n + p * 32 + j]
                                    }
                                }
                            }
                        }
                        var c0 = tile[0], d0 = tile[1], c1 = tile[2], d1 = tile[3], c2 = tile[4], d2 = tile[5], c3 = tile[6], d3 = tile[7]
                        var c4 = tile[8], d4 = tile[9], c5 = tile[10], d5 = tile[11], c6 = tile[12], d6 = tile[13], c7 = tile[14]
                        var d7 = tile[15]
                        let panel = bp + p * kc * 32
                        for k in 0..<depth {
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
                        tile = [c0, d0, c1, d1, c2, d2, c3, d3, c4, d4, c5, d5, c6, d6, c7, d7]
                        for r in 0..<rows {
                            if width == 32 {
                                UnsafeMutableRawPointer(c + (block * 8 + r) * n + p * 32).storeBytes(
                                    of: tile[2 * r], as: SIMD16<Float>.self)
                                UnsafeMutableRawPointer(c + (block * 8 + r) * n + p * 32 + 16).storeBytes(
                                    of: tile[2 * r + 1], as: SIMD16<Float>.self)
                            } else {
                                for j in 0..<width {
                                    c[(block * 8 + r) * n + p * 32 + j] = j < 16 ? tile[2 * r][j] : tile[2 * r + 1][j - 16]
                                }
                            }
                        }
                    }
                    block += workers
                }
            }
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                a.withUnsafeBufferPointer { aBuffer in
                    guard let ap = aBuffer.baseAddress else { return }
                    work(worker, ap: ap, bp: UnsafePointer(packed.pointer))
                }
            }
            kk += kc
        }
        return output.values
    }

    /// A 64-byte aligned buffer of floats.
    final class Aligned: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Float>
        init(count: Int) {
            pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64).bindMemory(
                to: Float.self, capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: count)
        }
        deinit { UnsafeMutableRawPointer(pointer).deallocate() }
    }

    /// Output the workers write directly (each its own rows): a raw buffer, so no access to a shared array
    /// is checked per element.
    public final class Box: @unchecked Sendable {
        public let pointer: UnsafeMutablePointer<Float>
        let count: Int
        public init(count: Int) {
            self.count = count
            pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: count)
        }
        deinit { pointer.deallocate() }
        public var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    }

}
