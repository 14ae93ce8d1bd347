import ArgumentParser
import Foundation
import LCPlanModel
import LCPlanReport

/// `--set KEY=VALUE` (repeatable) on plan, check, emit and validate, and the flags that state a spec with
/// no file at all (`lcplan plan --model llama-3.1-8b --device h100 --context 32k`). Each value enters the
/// spec as one YAML scalar at its key path (never as YAML text: nothing in it is parsed as structure) and is
/// checked like the spec; a finding about it is located at the flag.
struct SpecSettings: ParsableArguments {
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Set one spec key, KEY=VALUE with a dotted key (workload.batch=8, hardware.device=h100, model.rope.theta=1e6); repeatable; checked like the spec.",
            valueName: "key=value"))
    var assignments: [String] = []

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp("Without a spec file: the model preset (with --device and --context).", valueName: "preset"))
    var model: String?

    @Option(name: .customLong("device"), help: ArgumentHelp("Without a spec file: the device preset.", valueName: "preset"))
    var device: String?

    @Option(
        name: .customLong("context"), help: ArgumentHelp("Without a spec file: the target context (32k, 1M, 131072).", valueName: "tokens"))
    var context: String?

    @Option(name: .customLong("count"), help: ArgumentHelp("Without a spec file: devices in all (default 1).", valueName: "n"))
    var count: String?

    /// The flags state the spec: no file is read.
    var statesSpec: Bool { model != nil || device != nil || context != nil || count != nil }

    /// The keys `--set` may name: every key that takes one value.
    static let keys = SweepCommand.scalarKeys(SpecShapes.spec, prefix: "")

    /// The overrides, each with the flag that wrote it; an unknown key or a missing `=` is a command-line error.
    /// With a spec file, --model, --device, --context and --count override its keys like --set.
    func overrides(withFile: Bool) throws -> [(key: String, value: String, flag: String)] {
        var found: [(key: String, value: String, flag: String)] = []
        if !withFile, model == nil || device == nil || context == nil {
            throw ValidationError("without a spec file give --model, --device and --context (and --count for several devices)")
        }
        let flags: [(String, String?, String)] = [
            ("model", model, "--model"), ("hardware.device", device, "--device"), ("workload.context", context, "--context"),
            ("hardware.count", count, "--count"),
        ]
        for (key, value, flag) in flags { if let value { found.append((key, value, flag)) } }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--set takes KEY=VALUE, such as workload.batch=8 (got '\(DisplayText.escapingControls(assignment))')")
            }
            let key = String(assignment[..<equals]), value = String(assignment[assignment.index(after: equals)...])
            guard Self.keys.contains(key) else {
                let hint = NearestName.suggest(key, among: Self.keys).map { " (did you mean '\($0)'?)" } ?? ""
                throw ValidationError(
                    "--set: '\(DisplayText.escapingControls(key))' is not a spec key that takes one value\(hint); `lcplan schema spec` lists them"
                )
            }
            found.append((key, value, "--set \(key)"))
        }
        return found
    }

    /// Loads `text` with the overrides applied; findings about an overridden key that carry no line of the
    /// file are located at the flag that set it.
    func load(text: String, file: String, baseDirectory: String, library: PresetLibrary, withFile: Bool = true) throws -> LoadResult {
        let overrides = try overrides(withFile: withFile)
        let result = SpecLoader.load(
            text: text, file: file, baseDirectory: baseDirectory, library: library, overrides: overrides.map { ($0.key, $0.value) })
        let located = result.diagnostics.map { d -> Diagnostic in
            guard d.location?.line == nil, let path = d.keyPath,
                let flag = overrides.last(where: { path == $0.key || path.hasPrefix($0.key + ".") })?.flag
            else { return d }
            return Diagnostic(
                d.rule, d.message, at: SourceLocation(file: flag), keyPath: path, expected: d.expected, suggestion: d.suggestion,
                severity: d.severity)
        }
        return LoadResult(spec: result.spec, diagnostics: located)
    }

    /// The spec at `path` (`-`: standard input) with the overrides, or the spec the flags state when there
    /// is no path; the name reports show.
    func load(path: String?, library: PresetLibrary) throws -> (name: String, text: String?, result: LoadResult) {
        guard let path else {
            let text = "version: 1\n"
            return ("<flags>", text, try load(text: text, file: "<flags>", baseDirectory: ".", library: library, withFile: false))
        }
        let name = path == "-" ? "<stdin>" : path
        switch InputFile.read(path) {
        case .failure(let diagnostic): return (name, nil, LoadResult(spec: nil, diagnostics: [diagnostic]))
        case .success(let text):
            let directory = path == "-" ? "." : LocalPath(path).directory.text
            return (name, text, try load(text: text, file: name, baseDirectory: directory.isEmpty ? "." : directory, library: library))
        }
    }
}
