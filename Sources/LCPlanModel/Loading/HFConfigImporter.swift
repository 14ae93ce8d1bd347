import Yams

/// Turns a Hugging Face `config.json` into a `ModelSpec`.
///
/// Key names follow the transformers configuration classes (`LlamaConfig`, `MistralConfig`,
/// `MixtralConfig`, `Qwen2Config`, `Qwen3Config`, `Qwen3MoeConfig`, `DeepseekV3Config`, `Gemma2Config`, `Gemma3TextConfig`, `Phi3Config`,
/// `GPT2Config`, `GPTNeoXConfig`, `OPTConfig`, `MambaConfig`) and the original state-spaces Mamba
/// configs; both the older `rope_scaling.type` and the newer `rope_type` / `rope_parameters` spellings
/// are read. Every key that is not used is listed in an LC113 note.
public enum HFConfigImporter {
    public static let supportedTypes = [
        "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen3_moe", "deepseek_v2", "deepseek_v3", "gemma", "gemma2",
        "gemma3", "gemma3_text", "phi3", "gpt2", "gpt_neox", "opt", "mamba",
    ]

    public struct Result {
        public let model: ModelSpec?
        public let ignoredKeys: [String]
        public let diagnostics: [Diagnostic]
    }

    public static func importConfig(_ text: String, file: String) -> Result {
        let reader = SpecReader(file: file)
        switch YAMLDocument.parse(text, file: file) {
        case .failure(let diagnostic):
            return Result(model: nil, ignoredKeys: [], diagnostics: [diagnostic])
        case .success(let root):
            let value = reader.root(root)
            guard case .mapping(let mapping) = root else {
                reader.report(
                    .hfConfigUnusable, "a config.json must be a JSON object, found \(value.kindName)", at: value,
                    expected: "a JSON object with model_type")
                return Result(model: nil, ignoredKeys: [], diagnostics: reader.diagnostics)
            }
            var config = ConfigKeys(mapping: mapping, reader: reader, root: value)
            let model = config.build()
            let ignored = config.unusedKeys
            if model != nil && !ignored.isEmpty {
                reader.report(
                    Diagnostic(
                        .hfConfigIgnoredKeys, "keys of \(file) not used: " + ignored.joined(separator: ", "),
                        at: value.location))
            }
            let consistent = model.map { ModelConsistency(reader: reader, at: value).check($0, kvHeadsGiven: true) } ?? false
            let ok = consistent && !reader.diagnostics.hasErrors
            return Result(model: ok ? model : nil, ignoredKeys: ignored, diagnostics: reader.diagnostics)
        }
    }
}

/// The keys of one config object, with typed access that records which keys were used.
private struct ConfigKeys {
    var values: [String: YAMLValue] = [:]
    var order: [String] = []
    var used = Set<String>()
    let reader: SpecReader
    let root: YAMLValue

    init(mapping: Node.Mapping, reader: SpecReader, root: YAMLValue, prefix: String = "") {
        self.reader = reader
        self.root = root
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { continue }
            let full = prefix + name
            values[full] = YAMLValue(value, path: full, file: reader.file)
            order.append(full)
        }
    }

    var unusedKeys: [String] { order.filter { !used.contains($0) } }

    mutating func raw(_ key: String) -> YAMLValue? {
        guard let value = values[key] else { return nil }
        used.insert(key)
        return value.isNull ? nil : value
    }

    func bad(_ value: YAMLValue, _ expected: String) {
        reader.report(
            .hfConfigUnusable, "config key `\(value.path)` must be \(expected), found \(value.kindName)", at: value,
            expected: expected)
    }

    /// A non-negative integer; at most 2^24 (the spec's limit on shapes) unless the key is a token count
    /// (`max_position_embeddings` and the like, up to 2^40).
    mutating func int(_ keys: String...) -> Int? {
        for key in keys {
            guard let value = raw(key) else { continue }
            let limit =
                key.hasSuffix("position_embeddings") || key.hasSuffix("n_positions") || key.hasSuffix("n_ctx")
                ? SpecShapes.maxTokens : SpecShapes.maxShape
            guard let text = value.scalarText, let number = Int(text), number >= 0, number <= limit else {
                bad(value, "an integer from 0 to \(limit)")
                return nil
            }
            return number
        }
        return nil
    }

    /// A fraction in (0, 1] (partial rotary factors).
    mutating func fraction(_ key: String) -> Double? {
        guard let value = values[key], !value.isNull else { return double(key) }
        guard let number = double(key) else { return nil }
        guard number > 0 && number <= 1 else {
            bad(value, "a fraction above 0 and at most 1")
            return nil
        }
        return number
    }

    mutating func double(_ keys: String...) -> Double? {
        for key in keys {
            guard let value = raw(key) else { continue }
            guard let text = value.scalarText, let number = DecimalNumber(Substring(text)), number.doubleValue.isFinite else {
                bad(value, "a number")
                return nil
            }
            return number.doubleValue
        }
        return nil
    }

    /// The decimal text of a number, exactly as written (for RoPE bases).
    mutating func decimalText(_ key: String) -> String? {
        guard let value = raw(key) else { return nil }
        guard let text = value.scalarText, let number = DecimalNumber(Substring(text)), number.doubleValue > 0 else {
            bad(value, "a positive number")
            return nil
        }
        return text
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = raw(key) else { return nil }
        switch value.scalarText?.lowercased() {
        case "true": return true
        case "false": return false
        default: bad(value, "true or false"); return nil
        }
    }

    mutating func string(_ key: String) -> String? {
        guard let value = raw(key) else { return nil }
        guard let text = value.scalarText else { bad(value, "a string"); return nil }
        return text
    }

    mutating func numbers(_ value: YAMLValue) -> [Double]? {
        guard case .sequence(let items) = value.node else { bad(value, "a list of numbers"); return nil }
        var result: [Double] = []
        for item in items {
            guard let text = item.scalar?.string, let number = DecimalNumber(Substring(text)) else {
                bad(value, "a list of numbers")
                return nil
            }
            result.append(number.doubleValue)
        }
        return result
    }

    /// A required shape: present and at least 1 (as the spec language requires it).
    mutating func require(_ value: Int?, _ key: String) -> Int? {
        guard let value else {
            reader.report(.hfConfigUnusable, "config has no usable `\(key)`", at: root, expected: "`\(key)`, a positive integer")
            return nil
        }
        guard value >= 1 else {
            reader.report(
                .hfConfigUnusable, "config key `\(key)` is \(value)", at: values[key] ?? root, expected: "a positive integer")
            return nil
        }
        return value
    }

    // MARK: Building

    mutating func build() -> ModelSpec? {
        guard let type = string("model_type") else {
            reader.report(
                .hfConfigUnusable, "config has no `model_type`", at: root,
                expected: "model_type: one of " + HFConfigImporter.supportedTypes.joined(separator: ", "))
            return nil
        }
        guard HFConfigImporter.supportedTypes.contains(type) else {
            // No "did you mean": a near name is another architecture (qwen3 is not qwen2: no qkv biases, a qk
            // norm), and importing it as that one would count the wrong parameters.
            reader.report(
                .hfConfigUnusable,
                "model_type '\(type)' is an architecture lcplan does not import; describe the model in the spec instead (model: {layers: ..., hidden: ..., heads: ...}, `lcplan schema spec`)",
                at: values["model_type"] ?? root,
                expected: "one of " + HFConfigImporter.supportedTypes.joined(separator: ", "))
            return nil
        }
        if type == "gemma3", let text = values["text_config"], case .mapping(let inner) = text.node {
            // Multimodal Gemma 3: the language model's figures sit under text_config.
            used.insert("text_config")
            var nested = ConfigKeys(mapping: inner, reader: reader, root: text, prefix: "text_config.")
            for key in nested.order { values[key] = nested.values[key]; order.append(key) }
            nested.used = []
            return buildFromPrefix("text_config.", type: "gemma3")
        }
        return buildFromPrefix("", type: type)
    }

    private mutating func buildFromPrefix(_ p: String, type: String) -> ModelSpec? {
        switch type {
        case "gpt2": return gpt2(p)
        case "opt": return opt(p)
        case "mamba": return mamba(p)
        case "gpt_neox": return neox(p)
        default: return llamaFamily(p, type: type)
        }
    }

    private mutating func llamaFamily(_ p: String, type: String) -> ModelSpec? {
        guard let layers = require(int(p + "num_hidden_layers"), "num_hidden_layers"),
            let hidden = require(int(p + "hidden_size"), "hidden_size"),
            let heads = require(int(p + "num_attention_heads"), "num_attention_heads"),
            let vocab = require(int(p + "vocab_size"), "vocab_size")
        else { return nil }
        let kvHeads = int(p + "num_key_value_heads") ?? heads
        let headDim = int(p + "head_dim") ?? hidden / heads
        let ffn = int(p + "intermediate_size") ?? 0
        let gemma = type.hasPrefix("gemma")
        let maxContext = int(p + "max_position_embeddings") ?? 2048
        var model = ModelSpec(
            name: string(p + "_name_or_path") ?? type, layers: layers, hidden: hidden, heads: heads, kvHeads: kvHeads,
            headDim: headDim, ffn: ffn, activation: string(p + "hidden_act") ?? string(p + "hidden_activation") ?? "silu",
            vocab: vocab, tiedEmbeddings: bool(p + "tie_word_embeddings") ?? gemma,
            qkvBias: type == "qwen2" || (bool(p + "attention_bias") ?? false),
            normsPerLayer: (type == "gemma2" || type.hasPrefix("gemma3")) ? 4 : 2,
            qkNorm: type.hasPrefix("gemma3") || type.hasPrefix("qwen3"),
            maxContext: maxContext, source: "Hugging Face config.json (\(type))", confidence: .user)
        model.attention.kind = kvHeads == heads ? .mha : (kvHeads == 1 ? .mqa : .gqa)

        // Sliding windows and local/global patterns.
        let window = int(p + "sliding_window")
        let useWindow = bool(p + "use_sliding_window")
        if let window, useWindow != false {
            model.attention.window = window
            if let types = raw(p + "layer_types"), case .sequence(let items) = types.node {
                model.attention.pattern = items.map { $0.scalar?.string == "sliding_attention" ? .local : .global }
            } else if let every = int(p + "sliding_window_pattern"), every > 1 {
                model.attention.pattern = Array(repeating: .local, count: every - 1) + [.global]
            } else if type == "gemma2" {
                model.attention.pattern = [.local, .global]
            } else if type.hasPrefix("gemma3") {
                model.attention.pattern = [.local, .local, .local, .local, .local, .global]
            }
        }

        // Mixture of experts.
        if let experts = int(p + "num_local_experts", p + "n_routed_experts", p + "num_experts"), experts > 0 {
            let active = int(p + "num_experts_per_tok") ?? 2
            model.moe = MoESpec(
                experts: experts, active: active, shared: int(p + "n_shared_experts") ?? 0,
                expertFfn: int(p + "moe_intermediate_size") ?? ffn, denseLayers: int(p + "first_k_dense_replace") ?? 0,
                every: int(p + "moe_layer_freq", p + "decoder_sparse_step") ?? 1,
                routerBias: string(p + "topk_method") == "noaux_tc")
            // Qwen3-MoE lists dense layers by index (`mlp_only_layers`, transformers' Qwen3MoeConfig); the
            // released models leave it empty. A list of layers is no pattern lcplan can state.
            if let dense = raw(p + "mlp_only_layers"), case .sequence(let items) = dense.node, !items.isEmpty {
                reader.report(
                    .hfConfigUnusable, "`mlp_only_layers` lists dense layers by index, which lcplan cannot describe",
                    at: dense, expected: "an empty list (every layer a mixture of experts)")
                return nil
            }
        }

        // Multi-head latent attention.
        if type.hasPrefix("deepseek") {
            guard let kv = int(p + "kv_lora_rank"), let nope = int(p + "qk_nope_head_dim"),
                let rope = int(p + "qk_rope_head_dim"), let v = int(p + "v_head_dim")
            else {
                reader.report(
                    .hfConfigUnusable, "a DeepSeek config needs kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim",
                    at: root, expected: "the four MLA keys")
                return nil
            }
            model.attention = AttentionSpec(
                kind: .mla,
                mla: MLASpec(
                    qLoraRank: int(p + "q_lora_rank"), kvLoraRank: kv,
                    qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: v))
            model.headDim = nope + rope
            model.kvHeads = heads
        }

        // Rotary embedding.
        let parameters = raw(p + "rope_parameters")
        let theta = decimalText(p + "rope_theta") ?? ropeParameter(parameters, "rope_theta") ?? "10000"
        let rotaryBase = model.attention.mla?.qkRopeHeadDim ?? model.headDim
        var rotary = rotaryBase
        if let factor = fraction(p + "partial_rotary_factor") { rotary = Int(Double(rotaryBase) * factor) }
        let original = int(p + "original_max_position_embeddings")
        var rope = RoPESpec(
            theta: theta, rotaryDim: rotary, trainedContext: maxContext,
            localTheta: decimalText(p + "rope_local_base_freq"))
        let scalingNode = raw(p + "rope_scaling") ?? parameters
        if let scalingNode { rope.scaling = scaling(scalingNode, originalDefault: original) }
        model.rope = rope
        model.publishedRoPE = ModelSpec.PublishedRoPE(rope, context: maxContext)
        return model
    }

    private func ropeParameter(_ node: YAMLValue?, _ key: String) -> String? {
        guard let node, case .mapping(let mapping) = node.node, let value = mapping[key]?.scalar?.string else { return nil }
        return value
    }

    /// `rope_scaling` (or `rope_parameters`): nil for `default`, a scaling otherwise.
    private mutating func scaling(_ node: YAMLValue, originalDefault: Int?) -> RoPEScaling? {
        guard case .mapping(let mapping) = node.node else { bad(node, "a mapping"); return nil }
        var keys = ConfigKeys(mapping: mapping, reader: reader, root: node, prefix: node.path + ".")
        let name = (keys.string(node.path + ".rope_type") ?? keys.string(node.path + ".type") ?? "default").lowercased()
        _ = keys.raw(node.path + ".rope_theta")
        let types: [String: RoPEScalingType] = [
            "linear": .linear, "dynamic": .dynamic, "ntk": .ntk, "yarn": .yarn, "llama3": .llama3,
            "longrope": .longrope, "su": .longrope,
        ]
        defer {
            for key in keys.unusedKeys { order.append(key) }
            for key in keys.used { used.insert(key) }
            for key in keys.order { values[key] = keys.values[key] }
        }
        if name == "default" { return nil }
        guard let type = types[name] else {
            reader.report(
                .hfConfigUnusable, "RoPE scaling type '\(name)' is not supported", at: node,
                expected: "one of: default, " + types.keys.sorted().joined(separator: ", "))
            return nil
        }
        let p = node.path + "."
        let original = keys.int(p + "original_max_position_embeddings") ?? originalDefault
        var factor = keys.double(p + "factor") ?? 1
        let short = keys.raw(p + "short_factor").flatMap { keys.numbers($0) }
        let long = keys.raw(p + "long_factor").flatMap { keys.numbers($0) }
        if type == .longrope, factor == 1, let original, let maxContext = values["max_position_embeddings"]?.scalarText.flatMap(Int.init) {
            factor = Double(maxContext) / Double(original)
        }
        return RoPEScaling(
            type: type, factor: factor, originalContext: original,
            lowFreqFactor: keys.double(p + "low_freq_factor"), highFreqFactor: keys.double(p + "high_freq_factor"),
            betaFast: keys.double(p + "beta_fast"), betaSlow: keys.double(p + "beta_slow"),
            mscale: keys.double(p + "mscale"), mscaleAllDim: keys.double(p + "mscale_all_dim"),
            attentionFactor: keys.double(p + "attention_factor"), truncate: keys.bool(p + "truncate"),
            shortFactor: short, longFactor: long)
    }

    private mutating func gpt2(_ p: String) -> ModelSpec? {
        guard let layers = require(int(p + "n_layer"), "n_layer"), let hidden = require(int(p + "n_embd"), "n_embd"),
            let heads = require(int(p + "n_head"), "n_head"), let vocab = require(int(p + "vocab_size"), "vocab_size"),
            heads > 0
        else { return nil }
        return ModelSpec(
            name: string(p + "_name_or_path") ?? "gpt2", layers: layers, hidden: hidden, heads: heads, kvHeads: heads,
            headDim: hidden / heads, ffn: int(p + "n_inner") ?? 4 * hidden, ffnKind: .plain,
            activation: string(p + "activation_function") ?? "gelu_new", vocab: vocab,
            tiedEmbeddings: bool(p + "tie_word_embeddings") ?? true, linearBias: true, norm: .layernorm,
            positions: .learned, maxContext: int(p + "n_positions", p + "n_ctx") ?? 1024,
            attention: AttentionSpec(kind: .mha), source: "Hugging Face config.json (gpt2)", confidence: .user)
    }

    private mutating func opt(_ p: String) -> ModelSpec? {
        guard let layers = require(int(p + "num_hidden_layers"), "num_hidden_layers"),
            let hidden = require(int(p + "hidden_size"), "hidden_size"),
            let heads = require(int(p + "num_attention_heads"), "num_attention_heads"),
            let vocab = require(int(p + "vocab_size"), "vocab_size")
        else { return nil }
        return ModelSpec(
            name: string(p + "_name_or_path") ?? "opt", layers: layers, hidden: hidden, heads: heads, kvHeads: heads,
            headDim: hidden / heads, ffn: int(p + "ffn_dim") ?? 4 * hidden, ffnKind: .plain,
            activation: string(p + "activation_function") ?? "relu", vocab: vocab,
            tiedEmbeddings: bool(p + "tie_word_embeddings") ?? true, linearBias: bool(p + "enable_bias") ?? true,
            norm: .layernorm, positions: .learned, maxContext: int(p + "max_position_embeddings") ?? 2048,
            attention: AttentionSpec(kind: .mha), source: "Hugging Face config.json (opt)", confidence: .user)
    }

    private mutating func neox(_ p: String) -> ModelSpec? {
        guard let layers = require(int(p + "num_hidden_layers"), "num_hidden_layers"),
            let hidden = require(int(p + "hidden_size"), "hidden_size"),
            let heads = require(int(p + "num_attention_heads"), "num_attention_heads"),
            let vocab = require(int(p + "vocab_size"), "vocab_size")
        else { return nil }
        let headDim = hidden / heads
        let maxContext = int(p + "max_position_embeddings") ?? 2048
        let pct = fraction(p + "rotary_pct") ?? 1
        var model = ModelSpec(
            name: string(p + "_name_or_path") ?? "gpt_neox", layers: layers, hidden: hidden, heads: heads, kvHeads: heads,
            headDim: headDim, ffn: int(p + "intermediate_size") ?? 4 * hidden, ffnKind: .plain,
            activation: string(p + "hidden_act") ?? "gelu", vocab: vocab,
            tiedEmbeddings: bool(p + "tie_word_embeddings") ?? false, linearBias: true, norm: .layernorm,
            maxContext: maxContext, attention: AttentionSpec(kind: .mha),
            source: "Hugging Face config.json (gpt_neox)", confidence: .user)
        model.rope = RoPESpec(
            theta: decimalText(p + "rotary_emb_base") ?? decimalText(p + "rope_theta") ?? "10000",
            rotaryDim: Int(Double(headDim) * pct), trainedContext: maxContext)
        if let node = raw(p + "rope_scaling") { model.rope?.scaling = scaling(node, originalDefault: nil) }
        return model
    }

    private mutating func mamba(_ p: String) -> ModelSpec? {
        guard let layers = require(int(p + "num_hidden_layers", p + "n_layer"), "num_hidden_layers"),
            let hidden = require(int(p + "hidden_size", p + "d_model"), "hidden_size"),
            var vocab = require(int(p + "vocab_size"), "vocab_size")
        else { return nil }
        if let multiple = int(p + "pad_vocab_size_multiple"), multiple > 0, vocab % multiple != 0 {
            vocab += multiple - vocab % multiple
        }
        var state = int(p + "state_size") ?? 16
        var conv = int(p + "conv_kernel") ?? 4
        var expand = int(p + "expand") ?? 2
        var rank = (hidden + 15) / 16
        // `time_step_rank` is a number or "auto" (ceil(hidden / 16)).
        if values[p + "time_step_rank"]?.scalarText == "auto" {
            _ = raw(p + "time_step_rank")
        } else if let number = int(p + "time_step_rank") {
            rank = number
        }
        if let cfg = raw(p + "ssm_cfg") {
            guard case .mapping(let mapping) = cfg.node else {
                bad(cfg, "a mapping (d_state, d_conv, expand)")
                return nil
            }
            // The nested values go through the same ranged accessor as every other key.
            var nested = ConfigKeys(mapping: mapping, reader: reader, root: cfg, prefix: p + "ssm_cfg.")
            state = nested.int(p + "ssm_cfg.d_state") ?? state
            conv = nested.int(p + "ssm_cfg.d_conv") ?? conv
            expand = nested.int(p + "ssm_cfg.expand") ?? expand
        }
        return ModelSpec(
            name: string(p + "_name_or_path") ?? "mamba", layers: layers, hidden: hidden, heads: 0, kvHeads: 0, headDim: 0,
            ffn: 0, ffnKind: .none, vocab: vocab,
            tiedEmbeddings: bool(p + "tie_word_embeddings") ?? bool(p + "tie_embeddings") ?? true,
            positions: .none, maxContext: 2048, ssm: SSMSpec(state: state, conv: conv, expand: expand, dtRank: rank),
            source: "Hugging Face config.json (mamba)", confidence: .user)
    }
}
