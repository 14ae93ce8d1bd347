import ArgumentParser
import LCPlanModel
import LCPlanReport

extension Engine: ExpressibleByArgument {}

/// `lcplan emit SPEC --engine E`: the chosen layout as an engine's launch script.
struct EmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Print the chosen plan as a launch script for a real engine.",
        discussion: """
            The layout is the report's (the keys `plan` fixes, the rest searched). The output is a POSIX shell \
            script: the engine's command with its flags (vllm serve, python -m sglang.launch_server, \
            trtllm-serve) or the config file it reads, written by a here-document, and the launch line \
            (Megatron-LM pretrain_gpt.py under torchrun, a torchtitan TOML job file, a DeepSpeed JSON config). \
            It names the engine release whose flags it uses (vLLM 0.33.0, SGLang 0.5.23, TensorRT-LLM 1.x, \
            Megatron-LM core_v0.19.0, torchtitan v0.2.2, DeepSpeed 0.19.5); arguments after the script's name \
            are passed on ("$@"). With the spec's serving.engine naming the engine emitted for, its knobs \
            (gpu_memory_utilization, max_num_batched_tokens, max_num_seqs, mem_fraction_static, \
            chunked_prefill_size, block_size) become flags. When the plan needs what the engine cannot do (context parallelism on an \
            engine without it, a serving engine for a training plan, ...), emit prints why on standard error \
            and exits 1, writing nothing. Exit status: 0 written, 1 the engine cannot run the plan or the plan \
            does not fit, 2 invalid input.
            """)

    @Argument(
        help: ArgumentHelp("The spec file (YAML or JSON), or - for standard input.", valueName: "spec"),
        completion: .file(extensions: ["yaml", "yml", "json"]))
    var spec: String

    @Option(help: "The engine: vllm, sglang, trtllm, megatron, torchtitan or deepspeed.")
    var engine: Engine

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Write the script to this file (atomically) instead of standard output.", valueName: "file")
    )
    var output: String?

    @OptionGroup var options: SpecOptions

    func run() throws {
        let (report, analysis) = try options.analysedReport(spec)
        guard analysis.search.status != .doesNotFit else {
            Output.standardError("lcplan emit: no layout of \(report.file) fits in device memory; nothing to launch\n")
            throw ExitCode(1)
        }
        switch Emitter.emit(analysis, engine: engine) {
        case .unsupported(let reasons):
            Output.standardError(
                "lcplan emit: \(engine.version) cannot run this plan:\n" + reasons.map { "  - \($0)\n" }.joined())
            throw ExitCode(1)
        case .script(let text):
            guard Output.write(text, to: output) else { throw ExitCode(2) }
        }
    }
}
