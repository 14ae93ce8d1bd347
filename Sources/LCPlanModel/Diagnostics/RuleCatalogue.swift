import Foundation

/// Every rule lcplan can report, in id order. Ids are stable: a rule is never renumbered or reused.
extension Rule {
    private static let base = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h200, count: 1}
        workload: {mode: inference, context: 8k}
        """

    public static let inputUnreadable = Rule(
        id: "LC100", name: "input-unreadable", area: .spec, severity: .error,
        summary: "The spec (or a file it names) cannot be read.",
        help: """
            lcplan could not read the file: it does not exist, is a directory, is not UTF-8 text, or is larger \
            than 16 MiB. Check the path (relative paths inside a spec are relative to the spec file) and the permissions.
            """,
        triggering: base.replacingOccurrences(of: "model: llama-3.1-8b", with: "model: {hf_config: ./no-such-config.json}"),
        nonTriggering: base)

    public static let yamlSyntax = Rule(
        id: "LC101", name: "yaml-syntax", area: .spec, severity: .error,
        summary: "The spec is not well-formed YAML or JSON.",
        help: """
            The parser stopped at the position shown. Common causes: a tab used for indentation, an unclosed \
            bracket or quote, a key without a colon. JSON is read as YAML, so a JSON spec must be valid JSON.
            """,
        triggering: "version: 1\nmodel: [llama-3.1-8b\n",
        nonTriggering: base)

    public static let unknownKey = Rule(
        id: "LC102", name: "unknown-key", area: .spec, severity: .error,
        summary: "A key that lcplan does not know.",
        help: """
            Unknown keys are errors rather than being ignored, so that a misspelt key cannot silently leave a \
            default in force. The message names the nearest valid key; `lcplan schema spec` lists them all.
            """,
        triggering: base.replacingOccurrences(of: "context: 8k", with: "contxt: 8k"),
        nonTriggering: base)

    public static let typeMismatch = Rule(
        id: "LC103", name: "type-mismatch", area: .spec, severity: .error,
        summary: "A value of the wrong kind (a list where a number belongs, text where a mapping belongs).",
        help: "The message says what the key expects. `lcplan schema spec` prints the full JSON Schema of a spec.",
        triggering: base.replacingOccurrences(of: "count: 1", with: "count: [1]"),
        nonTriggering: base)

    public static let missingKey = Rule(
        id: "LC104", name: "missing-key", area: .spec, severity: .error,
        summary: "A required key is absent.",
        help: "A spec needs `version`, `model`, `hardware` (with `device`) and `workload` (with `context`).",
        triggering: "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\n",
        nonTriggering: base)

    public static let outOfRange = Rule(
        id: "LC105", name: "out-of-range", area: .spec, severity: .error,
        summary: "A number outside the range lcplan accepts (zero or negative sizes, absurd magnitudes).",
        help: """
            Sizes and counts must be positive. Token counts are limited to 2^40 (about 1.1e12), layer and head \
            counts and dimensions to 2^24, device counts to 2^24: beyond that no real system exists and the \
            value is almost certainly a typo.
            """,
        triggering: base.replacingOccurrences(of: "count: 1", with: "count: -4"),
        nonTriggering: base)

    public static let unknownPreset = Rule(
        id: "LC106", name: "unknown-preset", area: .spec, severity: .error,
        summary: "A model or device preset that is not in the catalogue or on the preset search path.",
        help: """
            `lcplan presets` lists the built-in presets; user presets are YAML files in a directory given by \
            `--presets DIR` or the LCPLAN_PRESETS environment variable. The message names the nearest preset.
            """,
        triggering: base.replacingOccurrences(of: "device: h200", with: "device: h2000"),
        nonTriggering: base)

    public static let badUnit = Rule(
        id: "LC107", name: "bad-unit", area: .spec, severity: .error,
        summary: "A quantity whose number or unit cannot be read.",
        help: """
            Byte sizes take SI and IEC units (`141GB`, `80GiB`); bandwidths `4.8TB/s` or bits `400Gb/s`; \
            throughputs `989TFLOPS`; times `50ms`, `2s`; token counts `128k` (= 131072), `1M` (= 1048576) or \
            plain integers. A token count or byte size must come out as a whole number.
            """,
        triggering: base.replacingOccurrences(of: "context: 8k", with: "context: 8 parsecs"),
        nonTriggering: base)

    public static let inconsistentHeads = Rule(
        id: "LC108", name: "inconsistent-heads", area: .spec, severity: .error,
        summary: "The model's head counts or attention settings contradict each other.",
        help: """
            Query heads must be a multiple of KV heads (grouped-query attention shares each KV head among \
            heads/kv_heads query heads); MQA has one KV head, MHA as many as query heads; MLA needs its ranks.
            """,
        triggering: base.replacingOccurrences(
            of: "model: llama-3.1-8b", with: "model: {preset: llama-3.1-8b, kv_heads: 5}"),
        nonTriggering: base)

    public static let headDimMismatch = Rule(
        id: "LC109", name: "head-dim-mismatch", area: .spec, severity: .warning,
        summary: "head_dim differs from hidden / heads although head_dim was not given explicitly.",
        help: """
            Most models use head_dim = hidden / heads. When a model does not (Gemma, some Qwen models), state \
            `head_dim` explicitly; lcplan then uses it without a warning.
            """,
        triggering: base.replacingOccurrences(
            of: "model: llama-3.1-8b", with: "model: {preset: llama-3.1-8b, hidden: 4000}"),
        nonTriggering: base)

    public static let planNotDivisible = Rule(
        id: "LC110", name: "plan-not-divisible", area: .spec, severity: .error,
        summary: "A parallel degree in `plan` does not divide what it splits.",
        help: """
            Tensor parallelism splits heads (and KV heads, unless they are replicated) and the FFN; pipeline \
            parallelism splits layers; context parallelism splits the sequence; expert parallelism splits the \
            experts; data parallelism splits the global batch. Choose degrees that divide these.
            """,
        triggering: base.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 3}")
            .replacingOccurrences(of: "count: 1", with: "count: 3"),
        nonTriggering: base.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 1}"))

    public static let unsupportedVersion = Rule(
        id: "LC111", name: "unsupported-version", area: .spec, severity: .error,
        summary: "The spec's `version` is not one this lcplan reads.",
        help: "This lcplan reads `version: 1`.",
        triggering: base.replacingOccurrences(of: "version: 1", with: "version: 7"),
        nonTriggering: base)

    public static let hfConfigUnusable = Rule(
        id: "LC112", name: "hf-config-unusable", area: .spec, severity: .error,
        summary: "A Hugging Face config.json that lcplan cannot turn into a model.",
        help: """
            The config must be a JSON object with a supported `model_type` (llama, mistral, mixtral, qwen2, \
            qwen2_moe, deepseek_v2, deepseek_v3, gemma, gemma2, gemma3, gemma3_text, phi3, gpt2, gpt_neox, opt, \
            mamba) and the keys that type needs. The message names the missing or invalid key.
            """,
        triggering: "version: 1\nmodel: {hf_config: ./config.json}\nhardware: {device: h200}\nworkload: {context: 8k}\n",
        nonTriggering: base)

    public static let hfConfigIgnoredKeys = Rule(
        id: "LC113", name: "hf-config-ignored-keys", area: .spec, severity: .note,
        summary: "Keys of a Hugging Face config that lcplan read but does not use.",
        help: """
            lcplan lists every key of config.json it did not use, so that a setting that matters (a scaling \
            method it does not know, say) is never dropped silently. Most are training or tokenizer details.
            """,
        triggering: "version: 1\nmodel: {hf_config: ./config.json}\nhardware: {device: h200}\nworkload: {context: 8k}\n",
        nonTriggering: base)

    public static let duplicateKey = Rule(
        id: "LC114", name: "duplicate-key", area: .spec, severity: .error,
        summary: "The same key appears twice in one mapping.",
        help: "YAML parsers disagree on which of two equal keys wins; lcplan refuses to guess. Keep one.",
        triggering: base + "\nversion: 1",
        nonTriggering: base)

    public static let invalidChoice = Rule(
        id: "LC115", name: "invalid-choice", area: .spec, severity: .error,
        summary: "A value that is not one of the names the key accepts.",
        help: "The message lists the accepted names and the nearest one to what was written.",
        triggering: base.replacingOccurrences(of: "mode: inference", with: "mode: inferense"),
        nonTriggering: base)

    public static let planDeviceMismatch = Rule(
        id: "LC116", name: "plan-device-mismatch", area: .spec, severity: .error,
        summary: "The parallel degrees in `plan` need more devices than `hardware.count` provides.",
        help: """
            tp * pp * cp * dp devices are needed (expert parallelism reuses the data- and context-parallel \
            devices). Raise `hardware.count` or lower a degree.
            """,
        triggering: base.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 8}"),
        nonTriggering: base.replacingOccurrences(of: "context: 8k}", with: "context: 8k}\nplan: {tp: 1}"))

    public static let unknownRule = Rule(
        id: "LC117", name: "unknown-rule", area: .spec, severity: .warning,
        summary: "`checks.suppress` names a rule that does not exist, or one that cannot be suppressed.",
        help: "`lcplan explain` lists every rule. Errors about the input itself cannot be suppressed.",
        triggering: base + "\nchecks: {suppress: [LC999]}",
        nonTriggering: base + "\nchecks: {suppress: [LC109]}")

    public static let unsupportedYAML = Rule(
        id: "LC118", name: "unsupported-yaml", area: .spec, severity: .error,
        summary: "A YAML feature lcplan does not accept in specs: anchors and aliases, tags, several documents.",
        help: """
            Specs are plain data. Aliases can expand exponentially (the "billion laughs" input), so lcplan \
            refuses them; write the values out, or start a model from a `preset:` and override fields.
            """,
        triggering: base + "\nplan: &p {tp: 1}\nconstraints: *p",
        nonTriggering: base)

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

    public static let doesNotFit = Rule(
        id: "LC201", name: "does-not-fit", area: .memory, severity: .error,
        summary: "The most loaded device needs more memory than it has.",
        help: """
            The report's Memory section shows what the device holds (weights, KV cache, activations, gradients, \
            optimizer state, workspace) against its capacity, and the longest context that fits. Shard further \
            (tensor or pipeline parallelism, ZeRO), quantize weights or the KV cache, recompute activations, or \
            shorten the context or batch.
            """,
        triggering: """
            version: 1
            model: llama-3.1-405b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-405b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 8k, dtype: fp8}
            plan: {tp: 8}
            """)

    public static let headroomBelowConstraint = Rule(
        id: "LC202", name: "headroom-below-constraint", area: .memory, severity: .warning,
        summary: "The plan fits in device memory but leaves less free than `constraints.memory_headroom` asks.",
        help: """
            Allocators fragment and kernels need scratch space: a plan that fills memory to the last byte fails \
            in practice. Free memory as for LC201, or lower the headroom if it was set conservatively.
            """,
        triggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 128k, dtype: fp8}
            constraints: {memory_headroom: 0.25}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 64k, dtype: fp8}
            constraints: {memory_headroom: 0.25}
            """)

    public static let kvCacheDominates = Rule(
        id: "LC203", name: "kv-cache-dominates", area: .memory, severity: .note,
        summary: "The KV cache takes more than half of the device's memory.",
        help: """
            At long contexts the KV cache, not the weights, decides what fits. A quantized cache (fp8, int8 with \
            group scales), a model with fewer KV heads or MLA, or context parallelism reduce it.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 128k, batch: 4}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k, batch: 4}
            """)

    public static let ropeBaseTooSmall = Rule(
        id: "LC302", name: "rope-base-too-small", area: .rope, severity: .warning,
        summary: "The (effective) RoPE base is below a phase-modulation lower bound for the target context.",
        help: """
            The slowest rotary pair must not wrap around (aliasing, bound A) nor drift past the coherence \
            threshold compounded over the layers (bound C) within the context. lcplan judges the effective base \
            (after scaling) against the exact-dimension forms and reports the summary forms beside them; eps and \
            the depth are stated assumptions (`conventions.rope_eps`, `conventions.rope_depth`). Raise the base, \
            or extend it with a scaling method (llama3, yarn, ntk).
            """,
        triggering: """
            version: 1
            model: {preset: llama-3-8b, rope: {theta: 10000}}
            hardware: {device: h200}
            workload: {context: 8k}
            """,
        nonTriggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h200}
            workload: {context: 8k}
            """)

    public static let ropeBaseAboveCeiling = Rule(
        id: "LC303", name: "rope-base-above-ceiling", area: .rope, severity: .warning,
        summary: "The RoPE base is at or above the precision ceiling of the format phases are formed in.",
        help: """
            Above eps_mach^(-r/(r-2)) the slowest pairs' per-position phase increments fall below one ulp of \
            the phase format and positions stop being resolved. Form phases in fp32 (or fp64), or lower the base.
            """,
        triggering: """
            version: 1
            model: {preset: llama-3-8b, rope: {theta: 1e9}}
            hardware: {device: h200}
            workload: {context: 8k}
            """,
        nonTriggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h200}
            workload: {context: 8k}
            """)

    public static let ropeScalingInconsistent = Rule(
        id: "LC304", name: "rope-scaling-inconsistent", area: .rope, severity: .warning,
        summary: "The RoPE scaling factor times the original context does not reach the model's max_context.",
        help: """
            For linear, ntk, dynamic, yarn and longrope scaling the factor is the context extension ratio: \
            factor x original_context should cover max_context. (llama3 scaling is exempt: its factor acts \
            on the low frequencies only.)
            """,
        triggering: """
            version: 1
            model: {preset: deepseek-v3, rope: {scaling: {type: yarn, factor: 10}}}
            hardware: {device: h200, count: 16}
            workload: {context: 8k, dtype: fp8}
            plan: {tp: 8, ep: 2}
            """,
        nonTriggering: """
            version: 1
            model: deepseek-v3
            hardware: {device: h200, count: 16}
            workload: {context: 8k, dtype: fp8}
            plan: {tp: 8, ep: 2}
            """)

    public static let positionsUnrepresentable = Rule(
        id: "LC305", name: "positions-unrepresentable", area: .rope, severity: .warning,
        summary: "Position ids beyond the exact integer range (or the finite range) of their number format.",
        help: """
            bf16 holds integers exactly only up to 256 and fp16 up to 2048 (and overflows above 65504): \
            positions round (bf16: 15962 becomes 15936) and neighbouring tokens share a phase (arXiv 2411.13476; \
            transformers PR 29285). Keep position ids and phases in fp32 (`conventions.rope_position_dtype`).
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200}
            workload: {context: 8k}
            conventions: {rope_position_dtype: bf16}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200}
            workload: {context: 8k}
            conventions: {rope_position_dtype: fp32}
            """)

    public static let menCriterionFails = Rule(
        id: "LC306", name: "men-criterion-fails", area: .rope, severity: .warning,
        summary: "The Men et al. criterion sum_j cos(m theta_j) >= 0 fails at a position inside the context.",
        help: """
            Men et al. (arXiv 2405.14591) show that below this bound the model cannot attend more to similar \
            tokens than to random ones at that distance. The admissible bases are windows, not an interval: \
            a larger base is not always better; `lcplan rope` recommends the smallest base that holds.
            """,
        triggering: """
            version: 1
            model: {preset: llama-2-7b, rope: {theta: 27000}}
            hardware: {device: h200}
            workload: {context: 4k}
            """,
        nonTriggering: """
            version: 1
            model: {preset: llama-2-7b, rope: {theta: 4293.5}}
            hardware: {device: h200}
            workload: {context: 1k}
            """)

    public static let ttftOverConstraint = Rule(
        id: "LC601", name: "ttft-over-constraint", area: .performance, severity: .error,
        summary: "The estimated time to first token exceeds `constraints.ttft`.",
        help: """
            TTFT is the prefill of one replica's batch: a roofline of FLOPs over the peak and bytes over the \
            bandwidth, with the stated efficiency factors, plus unhidden tensor-parallel communication. More \
            tensor or context parallelism, chunked prefill across requests, or a shorter prompt lower it.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 128k}
            constraints: {ttft: 1s}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k}
            constraints: {ttft: 1s}
            """)

    public static let tpotOverConstraint = Rule(
        id: "LC602", name: "tpot-over-constraint", area: .performance, severity: .error,
        summary: "The estimated time per output token exceeds `constraints.tpot`.",
        help: """
            Decoding reads every weight and the whole KV cache once per step: it is bound by memory bandwidth. \
            Fewer bytes (quantized weights or cache) or more devices sharing them (tensor parallelism) lower it.
            """,
        triggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 32k, batch: 8}
            plan: {tp: 8}
            constraints: {tpot: 1ms}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 32k, batch: 8}
            plan: {tp: 8}
            constraints: {tpot: 100ms}
            """)

    public static let stepOverConstraint = Rule(
        id: "LC603", name: "step-time-over-constraint", area: .performance, severity: .error,
        summary: "The estimated training step time exceeds `constraints.step_time`.",
        help: """
            The step is compute over the devices plus the pipeline bubble and the communication that is not \
            overlapped. More devices, fewer pipeline stages per micro-batch count, or less recompute shorten it.
            """,
        triggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 8k, global_batch: 64, recompute: full}
            plan: {tp: 8}
            constraints: {step_time: 1s}
            """,
        nonTriggering: """
            version: 1
            model: llama-3-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 8k, global_batch: 64, recompute: full}
            plan: {tp: 8}
            constraints: {step_time: 1h}
            """)

    /// Every rule, in id order.
    public static let all: [Rule] = [
        inputUnreadable, yamlSyntax, unknownKey, typeMismatch, missingKey, outOfRange, unknownPreset,
        badUnit, inconsistentHeads, headDimMismatch, planNotDivisible, unsupportedVersion,
        hfConfigUnusable, hfConfigIgnoredKeys, duplicateKey, invalidChoice, planDeviceMismatch,
        unknownRule, unsupportedYAML, noPeakForFormat, doesNotFit, headroomBelowConstraint, kvCacheDominates, beyondTrainedContext,
        ropeBaseTooSmall, ropeBaseAboveCeiling, ropeScalingInconsistent, positionsUnrepresentable, menCriterionFails,
        unevenPipelineStages, layoutUnsupported, ttftOverConstraint, tpotOverConstraint, stepOverConstraint,
    ]

    /// The rule with this id (case-insensitive), or nil.
    public static func named(_ id: String) -> Rule? {
        let wanted = id.uppercased()
        return all.first { $0.id == wanted || $0.name == id.lowercased() }
    }
}
