/// Checks that a resolved model's fields agree with each other (LC108), reporting at the model's node.
struct ModelConsistency {
    let reader: SpecReader
    let at: YAMLValue

    private func fail(_ message: String, expected: String) {
        reader.report(.inconsistentHeads, message, at: at, expected: expected)
    }

    /// True when the model is usable; every problem found is reported.
    func check(_ model: ModelSpec, kvHeadsGiven: Bool) -> Bool {
        let before = reader.diagnostics.filter { $0.severity == .error }.count
        // The same ranges as the spec language, whatever the model's source.
        for violation in ModelRanges.violations(model) {
            reader.report(
                .outOfRange, "`\(violation.path)` is \(violation.value), outside the range lcplan accepts", at: at,
                expected: "an integer from \(violation.range.lowerBound) to \(violation.range.upperBound)")
        }
        for violation in ModelRanges.realViolations(model) {
            reader.report(
                .outOfRange, "`\(violation.path)` is \(violation.value), outside the range lcplan accepts", at: at,
                expected: violation.expected)
        }
        guard reader.diagnostics.filter({ $0.severity == .error }).count == before else { return false }
        let kinds = Set(model.layerKinds)
        let hasAttention = kinds.contains(.global) || kinds.contains(.local)
        if hasAttention {
            if model.heads == 0 { fail("the model has attention layers but 0 heads", expected: "heads >= 1") }
            if model.attention.kind != .mla {
                if model.kvHeads == 0 || model.kvHeads > model.heads || (model.heads > 0 && model.heads % max(model.kvHeads, 1) != 0) {
                    fail(
                        "heads (\(model.heads)) must be a multiple of kv_heads (\(model.kvHeads))",
                        expected: "kv_heads dividing heads: \(divisors(model.heads))")
                }
                switch model.attention.kind {
                case .mqa where model.kvHeads != 1:
                    fail("attention kind mqa needs kv_heads 1, found \(model.kvHeads)", expected: "kv_heads: 1, or kind gqa")
                case .mha where model.kvHeads != model.heads:
                    fail(
                        "attention kind mha needs kv_heads = heads (\(model.heads)), found \(model.kvHeads)",
                        expected: "kv_heads: \(model.heads), or kind gqa")
                default: break
                }
            } else if model.attention.mla == nil {
                fail(
                    "attention kind mla needs kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim",
                    expected: "the MLA ranks under model.attention")
            }
            if model.ffnKind == .none && model.moe == nil {
                // Attention-only blocks are legal (no FFN); nothing to check.
            } else if model.ffn == 0 && model.moe == nil {
                fail("ffn is 0 but ffn_kind is \(model.ffnKind.rawValue)", expected: "ffn >= 1, or ffn_kind: none")
            }
        }
        if kinds.contains(.local) && model.attention.window == nil {
            fail("the layer pattern has local layers but no attention.window", expected: "attention.window in tokens")
        }
        if kinds.contains(.ssm) && model.ssm == nil {
            fail("the model has ssm layers but no `ssm` settings", expected: "model.ssm with at least `state`")
        }
        if let moe = model.moe {
            if moe.active > moe.experts {
                fail("moe.active (\(moe.active)) exceeds moe.experts (\(moe.experts))", expected: "active <= experts")
            }
            if moe.denseLayers > model.layers {
                fail("moe.dense_layers (\(moe.denseLayers)) exceeds layers (\(model.layers))", expected: "dense_layers <= layers")
            }
            if moe.offset >= max(moe.every, 1) && moe.every > 1 {
                fail("moe.offset (\(moe.offset)) must be below moe.every (\(moe.every))", expected: "0 <= offset < every")
            }
            if moe.expertFfn == 0 { fail("moe.expert_ffn is 0", expected: "expert_ffn >= 1") }
        }
        if let rope = model.rope {
            let limit = model.attention.mla?.qkRopeHeadDim ?? model.headDim
            if rope.rotaryDim % 2 != 0 || rope.rotaryDim > limit || rope.rotaryDim < 2 {
                fail(
                    "rope rotary_dim \(rope.rotaryDim) must be even and between 2 and the head's \(limit) dims",
                    expected: "an even rotary_dim <= \(limit)")
            }
            if let scaling = rope.scaling, scaling.type == .longrope {
                let pairs = rope.rotaryDim / 2
                for (name, list) in [("short_factor", scaling.shortFactor), ("long_factor", scaling.longFactor)] {
                    if let list, list.count != pairs {
                        fail(
                            "rope.scaling.\(name) has \(list.count) entries; a \(rope.rotaryDim)-dim rotary head has \(pairs) pairs",
                            expected: "\(pairs) factors")
                    }
                }
            }
            if let scaling = rope.scaling, scaling.type == .llama3,
                scaling.originalContext == nil || scaling.lowFreqFactor == nil || scaling.highFreqFactor == nil
            {
                fail(
                    "llama3 scaling needs original_context, low_freq_factor and high_freq_factor",
                    expected: "all three llama3 parameters")
            }
        }
        let after = reader.diagnostics.filter { $0.severity == .error }.count
        return after == before
    }

    private func divisors(_ n: Int) -> String {
        guard n > 0 else { return "none" }
        var found: [Int] = []
        var d = 1
        while d * d <= n && found.count < 24 {
            if n % d == 0 { found.append(d); if d != n / d { found.append(n / d) } }
            d += 1
        }
        return found.sorted().map(String.init).joined(separator: ", ")
    }
}
