import LCPlanModel

/// A resolved model written back as a `model:` mapping, in the spec language: the output of
/// `lcplan import-hf`, readable again as a user preset file.
public enum ModelSpecYAML {
    public static func render(_ m: ModelSpec, from source: String) -> String {
        var out = "# lcplan model imported from \(source) by `lcplan import-hf`.\n"
        out += "# Save as NAME.yaml in a preset directory (--presets DIR) and use `model: NAME`,\n"
        out += "# or paste the mapping below under `model:` in a spec.\n"
        out += "model:\n"
        var lines: [(Int, String)] = []
        func add(_ indent: Int, _ key: String, _ value: String) { lines.append((indent, "\(key): \(value)")) }
        func open(_ indent: Int, _ key: String) { lines.append((indent, "\(key):")) }
        add(1, "name", quoted(m.name))
        add(1, "layers", "\(m.layers)")
        add(1, "hidden", "\(m.hidden)")
        add(1, "heads", "\(m.heads)")
        add(1, "kv_heads", "\(m.kvHeads)")
        if m.headDim > 0 { add(1, "head_dim", "\(m.headDim)") }
        add(1, "ffn", "\(m.ffn)")
        add(1, "ffn_kind", m.ffnKind.rawValue)
        add(1, "activation", quoted(m.activation))
        add(1, "vocab", "\(m.vocab)")
        add(1, "tied_embeddings", "\(m.tiedEmbeddings)")
        add(1, "qkv_bias", "\(m.qkvBias)")
        add(1, "linear_bias", "\(m.linearBias)")
        add(1, "norm", m.norm.rawValue)
        add(1, "norms_per_layer", "\(m.normsPerLayer)")
        add(1, "qk_norm", "\(m.qkNorm)")
        add(1, "positions", m.positions.rawValue)
        add(1, "max_context", "\(m.maxContext)")
        if m.heads > 0 {
            open(1, "attention")
            add(2, "kind", m.attention.kind.rawValue)
            if let window = m.attention.window { add(2, "window", "\(window)") }
            if let pattern = m.attention.pattern { add(2, "pattern", "[" + pattern.map(\.rawValue).joined(separator: ", ") + "]") }
            if let mla = m.attention.mla {
                if let q = mla.qLoraRank { add(2, "q_lora_rank", "\(q)") }
                add(2, "kv_lora_rank", "\(mla.kvLoraRank)")
                add(2, "qk_nope_head_dim", "\(mla.qkNopeHeadDim)")
                add(2, "qk_rope_head_dim", "\(mla.qkRopeHeadDim)")
                add(2, "v_head_dim", "\(mla.vHeadDim)")
            }
        } else if let pattern = m.attention.pattern {
            open(1, "attention")
            add(2, "pattern", "[" + pattern.map(\.rawValue).joined(separator: ", ") + "]")
        }
        if let moe = m.moe {
            open(1, "moe")
            add(2, "experts", "\(moe.experts)")
            add(2, "active", "\(moe.active)")
            add(2, "shared", "\(moe.shared)")
            add(2, "expert_ffn", "\(moe.expertFfn)")
            add(2, "dense_layers", "\(moe.denseLayers)")
            add(2, "every", "\(moe.every)")
            add(2, "offset", "\(moe.offset)")
            add(2, "router_bias", "\(moe.routerBias)")
        }
        if let ssm = m.ssm {
            open(1, "ssm")
            add(2, "state", "\(ssm.state)")
            add(2, "conv", "\(ssm.conv)")
            add(2, "expand", "\(ssm.expand)")
            add(2, "dt_rank", "\(ssm.dtRank)")
        }
        if let rope = m.rope {
            open(1, "rope")
            add(2, "theta", rope.theta)
            add(2, "rotary_dim", "\(rope.rotaryDim)")
            add(2, "trained_context", "\(rope.trainedContext)")
            if let local = rope.localTheta { add(2, "local_theta", local) }
            if let s = rope.scaling {
                open(2, "scaling")
                add(3, "type", s.type.rawValue)
                add(3, "factor", number(s.factor))
                if let v = s.originalContext { add(3, "original_context", "\(v)") }
                let optional: [(String, Double?)] = [
                    ("low_freq_factor", s.lowFreqFactor), ("high_freq_factor", s.highFreqFactor), ("beta_fast", s.betaFast),
                    ("beta_slow", s.betaSlow), ("mscale", s.mscale), ("mscale_all_dim", s.mscaleAllDim),
                    ("attention_factor", s.attentionFactor),
                ]
                for (key, value) in optional { if let value { add(3, key, number(value)) } }
                if let truncate = s.truncate { add(3, "truncate", "\(truncate)") }
                if let list = s.shortFactor { add(3, "short_factor", "[" + list.map(number).joined(separator: ", ") + "]") }
                if let list = s.longFactor { add(3, "long_factor", "[" + list.map(number).joined(separator: ", ") + "]") }
            }
        }
        for (indent, line) in lines { out += String(repeating: "  ", count: indent) + line + "\n" }
        return out
    }

    static func number(_ value: Double) -> String { JSONValue.format(value) }

    /// A double-quoted YAML string (JSON escaping is valid YAML).
    static func quoted(_ text: String) -> String {
        var out = ""
        JSONValue.escape(text, into: &out)
        return out
    }
}
