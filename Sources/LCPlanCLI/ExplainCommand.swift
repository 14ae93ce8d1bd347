import ArgumentParser
import LCPlanCalculators
import LCPlanModel
import LCPlanReport

/// `lcplan explain RULE`: the long form of a diagnostic rule.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic rule (LC102 or unknown-key); with no rule, list them all.")

    @Argument(help: ArgumentHelp("A rule id or name.", valueName: "rule"), completion: .list(RuleRegistry.all.map(\.id)))
    var rule: String?

    @Flag(help: "Print every rule's long form as markdown (what docs/rules.md holds).")
    var markdown = false

    func run() throws {
        if markdown {
            Output.standardOutput(RuleDocument.markdown(rule.flatMap(RuleRegistry.named).map { [$0] } ?? RuleRegistry.all))
            return
        }
        guard let name = rule else {
            var out = ""
            for r in RuleRegistry.all { out += "\(r.id)  \(r.severity.rawValue.padding(7))  \(r.name.padding(24))  \(r.summary)\n" }
            Output.standardOutput(out)
            return
        }
        guard let found = RuleRegistry.named(name) else {
            let suggestion = NearestName.suggest(name, among: RuleRegistry.all.map(\.id) + RuleRegistry.all.map(\.name))
            Output.standardError(
                "lcplan: error: no rule '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                    + "; `lcplan explain` lists them\n")
            throw ExitCode(2)
        }
        var out = "\(found.id) \(found.name) (\(found.severity.rawValue), \(found.area.rawValue))\n\n"
        out += found.summary + "\n\n" + found.help + "\n"
        out += "\nExample that triggers it:\n\n" + indent(found.triggering) + "\n"
        out += "\nExample that does not:\n\n" + indent(found.nonTriggering) + "\n"
        if found.isSuppressible {
            out += "\nSuppress it in a spec with `checks: {suppress: [\(found.id)]}`.\n"
        }
        Output.standardOutput(out)
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

/// The rule catalogue as markdown: docs/rules.md is this, generated (`make generate`) and checked for
/// staleness by the tests; markdown reports link each finding to its anchor.
enum RuleDocument {
    static func markdown(_ rules: [Rule]) -> String {
        var out = "# lcplan rules\n\nGenerated from the rule registry by `lcplan explain --markdown`; do not edit.\n\n"
        out += "| rule | name | severity | area | summary |\n|---|---|---|---|---|\n"
        for r in rules {
            out +=
                "| [\(r.id)](#\(r.id.lowercased())) | \(r.name) | \(r.severity.rawValue) | \(r.area.rawValue) | \(r.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        for r in rules {
            out += "\n<a id=\"\(r.id.lowercased())\"></a>\n\n## \(r.id) \(r.name)\n\n"
            out +=
                "\(r.severity.rawValue), \(r.area.rawValue)\(r.isSuppressible ? "; suppress with `checks: {suppress: [\(r.id)]}`" : "; cannot be suppressed")\n\n"
            out += r.summary + "\n\n" + r.help + "\n\n"
            out += "Triggers it:\n\n```yaml\n" + r.triggering + "\n```\n\nDoes not:\n\n```yaml\n" + r.nonTriggering + "\n```\n"
        }
        return out
    }
}
