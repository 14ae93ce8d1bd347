import Foundation
import LCPlanCalculators
import LCPlanKernels
import LCPlanModel
import Testing

@testable import LCPlanValidation

func analysis(_ text: String) throws -> Analysis {
    let spec = try #require(SpecLoader.load(text: text, file: "test.yaml").spec)
    return Analysis(spec)
}

/// The reference kernels and the checks built on them (issue 12).
@Suite(.serialized) struct ValidationTests {
    /// Small problems keep these tests quick; the pairs a kernel executes are derived by hand.
    @Test func kernelsCountTheirPairs() {
        // 2 query heads on 1 KV head, d 16, 64 tokens, window 8: queries 0-7 see q + 1 keys (36), the other 56
        // see 8 (448): 484 per head.
        var shape = AttentionShape(heads: 2, kvHeads: 1, headDim: 16, length: 64, window: 8)
        let inputs = AttentionInputs(shape, seed: 1)
        #expect(ReferenceAttention.run(inputs).pairs == 2 * 484)
        #expect(TiledAttention.run(inputs).pairs == 2 * 484)
        #expect(Validation.exactPairs(length: 64, window: 8) == 484)
        // Documents of 10, 20 and 34 tokens packed in the sequence, no window: 55 + 210 + 595 per head.
        shape.window = nil
        shape.documentStarts = [10, 30]
        #expect(TiledAttention.run(AttentionInputs(shape, seed: 2)).pairs == 2 * (55 + 210 + 595))
    }

    /// The tiled fp32 kernel agrees with the fp64 reference within the derived bound, with GQA, windows and
    /// documents; sharded attention merged by log-sum-exp agrees too, for every split.
    @Test func tiledAndShardedAgreeWithTheReference() {
        var shape = AttentionShape(heads: 4, kvHeads: 2, headDim: 32, length: 256, window: 96)
        shape.documentStarts = [100]
        let inputs = AttentionInputs(shape, seed: 3)
        let reference = ReferenceAttention.run(inputs)
        let unit: Double = Double(Float.ulpOfOne) / 2
        let terms: Double = 256 + pow(32.0, 1.5) + 10
        let bound: Double = 2 * terms * unit
        #expect(LogSumExpMerge.relativeError(TiledAttention.run(inputs).output, reference.output) <= bound)
        for split in ShardedAttention.Split.allCases {
            let sharded = ShardedAttention.run(inputs, ranks: 4, split: split)
            #expect(LogSumExpMerge.relativeError(sharded.merged.output, reference.output) <= bound, "\(split)")
            #expect(sharded.rankPairs.reduce(0, +) == reference.pairs, "\(split): every pair on exactly one rank")
        }
    }

    /// Megatron's 2cp load balancing gives each rank exactly total / cp pairs under a causal mask (chunk c:
    /// rank r holds chunks r and 2cp - 1 - r, c^2 (2cp - 1) + c (c + 1) pairs); contiguous chunks do not.
    @Test func loadBalancedChunksBalanceExactly() {
        let shape = AttentionShape(heads: 1, kvHeads: 1, headDim: 8, length: 128)
        let inputs = AttentionInputs(shape, seed: 4)
        let balanced = ShardedAttention.run(inputs, ranks: 4, split: .loadBalanced)
        let c = 128 / 8
        #expect(balanced.rankPairs == [Int](repeating: c * c * 7 + c * (c + 1), count: 4))
        let contiguous = ShardedAttention.run(inputs, ranks: 4, split: .contiguous)
        #expect(contiguous.rankPairs.first == 32 * 33 / 2 && contiguous.rankPairs.last == 32 * 96 + 32 * 33 / 2)
    }

    /// RoPE positions in bf16 collide above 256 (8 significand bits), in fp16 above 2,048 (rope.md sec. 5).
    @Test func positionsCollideWhereTheFormatSays() {
        let bf16 = RoPEEmulation.run(base: 10000, rotaryDim: 64, position: 4096, positionFormat: .bf16, phaseFormat: .fp32)
        #expect(bf16.largestDistinctPosition == 256)
        let fp16 = RoPEEmulation.run(base: 10000, rotaryDim: 64, position: 4096, positionFormat: .fp16, phaseFormat: .fp32)
        #expect(fp16.largestDistinctPosition == 2048)
        let fp32 = RoPEEmulation.run(base: 10000, rotaryDim: 64, position: 4096, positionFormat: .fp32, phaseFormat: .fp32)
        #expect(fp32.largestDistinctPosition == 4096 && fp32.maxPhaseError <= fp32.phaseErrorBound)
    }

    /// Every KV format's round trip stays within its bound; the encoded bytes match the layout's bits.
    @Test(arguments: [
        KVQuantization.Scheme.integer(bits: 8, group: 128, zeroPoint: true), .integer(bits: 4, group: 64, zeroPoint: true),
        .integer(bits: 4, group: 128, zeroPoint: false), .float8(.fp8e4m3), .float8(.fp8e5m2), .kivi(bits: 2, group: 32, residual: 128),
    ])
    func quantizationStaysWithinItsBound(scheme: KVQuantization.Scheme) {
        let data = AttentionInputs(AttentionShape(heads: 1, kvHeads: 1, headDim: 128, length: 256), seed: 5).k
        let outcome = KVQuantization.roundTrip(data, tokens: 256, width: 128, scheme: scheme)
        #expect(outcome.maxError <= outcome.bound, "\(scheme)")
        if case .integer(let bits, let group, let zero) = scheme {
            // 256 tokens x 128 channels in groups: codes plus 16 or 32 bits per group.
            #expect(outcome.encodedBytes == (256 * 128 * bits + 256 * (128 / group) * (zero ? 32 : 16)) / 8)
        }
    }

    /// Product quantization with trained codebooks beats a one-centroid codebook.
    @Test func productQuantizationLearns() {
        let data = AttentionInputs(AttentionShape(heads: 1, kvHeads: 1, headDim: 16, length: 256), seed: 6).k
        let outcome = KVQuantization.roundTrip(data, tokens: 256, width: 16, scheme: .productQuantization(subvectors: 8, codeBits: 4))
        #expect(outcome.relativeRMS < 1)
    }

    /// Validation of an example passes, every exact check exactly.
    @Test func exampleValidates() throws {
        let a = try analysis(
            """
            version: 1
            model: llama-3.2-3b
            hardware: {device: h100-sxm, count: 4}
            workload: {mode: inference, context: 4k, batch: 2, kv_cache: {dtype: int4, group_size: 64}}
            plan: {tp: 1, cp: 4, dp: 1}
            """)
        let (_, checks) = Validation.run(a)
        #expect(!checks.isEmpty)
        for check in checks where check.comparison == "exact" { #expect(check.predicted == check.measured, "\(check.id)") }
        #expect(!checks.contains { $0.status == .fail }, "\(checks.filter { $0.status == .fail }.map(\.id))")
        #expect(checks.contains { $0.id == "cp_rank_pairs" && $0.status == .pass })
        #expect(checks.contains { $0.id == "kv_quantization_error" && $0.status == .pass })
    }

    /// The packing policies' per-rank work, run through the kernel with document masks, equals the planner's
    /// placement arithmetic exactly (executed pairs less the diagonal = sum l^2 / 2), for every policy.
    @Test func varlenPlacementsValidate() throws {
        let a = try analysis(
            """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 32k, global_batch: 16, documents: {distribution: wlb}}
            plan: {tp: 8}
            """)
        let (_, checks) = Validation.run(a)
        let varlen = checks.filter { $0.id.hasPrefix("varlen_") }
        #expect(varlen.map(\.id) == ["varlen_naive", "varlen_balanced", "varlen_chunked"])
        for check in varlen { #expect(check.status == .pass && check.predicted == check.measured, "\(check.note)") }
    }

    /// A hostile head dimension (2^24) is scaled down to 512 and said so; validation stays quick.
    @Test func hostileHeadDimensionIsScaled() throws {
        let a = try analysis(
            """
            version: 1
            model: {name: huge, layers: 2, hidden: 4096, heads: 2, kv_heads: 1, head_dim: 16777216, ffn: 64, vocab: 100, max_context: 4096}
            hardware: {device: h100-sxm}
            workload: {context: 4k}
            """)
        let (problem, checks) = Validation.run(a)
        #expect(problem.shape.headDim == 512 && problem.description.contains("scaled from 16777216"))
        #expect(!checks.contains { $0.status == .fail })
    }

    /// A formula broken on purpose (the calculator's pair count off by one, through a test-only hook) is caught.
    @Test func brokenFormulaIsCaught() throws {
        let a = try analysis(
            """
            version: 1
            model: llama-3.2-3b
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: inference, context: 2k}
            """)
        let (_, checks) = Validation.run(a, threads: 2, local: nil, progress: nil, fault: InjectedFault(pairCountError: 1))
        #expect(checks.first { $0.id == "flops_attention" }?.status == .fail)
    }
}

/// `lcplan calibrate`'s kernels: the product is right (against an fp64 product written out here), and the
/// bf16 rounding is round-to-nearest-even (toolchain.md's exhaustively checked cases).
struct CalibrationTests {
    @Test(arguments: [50, 300])
    func matmulIsRight(n: Int) {
        // n = 50: neither a multiple of the 6- or 8-row block nor of the 16- or 32-column panel; n = 300: also
        // two K blocks of the AVX-512 product (256 + 44).
        let a = (0..<(n * n)).map { Float(($0 * 7) % 13) - 6 }, b = (0..<(n * n)).map { Float(($0 * 5) % 11) - 5 }
        // Both variants: the AVX2 one always, the AVX-512 one where the CPU has it.
        for wide in [false, true] {
            let c = Calibration.matmul(a, b, n: n, threads: 2, allowWide: wide)
            var wrong = 0
            for i in 0..<n {
                for j in 0..<n {
                    var expected = 0.0
                    for k in 0..<n { expected += Double(a[i * n + k]) * Double(b[k * n + j]) }
                    // Small integers: the fp32 sum is exact.
                    if Double(c[i * n + j]) != expected { wrong += 1 }
                }
            }
            #expect(wrong == 0, "wide: \(wide)")
        }
    }

    @Test func bf16RoundsToNearestEven() {
        #expect(Calibration.bf16(1.00390625).bitPattern == 0x3F80_0000)
        #expect(Calibration.bf16(1.01171875).bitPattern == 0x3F82_0000)
        #expect(Calibration.bf16(15962) == 15936)
    }

    @Test func ratesArePositive() {
        #expect(Calibration.matmulRate(n: 96, threads: 2, runs: 1) > 0)
        #expect(Calibration.copyBandwidth(bytes: 1 << 20, threads: 2, runs: 1) > 0)
        let peak = Calibration.fmaPeak(threads: 2, runs: 1, iterations: 100_000)
        #expect(peak.isFinite && peak > 0)
    }
}

/// The AVX-512 blocked attention agrees with the fp64 reference within the tiled kernel's bound (where the
/// CPU has AVX-512; elsewhere the tiled kernel runs and the same holds).
struct FastAttentionTests {
    @Test(arguments: [100, 256, 333])
    func agreesWithTheReference(length: Int) {
        let fast = Self.checked(AttentionShape(heads: 4, kvHeads: 2, headDim: 64, length: length), seed: 11)
        #expect(fast.computedPairs >= fast.causalPairs)
    }

    /// From 4K tokens the AVX-512 kernel takes queries in blocks of 128 (below, 64): a GQA case past that
    /// size, with a length that is a multiple of neither block nor of the 32-key panel. The pairs it computes
    /// exceed the causal ones by at most a block triangle plus the 32-key rounding per task: fewer than
    /// (block + 32) per query row.
    @Test func longSequencesAgreeWithTheReference() {
        let length = 4_133
        let fast = Self.checked(AttentionShape(heads: 2, kvHeads: 1, headDim: 32, length: length), seed: 5)
        #expect(fast.computedPairs >= fast.causalPairs)
        #expect(fast.computedPairs - fast.causalPairs < 2 * length * (128 + 32))
    }

    /// The fast kernel's output against the fp64 reference within the tiled kernel's bound, and its causal
    /// pair count against the reference's.
    static func checked(_ shape: AttentionShape, seed: UInt64) -> FastAttention.Result {
        let inputs = AttentionInputs(shape, seed: seed)
        let reference = ReferenceAttention.run(inputs)
        let fast = FastAttention.run(inputs)
        let unit: Double = Double(Float.ulpOfOne) / 2
        let terms: Double = Double(shape.length) + pow(Double(shape.headDim), 1.5) + 10
        #expect(LogSumExpMerge.relativeError(fast.output, reference.output) <= 2 * terms * unit)
        #expect(fast.causalPairs == reference.pairs)
        return fast
    }
}

/// What the spec states reaches the unchecked kernels only scaled and bounded, and the AVX-512 module's code
/// runs only behind its runtime check.
struct KernelContainmentTests {
    /// Sub-vectors scaled with the sample: MILLION's 64 per 128-element head vector (arXiv 2504.03661) keep
    /// 2 elements each; a 1,024-element vector sampled at 512 halves the count; more parts than elements,
    /// or a count not dividing the sample, fall to the largest divisor of the width below the scaled count.
    @Test func subvectorsAreScaledToTheSample() {
        #expect(Validation.sampledSubvectors(64, vector: 128, width: 128) == 64)
        #expect(Validation.sampledSubvectors(512, vector: 1024, width: 512) == 256)
        #expect(Validation.sampledSubvectors(1 << 40, vector: 1 << 41, width: 512) == 256)
        #expect(Validation.sampledSubvectors(5_000, vector: 5_000, width: 512) == 512)
        // 3 x 512 / 768 = 2; 768 = 3 x 256 splits into 3, the sample of 512 into 2.
        #expect(Validation.sampledSubvectors(3, vector: 768, width: 512) == 2)
        #expect(Validation.sampledSubvectors(0, vector: 128, width: 128) == 1)
        #expect(Validation.sampledSubvectors(7, vector: 96, width: 96) == 6)
    }

    /// The portable (AVX2) paths run on this machine whatever it has: the FMA peak and the product with the
    /// AVX-512 module switched off.
    @Test func portablePathsRunHere() {
        let peak = Calibration.fmaPeak(threads: 2, runs: 1, iterations: 10_000, allowWide: false)
        #expect(peak.isFinite && peak > 0)
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
        #expect(Calibration.matmul(a, b, n: 2, threads: 2, allowWide: false) == [19, 22, 43, 50])
    }

    /// Every use of the AVX-512 module from the portable kernels sits behind the runtime check: a line naming
    /// `WideMatmul` or `WideAttention` has a `wide` test on it or on one of the three lines before it.
    @Test func wideModuleOnlyBehindItsCheck() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/LCPlanKernels")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty)
        for file in files {
            let lines = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
            for (n, line) in lines.enumerated() where line.contains("WideMatmul.") || line.contains("WideAttention.run") {
                let window = lines[max(0, n - 3)...n].joined(separator: "\n")
                #expect(window.contains("wide"), "\(file):\(n + 1) reaches the AVX-512 module without a check: \(line)")
            }
        }
    }
}
