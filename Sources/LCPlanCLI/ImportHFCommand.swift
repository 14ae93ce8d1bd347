import ArgumentParser
import Foundation
import LCPlanModel
import LCPlanReport

/// `lcplan import-hf CONFIG.json`: a model spec from a Hugging Face config.
struct ImportHFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-hf",
        abstract: "Turn a Hugging Face config.json into an lcplan model (a user preset file).",
        discussion: """
            The output holds a `model:` mapping: save it as NAME.yaml in a preset directory and use \
            `model: NAME`, or paste the mapping under `model:` in a spec. Keys of the config that lcplan does \
            not use are listed on standard error.
            """)

    @Argument(help: ArgumentHelp("The config.json file, or - for standard input.", valueName: "config"))
    var config: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the model to this file (atomically).", valueName: "file"))
    var output: String?

    @Option(help: "Colour in messages: auto, always or never.")
    var color: ColorChoice = .auto

    func run() throws {
        let text: String
        switch InputFile.read(config) {
        case .failure(let diagnostic):
            Output.standardError(DiagnosticText.render(diagnostic, style: color.forStandardError))
            throw ExitCode(2)
        case .success(let read): text = read
        }
        let name = config == "-" ? "<stdin>" : config
        let result = HFConfigImporter.importConfig(text, file: name)
        if !result.diagnostics.isEmpty {
            Output.standardError(DiagnosticText.render(result.diagnostics, style: color.forStandardError))
        }
        guard let model = result.model else { throw ExitCode(2) }
        guard Output.write(ModelSpecYAML.render(model, from: name), to: output) else { throw ExitCode(2) }
    }
}
