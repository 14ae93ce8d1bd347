import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// The KV layout (issue 11): storage per format with its metadata (../shared/reference/serving.md, "KV
/// formats"), capacity, the engines' start-up accounting, budgets, prefix sharing and offload tiers.
struct KVLayoutTests {
    static func cache(_ dtype: NumberFormat, _ change: (inout KVCacheSpec) -> Void = { _ in }) -> KVCacheSpec {
        var spec = KVCacheSpec(dtype: dtype, blockTokens: 16)
        change(&spec)
        return spec
    }

    /// serving.md's table, bits per element including metadata, at head_dim 128 (Llama 3.1 8B).
    @Test(arguments: [
        // bf16 / fp16: 16.
        (Self.cache(.bf16), 16.0),
        // fp8, per-tensor scales: 8 (the scales are per layer, not per element).
        (Self.cache(.fp8), 8.0),
        // int8, per token and head, asymmetric, fp16 scale + zero, head_dim 128: 8 + 32/128 = 8.25 (LMDeploy).
        (Self.cache(.int8), 8.25),
        // int4, same: 4.25.
        (Self.cache(.int4), 4.25),
        // int4, group 128, symmetric, fp16 scale: 4 + 16/128 = 4.125.
        (
            Self.cache(.int4) {
                $0.groupSize = 128; $0.zeroPoint = false
            }, 4.125
        ),
        // int4, group 64, asymmetric, fp16 scale + min: 4 + 32/64 = 4.5 (FlexGen).
        (Self.cache(.int4) { $0.groupSize = 64 }, 4.5),
        // KIVI-2, group 32, fp16 scale + zero: 2 + 32/32 = 3.0 on the quantized part.
        (Self.cache(.int2) { $0.scheme = .kivi }, 3.0),
        // PQ (MILLION), d 128 in 64 sub-vectors of 8-bit codes: 64 x 8 / 128 = 4.
        (
            Self.cache(.fp16) {
                $0.scheme = .pq; $0.subvectors = 64; $0.codeBits = 8
            }, 4.0
        ),
    ])
    func bitsPerElement(cache: KVCacheSpec, expected: Double) throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-8b"))
        let size = KVCacheSize(model, cache: cache)
        #expect(size.bitsPerElement() == expected)
        // Exactly: bits per token per layer = elements x bits per element (2 x 8 KV heads x 128 = 2,048 elements).
        #expect(size.bitsPerToken() == ExactInt(Int(2048 * expected)))
    }

    /// PQ codebooks: M x 2^b x (d / M) fp16 values for K and for V per layer = 2 x 256 x 128 x 2 B = 131,072 B.
    @Test func productQuantizationCodebooks() throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-8b"))
        let size = KVCacheSize(
            model,
            cache: Self.cache(.fp16) {
                $0.scheme = .pq; $0.subvectors = 64; $0.codeBits = 8
            })
        #expect(size.constantBytesPerLayer() == ExactInt(2 * 64 * 256 * (128 / 64) * 2))
    }

    /// KIVI keeps the last 128 tokens in fp16: a 1,000-token sequence stores 872 quantized tokens in
    /// ceil(872 / 16) = 55 blocks of 3 bits x 2,048 elements x 16 tokens / 8 = 12,288 B, and 128 x 2,048 x 2 B.
    @Test func kiviResidual() throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-8b"))
        let size = KVCacheSize(model, cache: Self.cache(.int2) { $0.scheme = .kivi })
        let bytes: ExactInt = size.layerBytes(.global, tokens: 1000, tp: 1, cp: 1, paged: true, ExactInt.self)
        #expect(bytes == ExactInt(55 * 12_288 + 128 * 2048 * 2))
    }

    /// A StreamingLLM budget of 4 sink + 4,092 recent tokens keeps a 128K request at the size of a 4K one.
    @Test func sinkWindowBudget() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-8b
                hardware: {device: h100-sxm, count: 1}
                workload: {mode: inference, context: 128k, kv_cache: {budget: {sink: 4, window: 4092}}}
                plan: {tp: 1}
                """))
        let kv = try #require(Analysis(spec).kvLayout)
        #expect(kv.keptTokens == 4096)
        // 4,096 tokens x 32 layers x 4,096 B (2 x 8 x 128 x 2 B).
        #expect(kv.bytesPerSequence == ExactInt(4096 * 32 * 4096))
    }

    /// Prefix sharing saves (n - 1) x ceil(P / block) blocks per global layer (vLLM, Kwon et al. sec. 4.4).
    @Test func prefixSharingSavesBlocks() throws {
        func memory(_ prefix: String) throws -> ExactInt {
            let spec = try #require(
                resolve(
                    """
                    version: 1
                    model: llama-3.1-8b
                    hardware: {device: h100-sxm, count: 1}
                    workload: {mode: inference, context: 16k, batch: 8, kv_cache: {\(prefix)}}
                    plan: {tp: 1}
                    """))
            return Analysis(spec).memory.device.kvCache
        }
        let shared = try memory("prefix: {tokens: 1000, sequences: 8}")
        let alone = try memory("block_tokens: 16")
        // 7 x ceil(1000 / 16) = 7 x 63 blocks of 16 x 4,096 B in each of 32 layers.
        #expect(alone - shared == ExactInt(7 * 63 * 16 * 4096 * 32))
    }

    /// vLLM V1's accounting for Llama 3.1 8B on one H100 at gpu_memory_utilization 0.9, derived step by step.
    @Test func vllmBudgetDeductions() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-8b
                hardware: {device: h100-sxm, count: 1}
                workload: {mode: inference, context: 128k}
                plan: {tp: 1}
                serving: {engine: vllm, gpu_memory_utilization: 0.9}
                """))
        let e = try #require(Analysis(spec).kvLayout?.engine)
        // vLLM reads the total from CUDA: 79.19 GiB on an H100 SXM (hardware.md, PyTorch mem_get_info; the
        // driver's 81,559 MiB less the CUDA context), 79.19 x 2^30 = 85,029,615,042.56 bytes, rounded.
        let device = ExactInt(85_029_615_043)
        #expect(e.deviceBytes == device)
        #expect(e.budgetBytes == (device * 9).ceilDivided(by: 10))
        // 8,030,261,248 parameters (cases.md) in bf16; the vocabulary 128,256 = 2,004 x 64 needs no padding.
        #expect(e.weightBytes == ExactInt(8_030_261_248 * 2))
        // engines.md 1.2: an H100 serves with max_num_batched_tokens 8,192 and max_num_seqs 1,024 by default.
        // The forward pass's largest live set, the MLP's 2h + 3 x ffn = 8,192 + 43,008 elements of 2 B per token
        // (above the attention's 2h + (2 x 32 + 2 x 8) x 128 = 18,432), is 8,192 x 2 x 51,200 = 838,860,800 B;
        // the sampler's 1,024 rows x 128,256 x 22 B + 8,192 x 4,096 x 2 B is larger.
        #expect(e.activationPeakBytes == ExactInt(1024 * 128_256 * 22 + 8192 * 4096 * 2))
        #expect(e.nonTorchBytes == EngineKVCapacity.defaultNonTorch(ranks: 1))
        let available = e.budgetBytes - e.weightBytes - e.activationPeakBytes - e.nonTorchBytes
        #expect(e.availableBytes == available)
        // A block of 16 tokens x 4,096 B per layer, in each of 32 layers.
        let blocks = try #require(available.floorDivided(by: ExactInt(16 * 4096 * 32)))
        #expect(e.blocks == blocks)
        #expect(e.tokens == blocks * 16)
        #expect(e.blocksPerRequest == ExactInt(131_072 / 16))
        #expect(e.concurrency == blocks.doubleValue / 8192)
        #expect(!e.refuses)
    }

    /// vLLM refuses max_model_len 1M for Llama 3.1 8B on one H100 (65,536 blocks per request); the longest
    /// it would accept is its whole pool.
    @Test func vllmRefusesAMillionTokens() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-8b
                hardware: {device: h100-sxm, count: 1}
                workload: {mode: inference, context: 1M}
                plan: {tp: 1}
                serving: {engine: vllm}
                """))
        let analysis = Analysis(spec)
        let e = try #require(analysis.kvLayout?.engine)
        #expect(e.blocksPerRequest == ExactInt(1_048_576 / 16))
        #expect(e.refuses)
        #expect(ExactInt(e.longestAccepted) == e.blocks * 16)
        #expect(analysis.diagnostics.contains { $0.rule == .engineRefusesContext })
    }

    /// vLLM's hybrid allocator for Gemma 3 27B (52 sliding-window layers of window 1,024, 10 global):
    /// groups of min(10, 52) = 10 layers, 6 sliding groups and 1 full; a 128K request needs 8,192 full blocks
    /// and, per sliding group, ceil(min(1,024 - 1 + 8,192, 131,072) / 16) + 1 = 577.
    @Test func vllmHybridAllocator() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: gemma-3-27b
                hardware: {device: h200, count: 1}
                workload: {mode: inference, context: 128k}
                plan: {tp: 1}
                serving: {engine: vllm}
                """))
        let e = try #require(Analysis(spec).kvLayout?.engine)
        #expect(e.layersPerBlock == 10)
        #expect(e.groups == 7)
        // A page: 16 tokens x 2 x 16 KV heads x 128 x 2 B.
        #expect(e.pageBytes == ExactInt(16 * 2 * 16 * 128 * 2))
        #expect(e.blocks == e.availableBytes.floorDivided(by: e.pageBytes * 10))
        #expect(e.tokens == (e.blocks.floorDivided(by: 7) ?? .zero) * 16)
        #expect(e.blocksPerRequest == ExactInt(8192 + 6 * 577))
    }

    /// SGLang 0.5.23 for Llama 3.1 70B over TP 2 on H200: mem_fraction_static by its reserve rule (engines.md
    /// 2.3): 143,771 MiB (hardware.md), chunk 8,192 and decode graph batch 256 (table 2.2, under 160 GiB, tp < 4),
    /// reserved 512 + 1.5 x 8,192 + 2 x 1 / 8 x 1,024 + 2 x 256 = 13,568 MiB, fraction round(130,203 / 143,771, 3)
    /// = 0.906; cell = 80 layers x 4 KV heads x 128 x 2 x 2 B = 163,840 B, page size 1.
    @Test func sglangPool() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-70b
                hardware: {device: h200, count: 2}
                workload: {mode: inference, context: 128k}
                plan: {tp: 2}
                serving: {engine: sglang}
                """))
        let e = try #require(Analysis(spec).kvLayout?.engine)
        #expect(e.fraction == 0.906)
        let free = e.deviceBytes - e.nonTorchBytes
        let kept = try #require((free * 94_000).ceilDivided(by: 1_000_000))
        #expect(e.availableBytes == free - e.weightBytes - kept)
        let tokens = try #require(e.availableBytes.floorDivided(by: 163_840))
        #expect(e.tokens == tokens)
        // max_running_requests = min(clamp(int(tokens / 131,072 x 512), 2,048, 4,096), tokens // 2).
        let scaled = (tokens * 512).floorDivided(by: 131_072)?.intValue ?? 0
        #expect(e.maxRunning == min(min(max(scaled, 2048), 4096), (tokens.floorDivided(by: 2)?.intValue ?? 0)))
        #expect(e.blockSize == 1)
        // Weights: 70,553,706,496 parameters (cases.md) over 2 ranks in bf16, the vocabulary needing no padding.
        #expect(e.weightBytes == ExactInt(70_553_706_496))
    }

    /// An offload tier takes what device memory cannot, and a decode step waits for it at the tier's
    /// bandwidth: the device's share plus the tier's share is the cache without tiers.
    @Test func offloadTierHoldsTheRest() throws {
        func analysis(_ tiers: String) throws -> Analysis {
            try #require(
                resolve(
                    """
                    version: 1
                    model: llama-3.1-8b
                    hardware: {device: h100-sxm, count: 1}
                    workload: {mode: inference, context: 1M, batch: 2, kv_cache: {\(tiers)}}
                    plan: {tp: 1}
                    """
                ).map { Analysis($0) })
        }
        let without = try analysis("block_tokens: 16")
        let with = try analysis("tiers: [{kind: host, capacity: 1TB, link: pcie-gen5}]")
        #expect(!without.memory.fits)
        #expect(with.memory.fits)
        #expect(with.memory.device.kvCache + with.memory.device.kvOffloaded == without.memory.device.kvCache)
        let tier = try #require(with.kvLayout?.tiers.first)
        #expect(tier.bytes == with.memory.device.kvOffloaded)
        // serving.md: H100 PCIe Gen5 host to device, 35.2 GB/s measured.
        #expect(tier.readSeconds == with.memory.device.kvOffloaded.doubleValue / 35.2e9)
        let tpot = try #require(with.time.tpot)
        #expect(tpot.memory >= tier.readSeconds)
    }

    /// vLLM 0.33.0 (engines.md 1.3): gpu_memory_utilization defaults to 0.92, and the logged size is
    /// int(max_concurrency x max_model_len), which for Gemma 3's hybrid groups is not blocks / groups x 16.
    @Test func vllm033Accounting() throws {
        func engine(_ version: String) throws -> EngineKVCapacity {
            let spec = try #require(
                resolve(
                    """
                    version: 1
                    model: gemma-3-27b
                    hardware: {device: h200, count: 1}
                    workload: {mode: inference, context: 128k}
                    plan: {tp: 1}
                    serving: {engine: vllm, version: "\(version)"}
                    """))
            return try #require(Analysis(spec).kvLayout?.engine)
        }
        let modern = try engine("0.33.0"), older = try engine("0.10.1")
        #expect(modern.fraction == 0.92 && older.fraction == 0.9)
        #expect(modern.tokens == (modern.blocks * 131_072).floorDivided(by: modern.blocksPerRequest))
        #expect(older.tokens == (older.blocks.floorDivided(by: 7) ?? .zero) * 16)
    }

    /// engines.md 1.2: vLLM's batch defaults by device; 2.2-2.3: SGLang's reserve rule gives about 0.83 on an
    /// 80 GiB H100 at TP 1 (81,559 MiB: (81,559 - 13,440) / 81,559 = 0.835 without the prefill-graph part).
    @Test func engineDefaultsByDevice() throws {
        let h100 = try #require(DeviceCatalogue.named("h100-sxm")), a100 = try #require(DeviceCatalogue.named("a100-80gb"))
        #expect(EngineKVCapacity.vllmBatchDefaults(h100) == (8192, 1024))
        #expect(EngineKVCapacity.vllmBatchDefaults(a100) == (2048, 256))
        #expect(EngineKVCapacity.sglangFraction(memory: h100.memory.value, tp: 1, pp: 1, chunk: nil, mla: false) == 0.835)
    }
}
