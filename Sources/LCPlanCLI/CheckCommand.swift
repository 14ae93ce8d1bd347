import ArgumentParser
import LCPlanModel
import LCPlanReport

enum CheckFormat: String, CaseIterable, ExpressibleByArgument { case text, json, sarif, github, gitlab, markdown }
extension Severity: ExpressibleByArgument {}

/// `lcplan check SPEC...`: diagnostics only, for CI.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check specs and print only their findings (for CI).",
        discussion: """
            Exit status: 2 if any spec is invalid; otherwise 1 if any finding is at or above the fail level \
            (--fail-on, else each spec's checks.fail_on, default error); otherwise 0. SARIF output (2.1.0) \
            lets code-scanning services show findings on the spec's lines; github prints GitHub Actions \
            annotations (::error file=...,line=...::); gitlab writes GitLab's Code Quality JSON; markdown a \
            table of the specs (verdict, devices, fit, longest context, times, findings) for a pull-request \
            comment.
            """)

    @Argument(
        help: ArgumentHelp("Spec files (YAML or JSON); - for standard input.", valueName: "spec"),
        completion: .file(extensions: ["yaml", "yml", "json"]))
    var specs: [String]

    @Option(help: "Output format: text, json, sarif, github, gitlab or markdown.")
    var format: CheckFormat = .text

    @Option(
        help: ArgumentHelp(
            "Lowest severity that fails the check: note, warning or error (default: the spec's checks.fail_on, else error).",
            valueName: "severity"))
    var failOn: Severity?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the findings to this file (atomically).", valueName: "file"))
    var output: String?

    @OptionGroup var options: SpecOptions
    @OptionGroup var settings: SpecSettings

    func validate() throws {
        if specs.isEmpty { throw ValidationError("give at least one spec file") }
        if specs.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
    }

    func run() throws {
        var reports: [Report] = []
        var status: Int32 = 0
        for path in specs {
            let (name, _, load) = try settings.load(path: path, library: options.library)
            let report = Report(file: name, load: load)
            reports.append(report)
            let level = failOn ?? report.spec?.checks.failOn ?? .error
            status = max(status, report.exitStatus(failOn: level))
        }
        let text: String
        switch format {
        case .text:
            let style = options.color.style(toFile: output != nil)
            let rendered = reports.map { report in
                let findings = DiagnosticText.render(report.diagnostics, style: style)
                let verdict = "\(report.file): " + style.verdict(report.verdict, report.verdict.rawValue)
                return findings + verdict + "\n"
            }.joined()
            text = LCPlan.wrapWidth(output: output).map { TextWrap.wrap(rendered, width: $0) } ?? rendered
        case .json:
            text = ReportDocument.check.encode((reports: reports, status: status)).serialized()
        case .sarif:
            text = SARIFReporter.render(reports).serialized()
        case .github: text = GitHubAnnotations.render(reports)
        case .gitlab: text = GitLabCodeQuality.render(reports).serialized()
        case .markdown: text = CheckMarkdown.render(reports)
        }
        guard Output.write(text, to: output, workflowCommands: format == .github) else { throw ExitCode(2) }
        if status != 0 { throw ExitCode(status) }
    }
}
