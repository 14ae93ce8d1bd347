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
            CONFIG is a config.json, a directory holding one, or a hub id (OWNER/NAME) found in the local \
            Hugging Face cache ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub; the revision \
            refs/main names), never downloaded. The output holds a `model:` mapping: save it as NAME.yaml in a preset directory and use \
            `model: NAME`, or paste the mapping under `model:` in a spec. Keys of the config that lcplan does \
            not use are listed on standard error.
            """)

    @Argument(
        help: ArgumentHelp(
            "The config.json file, a model directory holding one, a hub id (Qwen/Qwen3-8B) in the local Hugging Face cache, or - for standard input.",
            valueName: "config"))
    var config: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the model to this file (atomically).", valueName: "file"))
    var output: String?

    @Option(help: "Colour in messages: auto, always or never.")
    var color: ColorChoice = .auto

    func run() throws {
        var path = config, name = config == "-" ? "<stdin>" : config
        var status = stat()
        let exists = config != "-" && stat(config, &status) == 0
        if exists, FileKind(mode: status.st_mode) == .directory {
            path = LocalPath(config).appending("config.json").text
            name = path
        } else if config != "-", !exists, HubCache.isHubID(config) {
            let cache = HubCache.from(environment: ProcessInfo.processInfo.environment)
            guard let found = cache.config(config) else {
                Output.standardError(
                    "lcplan: error: '\(config)' is neither a file, a model directory nor a model in the local Hugging Face cache (looked in: \(cache.looked(config))); lcplan never downloads: `huggingface-cli download \(config) config.json` fetches it\n"
                )
                throw ExitCode(2)
            }
            (path, name) = found
        }
        let text: String
        switch InputFile.read(path, displayName: name) {
        case .failure(let diagnostic):
            Output.standardError(DiagnosticText.render(diagnostic, style: color.forStandardError))
            throw ExitCode(2)
        case .success(let read): text = read
        }
        let result = HFConfigImporter.importConfig(text, file: name)
        if !result.diagnostics.isEmpty {
            Output.standardError(DiagnosticText.render(result.diagnostics, style: color.forStandardError))
        }
        guard let model = result.model else { throw ExitCode(2) }
        guard Output.write(ModelSpecYAML.render(model, from: name), to: output) else { throw ExitCode(2) }
    }
}
