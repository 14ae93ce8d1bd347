import ArgumentParser
import Foundation
import LCPlanModel
import LCPlanPrecision
import LCPlanReport

/// `lcplan init`: a commented spec to start from, for the model, device and context given.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented spec to start from (a built-in model and device, a context).",
        discussion: """
            The spec names a built-in model and device preset (aliases such as h100 are written as the preset \
            they stand for), the context, and the keys a first plan usually sets, each with a comment. Without \
            -o it goes to standard output; -o refuses a file that exists unless --force. Exit status: 0 \
            written, 2 an unknown preset, a bad context or an output that cannot be written.
            """)

    @Option(help: ArgumentHelp("Model preset (default llama-3.1-8b).", valueName: "preset"), completion: .list(ModelCatalogue.names))
    var model = "llama-3.1-8b"

    @Option(help: ArgumentHelp("Device preset (default h100-sxm).", valueName: "preset"), completion: .list(DeviceCatalogue.names))
    var device = "h100-sxm"

    @Option(help: ArgumentHelp("Target context (default 32k).", valueName: "tokens"))
    var context = "32k"

    @Option(help: ArgumentHelp("Devices in all (default 1).", valueName: "n"))
    var count = 1

    @Option(help: ArgumentHelp("inference or training (default inference).", valueName: "mode"))
    var mode = "inference"

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the spec to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Replace the -o file if it exists.")
    var force = false

    func run() throws {
        // Only names lcplan knows reach the file: nothing typed here is copied into it as text.
        guard let model = ModelCatalogue.named(model)?.name else { throw Self.unknown("model", model, ModelCatalogue.names) }
        guard let device = DeviceCatalogue.named(device)?.name else { throw Self.unknown("device", device, DeviceCatalogue.names) }
        guard case .success(let tokens) = QuantityParser.tokens(context), let length = tokens.intValue, length > 0,
            length <= SpecShapes.maxTokens
        else { throw ValidationError("--context takes a token count such as 32k, 1M or 131072") }
        guard (1...SpecShapes.maxShape).contains(count) else { throw ValidationError("--count takes 1 to \(SpecShapes.maxShape) devices") }
        guard let mode = WorkloadMode(rawValue: mode.lowercased()) ?? WorkloadMode.value(spelled: mode) as? WorkloadMode else {
            throw ValidationError("--mode takes inference or training")
        }
        if let output, output != "-", !force, access(output, F_OK) == 0 {
            Output.standardError("lcplan: error: '\(DisplayText.escapingControls(output))' exists; --force replaces it\n")
            throw ExitCode(2)
        }
        let text = Self.spec(model: model, device: device, context: length, count: count, mode: mode)
        guard Output.write(text, to: output) else { throw ExitCode(2) }
    }

    static func unknown(_ kind: String, _ name: String, _ names: [String]) -> ValidationError {
        let suggestions = NearestName.suggestions(name, among: names)
        return ValidationError(
            "unknown \(kind) preset '\(DisplayText.escapingControls(name))'\(NearestName.hint(suggestions)); `lcplan presets` lists them")
    }

    /// The spec text: every value a known preset name, a number or a fixed word.
    static func spec(model: String, device: String, context: Int, count: Int, mode: WorkloadMode) -> String {
        let serving = mode == .inference
        // Comments aligned in one column after the longest line they follow.
        func line(_ code: String, _ comment: String? = nil) -> String {
            guard let comment else { return code }
            return code + String(repeating: " ", count: max(1, 36 - code.count)) + "# " + comment
        }
        var lines = [
            "# An lcplan spec written by `lcplan init`. Edit it, then run: lcplan plan THIS_FILE",
            "# Every key: `lcplan schema spec`; the presets: `lcplan presets`; a finding: `lcplan explain LCxxx`.",
            line("version: 1"),
            line("model: \(model)", "a preset, {preset: NAME, <overrides>}, or {hf_config: ./config.json}"),
            line("hardware:"),
            line("  device: \(device)", "a device preset, or a mapping of figures"),
            line("  count: \(count)", "devices in all; per_node defaults to min(count, 8)"),
            line("workload:"),
            line("  mode: \(mode.rawValue)", "inference | training"),
            line("  context: \(context)", "tokens per \(serving ? "request (prompt + output)" : "sequence")"),
        ]
        if serving {
            lines += [
                line("  output_tokens: \(min(WorkloadSpec.assumedOutputTokens, context / 2))", "generated tokens per request"),
                line("  # batch: 8", "concurrent requests; without it the search picks the throughput-best"),
                line("  dtype: bf16", "weights and compute: bf16, fp8, int8, int4"),
                line("  kv_cache: bf16", "the KV cache format; fp8 halves it"),
                line("constraints: {memory_headroom: 0.1}", "also ttft: 2s, tpot: 50ms"),
            ]
        } else {
            lines += [
                line("  global_batch: 64", "sequences per optimizer step"),
                line("  micro_batch: 1"),
                line("  dtype: bf16"),
                line("  recompute: selective", "none | selective | full"),
                line("constraints: {memory_headroom: 0.1}", "also step_time: 10s"),
            ]
        }
        lines.append(line("checks: {fail_on: error}", "warning makes lcplan check fail on warnings too"))
        return lines.joined(separator: "\n") + "\n"
    }
}
