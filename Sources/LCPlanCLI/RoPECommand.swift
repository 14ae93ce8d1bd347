import ArgumentParser
import Foundation
import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision
import LCPlanReport

extension NumberFormat: ExpressibleByArgument {}

/// `lcplan rope`: RoPE feasibility for a spec, a preset or bare figures.
struct RoPECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rope",
        abstract: "RoPE bounds and feasibility for a spec, a preset (--model) or bare figures (--theta).",
        discussion: """
            Computes, in MPFR, the phase-modulation bounds on the base (summary and exact-dimension forms), \
            the Men et al. criterion at every position (double precision with an error bound, rechecked in \
            MPFR near zero, so the verdict is exact), the Liu et al. critical dimension, and the precision of \
            positions and phases. Exit status: 0 feasible, 1 infeasible, 2 invalid input.
            """)

    @Argument(
        help: ArgumentHelp("A spec file (its model and context), or - for standard input.", valueName: "spec"),
        completion: .file(extensions: ["yaml", "yml", "json"]))
    var spec: String?

    @Option(
        help: ArgumentHelp("A model preset (or user preset) instead of a spec.", valueName: "preset"),
        completion: .list(ModelCatalogue.names))
    var model: String?

    @Option(help: ArgumentHelp("A bare RoPE base instead of a model.", valueName: "base"))
    var theta: String?

    @Option(help: ArgumentHelp("Rotary dims per head with --theta (default 128).", valueName: "dims"))
    var rotaryDim: Int = 128

    @Option(help: ArgumentHelp("Layers (the depth N of bound C) with --theta (default 32).", valueName: "n"))
    var layers: Int = 32

    @Option(
        help: ArgumentHelp("Target context (128k, 1M, 131072); default the spec's context or the model's max context.", valueName: "tokens")
    )
    var context: String?

    @Option(help: ArgumentHelp("Format in which phases are formed (default fp32, or the spec's).", valueName: "format"))
    var phaseDtype: NumberFormat?

    @Option(help: ArgumentHelp("Format of position ids (default fp32, or the spec's).", valueName: "format"))
    var positionDtype: NumberFormat?

    @Option(help: ArgumentHelp("Coherence threshold eps of the phase-modulation bounds (default 0.5, an assumption).", valueName: "eps"))
    var eps: Double?

    @Option(help: ArgumentHelp("Significant digits of the decimal strings (default 10).", valueName: "n"))
    var digits: Int = 10

    @Option(
        help: ArgumentHelp(
            "Evaluate the Men criterion only when context x rotary pairs is at most this, and spend at most this many cosines scanning Men windows for the recommended base (default 1600000000: about a second, enough to 128K tokens at 128 rotary dims; a scan this cannot finish is not started).",
            valueName: "n"))
    var menLimit: Int = 1_600_000_000

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    @OptionGroup var options: SpecOptions

    func validate() throws {
        let sources = [spec != nil, model != nil, theta != nil].filter { $0 }.count
        if sources != 1 { throw ValidationError("give exactly one of: a spec file, --model, --theta") }
        if !(1...1000).contains(digits) { throw ValidationError("--digits must be from 1 to 1000") }
        if rotaryDim < 2 || rotaryDim % 2 != 0 || rotaryDim > RoPEAnalysis.maxRotaryDim {
            throw ValidationError("--rotary-dim must be even, 2 to \(RoPEAnalysis.maxRotaryDim)")
        }
        if layers < 1 || layers > SpecShapes.maxShape { throw ValidationError("--layers must be 1 to 2^24") }
        if let eps, !(eps > 0 && eps < 1) { throw ValidationError("--eps must lie strictly between 0 and 1") }
        // A cosine costs about a nanosecond a core: 1e11 is a couple of minutes, a bound on any run.
        if menLimit < 0 || menLimit > 100_000_000_000 {
            throw ValidationError("--men-limit must be from 0 to 100000000000 (about two minutes of work)")
        }
        if let context {
            guard case .success(let tokens) = QuantityParser.tokens(context), tokens >= 1, tokens <= ExactInt(SpecShapes.maxTokens) else {
                throw ValidationError("--context: \(QuantityParser.tokensExpected), from 1 to 2^40")
            }
        }
        // The spec's own range for model.rope.theta (finite, at most 1e30), and above 1 (a base of 1 rotates
        // every pair at the same speed).
        if let theta {
            guard case .number(_, let maximum)? = SpecShapes.rope.field("theta")?.kind,
                let value = DecimalNumber(Substring(theta))?.doubleValue, value.isFinite, value > 1, value <= maximum
            else { throw ValidationError("--theta must be a number above 1 and at most 1e30") }
        }
    }

    func run() throws {
        var settings = RoPESettings()
        var resolved: ModelSpec
        var length: Int? = context.flatMap { try? QuantityParser.tokens($0).get().intValue }
        var file = ""
        if let spec {
            let load = SpecLoader.load(path: spec, library: options.library)
            guard let loaded = load.spec else {
                Output.standardError(DiagnosticText.render(load.diagnostics, style: options.color.forStandardError))
                throw ExitCode(2)
            }
            resolved = loaded.model
            settings = RoPESettings(loaded.conventions, checks: loaded.checks)
            length = length ?? loaded.workload.context
            file = loaded.file
        } else if let name = model {
            let text = "version: 1\nmodel: \(name)\nhardware: {device: local}\nworkload: {context: 1}\n"
            let load = SpecLoader.load(text: text, file: "--model", library: options.library)
            guard let loaded = load.spec else {
                Output.standardError(
                    DiagnosticText.render(load.diagnostics.filter { $0.severity == .error }, style: options.color.forStandardError))
                throw ExitCode(2)
            }
            resolved = loaded.model
        } else {
            let base = theta ?? "10000"
            resolved = ModelSpec(
                name: "rope", layers: layers, hidden: rotaryDim, heads: 1, kvHeads: 1, headDim: rotaryDim, ffn: 1,
                vocab: 1, maxContext: length ?? 4096,
                rope: RoPESpec(theta: base, rotaryDim: rotaryDim, trainedContext: length ?? 4096))
        }
        if let phaseDtype { settings.phaseFormat = phaseDtype }
        if let positionDtype { settings.positionFormat = positionDtype }
        if let eps { settings.eps = eps }
        settings.digits = digits
        settings.menBudget = menLimit
        settings.scanBudget = menLimit
        let target = length ?? resolved.maxContext
        let analyses = RoPEAnalysis.all(model: resolved, context: target, settings: settings, file: file)
        guard !analyses.isEmpty else {
            let reason =
                (resolved.rope?.rotaryDim ?? 0) > RoPEAnalysis.maxRotaryDim
                ? "rotary heads wider than \(RoPEAnalysis.maxRotaryDim) dims are not analysed"
                : "it has no rotary position embedding (positions: \(resolved.positions.rawValue))"
            Output.standardError("lcplan: error: \(resolved.name): \(reason)\n")
            throw ExitCode(2)
        }
        var findings = analyses.flatMap(\.diagnostics)
        if spec == nil, target > resolved.maxContext, resolved.rope?.scaling == nil {
            findings.insert(
                Diagnostic(
                    .beyondTrainedContext,
                    "context \(target) is beyond the trained context of \(resolved.name) (\(resolved.maxContext) tokens) and no RoPE scaling is configured",
                    keyPath: "workload.context", expected: "context <= \(resolved.maxContext), or model.rope.scaling"), at: 0)
        }
        switch format {
        case .json:
            Output.standardOutput(
                ReportDocument.rope.encode((model: resolved.name, context: target, analyses: analyses, findings: findings))
                    .serialized())
            if !findings.isEmpty { Output.standardError(DiagnosticText.render(findings, style: options.color.forStandardError)) }
        case .text:
            let style = options.color.style(toFile: false)
            let text =
                "\(resolved.name) at \(UnitFormat.grouped(ExactInt(target))) tokens\n\n"
                + RoPEReport.text(analyses, style: style)
                + (findings.isEmpty ? "" : "\n" + DiagnosticText.render(findings, style: style))
            Output.standardOutput(LCPlan.wrapWidth(output: nil).map { TextWrap.wrap(text, width: $0) } ?? text)
        }
        if analyses.contains(where: { $0.verdict == .infeasible }) { throw ExitCode(1) }
    }
}
