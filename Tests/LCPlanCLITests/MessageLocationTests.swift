import Foundation
import Testing

/// Messages that say where and what: control characters and tab indentation located by line and
/// column (CRLF counted as one line break), misspelt commands named.
struct MessageLocationTests {
    static func check(_ text: String) throws -> CLI.Result { try CLI.run(["check", "-"], stdin: text) }

    @Test func controlCharactersAreLocated() throws {
        let result = try Self.check("version: 1\nmodel: llama\u{1}-3.1-8b\n")
        #expect(result.status == 2)
        #expect(result.stdout.contains("<stdin>:2:13:") && result.stdout.contains("U+0001"), "\(result.stdout)")
    }

    @Test func tabIndentationIsNamed() throws {
        let result = try Self.check("version: 1\nmodel: llama-3.1-8b\nhardware:\n\tdevice: h100-sxm\n")
        #expect(result.status == 2)
        #expect(result.stdout.contains("<stdin>:4:1:") && result.stdout.contains("indented with a tab"), "\(result.stdout)")
    }

    /// CR LF is one line break: an anchor on the third line is reported there, at its column.
    @Test func crlfLinesAreCountedOnce() throws {
        let result = try Self.check("version: 1\r\nmodel: llama-3.1-8b # c\r\na: &x 1\r\n")
        #expect(result.stdout.contains("<stdin>:3:4:") && result.stdout.contains("anchors"), "\(result.stdout)")
    }

    @Test(arguments: [("chek", "check"), ("plna", "plan"), ("valdate", "validate")])
    func misspeltCommandsAreNamed(word: String, command: String) throws {
        let withFile = try CLI.run([word, "examples/llama-3.1-8b-h200-128k.yaml"])
        #expect(withFile.status == 2 && withFile.stderr.contains("did you mean 'lcplan \(command)'"), "\(withFile.stderr)")
        let alone = try CLI.run([word])
        #expect(alone.status == 2 && alone.stdout.contains("did you mean the command '\(command)'"), "\(alone.stdout)")
    }
}

/// argument-parser's readings put plainly: a negative number is not a missing value, an unknown option
/// before the spec is not a missing spec.
struct ArgumentMessageTests {
    @Test(arguments: [
        (["rope", "--context", "-5"], "--context does not take a negative number (-5)"),
        (["validate", "examples/llama-3.1-8b-h200-128k.yaml", "--threads", "-1"], "--threads does not take a negative number (-1)"),
        (["--bogus"], "Unknown option '--bogus'"), (["--bogus", "--color", "never"], "Unknown option '--bogus'"),
    ])
    func messagesSayWhatIsWrong(arguments: [String], expected: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing"), "\(result.stderr)")
    }
}
