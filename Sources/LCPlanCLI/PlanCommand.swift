import ArgumentParser
import LCPlanModel
import LCPlanReport

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

    @Argument(help: ArgumentHelp("The spec file (YAML or JSON), or - for standard input.", valueName: "spec"))
    var spec: String

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

    @OptionGroup var options: SpecOptions

    func run() throws {
        let load = SpecLoader.load(path: spec, library: options.library)
        let report = Report(file: spec == "-" ? "<stdin>" : spec, load: load, timing: timing)
        let text: String
        switch format {
        case .text: text = TextReporter.render(report, style: options.color.style(toFile: output != nil))
        case .json: text = ReportDocument.report.encode(report).serialized()
        case .markdown: text = MarkdownReporter.render(report)
        }
        let textOnTerminal = format == .text && (output == nil || output == "-")
        if !textOnTerminal && !report.diagnostics.isEmpty {
            Output.standardError(DiagnosticText.render(report.diagnostics, style: options.color.forStandardError))
        }
        if report.verdict == .invalid && !(output == nil || output == "-") {
            throw ExitCode(2)
        }
        guard Output.write(text, to: output) else { throw ExitCode(2) }
        let status = report.exitStatus(failOn: failOn ?? report.spec?.checks.failOn ?? .error)
        if status != 0 { throw ExitCode(status) }
    }
}
