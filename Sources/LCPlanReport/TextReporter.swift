import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The report for people: the verdict first, then short sections with aligned tables and scaled units.
public enum TextReporter {
    /// `brief`: the verdict, the summary and the findings at warning level and above, nothing else.
    public static func render(_ report: Report, style: TextStyle = .plain, brief: Bool = false) -> String {
        var out = style.bold("lcplan \(Report.toolVersion)") + " — \(report.file)\n"
        out += "Verdict: " + style.verdict(report.verdict, report.verdict.rawValue.uppercased()) + " — " + summary(report) + "\n"
        if let analysis = report.analysis { out += "  " + ProfileText.headline(analysis) + "\n" }
        guard report.spec != nil else {
            out += "\n" + section("Findings", style) + DiagnosticText.render(report.diagnostics, style: style)
            return out
        }
        if let analysis = report.analysis { out += "\n" + render(AnswerSummary.section(analysis), style) }
        if brief {
            let acting = report.diagnostics.filter { $0.severity >= .warning }
            if !acting.isEmpty { out += "\n" + section("Findings", style) + DiagnosticText.render(acting, style: style) }
            return out
        }
        for section in report.sections { out += "\n" + render(section, style) }
        if let validation = report.validation { out += "\n" + render(ValidationReport.text(validation), style) }
        if !report.diagnostics.isEmpty || !report.suppressed.isEmpty || !report.keySuppressed.isEmpty {
            out += "\n" + section("Findings", style)
            out += DiagnosticText.render(report.diagnostics, style: style)
            if !report.suppressed.isEmpty {
                out += "  suppressed by the spec: " + report.suppressed.joined(separator: ", ") + "\n"
            }
            for s in report.keySuppressed {
                out +=
                    "  suppressed by the spec: \(s.rule) at \(s.key) (\(s.count) finding\(s.count == 1 ? "" : "s"))"
                    + (s.reason.map { ": \($0)" } ?? "") + "\n"
            }
        }
        return out
    }

    static func summary(_ report: Report) -> String {
        let counts = Severity.allCases.reversed().compactMap { severity -> String? in
            let n = report.diagnostics.filter { $0.severity == severity }.count
            return n == 0 ? nil : "\(n) \(severity.rawValue)\(n == 1 ? "" : "s")"
        }
        return counts.isEmpty ? "no findings" : counts.joined(separator: ", ")
    }

    static func section(_ title: String, _ style: TextStyle, _ detail: String = "") -> String {
        style.bold(title) + (detail.isEmpty ? "" : "  " + detail) + "\n"
    }

    /// One section of the report model: its title, an aligned table, its notes.
    static func render(_ section: ReportSection, _ style: TextStyle) -> String {
        var table = TextTable(section.alignments.map { $0 == .right ? .right : .left })
        if let header = section.header { table.rows.append(header) }
        for row in section.rows { table.rows.append(row.map(\.formatted)) }
        let notes = section.notes.map { "  " + (section.notesAreItems ? "- " : "") + $0 + "\n" }.joined()
        return self.section(section.title, style, section.detail) + table.render() + notes
    }

    static func tokens(_ n: Int) -> String { UnitFormat.grouped(ExactInt(n)) }

    static func model(_ m: ModelSpec) -> ReportSection {
        var table = ReportSection("Model", m.name)
        table.add("source", "\(m.source) (\(m.confidence.rawValue))")
        if m.heads > 0 {
            table.add("attention", "\(m.heads) heads / \(m.kvHeads) KV heads (\(m.attention.kind.rawValue)), head_dim \(m.headDim)")
        }
        if let mla = m.attention.mla {
            table.add(
                "mla",
                "kv_lora_rank \(mla.kvLoraRank), q_lora_rank \(mla.qLoraRank.map(String.init) ?? "none"), "
                    + "qk \(mla.qkNopeHeadDim)+\(mla.qkRopeHeadDim), v \(mla.vHeadDim)")
        }
        table.add("shape", "\(m.layers) layers, hidden \(m.hidden)")
        let kinds = m.layerKinds
        let breakdown = LayerKind.allCases.compactMap { kind -> String? in
            let n = kinds.filter { $0 == kind }.count
            return n == 0 ? nil : "\(n) \(kind.rawValue)"
        }
        var layers = breakdown.joined(separator: ", ")
        if let window = m.attention.window, kinds.contains(.local) { layers += " (window \(tokens(window)))" }
        table.add("layers", layers)
        if m.ffnKind != .none { table.add("ffn", "\(m.ffn) \(m.ffnKind.rawValue) (\(m.activation))") }
        if let moe = m.moe {
            table.add(
                "moe",
                "\(moe.experts) experts, top \(moe.active), \(moe.shared) shared, expert ffn \(moe.expertFfn)"
                    + (moe.denseLayers > 0 ? ", first \(moe.denseLayers) layers dense" : "")
                    + (moe.every > 1 ? ", every \(moe.every) layers from \(moe.offset)" : ""))
        }
        if let ssm = m.ssm { table.add("ssm", "state \(ssm.state), conv \(ssm.conv), expand \(ssm.expand), dt_rank \(ssm.dtRank)") }
        table.add("vocab", "\(m.vocab), \(m.tiedEmbeddings ? "tied" : "untied") embeddings")
        if let rope = m.rope {
            var text = "rope, theta \(rope.theta), \(rope.rotaryDim) rotary dims"
            if let local = rope.localTheta { text += ", local theta \(local)" }
            if let s = rope.scaling {
                text += ", \(s.type.rawValue) x\(UnitFormat.threeDigits(s.factor))"
                if let original = s.originalContext { text += " from \(tokens(original))" }
            }
            table.add("positions", text)
        } else {
            table.add("positions", m.positions.rawValue)
        }
        table.add("max context", "\(tokens(m.maxContext)) tokens")
        return table
    }

    static func parameters(_ p: ParameterCount) -> ReportSection {
        var table = ReportSection("Parameters", "", [.left, .right, .right])
        func row(_ name: String, _ value: ExactInt) { table.add(name, .count(value), .scaledCount(value)) }
        row("total", p.total)
        if p.active != p.total { row("active", p.active) }
        row("embedding", p.embedding)
        row("lm head", p.lmHead)
        row("attention", p.attention)
        if !p.mlp.isZero { row("mlp", p.mlp) }
        if !p.experts.isZero { row("experts", p.experts) }
        row("norms", p.norms)
        return table
    }

    static func hardware(_ h: HardwareSpec) -> ReportSection {
        let d = h.device
        let nodes = (h.count + h.perNode - 1) / h.perNode
        let title = "\(h.count) x \(d.name) (\(nodes) node\(nodes == 1 ? "" : "s") of \(h.perNode))"
        var table = ReportSection("Hardware", title)
        table.add("source", "\(d.source) (\(d.confidence.rawValue))")
        table.add("memory", "\(d.memory) (\(d.memory.binaryDescription)) per device")
        table.add("bandwidth", "\(d.memoryBandwidth)")
        for (format, rate) in d.peak.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            table.add("peak \(format.rawValue)", "\(rate) (dense)")
        }
        if let link = h.intraNode ?? d.intraNode { table.add("intra-node", "\(link) per direction") }
        if let link = h.interNode ?? d.interNode { table.add("inter-node", "\(link) per direction per device") }
        let e = h.efficiency
        let stated = ["compute", "memory", "network"].filter(e.stated.contains)
        let defaults =
            stated.isEmpty
            ? " (defaults; sources under Assumptions)"
            : " (\(stated.joined(separator: ", ")) set by the spec, a user override; sources under Assumptions)"
        let networks = System.networkEfficiency(h)
        let network =
            networks.nvlink
            ? "network \(UnitFormat.fixed(networks.intraNode, decimals: 2)) over NVLink (measured), \(UnitFormat.fixed(networks.interNode, decimals: 2)) across nodes"
            : "network \(UnitFormat.fixed(e.network, decimals: 2))"
        table.add(
            "efficiency",
            "compute \(UnitFormat.fixed(e.compute, decimals: 2)), memory \(UnitFormat.fixed(e.memory, decimals: 2)), "
                + network + defaults)
        return table
    }

    static func workload(_ spec: Spec, _ analysis: Analysis?) -> ReportSection {
        let w = spec.workload
        var table = ReportSection("Workload", w.mode.rawValue)
        if w.mode == .training {
            table.add("context", "\(tokens(w.context)) tokens per sequence")
        } else {
            table.add("context", "\(tokens(w.context)) tokens (prompt \(tokens(w.promptTokens)), output \(tokens(w.outputTokens)))")
            // A batch the throughput search chose is the analysis's, not the spec's default.
            if let a = analysis, a.search.searched.contains("batch") {
                table.add("batch", "\(a.spec.workload.batch) (searched)")
            } else {
                table.add("batch", "\(w.batch)")
            }
        }
        table.add("dtype", w.dtype.rawValue)
        var kv = "\(w.kvCache.dtype.rawValue), blocks of \(w.kvCache.blockTokens) tokens"
        if let group = w.kvCache.groupSize { kv += ", one \(w.kvCache.scaleDtype?.rawValue ?? "fp16") scale per \(group) elements" }
        table.add("kv cache", kv)
        if let chunk = w.prefillChunk { table.add("prefill chunk", "\(tokens(chunk)) tokens") }
        if let t = w.training {
            table.add(
                "training",
                "global batch \(t.globalBatch), micro-batch \(t.microBatch), \(t.optimizer.rawValue), "
                    + "ZeRO \(t.zero), recompute \(t.recompute.rawValue)")
        }
        let p = spec.plan
        let fixed: [(String, String?)] = [
            ("tp", p.tp.map(String.init)), ("pp", p.pp.map(String.init)), ("vpp", p.vpp.map(String.init)),
            ("dp", p.dp.map(String.init)), ("cp", p.cp.map(String.init)), ("cp_kind", p.cpKind?.rawValue),
            ("ep", p.ep.map(String.init)), ("sp", p.sequenceParallel.map { $0 ? "on" : "off" }),
            ("zero", p.zero.map(String.init)), ("recompute", p.recompute?.rawValue),
            ("micro_batch", p.microBatch.map(String.init)),
        ]
        let chosen = fixed.compactMap { name, value in value.map { "\(name) \($0)" } }
        table.add("plan", chosen.isEmpty ? "nothing fixed" : chosen.joined(separator: ", "))
        if let analysis { table.add("chosen layout", ProfileText.layout(analysis)) }
        let c = spec.constraints
        var limits = ["headroom \(UnitFormat.fixed(c.memoryHeadroom * 100, decimals: 0))%"]
        if let ttft = c.ttft { limits.append("ttft \(Seconds(ttft))") }
        if let tpot = c.tpot { limits.append("tpot \(Seconds(tpot))") }
        if let step = c.stepTime { limits.append("step \(Seconds(step))") }
        table.add("constraints", limits.joined(separator: ", "))
        let convention =
            spec.conventions.attentionFLOPs == .causal
            ? "causal (QK^T and PV halved, as Megatron-LM)" : "full (not halved, as PaLM and Korthikanti 2022)"
        table.add("attention FLOPs", convention)
        return table
    }
}
