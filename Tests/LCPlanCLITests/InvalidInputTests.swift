import Foundation
import Testing

/// Invalid input ends with exit status 2, a clear message on standard error, and no half-written file.
struct InvalidInputTests {
    @Test(arguments: CLI.invalidFixtures)
    func invalidSpecExitsTwo(fixture: String) throws {
        let text = try CLI.run([fixture, "--color", "never"])
        #expect(text.status == 2, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("error: [LC"))
        #expect(!text.stderr.contains("Backtrac"), "no stack trace")
        let json = try CLI.run(["plan", fixture, "--format", "json"])
        #expect(json.status == 2)
        #expect(json.stderr.contains("error: [LC"))
        let document = try JSONDocument.parse(json.stdout)
        #expect(document["verdict"]?.stringValue == "invalid")
        let errors = try CLI.strictSchema("report").validate(document)
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func failedRunLeavesNoFile() throws {
        let directory = NSTemporaryDirectory() + "lcplan-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/report.json"
        // An invalid spec's report is a whole document (verdict invalid, its findings), written like any
        // other for the CI job that collects it, with exit status 2.
        let bad = try CLI.run(["plan", CLI.invalidFixtures[0], "--format", "json", "-o", target])
        #expect(bad.status == 2)
        let written = try JSONDocument.parse(try String(contentsOfFile: target, encoding: .utf8))
        #expect(written["verdict"]?.stringValue == "invalid")
        #expect(try CLI.strictSchema("report").validate(written).isEmpty)
        // So is an unreadable spec's, replacing the previous report whole.
        try "previous".write(toFile: target, atomically: true, encoding: .utf8)
        let missing = try CLI.run(["plan", directory + "/no-such-spec.yaml", "-o", target, "--format", "json"])
        #expect(missing.status == 2)
        #expect(try JSONDocument.parse(try String(contentsOfFile: target, encoding: .utf8))["verdict"]?.stringValue == "invalid")
        let good = try CLI.run(["plan", "examples/llama-3.1-8b-h200-128k.yaml", "--format", "json", "-o", target])
        #expect(good.status == 0 && good.stdout.isEmpty)
        let direct = try CLI.run(["plan", "examples/llama-3.1-8b-h200-128k.yaml", "--format", "json"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == direct.stdout)
        let unwritable = try CLI.run(["plan", "examples/llama-3.1-8b-h200-128k.yaml", "-o", directory + "/missing/dir/r.txt"])
        #expect(unwritable.status == 2 && unwritable.stderr.contains("cannot write"))
    }

    @Test func commandLineErrorsExitTwo() throws {
        #expect(try CLI.run(["plan"]).status == 2)
        #expect(try CLI.run(["plan", "examples/llama-3.1-8b-h200-128k.yaml", "--format", "yaml"]).status == 2)
        #expect(try CLI.run(["check", "--fail-on", "fatal", "x.yaml"]).status == 2)
        #expect(try CLI.run(["schema", "everything"]).status == 2)
        #expect(try CLI.run(["explain", "LC999"]).status == 2)
        #expect(try CLI.run(["no-such-file.yaml"]).status == 2)
        #expect(try CLI.run(["examples"]).status == 2, "a directory is not a spec")
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        for command in ["plan", "check", "presets", "import-hf", "explain", "schema"] {
            #expect(help.stdout.contains(command), "--help lists \(command)")
        }
    }

    @Test func garbageInputNeverCrashes() throws {
        let inputs = [
            "\u{0}\u{1}\u{2}", "{", "}", "[[[[", "version: 1\nmodel: {preset: {}}\n", ":", "- - - -", "? a\n: b\n",
            "version: !!binary aGVsbG8=\n", "version: 1\nmodel: llama-3.1-8b\nhardware: {device: {}}\nworkload: {context: 0}\n",
            "version: 1\nmodel: {layers: 99999999999999999999999, hidden: 1, heads: 1, ffn: 1, vocab: 1, max_context: 1}\nhardware: {device: h200}\nworkload: {context: 1}\n",
            String(repeating: "a: ", count: 5000), String(repeating: "  ", count: 3000) + "x: 1\n",
        ]
        for input in inputs {
            let result = try CLI.run(["-"], stdin: input)
            #expect(result.status == 2, "input \(input.prefix(40).debugDescription) gave \(result.status)")
            #expect(!result.stderr.contains("Backtrac") && !result.stderr.contains("Fatal error"))
        }
    }
}
