import Foundation
import LCPlanCalculators
import LCPlanModel
import LCPlanReport
import PropertyBased
import Testing

/// Nothing from input is ever code in an emitted script: model, device and spec file names made of
/// shell metacharacters are generated (with shrinking: a failure names the smallest hostile name), the
/// scripts run under `sh` in an empty directory with stand-in launchers that record their arguments,
/// and each run must create only the files the script itself writes, pass MODEL through unchanged, and
/// (with MODEL unset, for a model no catalogue repository names) print the model's name exactly as the
/// spec wrote it.
struct ScriptInjectionTests {
    /// Characters a shell treats specially, quotes, a here-document terminator's letters, and plain ones.
    static let alphabet: [Character] = Array("$()`'\";&|<>{}*?~#!\\ =:%^[]-_./abPWNED\u{e9}LCPLAN_EOF")

    /// A serving spec whose model has no Hugging Face repository (so the script requires MODEL).
    static func servingSpec(_ name: String) -> String {
        """
        version: 1
        model:
          name: \(quoted(name))
          layers: 4
          hidden: 512
          heads: 8
          kv_heads: 8
          head_dim: 64
          ffn: 2048
          vocab: 32000
          max_context: 8192
          positions: rope
          rope: {theta: 10000}
        hardware: {device: {preset: h100-sxm, name: \(quoted(name))}}
        workload: {mode: inference, context: 4k, batch: 1, output_tokens: 16}

        """
    }

    static func trainingSpec(_ name: String, plan: String) -> String {
        """
        version: 1
        model: {preset: llama-3.1-8b, name: \(quoted(name))}
        hardware: {device: {preset: h100-sxm, name: \(quoted(name))}, count: 8}
        workload: {mode: training, context: 4k, global_batch: 8}
        plan: \(plan)

        """
    }

    /// A YAML double-quoted scalar: `"` and `\\` escaped, every other character below U+0020 or above
    /// U+007E written as a `\\U` escape (YAML 1.2, 5.7 escaped characters).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16)
                out += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
            }
        }
        return out + "\""
    }

    /// The script for `spec`, and the model's name as loaded (a name is trimmed of surrounding blanks).
    static func script(_ spec: String, file: String, engine: Engine) -> (String, String)? {
        let load = SpecLoader.load(text: spec, file: file)
        guard let loaded = load.spec else {
            Issue.record("the spec did not load: \(load.diagnostics.map(\.message))")
            return nil
        }
        guard case .script(let text) = Emitter.emit(Analysis(loaded), engine: engine) else {
            Issue.record("\(engine) refused the plan")
            return nil
        }
        return (text, loaded.model.name)
    }

    /// Runs `script` with `sh` in a fresh directory holding stand-ins for every launcher (each writes its
    /// arguments, one per line, to `args`); returns the result and the names in the directory afterwards.
    static func run(_ script: String, environment: [String: String]) throws -> (CLI.Result, Set<String>, [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-inject-\(UUID().uuidString)")
        let bin = directory.appendingPathComponent("bin"), work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = "#!/bin/sh\nprintf '%s\\n' \"$@\" > args\n"
        for program in ["vllm", "python", "trtllm-serve", "torchrun"] {
            let path = bin.appendingPathComponent(program).path
            try Data(record.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        let scriptPath = directory.appendingPathComponent("launch.sh").path
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        var env = environment
        env["PATH"] = bin.path + ":/usr/bin:/bin"
        let result = try CLI.run([scriptPath], environment: env, executable: "/bin/sh", directory: work.path)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: work.path))
        let arguments =
            (try? String(contentsOfFile: work.appendingPathComponent("args").path, encoding: .utf8))?
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init) ?? []
        return (result, names, arguments)
    }

    /// The files a script writes itself, besides the launcher's record.
    static let ownFiles: Set<String> = ["args", "lcplan-trtllm.yaml", "lcplan-torchtitan.toml", "lcplan-deepspeed.json"]

    @Test(.shrinking)
    func servingScriptsRunNothingFromNames() async {
        await propertyCheck(count: 12, input: Gen.element(of: Self.alphabet).array(of: 1...24)) { characters in
            let name = String(characters.compactMap { $0 })
            // A name of blanks alone is no name (the loader says so); blanks around one are trimmed.
            guard !name.allSatisfy(\.isWhitespace) else { return }
            for engine in [Engine.vllm, .sglang, .trtllm] {
                guard let (script, loadedName) = Self.script(Self.servingSpec(name), file: name + ".yaml", engine: engine) else { return }
                // MODEL unset: the script stops, naming the model exactly, and starts nothing.
                guard let (unset, files, _) = try? Self.run(script, environment: ["MODEL": ""]) else { return }
                #expect(unset.status == 2, "\(engine) with \(name.debugDescription): \(unset.stderr)")
                #expect(
                    unset.stderr == "set MODEL to the checkpoint path or Hugging Face id of \(loadedName)\n",
                    "\(engine) with \(name.debugDescription)")
                #expect(files.isEmpty, "\(engine) with \(name.debugDescription) created \(files)")
                // MODEL set to the same hostile text: it reaches the launcher as one argument, unchanged.
                guard let (set, written, arguments) = try? Self.run(script, environment: ["MODEL": name]) else { return }
                #expect(set.status == 0, "\(engine) with \(name.debugDescription): \(set.stderr)")
                #expect(written.isSubset(of: Self.ownFiles), "\(engine) with \(name.debugDescription) created \(written)")
                // vllm serve MODEL ...; trtllm-serve MODEL ...; python -m sglang.launch_server --model-path MODEL ...
                let model: String? =
                    switch engine {
                    case .vllm: arguments.dropFirst().first
                    case .trtllm: arguments.first
                    default: arguments.firstIndex(of: "--model-path").map { arguments[$0 + 1] }
                    }
                #expect(model == name, "\(engine) with \(name.debugDescription) got \(arguments.prefix(3))")
            }
        }
    }

    @Test(.shrinking)
    func trainingScriptsRunNothingFromNames() async {
        await propertyCheck(count: 10, input: Gen.element(of: Self.alphabet).array(of: 1...24)) { characters in
            let name = String(characters.compactMap { $0 })
            guard !name.allSatisfy(\.isWhitespace) else { return }
            let tensor = "{tp: 8, pp: 1, cp: 1, dp: 1}", data = "{tp: 1, pp: 1, cp: 1, dp: 8}"
            for (engine, plan) in [(Engine.megatron, tensor), (.torchtitan, tensor), (.deepspeed, data)] {
                guard let (script, _) = Self.script(Self.trainingSpec(name, plan: plan), file: name + ".yaml", engine: engine) else {
                    return
                }
                guard let (result, written, _) = try? Self.run(script, environment: [:]) else { return }
                #expect(result.status == 0, "\(engine) with \(name.debugDescription): \(result.stderr)")
                #expect(written.isSubset(of: Self.ownFiles), "\(engine) with \(name.debugDescription) created \(written)")
            }
        }
    }

    /// Control characters and line separators in a name never reach a script: the loader refuses them.
    @Test func controlCharactersInNamesAreRefused() {
        for bad in ["a\nb", "a\rb", "x\u{1B}[31m", "a\u{85}b", "a\u{2028}b", "a\u{202E}b", "a\u{0}b"] {
            let load = SpecLoader.load(text: Self.servingSpec(bad), file: "s.yaml")
            #expect(load.spec == nil, "\(bad.debugDescription) loaded")
            #expect(load.diagnostics.contains { $0.rule == .typeMismatch && $0.keyPath == "model.name" }, "\(bad.debugDescription)")
        }
    }

    /// Shell quoting is exact: `sh -c 'printf %s WORD'` prints the word's text back for every generated word.
    @Test(.shrinking)
    func quotedWordsReadBackExactly() async {
        await propertyCheck(count: 60, input: Gen.element(of: Self.alphabet + ["\n", "\t"]).array(of: 0...30)) { characters in
            let text = String(characters.compactMap { $0 })
            guard let result = try? CLI.run(["-c", "printf %s " + ShellWord.quoted(text)], executable: "/bin/sh") else { return }
            #expect(result.stdout == text, "\(text.debugDescription) came back as \(result.stdout.debugDescription)")
        }
    }
}
