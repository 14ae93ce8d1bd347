import LCPlanModel
import Testing

@testable import LCPlanCalculators

/// The time model's kernel classes reproduce points of the published measurements they rest on, through
/// the model's own functions; each point carries its source. Tolerances: the fits are stated to hold within
/// about 0.05 of peak.
struct KernelClassTests {
    static func hardware(_ device: String, kernel: String = "auto") throws -> HardwareSpec {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-8b
                hardware: {device: \(device), count: 8, attention_kernel: \(kernel)}
                workload: {mode: inference, context: 4k}
                """))
        return spec.hardware
    }

    static func kernel(_ device: String, _ kernel: String = "auto", headDim: Int = 128) throws -> AttentionKernelModel {
        try #require(AttentionKernelModel(try hardware(device, kernel: kernel), headDim: headDim, fused: true))
    }

    /// Forward and backward together at the FlashAttention convention: the backward does 2.5 times the
    /// forward's FLOPs, so the combined rate is 3.5 / (1/forward + 2.5/backward).
    static func combined(_ k: AttentionKernelModel, _ length: Double, causal: Bool) -> Double {
        3.5 / (1 / k.forward(length: length, causal: causal) + 2.5 / k.backward(length: length, causal: causal))
    }

    /// FlashAttention-3 forward, bf16, H100 SXM (Shah et al. 2024, arXiv 2407.08608, Fig. 5): head dim 128
    /// causal 292, 521, 616 TFLOP/s at 512, 2k and 16k tokens (0.30, 0.53, 0.62 of 989); head dim 64 without a
    /// mask 333 and 497 at 512 and 16k (0.34, 0.50); cuDNN head dim 128 causal 539 at 16k (0.55).
    @Test func flashAttention3Forward() throws {
        let fa3 = try Self.kernel("h100-sxm")
        #expect(fa3.kernel == .fa3)
        #expect(abs(fa3.forward(length: 512, causal: true) - 292.0 / 989) < 0.05)
        #expect(abs(fa3.forward(length: 2048, causal: true) - 521.0 / 989) < 0.05)
        #expect(abs(fa3.forward(length: 16384, causal: true) - 616.0 / 989) < 0.05)
        let narrow = try Self.kernel("h100-sxm", headDim: 64)
        #expect(abs(narrow.forward(length: 512, causal: false) - 333.0 / 989) < 0.05)
        #expect(abs(narrow.forward(length: 16384, causal: false) - 497.0 / 989) < 0.05)
        let cudnn = try Self.kernel("h100-sxm", "cudnn")
        #expect(abs(cudnn.forward(length: 16384, causal: true) - 539.0 / 989) < 0.05)
    }

    /// FlashAttention-3 backward without a mask, head dim 128 (same paper, Fig. 6): 501 and 561 TFLOP/s at
    /// 2k and 16k (0.51, 0.57 of 989).
    @Test func flashAttention3Backward() throws {
        let fa3 = try Self.kernel("h200")
        #expect(abs(fa3.backward(length: 2048, causal: false) - 501.0 / 989) < 0.05)
        #expect(abs(fa3.backward(length: 16384, causal: false) - 561.0 / 989) < 0.05)
    }

    /// FlashAttention-2 forward and backward together, head dim 128 (Dao 2023, arXiv 2307.08691, Figs. 4
    /// and 7; the flash-attention README's benchmark images): A100 causal 155 and 189 TFLOP/s at 2k and 16k
    /// (0.50, 0.61 of 312), without a mask 203 at 16k (0.65); H100 causal 328 at 16k (0.33 of 989).
    @Test func flashAttention2ForwardAndBackward() throws {
        let a100 = try Self.kernel("a100-80gb")
        #expect(a100.kernel == .fa2 && a100.architecture == .ampere)
        #expect(abs(Self.combined(a100, 2048, causal: true) - 155.0 / 312) < 0.05)
        #expect(abs(Self.combined(a100, 16384, causal: true) - 189.0 / 312) < 0.05)
        #expect(abs(Self.combined(a100, 16384, causal: false) - 203.0 / 312) < 0.05)
        let h100 = try Self.kernel("h100-sxm", "fa2")
        #expect(abs(Self.combined(h100, 16384, causal: true) - 328.0 / 989) < 0.05)
    }

    /// FlashAttention-3 runs on Hopper only: named on an A100 it is refused at load; unfused attention and
    /// CPUs have no measured kernel.
    @Test func whereNoKernelApplies() throws {
        let refused = SpecLoader.load(
            text: """
                version: 1
                model: llama-3.1-8b
                hardware: {device: a100-80gb, attention_kernel: fa3}
                workload: {mode: inference, context: 4k}
                """, file: "test.yaml")
        #expect(refused.spec == nil && refused.diagnostics.contains { $0.rule == .outOfRange && $0.keyPath == "hardware.attention_kernel" })
        #expect(AttentionKernelModel(try Self.hardware("h100-sxm"), headDim: 128, fused: false) == nil)
        #expect(AttentionKernelModel(try Self.hardware("rpi5"), headDim: 128, fused: true) == nil)
    }

    /// The report names the kernel that priced attention, and the ring's factor under ring context
    /// parallelism; unfused attention names none.
    @Test func reportNamesTheAttentionKernel() throws {
        func assumption(_ extra: String) throws -> Assumption? {
            let spec = try #require(
                resolve(
                    """
                    version: 1
                    model: llama-3.1-8b
                    hardware: {device: h100-sxm, count: 8}
                    workload: {mode: training, context: 32k, global_batch: 8}
                    \(extra)
                    """))
            return Analysis(spec).assumptions.first { $0.id == "attention_kernel" }
        }
        let ring = try #require(try assumption("plan: {tp: 1, cp: 8, cp_kind: ring, dp: 1}"))
        #expect(ring.text.contains("FlashAttention-3") && ring.text.contains("ring attention at 0.90"))
        #expect(ring.value == 648.0 / 989)
        #expect(try assumption("plan: {tp: 8, cp: 1, dp: 1}").map { !$0.text.contains("ring attention") } == true)
        #expect(try assumption("conventions: {fused_attention: false}") == nil)
    }

    /// Decode attention's share of bandwidth by bytes per call (FlashInfer blog, 2024-01-03, batch-decode
    /// benchmark on H100: about 0.5 at 4k tokens of 32 heads x 128 in fp16, 64 MiB; 0.75 at 16k tokens,
    /// 256 MiB; 0.88 at 64k tokens, 1 GiB).
    @Test func decodeAttentionBandwidth() {
        let mib = 1024.0 * 1024
        #expect(abs(KernelRates.kvReadEfficiency(bytesPerCall: 64 * mib) - 0.5) < 0.05)
        #expect(abs(KernelRates.kvReadEfficiency(bytesPerCall: 256 * mib) - 0.75) < 0.05)
        #expect(abs(KernelRates.kvReadEfficiency(bytesPerCall: 1024 * mib) - 0.88) < 0.05)
    }

    /// Collectives inside a node of 8 H100: a small all-reduce pays NCCL's modelled 6.6 + 14 x 0.6 = 15 us
    /// and an all-gather 6.6 + 7 x 0.6 = 10.8 us (NVIDIA/nccl src/graph/tuning.cc, LL ring); a 16 GiB
    /// all-reduce reaches a bus bandwidth within 5% of the 365-370 GB/s nccl-tests measure on 8 H100 SXM
    /// (NVIDIA/nccl issue 1455); across nodes one step costs 2.7 us.
    @Test func collectiveLatencyAndBandwidth() throws {
        let system = System(try Self.hardware("h100-sxm"), computeFormat: .bf16)
        let tiny = Collectives.allReduce(bytes: 8, ranks: 8)
        #expect(abs(tiny.latencySeconds(on: system.intraNode) - 15e-6) < 1e-9)
        #expect(abs(Collectives.allGather(bytes: 8, ranks: 8).latencySeconds(on: system.intraNode) - 10.8e-6) < 1e-9)
        let bytes = 16.0 * 1024 * 1024 * 1024
        let seconds = Collectives.allReduce(bytes: bytes, ranks: 8).seconds(on: system.intraNode)
        // nccl-tests' bus bandwidth of an all-reduce: bytes x 2 (n - 1) / n / time.
        let busBandwidth = bytes * 2 * 7 / 8 / seconds
        #expect(abs(busBandwidth / 367.5e9 - 1) < 0.05, "\(busBandwidth)")
        #expect(abs(Collectives.pointToPoint(bytes: 0).latencySeconds(on: system.interNode) - (6.6e-6 + 2.7e-6)) < 1e-12)
    }

    static let llama8b = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100-sxm, count: 8, per_node: 8}
        workload: {mode: training, context: 8k, global_batch: 8, micro_batch: 1, dtype: DTYPE}
        plan: {tp: 1, pp: 1, cp: 1, dp: 8, zero: 3, recompute: none}
        """

    /// fp8 runs the linear layers' GEMMs in fp8 and attention in bf16 (Transformer Engine, torchao): the
    /// attention core takes the same time in an fp8 step as in a bf16 one, and the step gains less than the
    /// 1.3-1.8x fp8 GEMMs reach over bf16 ones at training shapes (DeepGEMM's README; stas00/ml-engineering's
    /// best-shape matmuls: 1402.6 against 794.5 TFLOP/s on H100, 1.77x), never 2x; torchao measures 1.10-1.25x
    /// end to end for Llama 3 8B at 8k on 8 H100 (pytorch/ao docs/source/workflows/training.md).
    @Test func fp8PricesLinearLayersOnly() throws {
        let bf16 = Analysis(try #require(resolve(Self.llama8b.replacingOccurrences(of: "DTYPE", with: "bf16"))))
        let fp8 = Analysis(try #require(resolve(Self.llama8b.replacingOccurrences(of: "DTYPE", with: "fp8"))))
        #expect(fp8.system.kernels.attentionFormat == .bf16 && fp8.system.computeFormat == .fp8)
        let p = fp8.profile, devices = 8.0
        let attention = LayoutEvaluator(profile: p, system: fp8.system).attentionSeconds(
            forward: p.trainingAttentionForward / devices, forwards: 1, backwards: 1, length: 8192)
        let attentionBF16 = LayoutEvaluator(profile: bf16.profile, system: bf16.system).attentionSeconds(
            forward: bf16.profile.trainingAttentionForward / devices, forwards: 1, backwards: 1, length: 8192)
        #expect(abs(attention / attentionBF16 - 1) < 1e-12)
        // The linear layers at 1979 TFLOP/s x 0.5 x (1402.6/1979)/(794.5/989).
        let linearRate = 1978.9e12 * 0.5 * (1402.6 / 1979) / (794.5 / 989)
        let linear = (p.trainingHardware(.none) - p.trainingAttentionHardware(.none)) / devices / linearRate
        let step = try #require(fp8.time.step)
        #expect(abs(step.compute / (linear + attention) - 1) < 1e-9)
        let gain = try #require(bf16.time.step?.seconds) / step.seconds
        #expect(gain > 1.1 && gain < 1.77, "\(gain)")
    }

    /// Serving reads each sequence's cache at its mean length over the output: 64 sequences of Llama 3.1 8B
    /// (131,072 bytes per token in bf16) at 1,024 + 1,025/2, i.e. 1,536 tokens, one layer's cache per call, at
    /// the published rates, plus the weights streamed once.
    @Test func decodeReadsTheCacheAtItsMeanLength() throws {
        let analysis = Analysis(
            try #require(
                resolve(
                    """
                    version: 1
                    model: llama-3.1-8b
                    hardware: {device: h100-sxm, count: 1}
                    workload: {mode: inference, context: 2k, prompt_tokens: 1k, output_tokens: 1k, batch: 64, prefill_chunk: 2k}
                    plan: {tp: 1}
                    """)))
        let tpot = try #require(analysis.time.tpot)
        let kv = 64.0 * 1536 * 131_072
        let expected =
            PublishedMemoryRates.weightSeconds(analysis.evaluation.memory.weights, bandwidth: 3.35e12)
            + PublishedMemoryRates.kvSeconds(kv, perCall: kv / 32, bandwidth: 3.35e12)
        #expect(abs(tpot.memory / expected - 1) < 1e-9, "\(tpot.memory) against \(expected)")
    }

    /// Ring attention sends each step apart, each paying NCCL's point-to-point latency and hidden only behind
    /// its own block: Llama 3.1 405B at 128k on tp 2 x cp 256 (512 tokens per rank) exposes ring traffic that
    /// tp 8 x cp 16 (8,192 tokens per rank, blocks 256 times larger) hides.
    @Test func smallRingBlocksExposeTheirSends() throws {
        func context(tp: Int, cp: Int) throws -> CommunicationCost {
            let spec = try #require(
                resolve(
                    """
                    version: 1
                    model: llama-3.1-405b
                    hardware: {device: h100-sxm, count: \(tp * cp * 8), per_node: 8}
                    workload: {mode: training, context: 128k, global_batch: 8}
                    plan: {tp: \(tp), pp: 8, cp: \(cp), dp: 1, cp_kind: ring, zero: 1, recompute: full, micro_batch: 1}
                    """))
            return Analysis(spec).evaluation.communication.context
        }
        let small = try context(tp: 2, cp: 256), large = try context(tp: 8, cp: 16)
        #expect(small.exposedSeconds > 0)
        #expect(large.exposedSeconds == 0)
    }
}

/// Edge devices as they compute: Apple presets are their GPUs (llama.cpp Metal, MLX) with the Metal decode
/// efficiency measured on their class, `-cpu` the cores; Jetson AGX Orin its GPU.
struct EdgeDeviceTests {
    static func analysis(_ device: String) throws -> Analysis {
        Analysis(
            try #require(
                resolve(
                    """
                    version: 1
                    model: llama-3.2-3b
                    hardware: {device: \(device), count: 1}
                    workload: {mode: inference, context: 4k, batch: 1, output_tokens: 256, dtype: int4}
                    """)))
    }

    /// The GPU path's prompt processing against the cores': the M2's 10-core GPU, 3.579 TFLOP/s at 0.6
    /// (philipturner/metal-benchmarks; llama.cpp's pp512 on an M1), against its CPU's 0.5 TFLOP/s at the
    /// default 0.5: 3.579 x 0.6 / (0.5 x 0.5) = 8.6 times faster.
    @Test func applePromptRunsOnTheGPU() throws {
        let gpu = try Self.analysis("apple-m2"), cpu = try Self.analysis("apple-m2-cpu")
        #expect(gpu.spec.hardware.device.kind == .gpu && cpu.spec.hardware.device.kind == .cpu)
        let ratio = try #require(cpu.time.ttft?.compute) / (try #require(gpu.time.ttft?.compute))
        #expect(abs(ratio - 3.579 * 0.6 / (0.5 * 0.5)) / ratio < 1e-9, "\(ratio)")
    }

    /// Decode on an M3 Max streams the weights at 0.60 of 400 GB/s (Metal, llama.cpp discussion 4167), not
    /// at the NVIDIA classes' 0.80: the memory time is the weights and cache at that one rate.
    @Test func appleDecodeAtMetalsRate() throws {
        let a = try Self.analysis("apple-m3-max")
        #expect(!a.system.kernels.memoryClasses)
        let tpot = try #require(a.time.tpot)
        let memory = a.evaluation.memory
        // The cache read at its mean length: prompt 4,096 - 256 = 3,840, plus (256 + 1)/2 = 128, 3,968 tokens
        // (248 whole blocks of 16) of the final 4,096 (256 blocks).
        let kv = memory.kvCache * 3968 / 4096
        #expect(abs(tpot.memory - (memory.weights + kv) / (400e9 * 0.60)) / tpot.memory < 1e-9)
    }

    /// Jetson AGX Orin 64GB: the GPU's dense FP16 rate, 170 sparse INT8 TOPS halved for density and again for
    /// FP16 (NVIDIA's technical brief), 42.5 TFLOP/s, over 204.8 GB/s of LPDDR5.
    @Test func jetsonOrin() throws {
        let a = try Self.analysis("jetson-agx-orin-64gb")
        #expect(a.system.computeFormat == .bf16 && a.system.peakFLOPPerSecond == 170e12 / 4)
        #expect(a.spec.hardware.device.memoryBandwidth.bytesPerSecond == 204.8e9)
        #expect(a.spec.hardware.efficiency.memory == 0.75)
    }
}
