import ArgumentParser
import LCPlanCalculators
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
            chunked_prefill_size, block_size) become flags. When the search finds separate prefill and decode pools \
            better than one aggregated layout (the report's Serving section), the script starts either pool, \
            chosen by its first argument (sh SCRIPT prefill, sh SCRIPT decode), each with its own degrees and \
            batch: vLLM's servers joined by a KV connector (--kv-transfer-config; NixlConnector unless \
            --kv-connector names another), SGLang's in --disaggregation-mode; the flags lcplan's engines \
            reference does not list are marked unverified in the script; TensorRT-LLM's disaggregated launch is \
            not listed there, so emit exits 1 for it; --aggregated launches the aggregated layout instead. When the plan needs what the engine cannot do (context parallelism on an \
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

    @Flag(help: "Launch the aggregated layout even when separate prefill and decode pools are better.")
    var aggregated = false

    @Option(
        name: .customLong("kv-connector"),
        help: ArgumentHelp("vLLM's KV connector between separate prefill and decode pools.", valueName: "name"))
    var kvConnector = Emitter.defaultConnector

    @OptionGroup var options: SpecOptions
    @OptionGroup var settings: SpecSettings

    func validate() throws {
        // The name goes into a single-quoted JSON string in the script.
        guard !kvConnector.isEmpty,
            kvConnector.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") })
        else { throw ValidationError("--kv-connector takes a connector's class name (letters, digits, _ . -), not '\(kvConnector)'") }
    }

    func run() throws {
        var (report, analysis) = try options.analysedReport(spec, settings: settings)
        // The best layout the engine can run: the same search within its start-up rules, as
        // `search.enforce: [engine]` asks (the unrestricted choice may be one the engine refuses).
        var restricted: String? = nil
        // A training engine for a serving plan (or the reverse) is refused by the emitter with that reason; a
        // search that finds nothing the engine runs leaves the report's layout, whose problems are listed.
        let kindMatches = engine.serves == (analysis.spec.workload.mode == .inference)
        if kindMatches, let rules = EngineRules(rawValue: engine.rawValue), var spec = report.spec,
            !spec.search.enforce.contains(rules)
        {
            spec.enforce(rules)
            let within = Analysis(spec)
            if within.search.chosen != nil, within.search.status != .doesNotFit {
                if within.layout != analysis.layout {
                    restricted =
                        "lcplan plan chooses \(analysis.spec.workload.training != nil ? analysis.layout.trainingSummary : analysis.layout.summary), which \(engine.version) cannot run as planned"
                }
                analysis = within
            }
        }
        guard analysis.search.status != .doesNotFit else {
            Output.standardError("lcplan emit: no layout of \(report.file) fits in device memory; nothing to launch\n")
            throw ExitCode(1)
        }
        switch Emitter.emit(analysis, engine: engine, options: EmitOptions(aggregated: aggregated, kvConnector: kvConnector)) {
        case .unsupported(let reasons):
            Output.standardError(
                "lcplan emit: \(engine.version) cannot run this plan:\n" + reasons.map { "  - \($0)\n" }.joined())
            throw ExitCode(1)
        case .script(var text):
            if let restricted {
                // After the header's layout line: why this layout is not the report's.
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let at = lines.firstIndex { $0.hasPrefix("# Layout:") }.map { $0 + 1 } ?? 1
                lines.insert(
                    "# "
                        + ShellWord.commentText(
                            "Searched within \(engine.version)'s start-up rules (as search.enforce: [\(engine.rawValue)] does): \(restricted)."
                        ),
                    at: at)
                text = lines.joined(separator: "\n")
            }
            guard Output.write(text, to: output) else { throw ExitCode(2) }
        }
    }
}
