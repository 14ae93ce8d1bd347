/// Applies the fields of a `model:` mapping to a starting model (or builds one from nothing) and
/// checks that the result is consistent.
struct ModelOverrides {
    let fields: MappingReader
    let reader: SpecReader

    func apply(to base: ModelSpec?) -> ModelSpec? {
        let attention = fields.mapping("attention")
        let moeFields = fields.mapping("moe")
        let ssmFields = fields.mapping("ssm")
        let ropeFields = fields.mapping("rope")
        let scalingFields = ropeFields?.mapping("scaling")

        if base == nil {
            let needed = ["layers", "hidden", "vocab", "max_context"] + (ssmFields == nil ? ["heads", "ffn"] : [])
            var complete = true
            for key in needed where !fields.has(key) {
                _ = fields.required(key)
                complete = false
            }
            guard complete else { return nil }
        }
        let before = reader.diagnostics.count
        let layers = fields.int("layers") ?? base?.layers ?? 1
        let hidden = fields.int("hidden") ?? base?.hidden ?? 1
        let heads = fields.int("heads") ?? base?.heads ?? 0
        let explicitHeadDim = fields.int("head_dim")
        let kvHeadsGiven = fields.int("kv_heads")
        var model =
            base
            ?? ModelSpec(
                name: "custom", layers: layers, hidden: hidden, heads: heads, kvHeads: heads,
                headDim: heads > 0 ? max(1, hidden / heads) : 0, ffn: 0, vocab: 1, maxContext: 1)
        if let name = fields.string("name") { model.name = name }
        model.layers = layers
        model.hidden = hidden
        model.heads = heads
        if let value = fields.int("ffn") { model.ffn = value }
        if let value = fields.choice("ffn_kind", FFNKind.self) { model.ffnKind = value }
        if let value = fields.string("activation") { model.activation = value }
        if let value = fields.int("vocab") { model.vocab = value }
        if let value = fields.bool("tied_embeddings") { model.tiedEmbeddings = value }
        if let value = fields.bool("qkv_bias") { model.qkvBias = value }
        if let value = fields.bool("linear_bias") { model.linearBias = value }
        if let value = fields.choice("norm", NormKind.self) { model.norm = value }
        if let value = fields.int("norms_per_layer") { model.normsPerLayer = value }
        if let value = fields.bool("qk_norm") { model.qkNorm = value }
        if let value = fields.choice("positions", PositionKind.self) { model.positions = value }
        if let value = fields.tokens("max_context") { model.maxContext = value }
        if base == nil { model.source = "user spec"; model.confidence = .user }
        if base != nil && fields.entries.contains(where: { !["preset", "hf_config", "name"].contains($0.0) }) {
            model.source += "; overridden in the spec"
            model.confidence = .user
        }

        // Heads: kv_heads defaults to the base's, or to heads (MHA) for a model built from nothing.
        let shapeChanged = fields.has("hidden") || fields.has("heads")
        model.kvHeads = kvHeadsGiven ?? (base.map { fields.has("heads") && $0.kvHeads == $0.heads ? heads : $0.kvHeads } ?? heads)
        // head_dim: explicit, else the starting model's (a property of the architecture), else hidden / heads.
        // LC109 when the result no longer matches hidden / heads and head_dim was not stated.
        if let explicitHeadDim {
            model.headDim = explicitHeadDim
        } else if let base, heads > 0, base.heads > 0 {
            model.headDim = base.headDim
            let baseConsistent = base.headDim * base.heads == base.hidden
            if shapeChanged && baseConsistent && model.headDim * heads != hidden {
                reader.report(
                    .headDimMismatch,
                    "head_dim \(model.headDim) (from \(base.name)) x heads \(heads) = \(model.headDim * heads), not hidden (\(hidden))",
                    at: fields.value("hidden") ?? fields.value("heads") ?? fields.value, expected: "head_dim stated explicitly")
            }
        } else if heads > 0 {
            model.headDim = max(1, hidden / heads)
            if hidden % heads != 0 {
                reader.report(
                    .headDimMismatch,
                    "hidden (\(hidden)) is not a multiple of heads (\(heads)): head_dim taken as \(model.headDim)",
                    at: fields.value("hidden") ?? fields.value, expected: "head_dim stated explicitly")
            }
        }

        if let attention { applyAttention(attention, to: &model, kvHeadsGiven: kvHeadsGiven != nil) }
        if let moeFields { applyMoE(moeFields, to: &model) }
        if let ssmFields { applySSM(ssmFields, to: &model) }
        applyRoPE(ropeFields, scalingFields, to: &model, headDimChanged: explicitHeadDim != nil || shapeChanged, isNew: base == nil)
        guard reader.diagnostics.count == before || !reader.diagnostics[before...].contains(where: { $0.severity == .error })
        else { return nil }
        return ModelConsistency(reader: reader, at: fields.value).check(model, kvHeadsGiven: kvHeadsGiven != nil) ? model : nil
    }

    private func applyAttention(_ attention: MappingReader, to model: inout ModelSpec, kvHeadsGiven: Bool) {
        if let kind = attention.choice("kind", AttentionKind.self) {
            model.attention.kind = kind
            switch kind {
            case .mqa where !kvHeadsGiven: model.kvHeads = 1
            case .mha where !kvHeadsGiven: model.kvHeads = model.heads
            default: break
            }
        } else if !kvHeadsGiven || model.attention.kind != .mla {
            if model.attention.kind != .mla {
                model.attention.kind = model.kvHeads == model.heads ? .mha : (model.kvHeads == 1 ? .mqa : .gqa)
            }
        }
        if let window = attention.tokens("window") { model.attention.window = window }
        if let items = attention.list("pattern") {
            var kinds: [LayerKind] = []
            for item in items {
                guard let text = item.scalarText, let kind = LayerKind(rawValue: text.lowercased()) else {
                    let names = LayerKind.allCases.map(\.rawValue)
                    let suggestion = item.scalarText.flatMap { NearestName.suggest($0, among: names) }
                    reader.report(
                        .invalidChoice, "`\(item.path)` cannot be \(item.kindName)", at: item,
                        expected: "one of: " + names.joined(separator: ", "), suggestion: suggestion)
                    continue
                }
                kinds.append(kind)
            }
            if items.isEmpty, let at = attention.value("pattern") {
                reader.report(.outOfRange, "`\(at.path)` is empty", at: at, expected: "at least one layer kind")
            }
            model.attention.pattern = kinds.isEmpty ? nil : kinds
        }
        let rankKeys = ["q_lora_rank", "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim"]
        if rankKeys.contains(where: attention.has) || model.attention.kind == .mla {
            let current = model.attention.mla
            let kv = attention.int("kv_lora_rank") ?? current?.kvLoraRank
            let nope = attention.int("qk_nope_head_dim") ?? current?.qkNopeHeadDim
            let rope = attention.int("qk_rope_head_dim") ?? current?.qkRopeHeadDim
            let v = attention.int("v_head_dim") ?? current?.vHeadDim
            let q = attention.has("q_lora_rank") ? attention.int("q_lora_rank") : current?.qLoraRank
            guard let kv, let nope, let rope, let v else {
                for key in rankKeys.dropFirst() where !attention.has(key) && current == nil { _ = attention.required(key) }
                return
            }
            model.attention.kind = .mla
            model.attention.mla = MLASpec(qLoraRank: q, kvLoraRank: kv, qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: v)
            model.headDim = nope + rope
            model.kvHeads = model.heads
        }
    }

    private func applyMoE(_ moe: MappingReader, to model: inout ModelSpec) {
        let current = model.moe
        guard let experts = moe.int("experts") ?? current?.experts, let active = moe.int("active") ?? current?.active else {
            if current == nil { _ = moe.required("experts"); _ = moe.required("active") }
            return
        }
        model.moe = MoESpec(
            experts: experts, active: active, shared: moe.int("shared") ?? current?.shared ?? 0,
            expertFfn: moe.int("expert_ffn") ?? current?.expertFfn ?? model.ffn,
            denseLayers: moe.int("dense_layers") ?? current?.denseLayers ?? 0,
            every: moe.int("every") ?? current?.every ?? 1, offset: moe.int("offset") ?? current?.offset ?? 0,
            routerBias: moe.bool("router_bias") ?? current?.routerBias ?? false)
    }

    private func applySSM(_ ssm: MappingReader, to model: inout ModelSpec) {
        let current = model.ssm
        guard let state = ssm.int("state") ?? current?.state else { _ = ssm.required("state"); return }
        model.ssm = SSMSpec(
            state: state, conv: ssm.int("conv") ?? current?.conv ?? 4,
            expand: ssm.int("expand") ?? current?.expand ?? 2,
            dtRank: ssm.int("dt_rank") ?? current?.dtRank ?? (model.hidden + 15) / 16)
    }

    private func applyRoPE(
        _ rope: MappingReader?, _ scaling: MappingReader?, to model: inout ModelSpec,
        headDimChanged: Bool, isNew: Bool
    ) {
        guard model.positions == .rope else {
            if let rope {
                reader.report(
                    .inconsistentHeads, "`model.rope` is set but `model.positions` is \(model.positions.rawValue)",
                    at: rope.value, expected: "positions: rope")
            }
            model.rope = nil
            return
        }
        let fullRotary = model.attention.mla?.qkRopeHeadDim ?? model.headDim
        var spec = model.rope ?? RoPESpec(theta: "10000", rotaryDim: fullRotary, trainedContext: model.maxContext)
        if isNew || (headDimChanged && model.rope?.rotaryDim == fullRotary) { spec.rotaryDim = fullRotary }
        if model.rope == nil || fields.has("max_context") && !(rope?.has("trained_context") ?? false) && isNew {
            spec.trainedContext = model.maxContext
        }
        if let rope {
            if let (_, text) = rope.decimal("theta") { spec.theta = text }
            if let (_, text) = rope.decimal("local_theta") { spec.localTheta = text }
            if let dim = rope.int("rotary_dim") { spec.rotaryDim = dim }
            if let factor = rope.double("partial_factor"), let at = rope.value("partial_factor") {
                let dims = Double(model.headDim) * factor
                if rope.has("rotary_dim") {
                    reader.report(.typeMismatch, "give `rotary_dim` or `partial_factor`, not both", at: at, expected: "one of them")
                } else if dims != dims.rounded() || Int(dims) % 2 != 0 || dims < 2 {
                    reader.report(
                        .outOfRange, "head_dim \(model.headDim) x partial_factor \(factor) = \(dims) is not an even whole number of dims",
                        at: at, expected: "a factor giving an even number of rotary dims")
                } else {
                    spec.rotaryDim = Int(dims)
                }
            }
            if let trained = rope.tokens("trained_context") { spec.trainedContext = trained }
        }
        if let scaling {
            spec.scaling = readScaling(scaling, current: spec.scaling)
        }
        model.rope = spec
    }

    private func readScaling(_ s: MappingReader, current: RoPEScaling?) -> RoPEScaling? {
        guard let type = s.choice("type", RoPEScalingType.self) ?? current?.type else { _ = s.required("type"); return nil }
        let sameType = current?.type == type
        let base = sameType ? current : nil
        guard let factor = s.double("factor") ?? base?.factor else { _ = s.required("factor"); return nil }
        func list(_ key: String) -> [Double]? {
            guard let items = s.list(key) else { return nil }
            var values: [Double] = []
            for item in items {
                guard let text = item.scalarText, let number = DecimalNumber(Substring(text)), number.doubleValue > 0 else {
                    reader.report(
                        .typeMismatch, "`\(item.path)` must be a positive number, found \(item.kindName)", at: item,
                        expected: "a positive number")
                    return nil
                }
                values.append(number.doubleValue)
            }
            return values
        }
        return RoPEScaling(
            type: type, factor: factor,
            originalContext: s.tokens("original_context") ?? base?.originalContext,
            lowFreqFactor: s.double("low_freq_factor") ?? base?.lowFreqFactor,
            highFreqFactor: s.double("high_freq_factor") ?? base?.highFreqFactor,
            betaFast: s.double("beta_fast") ?? base?.betaFast, betaSlow: s.double("beta_slow") ?? base?.betaSlow,
            mscale: s.double("mscale") ?? base?.mscale, mscaleAllDim: s.double("mscale_all_dim") ?? base?.mscaleAllDim,
            attentionFactor: s.double("attention_factor") ?? base?.attentionFactor,
            truncate: s.bool("truncate") ?? base?.truncate,
            shortFactor: list("short_factor") ?? base?.shortFactor, longFactor: list("long_factor") ?? base?.longFactor)
    }
}
