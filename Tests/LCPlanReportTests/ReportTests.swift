import Testing
import LCPlanModel
@testable import LCPlanReport

struct ReportTests {
    static let base = "version: 1\nmodel: llama-2-7b\nhardware: {device: h200}\nworkload: {context: 4k}\n"

    func report(_ text: String) -> Report {
        Report(file: "t.yaml", load: SpecLoader.load(text: text, file: "t.yaml"))
    }

    @Test func verdictFollowsTheFindings() {
        #expect(report(Self.base).verdict == .ok)
        #expect(report(Self.base.replacingOccurrences(of: "4k", with: "32k")).verdict == .warnings)
        #expect(report(Self.base.replacingOccurrences(of: "4k", with: "4 parsecs")).verdict == .invalid)
    }

    @Test func exitStatusFollowsTheFailLevel() {
        let warned = report(Self.base.replacingOccurrences(of: "4k", with: "32k"))
        #expect(warned.exitStatus(failOn: .error) == 0)
        #expect(warned.exitStatus(failOn: .warning) == 1)
        #expect(report("version: 1\n").exitStatus(failOn: .error) == 2)
    }

    @Test func suppressionRemovesOnlyNamedWarnings() {
        let text = Self.base.replacingOccurrences(of: "4k", with: "32k") + "checks: {suppress: [LC301]}\n"
        let r = report(text)
        #expect(r.diagnostics.isEmpty && r.suppressed == ["LC301"] && r.verdict == .ok)
    }

    @Test func textReportLeadsWithTheVerdict() {
        let text = TextReporter.render(report(Self.base))
        let lines = text.split(separator: "\n")
        #expect(lines[1] == "Verdict: OK — no findings")
        #expect(text.contains("6,738,415,616"))
        #expect(!text.contains("\u{1B}["), "no colour unless asked")
        #expect(TextReporter.render(report(Self.base), style: TextStyle(color: true)).contains("\u{1B}[1;32mOK"))
    }

    @Test func sarifNamesEveryRuleOnce() {
        let sarif = SARIFReporter.render([report(Self.base)])
        guard case .array(let runs)? = sarif["runs"], case .object = runs.first,
              case .array(let rules)? = runs.first?["tool"]?["driver"]?["rules"] else {
            Issue.record("SARIF has no rules")
            return
        }
        #expect(rules.count == Rule.all.count)
    }
}
