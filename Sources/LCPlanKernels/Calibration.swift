import Foundation
import LCPlanKernelsWide

/// Kernels that measure what this machine does: an fp32 matrix product (packed panels, a 6 x 16 register
/// block, all cores), the same with bf16 inputs (rounded to bf16, widened while packing, fp32 products), and
/// a STREAM-style copy for memory bandwidth.
public enum Calibration {
    /// C = A B for n x n row-major matrices, threads splitting the rows; returns C. On a CPU with AVX-512
    /// the wide variant (8 x 32 block) runs; otherwise the AVX2 one (6 x 16 block).
    public static func matmul(_ a: [Float], _ b: [Float], n: Int, threads: Int, allowWide: Bool = true) -> [Float] {
        if allowWide && wideAvailable { return WideMatmul.matmul(a, b, n: n, threads: threads) }
        let panels = (n + 15) / 16
        // B packed into 16-column panels, k-major: panel p holds b[k][16p ..< 16p + 16] for every k.
        // Each panel row is a contiguous run of B's row: copied whole.
        var packed = [Float](repeating: 0, count: panels * n * 16)
        packed.withUnsafeMutableBufferPointer { target in
            b.withUnsafeBufferPointer { source in
                guard let to = target.baseAddress, let from = source.baseAddress else { return }
                for p in 0..<panels {
                    let width = min(16, n - p * 16)
                    for k in 0..<n { (to + (p * n + k) * 16).update(from: from + k * n + p * 16, count: width) }
                }
            }
        }
        let output = SharedFloats(count: n * n)
        let blocks = (n + 5) / 6
        let workers = max(1, min(threads, blocks))
        let packedB = packed
        @Sendable func work(_ worker: Int, ap: UnsafePointer<Float>, bp: UnsafePointer<Float>) {
            let panelA = UnsafeMutablePointer<Float>.allocate(capacity: 6 * n)
            defer { panelA.deallocate() }
            var block = worker
            while block < blocks {
                let rows = min(6, n - block * 6)
                // A's six rows packed k-major (zeros below the last row).
                for k in 0..<n {
                    for r in 0..<6 { panelA[k * 6 + r] = r < rows ? ap[(block * 6 + r) * n + k] : 0 }
                }
                for p in 0..<panels {
                    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
                    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
                    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>(), c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
                    let panel = bp + p * n * 16
                    for k in 0..<n {
                        let b0 = UnsafeRawPointer(panel + k * 16).loadUnaligned(as: SIMD8<Float>.self)
                        let b1 = UnsafeRawPointer(panel + k * 16 + 8).loadUnaligned(as: SIMD8<Float>.self)
                        let a = panelA + k * 6
                        var x = SIMD8<Float>(repeating: a[0])
                        c00 = c00.addingProduct(x, b0)
                        c01 = c01.addingProduct(x, b1)
                        x = SIMD8<Float>(repeating: a[1])
                        c10 = c10.addingProduct(x, b0)
                        c11 = c11.addingProduct(x, b1)
                        x = SIMD8<Float>(repeating: a[2])
                        c20 = c20.addingProduct(x, b0)
                        c21 = c21.addingProduct(x, b1)
                        x = SIMD8<Float>(repeating: a[3])
                        c30 = c30.addingProduct(x, b0)
                        c31 = c31.addingProduct(x, b1)
                        x = SIMD8<Float>(repeating: a[4])
                        c40 = c40.addingProduct(x, b0)
                        c41 = c41.addingProduct(x, b1)
                        x = SIMD8<Float>(repeating: a[5])
                        c50 = c50.addingProduct(x, b0)
                        c51 = c51.addingProduct(x, b1)
                    }
                    let results = [(c00, c01), (c10, c11), (c20, c21), (c30, c31), (c40, c41), (c50, c51)]
                    for r in 0..<rows {
                        for c in 0..<16 where p * 16 + c < n {
                            output.pointer[(block * 6 + r) * n + p * 16 + c] = c < 8 ? results[r].0[c] : results[r].1[c - 8]
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

    /// Whether this CPU has AVX-512 (Linux: the avx512f flag in /proc/cpuinfo; elsewhere, no). Checked here,
    /// in code built for AVX2, before anything of the AVX-512 module runs.
    public static let wideAvailable: Bool = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("avx512f") }
    }()

    /// Round-to-nearest-even of fp32 to bf16 and back (toolchain.md sec. 5: exhaustively verified).
    @inline(__always) public static func bf16(_ f: Float) -> Float {
        let bits = f.bitPattern
        if f.isNaN { return f }
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
        return Float(bitPattern: rounded)
    }

    /// Median seconds of `runs` calls, after one untimed call (the thread pool's start and the first touch of
    /// pages the allocator hands back later are not what a rate should measure; the side-by-side script warms
    /// PyTorch and numpy up the same way).
    public static func median(runs: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// FLOP/s of an n x n fp32 product (2 n^3 FLOPs), median of `runs`.
    public static func matmulRate(n: Int, threads: Int, runs: Int, bf16Inputs: Bool = false) -> Double {
        var g = UInt64(12345)
        func next() -> Float {
            g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(g >> 40) / Float(1 << 24) - 0.5
        }
        var a = (0..<(n * n)).map { _ in next() }, b = (0..<(n * n)).map { _ in next() }
        if bf16Inputs {
            a = a.map(bf16)
            b = b.map(bf16)
        }
        var sink: Float = 0
        let seconds = median(runs: runs) { sink += matmul(a, b, n: n, threads: threads)[n + 1] }
        return sink.isNaN ? 0 : 2 * Double(n) * Double(n) * Double(n) / seconds
    }

    /// The fp32 FMA peak of this CPU as measured: every thread running independent chains of vector FMAs on
    /// registers only (16 lanes with AVX-512, 8 with AVX2), 2 FLOPs per lane each; median of `runs`. What no
    /// kernel with memory operands can pass; the benchmark states kernel rates as a fraction of it.
    public static func fmaPeak(threads: Int, runs: Int, iterations: Int = 20_000_000, allowWide: Bool = true) -> Double {
        let workers = max(threads, 1)
        let wide = allowWide && wideAvailable
        // One slot per worker in a raw buffer (no shared array mutated from several threads).
        let sink = SharedFloats(count: workers)
        let seconds = median(runs: runs) {
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                sink.pointer[w] =
                    wide
                    ? WideMatmul.fmaChains(iterations: iterations, seed: Float(w)) : fmaChains(iterations: iterations, seed: Float(w))
            }
        }
        let lanes = wide ? 16.0 : 8.0
        return sink.values.allSatisfy(\.isFinite) ? Double(workers) * Double(iterations) * 12 * lanes * 2 / seconds : 0
    }

    /// The AVX2 chains: 12 accumulators of 8-lane FMAs.
    @inline(never) static func fmaChains(iterations: Int, seed: Float) -> Float {
        var a0 = SIMD8<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
        var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
        let x = SIMD8<Float>(repeating: 0.999_9), y = SIMD8<Float>(repeating: 1e-4)
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
        return sum[0] + sum[7]
    }

    /// Bytes per second of a copy of `bytes` bytes between two buffers (read + written), threads splitting
    /// it, median of `runs` (STREAM's copy, counted as STREAM counts it).
    public static func copyBandwidth(bytes: Int, threads: Int, runs: Int) -> Double {
        let count = bytes / 8
        let source = UnsafeMutablePointer<Double>.allocate(capacity: count)
        let target = UnsafeMutablePointer<Double>.allocate(capacity: count)
        defer {
            source.deallocate()
            target.deallocate()
        }
        source.initialize(repeating: 1.5, count: count)
        target.initialize(repeating: 0, count: count)
        let from = UnsafePointer(source), to = target
        let workers = max(threads, 1)
        let pointers = Pointers(from: from, to: to)
        let seconds = median(runs: runs) {
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let start = count * w / workers, end = count * (w + 1) / workers
                pointers.to.advanced(by: start).update(from: pointers.from.advanced(by: start), count: end - start)
            }
        }
        return 2 * Double(count * 8) / seconds
    }

    struct Pointers: @unchecked Sendable {
        let from: UnsafePointer<Double>
        let to: UnsafeMutablePointer<Double>
    }
}

/// Output that worker threads write directly, each its own slots: a raw buffer, so no access to a shared
/// array is checked per element. Lives here, in the module built for AVX2, not beside the AVX-512 kernels:
/// code of `LCPlanKernelsWide` may use AVX-512 instructions anywhere (even in a zero fill), so nothing of it
/// runs unless `Calibration.wideAvailable` said so first.
final class SharedFloats: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: count)
    }
    deinit { pointer.deallocate() }
    /// A copy of the values (the object kept alive while they are read: its pointer is freed with it).
    var values: [Float] {
        withExtendedLifetime(self) {
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let base = buffer.baseAddress { base.initialize(from: pointer, count: count) }
                initialized = count
            }
        }
    }
}
