import ArgumentParser
import Foundation
import LCPlanCalculators
import LCPlanModel
import LCPlanReport

extension ColorChoice: ExpressibleByArgument {}

/// Options every spec-reading command shares.
struct SpecOptions: ParsableArguments {
    @Option(
        name: .customLong("presets"),
        help: ArgumentHelp(
            "A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.",
            valueName: "dir"))
    var presetDirectories: [String] = []

    @Option(help: "Colour in text output: auto (on a terminal), always or never.")
    var color: ColorChoice = .auto

    var library: PresetLibrary {
        PresetLibrary.from(flags: presetDirectories, environment: ProcessInfo.processInfo.environment)
    }

    /// The report of the spec at `path` (`-`: standard input) with its analysis; invalid input prints its
    /// diagnostics on standard error and exits 2.
    func analysedReport(_ path: String, settings: SpecSettings) throws -> (Report, Analysis) {
        let (name, _, load) = try settings.load(path: path, library: library)
        let report = Report(file: name, load: load)
        guard let analysis = report.analysis else {
            Output.standardError(DiagnosticText.render(report.diagnostics, style: color.forStandardError))
            throw ExitCode(2)
        }
        return (report, analysis)
    }
}
