import Foundation
import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// KV cases from ../shared/reference/cases.md, each derived there from the model's config.
struct KVCacheTests {
    func kv(_ model: ModelSpec, _ dtype: NumberFormat) -> KVCacheSize {
        KVCacheSize(model, cache: KVCacheSpec(dtype: dtype, blockTokens: 16))
    }

    /// vLLM paper (arXiv 2309.06180) sec. 3: OPT-13B, 2 x 5120 x 40 x 2 B = 800 KiB per token; 2048 tokens 1.68e9 B.
    @Test func opt13b() throws {
        let text = try String(
            contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/hf/opt-13b.json").path, encoding: .utf8)
        let model = try #require(HFConfigImporter.importConfig(text, file: "opt-13b.json").model)
        let cache = kv(model, .fp16)
        #expect(cache.bytesPerToken == 819_200)
        #expect(cache.bytesPerToken * 2048 == ExactInt(1_677_721_600))
    }

    /// Llama-3.1-70B, BF16: 2 x 8 x 128 x 80 x 2 = 327,680 B per token; 131,072 tokens = 42,949,672,960 B (40 GiB).
    @Test func llama70b() throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-70b"))
        let cache = kv(model, .bf16)
        #expect(cache.bytesPerToken == 327_680)
        let census = LayerCensus(model)
        #expect(cache.bytesPerSequence(tokens: 131_072, census: census) == ExactInt(42_949_672_960))
    }

    /// DeepSeek-V2 Table 1 with the V3 config: 512 + 64 = 576 elements per layer, x 61 = 35,136 per token, 70,272 B in BF16.
    @Test func deepseekMLA() throws {
        let model = try #require(ModelCatalogue.named("deepseek-v3"))
        let cache = kv(model, .bf16)
        #expect(cache.elementsPerToken() == 576)
        #expect(cache.elementsPerToken(tp: 8) == 576, "the latent is not split by tensor parallelism")
        #expect(cache.bytesPerToken == 70_272)
    }

    /// Mistral 7B paper sec. 2: a 4096-token rolling buffer at 32,768 tokens holds 8x less than a full cache.
    @Test func mistralWindow() throws {
        let windowed = try #require(ModelCatalogue.named("mistral-7b-v0.1"))
        var full = windowed
        full.attention.window = nil
        let a = kv(windowed, .bf16).bytesPerSequence(tokens: 32_768, census: LayerCensus(windowed))
        let b = kv(full, .bf16).bytesPerSequence(tokens: 32_768, census: LayerCensus(full))
        #expect(a * 8 == b)
    }

    /// Llama-2-7B BF16 (MHA): 2 x 32 x 128 x 32 x 2 = 524,288 B per token; 4096 + 256 tokens = 2.28e9 B.
    @Test func llama2() throws {
        let model = try #require(ModelCatalogue.named("llama-2-7b"))
        let cache = kv(model, .bf16)
        #expect(cache.bytesPerToken == 524_288)
        #expect(cache.bytesPerSequence(tokens: 4352, census: LayerCensus(model)) == ExactInt(2_281_701_376))
    }

    /// Quantized caches count their scales: int8 with one fp16 scale per 64 elements (symmetric) is
    /// 8 + 16/64 = 8.25 bits per element; 4-bit 4.25.
    @Test func quantizationScales() throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-8b"))
        let perLayer = 2 * 8 * 128
        var spec = KVCacheSpec(dtype: .int8, blockTokens: 16, groupSize: 64, scaleDtype: .fp16)
        spec.zeroPoint = false
        #expect(KVCacheSize(model, cache: spec).bytesPerTokenPerLayer() == ExactInt(perLayer + perLayer / 64 * 2))
        spec.dtype = .int4
        #expect(KVCacheSize(model, cache: spec).bytesPerTokenPerLayer() == ExactInt(perLayer / 2 + perLayer / 64 * 2))
    }

    /// Paged blocks: a 17-token sequence takes two 16-token blocks.
    @Test func pagedBlocksRoundUp() throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-8b"))
        let cache = kv(model, .bf16)
        let census = LayerCensus(model)
        #expect(cache.bytesPerSequence(tokens: 17, census: census) == cache.bytesPerSequence(tokens: 32, census: census))
        #expect(cache.bytesPerSequence(tokens: 17, census: census, paged: false) == cache.bytesPerToken * 17)
    }
}
