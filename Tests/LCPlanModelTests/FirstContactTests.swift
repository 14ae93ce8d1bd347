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

/// Issue 25, item 5: Hugging Face ids and model directories from the local cache, presets next to the
/// spec or by path, and where an unknown preset was looked for.
struct LocalSourcesTests {
    /// A temporary directory tree, removed after `body`.
    func withDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "lcplan-sources-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: LocalPath(path).directory.text, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// huggingface_hub's cache layout: models--OWNER--NAME/refs/main names the snapshot holding config.json.
    @Test func hubIDsResolveInTheLocalCache() throws {
        try withDirectory { root in
            let config = try String(contentsOfFile: Fixtures.path("hf/qwen3-8b.json"), encoding: .utf8)
            let repository = root + "/hub/models--Qwen--Qwen3-8B"
            try write("abc123\n", to: repository + "/refs/main")
            try write(config, to: repository + "/snapshots/abc123/config.json")
            try write("{\"model_type\": \"llama\"}", to: repository + "/snapshots/old999/config.json")
            let cache = HubCache.from(environment: ["HF_HOME": root, "HOME": "/nonexistent"])
            #expect(cache.root == root + "/hub" && cache.shown == "$HF_HOME/hub")
            #expect(cache.config("Qwen/Qwen3-8B")?.path == repository + "/snapshots/abc123/config.json")
            #expect(cache.config("Qwen/Qwen3-8B")?.shown == "hf:Qwen/Qwen3-8B@abc123/config.json")
            let library = PresetLibrary(hubCache: cache)
            let spec = "version: 1\nmodel: {hf_config: Qwen/Qwen3-8B}\nhardware: {device: h100}\nworkload: {context: 8k}\n"
            let loaded = SpecLoader.load(text: spec, file: "s.yaml", baseDirectory: root, library: library)
            #expect(loaded.spec?.model.layers == 36 && loaded.spec?.model.qkNorm == true, "\(loaded.diagnostics.map(\.message))")
            // Not in the cache: an error that says where it looked and that lcplan does not download.
            let missing = SpecLoader.load(
                text: spec.replacingOccurrences(of: "Qwen3-8B", with: "Qwen3-9B"), file: "s.yaml", baseDirectory: root, library: library)
            let finding = try #require(missing.diagnostics.first { $0.rule == .inputUnreadable })
            #expect(finding.message.contains("$HF_HOME/hub/models--Qwen--Qwen3-9B") && finding.message.contains("never downloads"))
            // A model directory holding config.json.
            try write(config, to: root + "/models/qwen3/config.json")
            let directory = SpecLoader.load(
                text: spec.replacingOccurrences(of: "Qwen/Qwen3-8B", with: "models/qwen3"), file: "s.yaml", baseDirectory: root)
            #expect(directory.spec?.model.layers == 36)
        }
        // The precedence huggingface_hub uses.
        #expect(HubCache.from(environment: ["HF_HUB_CACHE": "/c", "HF_HOME": "/h"]).root == "/c")
        #expect(HubCache.from(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/home/u"]).root == "/x/huggingface/hub")
        #expect(HubCache.from(environment: ["HOME": "/home/u"]).shown == "~/.cache/huggingface/hub")
        // Only OWNER/NAME reaches a path.
        for id in ["../etc", "a/..", "a/b/c", "a", ".x/y", "a/b c"] { #expect(!HubCache.isHubID(id), "\(id)") }
    }

    /// A user preset next to the spec, or by a path relative to it; an unknown one lists where lcplan looked.
    @Test func presetsNextToTheSpecOrByPath() throws {
        try withDirectory { root in
            try write("device: {preset: h100-sxm, name: bench-gpu, memory: 94GB}\n", to: root + "/presets/gpu.yaml")
            try write("device: {preset: h200, name: near-gpu}\n", to: root + "/near.yaml")
            func load(_ device: String) -> LoadResult {
                SpecLoader.load(
                    text: "version: 1\nmodel: llama-3.1-8b\nhardware: {device: \(device)}\nworkload: {context: 8k}\n",
                    file: root + "/s.yaml", baseDirectory: root)
            }
            #expect(load("presets/gpu.yaml").spec?.hardware.device.name == "bench-gpu")
            #expect(load("near").spec?.hardware.device.name == "near-gpu")
            let unknown = try #require(load("far").diagnostics.first { $0.rule == .unknownPreset })
            #expect(unknown.message.contains("looked in: built-in presets") && unknown.message.contains(root))
            let badPath = try #require(load("presets/none.yaml").diagnostics.first { $0.rule == .unknownPreset })
            #expect(badPath.message.contains(root + "/presets/none.yaml"))
        }
    }
}
