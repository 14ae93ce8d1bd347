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
                        // The C tile so far (zero for the first K block), kept in 16 registers over the K block;
                        // partial tiles (the last panel, the last rows) go through a zeroed scratch tile.
                        let full = width == 32 && rows == 8
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 256)
                        defer { scratch.deallocate() }
                        scratch.initialize(repeating: 0, count: 256)
                        if block0 > 0 && !full {
                            for r in 0..<rows {
                                for j in 0..<width { scratch[r * 32 + j] = c[(block * 8 + r) * n + p * 32 + j] }
                            }
                        }
                        let base = full ? c + block * 8 * n + p * 32 : scratch
                        let stride = full ? n : 32
                        func load(_ r: Int, _ half: Int) -> SIMD16<Float> {
                            block0 == 0
                                ? SIMD16<Float>() : UnsafeRawPointer(base + r * stride + half * 16).loadUnaligned(as: SIMD16<Float>.self)
                        }
                        var c0 = load(0, 0), d0 = load(0, 1), c1 = load(1, 0), d1 = load(1, 1), c2 = load(2, 0), d2 = load(2, 1)
                        var c3 = load(3, 0), d3 = load(3, 1), c4 = load(4, 0), d4 = load(4, 1), c5 = load(5, 0), d5 = load(5, 1)
                        var c6 = load(6, 0), d6 = load(6, 1), c7 = load(7, 0), d7 = load(7, 1)
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
                        func store(_ r: Int, _ low: SIMD16<Float>, _ high: SIMD16<Float>) {
                            UnsafeMutableRawPointer(base + r * stride).storeBytes(of: low, as: SIMD16<Float>.self)
                            UnsafeMutableRawPointer(base + r * stride + 16).storeBytes(of: high, as: SIMD16<Float>.self)
                        }
                        if full || rows > 0 { store(0, c0, d0) }
                        if full || rows > 1 { store(1, c1, d1) }
                        if full || rows > 2 { store(2, c2, d2) }
                        if full || rows > 3 { store(3, c3, d3) }
                        if full || rows > 4 { store(4, c4, d4) }
                        if full || rows > 5 { store(5, c5, d5) }
                        if full || rows > 6 { store(6, c6, d6) }
                        if full || rows > 7 { store(7, c7, d7) }
                        if !full {
                            for r in 0..<rows {
                                for j in 0..<width { c[(block * 8 + r) * n + p * 32 + j] = scratch[r * 32 + j] }
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
