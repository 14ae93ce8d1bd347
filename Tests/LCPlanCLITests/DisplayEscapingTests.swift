import Foundation
import Testing

/// What input can put on a terminal, in a CI log or in a markdown comment is inert: no escape sequence,
/// no forged line, no workflow command, no HTML, link or image.
struct DisplayEscapingTests {
    /// Every line of every output, with the byte ESC and raw controls looked for.
    static func assertInert(_ result: CLI.Result, _ context: String) {
        for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }, "\(context): a control in \(stream)")
            for line in text.split(separator: "\n") {
                #expect(!line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("::"), "\(context): \(stream) line \(line)")
            }
        }
    }

    /// Keys holding escape sequences, line breaks that would forge a finding, and workflow commands.
    @Test(arguments: ["text", "json", "sarif"])
    func hostileKeysAreEscaped(format: String) throws {
        let spec = """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm}
            workload: {context: 4k}
            "\\e[31mred\\e[0m": 1
            "x\\n::error file=a.yaml::forged": 2
            "::warning::w": 3

            """
        let result = try CLI.run(["check", "-", "--format", format, "--color", "never"], stdin: spec)
        #expect(result.status == 2)
        Self.assertInert(result, format)
        #expect((result.stdout + result.stderr).contains("\\u{1B}[31mred"), "the key is shown, escaped")
    }

    /// True when `pattern` occurs with no backslash before it.
    static func hasUnescaped(_ pattern: String, in text: String) -> Bool {
        var rest = text[...]
        while let range = rest.range(of: pattern) {
            if range.lowerBound == text.startIndex || text[text.index(before: range.lowerBound)] != "\\" { return true }
            rest = text[range.upperBound...]
        }
        return false
    }

    /// A spec file named like a workflow command cannot start a line with it.
    @Test func fileNamesCannotForgeWorkflowCommands() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-display-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let name = "::error file=x::forged"
        try Data("version: 1\nmodel: nope\n".utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        for arguments in [["check", name], ["plan", name], ["check", name, "--format", "json"]] {
            let result = try CLI.run(arguments, directory: directory)
            #expect(result.status == 2)
            Self.assertInert(result, "\(arguments)")
        }
    }

    /// A calibrated `local` device is named by where lcplan looks for it, not by this machine's home
    /// directory: a report committed or posted from CI carries no user's path.
    @Test func reportsCarryNoHomeDirectory() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-home-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["HOME": home, "XDG_CONFIG_HOME": ""]
        let calibrated = try CLI.run(["calibrate", "--runs", "1", "--size", "64", "--quiet"], environment: environment)
        #expect(calibrated.status == 0, "\(calibrated.stderr)")
        let spec = "version: 1\nmodel: llama-3.2-3b\nhardware: {device: local}\nworkload: {context: 4k}\n"
        for format in ["text", "json", "markdown"] {
            let result = try CLI.run(["plan", "-", "--format", format], stdin: spec, environment: environment)
            #expect(result.stdout.contains("$HOME/.config/lcplan/presets/local.yaml"), "\(format)")
            #expect(!(result.stdout + result.stderr).contains(home), "\(format) carries \(home)")
        }
    }

    /// HTML, links, images and code spans from a model name stay text in markdown reports.
    @Test func markdownEscapesNames() throws {
        let name = "<img src=x onerror=alert(1)>[x](javascript:alert(1))![p](http://t/p.png)`code`|cell"
        let spec = """
            version: 1
            model: {preset: llama-3.1-8b, name: "\(name)"}
            hardware: {device: {preset: h100-sxm, name: "<script>alert(2)</script>"}}
            workload: {context: 4k, batch: 1, output_tokens: 16}

            """
        let result = try CLI.run(["plan", "-", "--format", "markdown"], stdin: spec)
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        for raw in ["<img", "<script"] { #expect(!result.stdout.contains(raw), "markdown carries \(raw)") }
        // Link, image, code-span and cell syntax from the name is escaped wherever it shows.
        // (lcplan's own links to its rule catalogue aside).
        let text = result.stdout.replacing("](https://github.com/lcplan/lcplan/blob/v0.1.0/docs/rules.md#", with: "")
        for unescaped in ["](", "`c", "e`", "|cell"] {
            #expect(!Self.hasUnescaped(unescaped, in: text), "markdown carries an unescaped \(unescaped)")
        }
        #expect(result.stdout.contains("&lt;img src=x onerror=alert(1)&gt;\\[x\\](javascript:alert(1))"), "the name is shown, escaped")
    }
}
