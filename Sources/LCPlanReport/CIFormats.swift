import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// `lcplan check --format github`: one GitHub Actions workflow command per finding (`::error`,
/// `::warning`, `::notice` with file, line, column and title), which the runner shows as annotations on the
/// spec's lines. Data is escaped as the runner unescapes it (`%` `%25`, CR `%0D`, LF `%0A`; in properties
/// also `:` `%3A` and `,` `%2C`: GitHub's "Workflow commands for GitHub Actions", escaping), so no message
/// can end its command early or start another.
public enum GitHubAnnotations {
    static func data(_ text: String) -> String {
        DisplayText.escapingControls(text.replacing("%", with: "%25")).replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    static func property(_ text: String) -> String { data(text).replacing(":", with: "%3A").replacing(",", with: "%2C") }

    public static func render(_ reports: [Report]) -> String {
        var out = ""
        for report in reports {
            for d in report.diagnostics {
                let command = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
                var properties = ["file=" + property(d.location?.file ?? report.file)]
                if let line = d.location?.line { properties.append("line=\(line)") }
                if let column = d.location?.column { properties.append("col=\(column)") }
                properties.append("title=" + property("\(d.rule.id) \(d.rule.name)"))
                out +=
                    "::\(command) \(properties.joined(separator: ","))::" + data(d.message + (d.keyPath.map { " (key \($0))" } ?? ""))
                    + "\n"
            }
        }
        return out
    }
}

/// `lcplan check --format gitlab`: GitLab's Code Quality report (a JSON array of issues with description,
/// check_name, fingerprint, severity info|minor|major|critical|blocker, location.path and
/// location.lines.begin; GitLab's "Code Quality" documentation, implementing a custom tool), which
/// merge requests show beside the diff. Errors are major, warnings minor, notes info.
public enum GitLabCodeQuality {
    public static func render(_ reports: [Report]) -> JSONValue {
        var issues: [JSONValue] = []
        for report in reports {
            for d in report.diagnostics {
                let path = d.location?.file ?? report.file
                let line = d.location?.line ?? 1
                let severity = d.severity == .error ? "major" : d.severity == .warning ? "minor" : "info"
                issues.append(
                    .object([
                        ("description", .string("\(d.rule.id): \(d.message)")),
                        ("check_name", .string(d.rule.id + " " + d.rule.name)),
                        ("fingerprint", .string(fingerprint([d.rule.id, path, d.keyPath ?? "", d.message]))),
                        ("severity", .string(severity)),
                        ("location", .object([("path", .string(path)), ("lines", .object([("begin", .integer(ExactInt(line)))]))])),
                    ]))
            }
        }
        return .array(issues)
    }

    /// A stable 128-bit fingerprint: two FNV-1a 64-bit hashes (different offset bases) of the parts, in hex.
    /// GitLab only needs it unique per issue and the same run to run.
    static func fingerprint(_ parts: [String]) -> String {
        func fnv(_ basis: UInt64) -> UInt64 {
            var hash = basis
            for byte in parts.joined(separator: "\u{1F}").utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            return hash
        }
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(fnv(0xcbf2_9ce4_8422_2325)) + hex(fnv(0x6c62_272e_07bb_0142))
    }
}

/// `lcplan check --format markdown`: one table for a pull-request comment, a row per spec with its verdict,
/// devices, fit, longest context, times and finding counts; the first line is a marker a workflow finds its
/// own earlier comment by (to edit it rather than add another).
public enum CheckMarkdown {
    public static let marker = "<!-- lcplan check -->"

    public static func render(_ reports: [Report]) -> String {
        var out =
            marker + "\n### lcplan\n\n| spec | verdict | devices | fits | max context | time | findings |\n|---|---|---|---|---|---|---|\n"
        for report in reports {
            var cells = [MarkdownReporter.codeSpan(report.file), report.verdict.rawValue]
            if let a = report.analysis {
                cells.append(MarkdownReporter.escape("\(a.layout.devices) x \(a.spec.hardware.device.name)"))
                cells.append(a.memory.fits ? "yes" : "no")
                let longest = a.oneRequest?.maxContext ?? a.maxContext
                cells.append(longest.map { UnitFormat.grouped(ExactInt($0)) } ?? "none")
                if let step = a.time.step {
                    cells.append("step \(Seconds(step.seconds))")
                } else {
                    let ttft = a.oneRequest?.ttft.map { "TTFT \(Seconds($0))" } ?? ""
                    let tpot = a.oneRequest?.tpot.map { "TPOT \(Seconds($0))" } ?? ""
                    cells.append([ttft, tpot].filter { !$0.isEmpty }.joined(separator: ", "))
                }
            } else {
                cells += ["", "", "", ""]
            }
            cells.append(TextReporter.summary(report))
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
