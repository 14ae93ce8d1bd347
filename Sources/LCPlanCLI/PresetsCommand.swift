import ArgumentParser
import LCPlanModel
import LCPlanReport

enum ListFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

/// `lcplan presets`: the built-in and user presets.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the model and hardware presets, with their sources.")

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    @OptionGroup var options: SpecOptions

    func run() throws {
        let user = options.library.userPresetNames
        switch format {
        case .json:
            Output.standardOutput(PresetsDocument.shape.encode(user).serialized())
        case .text:
            Output.standardOutput(PresetsDocument.text(userPresets: user))
        }
    }
}
