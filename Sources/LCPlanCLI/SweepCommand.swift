import ArgumentParser
import Foundation
import LCPlanCalculators
import LCPlanModel
import LCPlanReport

enum SweepFormat: String, CaseIterable, ExpressibleByArgument { case text, csv, json }

/// `lcplan sweep SPEC --context 4k..1M`: the figures over a range of one numeric key.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep one spec key over a range or a list: memory, times, tokens/s, RoPE zone, sequences served.",
        discussion: """
            --context A..B (or a list, 8k,32k,128k) sweeps workload.context; --set KEY=A..B any numeric key (workload.batch=1..64, \
            hardware.count=8..64, workload.kv_cache.block_tokens=16..256); --set KEY=V1,V2,... any key through \
            a list of values (hardware.device=h100-sxm,h200,a100-80gb; model=llama-3.1-8b,qwen2.5-7b; \
            workload.kv_cache.dtype=bf16,fp8,int4; workload.batch=1,3,12). Ranges run from A to B multiplying \
            by --factor (default 2) or adding --step; B is always included; at most 10,000 points (a longer range is an error, never cut short). Each point is \
            the spec with the key written to that value (checked as if written: an invalid point is listed with \
            its reason); it keeps the spec's layout (the one `lcplan plan` chooses) unless the key is a \
            hardware, plan, search or model key, or the layout stops being legal, when the layout is searched \
            again. --plot FILE.svg draws memory per device against the key with the usable capacity and the \
            max-context marker, times per phase, tokens per second, the RoPE base zone and the requests \
            served (a list of names is drawn point by point, in its order); lcplan writes the SVG itself, the \
            same bytes every run. Exit status: 0 written, 2 invalid input or command line.
            """)

    @Argument(
        help: ArgumentHelp("The spec file (YAML or JSON), or - for standard input.", valueName: "spec"),
        completion: .file(extensions: ["yaml", "yml", "json"]))
    var spec: String

    @Option(help: ArgumentHelp("Sweep workload.context over A..B (tokens: 4k..1M) or a list (8k,32k,128k).", valueName: "range"))
    var context: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Sweep KEY over A..B (workload.batch=1..64) or a list (hardware.device=h100-sxm,h200).", valueName: "key=values")
    )
    var setting: String?

    @Option(help: ArgumentHelp("Multiply by this from one point to the next (default 2).", valueName: "factor"))
    var factor: Double?

    @Option(help: ArgumentHelp("Add this from one point to the next instead.", valueName: "step"))
    var step: String?

    @Option(help: "Output format: text, csv or json.")
    var format: SweepFormat = .text

    @Option(help: ArgumentHelp("Also write the chart to this SVG file.", valueName: "file.svg"))
    var plot: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the table to this file (atomically).", valueName: "file"))
    var output: String?

    @OptionGroup var options: SpecOptions

    func validate() throws {
        if (context == nil) == (setting == nil) { throw ValidationError("give either --context A..B or --set KEY=A..B (or KEY=V1,V2,...)") }
        if factor != nil && step != nil { throw ValidationError("give --factor or --step, not both") }
        if let factor, !(factor > 1 && factor <= 1e6) { throw ValidationError("--factor must be above 1 (such as 2)") }
    }

    /// `A..B` as two token counts.
    static func range(_ text: String) throws -> (Int, Int) {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let low = Self.count(parts[0]), let high = Self.count(parts[1]) else {
            throw ValidationError("'\(text)' is not a range: write A..B, such as 4k..1M or 1..64")
        }
        guard low <= high else { throw ValidationError("the range \(text) runs backwards") }
        return (low, high)
    }

    static func count(_ text: String) -> Int? {
        guard
            case .success(let n) = QuantityParser.tokens(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")),
            let value = n.intValue, value >= 1, value <= SpecShapes.maxTokens
        else { return nil }
        return value
    }

    /// `V1,V2,...` as the values of a list sweep: each trimmed, none empty, at most `Sweep.pointLimit`.
    static func list(_ text: String) throws -> [SweepValue] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.contains(where: \.isEmpty) else {
            throw ValidationError("'\(text)' has an empty value: write V1,V2,..., such as h100-sxm,h200")
        }
        guard items.count <= Sweep.pointLimit else { throw ValidationError("at most \(Sweep.pointLimit) values") }
        return items.map { SweepValue(text: $0, number: Self.count($0)) }
    }

    func run() throws {
        let key: String, valuesText: String
        if let context {
            key = "workload.context"
            valuesText = context
        } else {
            let text = setting ?? ""
            guard let equals = text.firstIndex(of: "=") else {
                throw ValidationError("--set takes KEY=A..B or KEY=V1,V2,..., such as workload.batch=1..64")
            }
            key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
            valuesText = String(text[text.index(after: equals)...])
        }
        // A range is A..B on a numeric key (or any text that reads as one); other text, such as a path with
        // `..` in it, is a list of one or more values.
        let numeric = Self.numericKeys(SpecShapes.spec, prefix: "")
        let isRange =
            valuesText.contains("..") && !valuesText.contains(",") && (numeric.contains(key) || (try? Self.range(valuesText)) != nil)
        if !isRange && (factor != nil || step != nil) { throw ValidationError("--factor and --step apply to a range A..B, not a list") }
        let values: [SweepValue]
        if isRange {
            let (low, high) = try Self.range(valuesText)
            let stepValue = try step.map { text -> Int in
                guard let value = Self.count(text) else { throw ValidationError("--step must be a positive count, such as 4k or 8") }
                return value
            }
            if let stepValue, Sweep.count(from: low, to: high, step: stepValue) > Sweep.pointLimit {
                throw ValidationError(
                    "\(valuesText) in steps of \(stepValue) is \(Sweep.count(from: low, to: high, step: stepValue)) points; at most \(Sweep.pointLimit): take a larger --step"
                )
            }
            let generated = Sweep.values(from: low, to: high, factor: factor, step: stepValue)
            if generated.count >= Sweep.pointLimit, stepValue == nil {
                throw ValidationError(
                    "\(valuesText) by a factor of \(factor ?? 2) is more than \(Sweep.pointLimit) points: take a larger --factor")
            }
            values = generated.map(SweepValue.init)
        } else {
            values = try Self.list(valuesText)
        }
        let text: String
        switch InputFile.read(spec) {
        case .failure(let diagnostic):
            Output.standardError(DiagnosticText.render([diagnostic], style: options.color.style(toFile: true)))
            throw ExitCode(2)
        case .success(let read): text = read
        }
        let name = spec == "-" ? "<stdin>" : spec
        let directory = spec == "-" ? "." : LocalPath(spec).directory.text
        let load = SpecLoader.load(text: text, file: name, baseDirectory: directory.isEmpty ? "." : directory, library: options.library)
        guard let base = load.spec else {
            Output.standardError(DiagnosticText.render(load.diagnostics, style: options.color.style(toFile: true)))
            throw ExitCode(2)
        }
        let keys = isRange ? numeric : Self.scalarKeys(SpecShapes.spec, prefix: "")
        guard keys.contains(key) else {
            let suggestion = NearestName.suggest(key, among: keys)
            throw ValidationError(
                "'\(key)' is not \(isRange ? "a numeric spec key" : "a spec key that takes one value")"
                    + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""))
        }
        let analysis = Analysis(base)
        let sweep = Sweep(
            base: analysis, text: text, file: name, baseDirectory: directory.isEmpty ? "." : directory, library: options.library, key: key,
            values: values)
        let table: String
        switch format {
        case .text: table = SweepReport.text(sweep)
        case .csv: table = SweepReport.csv(sweep)
        case .json: table = SweepReport.document.encode(sweep).serialized()
        }
        if let plot {
            let model = key == "model" ? "each model" : base.model.name
            let device = key == "hardware.device" ? "each device" : base.hardware.device.name
            let title = "\(model) on \(base.hardware.count) x \(device): \(key)"
            guard Output.write(SweepReport.svg(sweep, title: title), to: plot) else { throw ExitCode(2) }
        }
        guard Output.write(table, to: output) else { throw ExitCode(2) }
    }

    /// Every key of the spec language that takes one value (a number, a name, a quantity, a preset), dotted:
    /// what a list sweep can set.
    static func scalarKeys(_ shape: ObjectShape, prefix: String) -> [String] {
        shape.fields.flatMap { field -> [String] in
            let path = prefix.isEmpty ? field.name : prefix + "." + field.name
            func keys(_ kind: FieldKind) -> [String] {
                switch kind {
                case .object(let inner): return scalarKeys(inner, prefix: path)
                case .list, .table: return []
                case .either(let kinds):
                    let inner = kinds.flatMap(keys)
                    let scalar = kinds.contains {
                        switch $0 {
                        case .object, .list, .table, .either: return false
                        default: return true
                        }
                    }
                    return scalar ? [path] + inner : inner
                default: return [path]
                }
            }
            return Array(Set(keys(field.kind))).sorted()
        }
    }

    /// Every key of the spec language that takes an integer or a token count, dotted.
    static func numericKeys(_ shape: ObjectShape, prefix: String) -> [String] {
        shape.fields.flatMap { field -> [String] in
            let path = prefix.isEmpty ? field.name : prefix + "." + field.name
            switch field.kind {
            case .integer, .tokens: return [path]
            case .object(let inner): return numericKeys(inner, prefix: path)
            case .either(let kinds):
                return kinds.flatMap { kind -> [String] in
                    if case .object(let inner) = kind { return numericKeys(inner, prefix: path) }
                    return []
                }
            default: return []
            }
        }
    }
}
