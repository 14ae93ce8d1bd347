import Foundation
import LCPlanCalculators
import LCPlanPrecision
import Testing

@testable import LCPlanModel

/// Imports the public configs in Tests/Fixtures/hf and checks them against independent figures:
/// published parameter counts, and the shapes the configs state.
struct HFConfigImporterTests {
    func load(_ name: String) throws -> (ModelSpec, HFConfigImporter.Result) {
        let path = Fixtures.path("hf/\(name)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let result = HFConfigImporter.importConfig(text, file: path)
        let model = try #require(result.model, "\(result.diagnostics.map(\.message))")
        return (model, result)
    }

    func total(_ model: ModelSpec) -> String { ParameterCount(model).total.description }

    /// GPT-2 small: 124,439,808 parameters (the count transformers reports for openai-community/gpt2):
    /// learned positions, LayerNorm with biases, biases on every linear layer, tied output layer.
    @Test func gpt2() throws {
        let (model, _) = try load("gpt2.json")
        #expect(model.positions == .learned && model.norm == .layernorm && model.linearBias && model.tiedEmbeddings)
        #expect(total(model) == "124439808")
    }

    /// Pythia-160M: 162,322,944 parameters, 85,056,000 non-embedding (Biderman et al. 2023, Table 1);
    /// a quarter of each head rotates (rotary_pct 0.25 of 64 dims = 16).
    @Test func pythia() throws {
        let (model, _) = try load("pythia-160m.json")
        #expect(total(model) == "162322944")
        #expect(ParameterCount(model).nonEmbedding.description == "85056000")
        #expect(model.rope?.rotaryDim == 16)
    }

    /// Llama 3.1 8B: the same shape as the catalogue preset, 8,030,261,248 parameters (cases.md).
    @Test func llama31() throws {
        let (model, result) = try load("llama-3.1-8b.json")
        #expect(total(model) == "8030261248")
        #expect(model.rope?.theta == "500000.0")
        #expect(model.rope?.scaling?.type == .llama3)
        #expect(model.rope?.scaling?.originalContext == 8192)
        #expect(model.rope?.scaling?.factor == 8)
        #expect(result.ignoredKeys.contains("rms_norm_eps"))
        #expect(result.ignoredKeys.contains("mlp_bias"))
        #expect(result.diagnostics.map(\.rule.id) == ["LC113"])
    }

    /// Mistral 7B v0.1: 7,241,732,096 parameters (cases.md); a 4096-token window on every layer.
    @Test func mistral() throws {
        let (model, _) = try load("mistral-7b-v0.1.json")
        #expect(total(model) == "7241732096")
        #expect(model.attention.window == 4096)
        #expect(Set(model.layerKinds) == [.local])
    }

    @Test func mixtral() throws {
        let (model, _) = try load("mixtral-8x7b.json")
        #expect(model.moe?.experts == 8 && model.moe?.active == 2 && model.moe?.expertFfn == 14336)
        #expect(model.attention.window == nil)
        #expect(abs(ParameterCount(model).total.doubleValue - 46.7e9) <= 0.05e9)
    }

    /// Qwen2.5-7B: 7,615,616,512 with Q/K/V biases (cases.md); use_sliding_window false disables the window.
    @Test func qwen() throws {
        let (model, _) = try load("qwen2.5-7b.json")
        #expect(model.qkvBias)
        #expect(model.attention.window == nil)
        #expect(total(model) == "7615616512")
    }

    /// DeepSeek-V3: 671,026,419,200 without the MTP module (cases.md); the MTP key is reported unused.
    @Test func deepseek() throws {
        let (model, result) = try load("deepseek-v3.json")
        #expect(total(model) == "671026419200")
        #expect(model.attention.kind == .mla && model.attention.mla?.kvLoraRank == 512)
        #expect(model.moe?.routerBias == true && model.moe?.denseLayers == 3)
        #expect(model.rope?.rotaryDim == 64 && model.rope?.scaling?.type == .yarn)
        #expect(result.ignoredKeys.contains("num_nextn_predict_layers"))
    }

    /// Gemma 2 9B: 9,241,705,984 parameters (as transformers reports for google/gemma-2-9b): head_dim 256
    /// differs from hidden / heads, four norms per layer, tied embeddings, alternating local/global layers.
    @Test func gemma2() throws {
        let (model, _) = try load("gemma-2-9b.json")
        #expect(total(model) == "9241705984")
        #expect(model.attention.pattern == [.local, .global])
        #expect(model.tiedEmbeddings)
    }

    /// Gemma 3 27B: figures under text_config; five local layers (window 1024) to one global; local base 1e4.
    @Test func gemma3() throws {
        let (model, _) = try load("gemma-3-27b.json")
        #expect(model.layers == 62 && model.headDim == 128)
        #expect(model.attention.pattern == [.local, .local, .local, .local, .local, .global])
        #expect(model.rope?.localTheta == "10000.0")
        #expect(model.rope?.scaling?.type == .linear && model.rope?.scaling?.factor == 8)
        #expect(model.qkNorm)
    }

    @Test func phi3LongRoPE() throws {
        let (model, _) = try load("phi3-mini-128k.json")
        let scaling = try #require(model.rope?.scaling)
        #expect(scaling.type == .longrope)
        #expect(scaling.originalContext == 4096)
        #expect(scaling.factor == 32)
        #expect(scaling.shortFactor?.count == 48 && scaling.longFactor?.count == 48)
    }

    /// state-spaces Mamba 2.8B: vocab 50277 padded to a multiple of 8 (50280); 2.77B parameters.
    @Test func mamba() throws {
        let (model, _) = try load("mamba-2.8b.json")
        #expect(model.vocab == 50280 && model.heads == 0 && model.ssm?.state == 16)
        #expect(abs(ParameterCount(model).total.doubleValue - 2.77e9) <= 0.005e9)
    }

    @Test func opt() throws {
        let (model, _) = try load("opt-13b.json")
        #expect(model.layers == 40 && model.hidden == 5120 && model.heads == 40 && model.kvHeads == 40)
        #expect(model.ffn == 20480 && model.ffnKind == .plain && model.positions == .learned)
    }

    /// Qwen3 is not Qwen2: no qkv biases, a per-head q/k norm, head_dim 128 whatever the width; the MoE
    /// variant names its experts `num_experts` and its sparse step `decoder_sparse_step`.
    @Test func qwen3ConfigsImport() throws {
        let (dense, _) = try load("qwen3-8b.json")
        #expect(dense.qkNorm && !dense.qkvBias && dense.headDim == 128 && dense.layers == 36 && dense.kvHeads == 8)
        #expect(dense.moe == nil && dense.rope?.theta == "1000000" && dense.maxContext == 40960)
        let (moe, _) = try load("qwen3-30b-a3b.json")
        #expect(moe.qkNorm && !moe.qkvBias && moe.headDim == 128 && moe.hidden == 2048)
        #expect(moe.moe?.experts == 128 && moe.moe?.active == 8 && moe.moe?.expertFfn == 768 && moe.moe?.every == 1)
        #expect(moe.moe?.shared == 0 && moe.moe?.denseLayers == 0)
    }

    /// An architecture lcplan does not import is refused without naming a near one (qwen3_next is not qwen3).
    @Test func unknownArchitectureIsRefusedWithoutAGuess() {
        let result = HFConfigImporter.importConfig(
            "{\"model_type\": \"qwen3_next\", \"hidden_size\": 2048, \"num_hidden_layers\": 48}", file: "c.json")
        #expect(result.model == nil)
        let finding = result.diagnostics.first { $0.rule == .hfConfigUnusable }
        #expect(finding?.suggestion == nil && finding?.message.contains("did you mean") == false)
    }

    @Test func unsupportedTypeIsAnError() throws {
        let text = try String(contentsOfFile: Fixtures.path("hf/bert.json"), encoding: .utf8)
        let result = HFConfigImporter.importConfig(text, file: "bert.json")
        #expect(result.model == nil)
        #expect(result.diagnostics.map(\.rule.id) == ["LC112"])
    }

    @Test func notAnObjectIsAnError() {
        let result = HFConfigImporter.importConfig("[1, 2]", file: "c.json")
        #expect(result.model == nil && result.diagnostics.first?.rule == .hfConfigUnusable)
        let broken = HFConfigImporter.importConfig("{\"model_type\": \"llama\", ", file: "c.json")
        #expect(broken.diagnostics.first?.rule == .yamlSyntax)
        let missing = HFConfigImporter.importConfig("{\"model_type\": \"llama\", \"hidden_size\": \"big\"}", file: "c.json")
        #expect(missing.model == nil)
        #expect(missing.diagnostics.allSatisfy { $0.rule == .hfConfigUnusable })
    }
}

/// Regressions found by fuzzing import-hf: values that once trapped must now be diagnosed.
struct HFConfigFuzzRegressionTests {
    @Test func hugeRotaryFractionIsRejected() {
        let text = """
            {"model_type": "gpt_neox", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 2,
             "vocab_size": 10, "rotary_pct": 4611686018427387904}
            """
        let result = HFConfigImporter.importConfig(text, file: "c.json")
        #expect(result.model == nil)
        #expect(result.diagnostics.contains { $0.rule == .hfConfigUnusable && $0.keyPath == "rotary_pct" })
    }

    @Test func shapesAboveTheSpecLimitAreRejected() {
        let text =
            "{\"model_type\": \"llama\", \"num_hidden_layers\": 1099511627776, \"hidden_size\": 64, \"num_attention_heads\": 1, \"vocab_size\": 1}"
        let result = HFConfigImporter.importConfig(text, file: "c.json")
        #expect(result.model == nil)
        #expect(result.diagnostics.contains { $0.keyPath == "num_hidden_layers" })
    }

    /// Mamba's ssm_cfg values go through the same ranged accessor as every other key (they once trapped
    /// in the parameter and KV counts).
    @Test(arguments: [
        ("expand", "4611686018427387904"), ("d_state", "1099511627776"), ("d_conv", "-3"), ("expand", "2.5"),
    ])
    func mambaSSMValuesAreRanged(key: String, value: String) {
        let text =
            "{\"model_type\": \"mamba\", \"d_model\": 2560, \"n_layer\": 64, \"vocab_size\": 50280, \"ssm_cfg\": {\"\(key)\": \(value)}}"
        let result = HFConfigImporter.importConfig(text, file: "c.json")
        #expect(result.model == nil)
        #expect(
            result.diagnostics.contains { $0.rule == .hfConfigUnusable && $0.keyPath == "ssm_cfg.\(key)" },
            "\(result.diagnostics.map(\.message))")
    }

    @Test func timeStepRankAutoIsTheDefault() {
        let text = "{\"model_type\": \"mamba\", \"d_model\": 2560, \"n_layer\": 64, \"vocab_size\": 50280, \"time_step_rank\": \"auto\"}"
        let result = HFConfigImporter.importConfig(text, file: "c.json")
        #expect(result.model?.ssm?.dtRank == 160)  // ceil(2560 / 16)
    }

    /// import-hf and the loader agree about what a valid model is: a zero size fails both, at the key.
    @Test(arguments: ["hidden_size", "num_hidden_layers", "num_attention_heads", "vocab_size"])
    func zeroSizesFailImportAndLoaderAlike(key: String) throws {
        var fields = ["hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2, "vocab_size": 10, "intermediate_size": 128]
        fields[key] = 0
        let body = fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        let text = "{\"model_type\": \"llama\", \(body)}"
        let imported = HFConfigImporter.importConfig(text, file: "c.json")
        #expect(imported.model == nil)
        #expect(imported.diagnostics.contains { $0.keyPath == key })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-hf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try text.write(to: directory.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let spec = "version: 1\nmodel: {hf_config: ./config.json}\nhardware: {device: h200}\nworkload: {context: 1k}\n"
        let loaded = SpecLoader.load(text: spec, file: "spec.yaml", baseDirectory: directory.path)
        #expect(loaded.spec == nil)
        #expect(loaded.diagnostics.contains { $0.keyPath == key })
    }

    @Test func cataloguePresetsAreInRange() {
        for model in ModelCatalogue.all { #expect(ModelRanges.violations(model).isEmpty, "\(model.name)") }
    }

    /// Every model a config yields lies within the spec language's ranges.
    @Test func importedModelsAreInRange() throws {
        for name in ["llama-3.1-8b", "mamba-2.8b", "deepseek-v3", "gemma-3-27b", "gpt2", "mixtral-8x7b"] {
            let text = try String(contentsOfFile: Fixtures.path("hf/\(name).json"), encoding: .utf8)
            let model = try #require(HFConfigImporter.importConfig(text, file: "\(name).json").model)
            #expect(ModelRanges.violations(model).isEmpty, "\(name)")
        }
    }
}
