import ArgumentParser
import Foundation
import LCPlanCalculators
import LCPlanModel
import LCPlanReport
import LCPlanValidation

enum PlanFormat: String, CaseIterable, ExpressibleByArgument { case text, json, markdown }

/// `lcplan plan SPEC`: the full report.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the full report for a spec (the default command).",
        discussion: """
            SPEC is a YAML or JSON file, or - for standard input. The report shows the resolved model \
            (presets expanded, exact parameter counts), the hardware and the workload, the layout (the keys \
            `plan` fixes as given, the rest searched by the spec's `search.objective`; serving without a \
            workload batch and with the throughput objective also searches the batch), with runners-up and \
            why), the FLOP, memory and time profiles, the KV layout (bits per element with metadata, bytes \
            per block, the ideal capacity and, with `serving.engine: vllm` or `sglang`, that engine's \
            start-up accounting and the lines it logs), for training with workload.documents the imbalance of \
            each packing policy (naive, balanced, chunked, disaggregated), RoPE feasibility, and every \
            finding. The spec's \
            `search` section: objective (throughput, latency or devices), runners_up (default 5), \
            tp_across_nodes (default false), tp_beyond_kv_groups (default true), cp_kinds (ring, ulysses, \
            allgather, hierarchical) and enforce (engines whose start-up rules must hold: megatron, torchtitan, deepspeed, \
            vllm, sglang, trtllm), disaggregate (serving: also cost separate prefill and decode pools, default \
            true). \
            Exit status: 0 no finding at or above the fail level, 1 infeasible or a finding at the fail level \
            (--fail-on, else the spec's checks.fail_on, default error), 2 invalid input.
            """)

    @Argument(
        help: ArgumentHelp(
            "The spec file (YAML or JSON), or - for standard input; none with --model, --device and --context.", valueName: "spec"),
        completion: .file(extensions: ["yaml", "yml", "json"]))
    var spec: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: PlanFormat = .text

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Write the report to this file (atomically) instead of standard output.", valueName: "file")
    )
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Lowest severity that fails the run: note, warning or error (default: the spec's checks.fail_on, else error).",
            valueName: "severity"))
    var failOn: Severity?

    @Flag(
        help:
            "Show the layout search's wall time (text: the Layout section; JSON: layout.search_time_s). Off by default: it varies run to run, the rest of the report does not."
    )
    var timing = false

    @Option(
        help: ArgumentHelp(
            "Also draw the spec over contexts from 1/32 to 8 times its own (as lcplan sweep --context) into this SVG file; the markdown report shows it.",
            valueName: "file.svg"))
    var plot: String?

    @Flag(help: "Also validate the plan with scaled-down reference kernels on this CPU (as lcplan validate); a failed check exits 1.")
    var validate = false

    @Flag(help: "Text: print only the verdict, the summary and the findings at warning level and above.")
    var brief = false

    @OptionGroup var options: SpecOptions
    @OptionGroup var settings: SpecSettings

    /// `lcplan chek x.yaml` runs `plan` on a file named `chek`: when no such file exists and the word is
    /// close to a command's name, the finding names the command.
    static func misspeltCommand(_ word: String) -> Diagnostic? {
        guard !word.contains("/"), !word.contains("."), access(word, F_OK) != 0 else { return nil }
        let commands = LCPlan.configuration.subcommands.map { $0.configuration.commandName ?? "" }.filter { !$0.isEmpty }
        guard !commands.contains(word), let command = NearestName.suggest(word, among: commands) else { return nil }
        return Diagnostic(
            .inputUnreadable, "cannot read '\(word)': no such file (did you mean the command '\(command)'?)",
            at: SourceLocation(file: word), expected: "a spec file, or a command: " + commands.joined(separator: ", "),
            suggestion: command)
    }

    func run() throws {
        if spec == nil && !settings.statesSpec {
            Output.standardError("lcplan: error: give a spec file, or --model, --device and --context\n")
            throw ExitCode(2)
        }
        let (name, source, loaded) = try settings.load(path: spec, library: options.library)
        let directory = spec.map { $0 == "-" ? "." : LocalPath($0).directory.text } ?? "."
        var load = loaded
        if source == nil, let spec, let misspelt = Self.misspeltCommand(spec) { load = LoadResult(spec: nil, diagnostics: [misspelt]) }
        var report = Report(file: name, load: load, timing: timing)
        if validate, let analysis = report.analysis {
            let progress = Progress(quiet: false)
            report.validation = Validation.run(analysis, local: options.localDevice) { progress.update($0) }
            progress.finish()
        }
        if let plot, let analysis = report.analysis, let source {
            let context = analysis.spec.workload.context
            let values = Sweep.values(
                from: max(min(1024, context), context / 32),
                to: context.saturatingMultiplied(by: 8) > SpecShapes.maxTokens ? context : context * 8,
                factor: 2, step: nil)
            let sweep = Sweep(
                base: analysis, text: source, file: name, baseDirectory: directory.isEmpty ? "." : directory, library: options.library,
                key: "workload.context", values: values, overrides: try settings.overrides(withFile: spec != nil).map { ($0.key, $0.value) }
            )
            let title = "\(analysis.spec.model.name) on \(analysis.spec.hardware.count) x \(analysis.spec.hardware.device.name): context"
            guard Output.write(SweepReport.svg(sweep, title: title), to: plot) else { throw ExitCode(2) }
        }
        let text: String
        switch format {
        case .text:
            let rendered = TextReporter.render(report, style: options.color.style(toFile: output != nil), brief: brief)
            text = LCPlan.wrapWidth(output: output).map { TextWrap.wrap(rendered, width: $0) } ?? rendered
        case .json: text = ReportDocument.report.encode(report).serialized()
        case .markdown:
            // The chart's link is relative to where the markdown is written, not to the working directory.
            let chart = plot.map { plot -> String in
                guard let output, output != "-", !plot.hasPrefix("/") || output.hasPrefix("/") else { return plot }
                let cwd = FileManager.default.currentDirectoryPath
                return LocalPath(plot).relative(from: LocalPath(output).directory, workingDirectory: cwd).text
            }
            text = MarkdownReporter.render(report, chart: report.analysis == nil ? nil : chart)
        }
        let textOnTerminal = format == .text && (output == nil || output == "-")
        if !textOnTerminal && !report.diagnostics.isEmpty {
            Output.standardError(DiagnosticText.render(report.diagnostics, style: options.color.forStandardError))
        }
        // An invalid spec's report is complete (its verdict and findings): written like any other, exit 2.
        guard Output.write(text, to: output) else { throw ExitCode(2) }
        let status = report.exitStatus(failOn: failOn ?? report.spec?.checks.failOn ?? .error)
        if status != 0 { throw ExitCode(status) }
    }
}
