/// The ranges a model's fields must lie in, read from the spec language's own description
/// (`SpecShapes`), so that a model from any source (preset, user preset, overrides, `hf_config`,
/// `import-hf`) is held to the same limits as one written in a spec.
enum ModelRanges {
    /// The bounds of an integer field of `shape`: its declared range, 1 to 2^40 for token counts.
    static func bounds(_ shape: ObjectShape, _ key: String) -> ClosedRange<Int>? {
        switch shape.field(key)?.kind {
        case .integer(let minimum, let maximum)?: return minimum...maximum
        case .tokens?: return 1...SpecShapes.maxTokens
        default: return nil
        }
    }

    /// Every field outside its range, as (key path, value, range).
    static func violations(_ model: ModelSpec) -> [(path: String, value: Int, range: ClosedRange<Int>)] {
        var checks: [(ObjectShape, String, String, Int)] = [
            (SpecShapes.model, "model", "layers", model.layers), (SpecShapes.model, "model", "hidden", model.hidden),
            (SpecShapes.model, "model", "heads", model.heads), (SpecShapes.model, "model", "kv_heads", model.kvHeads),
            (SpecShapes.model, "model", "ffn", model.ffn), (SpecShapes.model, "model", "vocab", model.vocab),
            (SpecShapes.model, "model", "norms_per_layer", model.normsPerLayer),
            (SpecShapes.model, "model", "max_context", model.maxContext),
        ]
        // Models without attention heads (SSM only) have no head dimension.
        if model.heads > 0 { checks.append((SpecShapes.model, "model", "head_dim", model.headDim)) }
        if let window = model.attention.window { checks.append((SpecShapes.attention, "model.attention", "window", window)) }
        if let mla = model.attention.mla {
            let a = SpecShapes.attention
            if let q = mla.qLoraRank { checks.append((a, "model.attention", "q_lora_rank", q)) }
            checks += [
                (a, "model.attention", "kv_lora_rank", mla.kvLoraRank), (a, "model.attention", "qk_nope_head_dim", mla.qkNopeHeadDim),
                (a, "model.attention", "qk_rope_head_dim", mla.qkRopeHeadDim), (a, "model.attention", "v_head_dim", mla.vHeadDim),
            ]
        }
        if let moe = model.moe {
            let m = SpecShapes.moe
            checks += [
                (m, "model.moe", "experts", moe.experts), (m, "model.moe", "active", moe.active),
                (m, "model.moe", "shared", moe.shared), (m, "model.moe", "expert_ffn", moe.expertFfn),
                (m, "model.moe", "dense_layers", moe.denseLayers), (m, "model.moe", "every", moe.every),
                (m, "model.moe", "offset", moe.offset),
            ]
        }
        if let ssm = model.ssm {
            let s = SpecShapes.ssm
            checks += [
                (s, "model.ssm", "state", ssm.state), (s, "model.ssm", "conv", ssm.conv), (s, "model.ssm", "expand", ssm.expand),
                (s, "model.ssm", "dt_rank", ssm.dtRank),
            ]
        }
        if let rope = model.rope {
            checks += [
                (SpecShapes.rope, "model.rope", "rotary_dim", rope.rotaryDim),
                (SpecShapes.rope, "model.rope", "trained_context", rope.trainedContext),
            ]
        }
        return checks.compactMap { shape, prefix, key, value in
            guard let range = bounds(shape, key), !range.contains(value) else { return nil }
            return (prefix + "." + key, value, range)
        }
    }

    /// The bounds of a real-valued field of `shape`, and of the items of a list of reals.
    static func realBounds(_ shape: ObjectShape, _ key: String) -> ClosedRange<Double>? {
        switch shape.field(key)?.kind {
        case .number(let minimum, let maximum)?: return minimum...maximum
        case .list(.number(let minimum, let maximum))?: return minimum...maximum
        default: return nil
        }
    }

    /// Every real-valued RoPE field outside its range (NaN and infinities included), and the orderings
    /// the scaling methods' formulas divide by (as Hugging Face transformers' `modeling_rope_utils.py`
    /// validates them): llama3's high_freq_factor above low_freq_factor (the smoothing divides by their
    /// difference), yarn's beta_fast above beta_slow above 0 (the correction dims take their logarithms).
    static func realViolations(_ model: ModelSpec) -> [(path: String, value: String, expected: String)] {
        guard let rope = model.rope else { return [] }
        var found: [(path: String, value: String, expected: String)] = []
        func check(_ shape: ObjectShape, _ prefix: String, _ key: String, _ value: Double?) {
            guard let value, let range = realBounds(shape, key), !range.contains(value) else { return }
            found.append((prefix + "." + key, "\(value)", "a number from \(range.lowerBound) to \(range.upperBound)"))
        }
        check(SpecShapes.rope, "model.rope", "theta", Double(rope.theta) ?? .nan)
        check(SpecShapes.rope, "model.rope", "local_theta", rope.localTheta.map { Double($0) ?? .nan })
        guard let scaling = rope.scaling else { return found }
        let shape = SpecShapes.ropeScaling, prefix = "model.rope.scaling"
        check(shape, prefix, "factor", scaling.factor)
        check(shape, prefix, "low_freq_factor", scaling.lowFreqFactor)
        check(shape, prefix, "high_freq_factor", scaling.highFreqFactor)
        check(shape, prefix, "beta_fast", scaling.betaFast)
        check(shape, prefix, "beta_slow", scaling.betaSlow)
        check(shape, prefix, "mscale", scaling.mscale)
        check(shape, prefix, "mscale_all_dim", scaling.mscaleAllDim)
        check(shape, prefix, "attention_factor", scaling.attentionFactor)
        for (key, list) in [("short_factor", scaling.shortFactor), ("long_factor", scaling.longFactor)] {
            // The first item out of range stands for its list.
            if let range = realBounds(shape, key), let index = (list ?? []).firstIndex(where: { !range.contains($0) }), let list {
                found.append(("\(prefix).\(key)[\(index)]", "\(list[index])", "a number from \(range.lowerBound) to \(range.upperBound)"))
            }
        }
        switch scaling.type {
        case .llama3:
            let low = scaling.lowFreqFactor ?? 1, high = scaling.highFreqFactor ?? 4
            if !(high > low) {
                found.append((prefix + ".high_freq_factor", "\(high)", "a high_freq_factor above low_freq_factor (\(low))"))
            }
        case .yarn:
            let fast = scaling.betaFast ?? 32, slow = scaling.betaSlow ?? 1
            if !(slow > 0) { found.append((prefix + ".beta_slow", "\(slow)", "a beta_slow above 0")) }
            if !(fast > slow) { found.append((prefix + ".beta_fast", "\(fast)", "a beta_fast above beta_slow (\(slow))")) }
        default: break
        }
        return found
    }
}
