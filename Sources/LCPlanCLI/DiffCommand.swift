import ArgumentParser
import LCPlanModel
import LCPlanReport

enum DiffFormat: String, CaseIterable, ExpressibleByArgument { case text, json, markdown }

/// `lcplan diff OLD NEW`: what changed in the figures between two specs.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed in the figures between two specs (for review).",
        discussion: """
            Both specs are planned as `lcplan plan` would; the output lists memory per device (and its parts), \
            headroom, max context, TTFT, TPOT or step time, tokens/s, MFU, sequences served at the target \
            context and devices, each with old, new and the change with its sign and percentage; then the \
            verdict, the layout and the RoPE verdict when they changed, and the findings that appeared or went. \
            Exit status: 2 if either spec is invalid; otherwise the new spec's status (1 infeasible or a finding \
            at the fail level, else 0).
            """)

    @Argument(help: ArgumentHelp("The spec before the change.", valueName: "old"), completion: .file(extensions: ["yaml", "yml", "json"]))
    var old: String

    @Argument(help: ArgumentHelp("The spec after the change.", valueName: "new"), completion: .file(extensions: ["yaml", "yml", "json"]))
    var new: String

    @Option(help: "Output format: text, json or markdown.")
    var format: DiffFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the diff to this file (atomically).", valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Lowest severity of the new spec's findings that fails the run (default: its checks.fail_on, else error).",
            valueName: "severity"))
    var failOn: Severity?

    @OptionGroup var options: SpecOptions

    func validate() throws {
        if old == "-" && new == "-" { throw ValidationError("standard input (-) can be read only once") }
    }

    func run() throws {
        func report(_ path: String) -> Report {
            Report(file: path == "-" ? "<stdin>" : path, load: SpecLoader.load(path: path, library: options.library))
        }
        let diff = ReportDiff(old: report(old), new: report(new))
        for r in [diff.old, diff.new] where r.verdict == .invalid {
            Output.standardError(DiagnosticText.render(r.diagnostics, style: options.color.style(toFile: true)))
        }
        let text: String
        switch format {
        case .text: text = diff.text()
        case .markdown: text = diff.markdown()
        case .json: text = ReportDocument.diff.encode(diff).serialized()
        }
        guard Output.write(text, to: output) else { throw ExitCode(2) }
        let status = diff.exitStatus(failOn: failOn ?? diff.new.spec?.checks.failOn ?? .error)
        if status != 0 { throw ExitCode(status) }
    }
}
