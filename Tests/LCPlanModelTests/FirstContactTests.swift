import Foundation
import LCPlanPrecision
import Testing

@testable import LCPlanModel

/// Issue 25: the names newcomers type, the catalogue they expect, and Qwen3 configs.
struct FirstContactTests {
    func load(_ text: String) -> LoadResult { SpecLoader.load(text: text, file: "s.yaml", baseDirectory: ".") }

    func spec(device: String = "h200", model: String = "llama-3.1-8b", workload: String = "{context: 8k}") -> LoadResult {
        load("version: 1\nmodel: \(model)\nhardware: {device: \(device)}\nworkload: \(workload)\n")
    }

    /// `h100` is the SXM board (the one DGX and HGX systems carry), `a100` the 80 GB SXM board.
    @Test func deviceAliasesResolve() throws {
        #expect(spec(device: "h100").spec?.hardware.device.name == "h100-sxm")
        #expect(spec(device: "H100-80GB").spec?.hardware.device.name == "h100-sxm")
        #expect(spec(device: "a100").spec?.hardware.device.name == "a100-80gb")
        #expect(spec(device: "raspberry-pi-5").spec?.hardware.device.name == "rpi5")
        // An alias keeps the architecture that prices attention (FlashAttention-3 on Hopper).
        #expect(spec(device: "h100").spec?.hardware.device.architecture == .hopper)
        for (alias, preset) in DeviceCatalogue.aliases { #expect(DeviceCatalogue.named(preset) != nil, "\(alias) -> \(preset)") }
        for (alias, preset) in ModelCatalogue.aliases { #expect(ModelCatalogue.named(preset) != nil, "\(alias) -> \(preset)") }
    }

    /// A suggestion lists every preset that begins with what was typed, not the nearest spelling alone.
    @Test func suggestionsListEveryClosePreset() throws {
        let finding = try #require(spec(device: "h1").diagnostics.first { $0.rule == .unknownPreset })
        #expect(finding.message.contains("'h100-sxm'") && finding.message.contains("'h100-pcie'"))
        #expect(!finding.message.contains("'h200'"))
        #expect(NearestName.suggestions("a10", among: DeviceCatalogue.names) == ["a100-40gb", "a100-80gb", "a100-pcie-80gb"])
        #expect(NearestName.hint(["a", "b", "c"]) == " (did you mean 'a', 'b' or 'c'?)")
        #expect(NearestName.hint([]) == "")
    }

    /// PyTorch's dtype names and the words people use for the mode are the values they mean.
    @Test func valueSpellingsAreAccepted() throws {
        let s = try #require(spec(workload: "{mode: serving, context: 8k, dtype: bfloat16, kv_cache: float8_e4m3fn}").spec)
        #expect(s.workload.mode == .inference && s.workload.dtype == .bf16 && s.workload.kvCache.dtype == .fp8e4m3)
        #expect(spec(workload: "{mode: fine-tuning, context: 8k}").spec?.workload.mode == .training)
        // `kv_cache: fp8` is short for `{dtype: fp8}`; an unknown format is still an error at its value.
        #expect(spec(workload: "{context: 8k, kv_cache: fp8}").spec?.workload.kvCache.dtype == .fp8)
        let bad = spec(workload: "{context: 8k, kv_cache: fp9}")
        #expect(bad.spec == nil && bad.diagnostics.first?.rule == .invalidChoice)
        #expect(bad.diagnostics.first?.keyPath == "workload.kv_cache")
    }

    /// An unknown key other tools use is answered with the key that means the same.
    @Test func keysOfOtherToolsNameTheirMeaning() throws {
        let result = spec(workload: "{context: 8k, max_tokens: 100, batch_size: 4}")
        let suggestions = result.diagnostics.filter { $0.rule == .unknownKey }.compactMap(\.suggestion).sorted()
        #expect(suggestions == ["batch", "output_tokens"])
        let hardware = load("version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200, num_gpus: 8}\nworkload: {context: 8k}\n")
        #expect(hardware.diagnostics.first { $0.rule == .unknownKey }?.suggestion == "count")
    }

    /// A serving spec without output_tokens generates 512 tokens per request (an assumption), at most half
    /// the context, or the rest after the prompt; training generates none.
    @Test func outputTokensDefault() throws {
        let serving = try #require(spec(workload: "{context: 32k}").spec?.workload)
        #expect(serving.outputTokens == 512 && serving.promptTokens == 32768 - 512 && serving.outputAssumed)
        #expect(spec(workload: "{context: 600}").spec?.workload.outputTokens == 300)
        #expect(spec(workload: "{context: 8k, prompt_tokens: 8000}").spec?.workload.outputTokens == 192)
        let written = try #require(spec(workload: "{context: 8k, output_tokens: 0}").spec?.workload)
        #expect(written.outputTokens == 0 && !written.outputAssumed)
        #expect(spec(workload: "{mode: training, context: 8k}").spec?.workload.outputTokens == 0)
    }

    /// The devices people plan on, with the figures of hardware.md's vendor table.
    @Test func moreDevices() throws {
        let b200 = try #require(DeviceCatalogue.named("b200"))
        #expect(b200.peak[.bf16]?.flopsPerSecond == 2.25e15 && b200.peak[.fp8]?.flopsPerSecond == 4.5e15)
        #expect(b200.memoryBandwidth.bytesPerSecond == 8e12 && b200.memory.value == ExactInt(180) * ExactInt(1_000_000_000))
        let mi300x = try #require(DeviceCatalogue.named("mi300x"))
        #expect(mi300x.peak[.bf16]?.flopsPerSecond == 1307.4e12 && mi300x.memoryBandwidth.bytesPerSecond == 5.3e12)
        let l40s = try #require(DeviceCatalogue.named("l40s"))
        #expect(l40s.peak[.bf16]?.flopsPerSecond == 362e12 && l40s.memoryBandwidth.bytesPerSecond == 864e9)
        let rtx = try #require(DeviceCatalogue.named("rtx-4090"))
        // Frameworks accumulate in fp32: the GeForce bf16 rate is the fp32-accumulate figure, 165.2 TFLOP/s.
        #expect(rtx.peak[.bf16]?.flopsPerSecond == 165.2e12 && rtx.memoryBandwidth.bytesPerSecond == 1008e9)
        #expect(DeviceCatalogue.named("jetson-agx-orin-64gb") != nil)
    }
}
