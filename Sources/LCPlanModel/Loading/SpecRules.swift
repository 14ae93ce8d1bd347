import Foundation

/// The spec rules (LC1xx) the loader raises (`SpecLoader`, `SpecReader`, the model and hardware
/// readers, the Hugging Face importer), declared beside it. LC110 and LC116 are raised by `LayoutRules`
/// and declared there.
extension Rule {
    public static let inputUnreadable = Rule(
        id: "LC100", name: "input-unreadable", area: .spec, severity: .error,
        summary: "The spec (or a file it names) cannot be read.",
        help: """
            lcplan could not read the file: it does not exist, is a directory, is not UTF-8 text, or is larger \
            than 16 MiB. Check the path (relative paths inside a spec are relative to the spec file) and the permissions.
            """,
        triggering: exampleBase.replacingOccurrences(of: "model: llama-3.1-8b", with: "model: {hf_config: ./no-such-config.json}"),
        nonTriggering: exampleBase)

    public static let yamlSyntax = Rule(
        id: "LC101", name: "yaml-syntax", area: .spec, severity: .error,
        summary: "The spec is not well-formed YAML or JSON.",
        help: """
            The parser stopped at the position shown. Common causes: a tab used for indentation, an unclosed \
            bracket or quote, a key without a colon. A JSON file (named .json, or opening with `{"` or `[`) must \
            be strict JSON: no trailing commas, comments, single quotes, unquoted keys or NaN.
            """,
        triggering: "version: 1\nmodel: [llama-3.1-8b\n",
        nonTriggering: exampleBase)

    public static let unknownKey = Rule(
        id: "LC102", name: "unknown-key", area: .spec, severity: .error,
        summary: "A key that lcplan does not know.",
        help: """
            Unknown keys are errors rather than being ignored, so that a misspelt key cannot silently leave a \
            default in force. The message names the nearest valid key; `lcplan schema spec` lists them all.
            """,
        triggering: exampleBase.replacingOccurrences(of: "context: 8k", with: "contxt: 8k"),
        nonTriggering: exampleBase)

    public static let typeMismatch = Rule(
        id: "LC103", name: "type-mismatch", area: .spec, severity: .error,
        summary: "A value of the wrong kind (a list where a number belongs, text where a mapping belongs).",
        help: "The message says what the key expects. `lcplan schema spec` prints the full JSON Schema of a spec.",
        triggering: exampleBase.replacingOccurrences(of: "count: 1", with: "count: [1]"),
        nonTriggering: exampleBase)

    public static let missingKey = Rule(
        id: "LC104", name: "missing-key", area: .spec, severity: .error,
        summary: "A required key is absent.",
        help: "A spec needs `version`, `model`, `hardware` (with `device`) and `workload` (with `context`).",
        triggering: "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\n",
        nonTriggering: exampleBase)

    public static let outOfRange = Rule(
        id: "LC105", name: "out-of-range", area: .spec, severity: .error,
        summary: "A number outside the range lcplan accepts (zero or negative sizes, absurd magnitudes).",
        help: """
            Sizes and counts must be positive. Token counts are limited to 2^40 (about 1.1e12), layer and head \
            counts and dimensions to 2^24, device counts to 2^24: beyond that no real system exists and the \
            value is almost certainly a typo.
            """,
        triggering: exampleBase.replacingOccurrences(of: "count: 1", with: "count: -4"),
        nonTriggering: exampleBase)

    public static let unknownPreset = Rule(
        id: "LC106", name: "unknown-preset", area: .spec, severity: .error,
        summary: "A model or device preset that is not in the catalogue or on the preset search path.",
        help: """
            `lcplan presets` lists the built-in presets; user presets are YAML files in a directory given by \
            `--presets DIR` or the LCPLAN_PRESETS environment variable. The message names the nearest preset.
            """,
        triggering: exampleBase.replacingOccurrences(of: "device: h200", with: "device: h2000"),
        nonTriggering: exampleBase)

    public static let badUnit = Rule(
        id: "LC107", name: "bad-unit", area: .spec, severity: .error,
        summary: "A quantity whose number or unit cannot be read.",
        help: """
            Byte sizes take SI and IEC units (`141GB`, `80GiB`); bandwidths `4.8TB/s` or bits `400Gb/s`; \
            throughputs `989TFLOPS`; times `50ms`, `2s`; token counts `128k` (= 131072), `1M` (= 1048576) or \
            plain integers. A token count or byte size must come out as a whole number.
            """,
        triggering: exampleBase.replacingOccurrences(of: "context: 8k", with: "context: 8 parsecs"),
        nonTriggering: exampleBase)

    public static let inconsistentHeads = Rule(
        id: "LC108", name: "inconsistent-heads", area: .spec, severity: .error,
        summary: "The model's head counts or attention settings contradict each other.",
        help: """
            Query heads must be a multiple of KV heads (grouped-query attention shares each KV head among \
            heads/kv_heads query heads); MQA has one KV head, MHA as many as query heads; MLA needs its ranks.
            """,
        triggering: exampleBase.replacingOccurrences(
            of: "model: llama-3.1-8b", with: "model: {preset: llama-3.1-8b, kv_heads: 5}"),
        nonTriggering: exampleBase)

    public static let headDimMismatch = Rule(
        id: "LC109", name: "head-dim-mismatch", area: .spec, severity: .warning,
        summary: "head_dim differs from hidden / heads although head_dim was not given explicitly.",
        help: """
            Most models use head_dim = hidden / heads. When a model does not (Gemma, some Qwen models), state \
            `head_dim` explicitly; lcplan then uses it without a warning.
            """,
        triggering: exampleBase.replacingOccurrences(
            of: "model: llama-3.1-8b", with: "model: {preset: llama-3.1-8b, hidden: 4000}"),
        nonTriggering: exampleBase)

    public static let unsupportedVersion = Rule(
        id: "LC111", name: "unsupported-version", area: .spec, severity: .error,
        summary: "The spec's `version` is not one this lcplan reads.",
        help: "This lcplan reads `version: 1`.",
        triggering: exampleBase.replacingOccurrences(of: "version: 1", with: "version: 7"),
        nonTriggering: exampleBase)

    public static let hfConfigUnusable = Rule(
        id: "LC112", name: "hf-config-unusable", area: .spec, severity: .error,
        summary: "A Hugging Face config.json that lcplan cannot turn into a model.",
        help: """
            The config must be a JSON object with a supported `model_type` (llama, mistral, mixtral, qwen2, \
            qwen2_moe, deepseek_v2, deepseek_v3, gemma, gemma2, gemma3, gemma3_text, phi3, gpt2, gpt_neox, opt, \
            mamba) and the keys that type needs. The message names the missing or invalid key.
            """,
        triggering: "version: 1\nmodel: {hf_config: ./config.json}\nhardware: {device: h200}\nworkload: {context: 8k}\n",
        nonTriggering: exampleBase)

    public static let hfConfigIgnoredKeys = Rule(
        id: "LC113", name: "hf-config-ignored-keys", area: .spec, severity: .note,
        summary: "Keys of a Hugging Face config that lcplan read but does not use.",
        help: """
            lcplan lists every key of config.json it did not use, so that a setting that matters (a scaling \
            method it does not know, say) is never dropped silently. Most are training or tokenizer details.
            """,
        triggering: "version: 1\nmodel: {hf_config: ./config.json}\nhardware: {device: h200}\nworkload: {context: 8k}\n",
        nonTriggering: exampleBase)

    public static let duplicateKey = Rule(
        id: "LC114", name: "duplicate-key", area: .spec, severity: .error,
        summary: "The same key appears twice in one mapping.",
        help: "YAML parsers disagree on which of two equal keys wins; lcplan refuses to guess. Keep one.",
        triggering: exampleBase + "\nversion: 1",
        nonTriggering: exampleBase)

    public static let invalidChoice = Rule(
        id: "LC115", name: "invalid-choice", area: .spec, severity: .error,
        summary: "A value that is not one of the names the key accepts.",
        help: "The message lists the accepted names and the nearest one to what was written.",
        triggering: exampleBase.replacingOccurrences(of: "mode: inference", with: "mode: inferense"),
        nonTriggering: exampleBase)

    public static let unknownRule = Rule(
        id: "LC117", name: "unknown-rule", area: .spec, severity: .warning,
        summary: "`checks.suppress` names a rule that does not exist, or one that cannot be suppressed.",
        help: "`lcplan explain` lists every rule. Errors about the input itself cannot be suppressed.",
        triggering: exampleBase + "\nchecks: {suppress: [LC999]}",
        nonTriggering: exampleBase + "\nchecks: {suppress: [LC109]}")

    public static let unsupportedYAML = Rule(
        id: "LC118", name: "unsupported-yaml", area: .spec, severity: .error,
        summary: "A YAML feature lcplan does not accept in specs: anchors and aliases, tags, several documents.",
        help: """
            Specs are plain data. Aliases can expand exponentially (the "billion laughs" input), so lcplan \
            refuses them; write the values out, or start a model from a `preset:` and override fields.
            """,
        triggering: exampleBase + "\nplan: &p {tp: 1}\nconstraints: *p",
        nonTriggering: exampleBase)

    public static let noPeakForFormat = Rule(
        id: "LC119", name: "no-peak-for-format", area: .spec, severity: .error,
        summary: "The device lists no peak rate for the workload's compute format (or a wider one).",
        help: """
            Times are computed from the dense peak of the format that does the arithmetic (weight-only int8, \
            int4 and fp4 compute in bf16). Add that format to `hardware.device.peak`, or a wider one (fp32).
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: {memory: 80GB, memory_bandwidth: 2TB/s, peak: {fp8: 1000TFLOPS}}}
            workload: {context: 8k}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: {memory: 80GB, memory_bandwidth: 2TB/s, peak: {bf16: 500TFLOPS}}}
            workload: {context: 8k}
            """)

    public static let beyondTrainedContext = Rule(
        id: "LC301", name: "beyond-trained-context", area: .rope, severity: .warning,
        summary: "The target context exceeds the model's trained context and no RoPE scaling is configured.",
        help: """
            Positions beyond the trained context were never seen in training: quality usually collapses. \
            Configure a scaling method (`model.rope.scaling`: linear, ntk, dynamic, yarn, llama3, longrope) \
            or choose a model trained for this context.
            """,
        triggering: """
            version: 1
            model: llama-2-7b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 32k}
            """,
        nonTriggering: """
            version: 1
            model: llama-2-7b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 4k}
            """)

    /// This area's rules, in id order.
    static let specRules: [Rule] = [
        inputUnreadable, yamlSyntax, unknownKey, typeMismatch, missingKey, outOfRange, unknownPreset, badUnit, inconsistentHeads,
        headDimMismatch, unsupportedVersion, hfConfigUnusable, hfConfigIgnoredKeys, duplicateKey, invalidChoice, unknownRule,
        unsupportedYAML, noPeakForFormat, beyondTrainedContext,
    ]
}
