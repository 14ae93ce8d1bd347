import ArgumentParser
import Foundation
import LCPlanCalculators
import LCPlanModel
import LCPlanReport
import LCPlanValidation

/// A one-line progress display on standard error, shown only on a terminal and only once a run has taken
/// a second.
final class Progress: @unchecked Sendable {
    let enabled: Bool
    let started = DispatchTime.now().uptimeNanoseconds
    var shown = false

    init(quiet: Bool) { enabled = !quiet && isatty(STDERR_FILENO) == 1 }

    func update(_ step: String) {
        guard enabled, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 > 1 else { return }
        shown = true
        Output.standardError("\r\u{1B}[2Klcplan validate: \(step)...")
    }

    func finish() { if shown { Output.standardError("\r\u{1B}[2K") } }
}

/// `lcplan validate SPEC`: the plan checks itself with reference kernels on this CPU.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check lcplan's own figures for a plan against scaled-down reference kernels run on this CPU.",
        discussion: """
            This checks lcplan's arithmetic (FLOPs, KV bytes, RoPE precision, attention numerics) on the plan, \
            not whether the plan fits: that is lcplan plan's verdict. The plan is scaled down to what runs here in seconds (a sequence of at most 2,048 tokens, at most 8 \
            query heads with the model's GQA ratio, its head dimension, its sliding window scaled alike, its \
            context-parallel degree up to 8 and split), and reference kernels run on it: causal attention in fp64 \
            and a tiled online-softmax kernel in fp32 (both counting the pairs they execute), the context-parallel \
            split with partial results merged by log-sum-exp, RoPE phases in the spec's formats against MPFR, the \
            KV layout's paged allocator and its format's round trip. Each check reports what the plan predicted, \
            what was measured, the tolerance and the status; exact checks must match exactly. A progress line \
            shows on standard error when a run takes over a second on a terminal (--quiet hides it). Exit \
            status: 0 every check passed, 1 a check failed (or the plan is infeasible), 2 invalid input.
            """)

    @Argument(
        help: ArgumentHelp("The spec file (YAML or JSON), or - for standard input.", valueName: "spec"),
        completion: .file(extensions: ["yaml", "yml", "json"]))
    var spec: String

    @Option(help: "Output format: text or json (the report's validation section).")
    var format: ValidateFormat = .text

    @Option(help: ArgumentHelp("Threads for the tiled kernel (default 2).", valueName: "n"))
    var threads: Int = 2

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @OptionGroup var options: SpecOptions
    @OptionGroup var settings: SpecSettings

    func validate() throws {
        if threads < 1 || threads > 256 { throw ValidationError("--threads must be from 1 to 256") }
    }

    func run() throws {
        var (report, analysis) = try options.analysedReport(spec, settings: settings)
        let progress = Progress(quiet: quiet)
        report.validation = Validation.run(analysis, threads: threads, local: options.localDevice) { progress.update($0) }
        progress.finish()
        let text: String
        switch format {
        case .text: text = ValidationOutput.text(report, style: options.color.style(toFile: false))
        case .json: text = ValidationOutput.document.encode(report).serialized()
        }
        Output.standardOutput(text)
        let failed = report.validation?.checks.contains { $0.status == .fail } ?? false
        // The kernels check lcplan's arithmetic on the plan; a plan `plan` and `check` call infeasible stays
        // infeasible here (the same verdict, the same exit status).
        if report.verdict == .infeasible {
            Output.standardError(
                "lcplan validate: \(DisplayText.escapingControls(report.file)): the plan is infeasible (lcplan check SPEC says why)\n")
        }
        if failed || report.verdict == .infeasible { throw ExitCode(1) }
    }
}

enum ValidateFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

extension SpecOptions {
    /// This machine's `local` device: the calibrated preset on the search path, else the built-in one.
    var localDevice: DeviceSpec? {
        let text = "version: 1\nmodel: llama-3.2-3b\nhardware: {device: local}\nworkload: {context: 1k}\n"
        return SpecLoader.load(text: text, file: "local.yaml", library: library).spec?.hardware.device
    }
}
