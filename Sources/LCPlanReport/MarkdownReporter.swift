import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The report as GitHub-flavoured markdown: a heading with the verdict, then one table per section.
public enum MarkdownReporter {
    public static func render(_ report: Report) -> String {
        var out = "# lcplan report: `\(escape(report.file))`\n\n"
        out += "**Verdict: \(report.verdict.rawValue)** (\(TextReporter.summary(report)))\n"
        if let analysis = report.analysis { out += "\n" + escape(ProfileText.headline(analysis)) + "\n" }
        for section in report.sections { out += "\n" + render(section) }
        if !report.diagnostics.isEmpty {
            out += "\n## Findings\n\n| rule | severity | where | message |\n|---|---|---|---|\n"
            for d in report.diagnostics {
                let location = [d.location?.description, d.keyPath.map { "`\($0)`" }].compactMap { $0 }.joined(separator: " ")
                out += "| \(d.rule.id) | \(d.severity.rawValue) | \(escape(location)) | \(escape(d.message)) |\n"
            }
        }
        return out
    }

    /// One section of the report model as a heading, a table and its notes.
    static func render(_ section: ReportSection) -> String {
        var out = "## \(section.title)" + (section.detail.isEmpty ? "" : " (\(escape(section.detail)))") + "\n\n"
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
