import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The report as GitHub-flavoured markdown for a pull-request comment: the verdict and a summary table
/// first, then the findings (each rule linked to its entry in docs/rules.md, generated from `lcplan
/// explain`), the chart when one was drawn, and every section of the full report folded in `<details>`.
public enum MarkdownReporter {
    public static func render(_ report: Report, chart: String? = nil) -> String {
        var out = "## lcplan: \(codeSpan(report.file))\n\n"
        out += "**Verdict: \(report.verdict.rawValue)** (\(TextReporter.summary(report)))\n"
        if let analysis = report.analysis {
            out += "\n" + escape(ProfileText.headline(analysis)) + "\n\n"
            out += "| | |\n|---|---|\n"
            for (name, value) in AnswerSummary.rows(analysis) { out += "| \(name) | \(escape(value)) |\n" }
        }
        if !report.diagnostics.isEmpty {
            out += "\n### Findings\n\n| rule | severity | where | message |\n|---|---|---|---|\n"
            for d in report.diagnostics {
                let location = [d.location.map { escape($0.description) }, d.keyPath.map(codeSpan)].compactMap { $0 }.joined(separator: " ")
                out += "| \(ruleLink(d.rule)) | \(d.severity.rawValue) | \(location) | \(escape(d.message)) |\n"
            }
        }
        if !report.suppressed.isEmpty || !report.keySuppressed.isEmpty {
            out += "\nSuppressed by the spec: "
            out +=
                (report.suppressed.map(escape)
                + report.keySuppressed.map { "\(escape($0.rule)) at \(codeSpan($0.key))" + ($0.reason.map { " (\(escape($0)))" } ?? "") })
                .joined(separator: ", ") + "\n"
        }
        if let chart { out += "\n![lcplan sweep chart](\(linkDestination(chart)))\n" }
        if !report.sections.isEmpty {
            out += "\n<details><summary>Full report</summary>\n\n"
            for section in report.sections { out += render(section) + "\n" }
            if let validation = report.validation { out += render(ValidationReport.text(validation)) + "\n" }
            out += "</details>\n"
        }
        return out
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
    /// The rule catalogue of this release, absolute: a report is read in the user's repository, where a
    /// relative docs/rules.md does not exist.
    public static let rulesURL = "https://github.com/lcplan/lcplan/blob/v\(Report.toolVersion)/docs/rules.md"

    static func ruleLink(_ rule: Rule) -> String { "[\(rule.id)](\(rulesURL)#\(rule.id.lowercased()))" }

    /// Text (a name, a message, a cell) as inert GitHub-flavoured markdown on one line: HTML's `&`, `<` and
    /// `>` as entities (no tag, comment or autolink can open), `[`, `]` and backticks backslash-escaped (no
    /// link, image or code span), `|` escaped (no new table cell), line breaks as spaces, controls escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in DisplayText.escapingControls(text) {
            switch character {
            case "|": out += "\\|"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "[": out += "\\["
            case "]": out += "\\]"
            case "`": out += "\\`"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A code span holding `text` verbatim (CommonMark 6.1): fenced by one more backtick than its longest
    /// run of backticks, padded when it starts or ends with one; `|` escaped, as GFM tables require even
    /// inside code.
    static func codeSpan(_ text: String) -> String {
        let body = DisplayText.escapingControls(text).replacing("|", with: "\\|")
        var longest = 0, run = 0
        for character in body {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// A link destination: every byte outside letters, digits and `-._~/` percent-encoded (RFC 3986), so
    /// a path with spaces, parentheses or angle brackets stays one destination.
    static func linkDestination(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
