import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The report as GitHub-flavoured markdown for a pull-request comment: the verdict and a summary table
/// first, then the findings (each rule linked to its entry in docs/rules.md, generated from `lcplan
/// explain`), the chart when one was drawn, and every section of the full report folded in `<details>`.
public enum MarkdownReporter {
    public static func render(_ report: Report, chart: String? = nil) -> String {
        var out = "## lcplan: `\(escape(report.file))`\n\n"
        out += "**Verdict: \(report.verdict.rawValue)** (\(TextReporter.summary(report)))\n"
        if let analysis = report.analysis {
            out += "\n" + escape(ProfileText.headline(analysis)) + "\n\n"
            out += "| | |\n|---|---|\n"
            for (name, value) in summary(analysis) { out += "| \(name) | \(escape(value)) |\n" }
        }
        if !report.diagnostics.isEmpty {
            out += "\n### Findings\n\n| rule | severity | where | message |\n|---|---|---|---|\n"
            for d in report.diagnostics {
                let location = [d.location?.description, d.keyPath.map { "`\($0)`" }].compactMap { $0 }.joined(separator: " ")
                out += "| \(ruleLink(d.rule)) | \(d.severity.rawValue) | \(escape(location)) | \(escape(d.message)) |\n"
            }
        }
        if !report.suppressed.isEmpty || !report.keySuppressed.isEmpty {
            out += "\nSuppressed by the spec: "
            out +=
                (report.suppressed + report.keySuppressed.map { "\($0.rule) at `\($0.key)`" + ($0.reason.map { " (\(escape($0)))" } ?? "") })
                .joined(separator: ", ") + "\n"
        }
        if let chart { out += "\n![lcplan sweep chart](\(chart))\n" }
        if !report.sections.isEmpty {
            out += "\n<details><summary>Full report</summary>\n\n"
            for section in report.sections { out += render(section) + "\n" }
            if let validation = report.validation { out += render(ValidationReport.text(validation)) + "\n" }
            out += "</details>\n"
        }
        return out
    }

    /// The figures a reviewer looks at first.
    static func summary(_ a: Analysis) -> [(String, String)] {
        var rows: [(String, String)] = []
        let m = a.memory
        rows.append(("memory per device", "\(Bytes(m.total)) of \(Bytes(m.usable)) usable (\(Bytes(m.capacity)) capacity)"))
        rows.append(("max context", a.maxContext.map { UnitFormat.grouped(ExactInt($0)) + " tokens" } ?? "none fits"))
        rows.append(("layout", a.spec.workload.training != nil ? a.layout.trainingSummary : a.layout.summary))
        if let ttft = a.time.ttft { rows.append(("TTFT", Seconds(ttft.seconds).description)) }
        if let tpot = a.time.tpot { rows.append(("TPOT", Seconds(tpot.seconds).description)) }
        if let step = a.time.step { rows.append(("step", Seconds(step.seconds).description)) }
        rows.append(("tokens/s", UnitFormat.threeDigits(a.time.tokensPerSecond)))
        if let mfu = a.time.mfu { rows.append(("MFU", UnitFormat.fixed(mfu * 100, decimals: 1) + "%")) }
        if let kv = a.kvLayout {
            var served =
                "\(kv.ideal.sequences.saturatingMultiplied(by: a.layout.dp)) at \(UnitFormat.grouped(ExactInt(kv.sequenceTokens))) tokens"
            if let e = kv.engine {
                served += "; \(e.engine.rawValue): \(UnitFormat.grouped(e.tokens)) tokens, \(UnitFormat.fixed(e.concurrency, decimals: 2))x"
            }
            rows.append(("KV sequences", served))
        }
        if !a.rope.isEmpty {
            rows.append(("RoPE", a.rope.map { "\($0.verdict.rawValue) (\($0.layers.rawValue) layers)" }.joined(separator: ", ")))
        }
        return rows
    }

    /// One section of the report model as a heading, a table and its notes.
    static func render(_ section: ReportSection) -> String {
        var out = "### \(section.title)" + (section.detail.isEmpty ? "" : " (\(escape(section.detail)))") + "\n\n"
        if !section.rows.isEmpty {
            let columns = max(section.header?.count ?? 0, section.rows.map(\.count).max() ?? 0)
            let header = section.header ?? Array(repeating: "", count: columns)
            out += "| " + header.map(escape).joined(separator: " | ") + " |\n"
            out +=
                "|"
                + (0..<columns).map { index in
                    index < section.alignments.count && section.alignments[index] == .right ? "---:|" : "---|"
                }.joined() + "\n"
            for row in section.rows { out += "| " + row.map { escape($0.formatted) }.joined(separator: " | ") + " |\n" }
        }
        if !section.notes.isEmpty {
            if !section.rows.isEmpty { out += "\n" }
            out += section.notes.map { (section.notesAreItems ? "- " : "") + escape($0) + (section.notesAreItems ? "" : "  ") + "\n" }
                .joined()
        }
        return out
    }

    /// A rule id linked to its entry in the rule catalogue (docs/rules.md, generated from `lcplan explain`).
    static func ruleLink(_ rule: Rule) -> String { "[\(rule.id)](docs/rules.md#\(rule.id.lowercased()))" }

    static func escape(_ text: String) -> String {
        text.replacingPipes
    }
}

extension String {
    var replacingPipes: String {
        var out = ""
        for character in self {
            switch character {
            case "|": out += "\\|"
            case "\n": out += " "
            default: out.append(character)
            }
        }
        return out
    }
}
