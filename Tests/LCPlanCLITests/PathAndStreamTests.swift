import Foundation
import Testing

/// Paths of every shape, file types, stream states and resource limits: each of the hostile review's
/// reproducers exits 0, 1 or 2 (never a signal), writes nothing where it should not, and echoes no input.
/// Every run goes through `timeout`, so a hang fails the test (exit 124) instead of stopping the suite.
struct PathAndStreamTests {
    static let spec = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100-sxm}
        workload: {mode: inference, context: 8k, batch: 1, output_tokens: 64}

        """

    /// A fresh directory holding `spec.yaml`; removed after `body`.
    static func inDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-paths-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(spec.utf8).write(to: URL(fileURLWithPath: directory + "/spec.yaml"))
        try body(directory)
    }

    /// lcplan under `timeout 20` in `directory`.
    static func run(_ arguments: [String], in directory: String, stdin: String? = nil) throws -> CLI.Result {
        try CLI.run(["20", CLI.binary] + arguments, stdin: stdin, executable: "/usr/bin/timeout", directory: directory)
    }

    /// A shell line (bash, for ulimit and PIPESTATUS) with `$L` naming lcplan.
    static func shell(_ line: String, in directory: String) throws -> CLI.Result {
        try CLI.run(["-c", line], environment: ["L": CLI.binary], executable: "/bin/bash", directory: directory)
    }

    static func names(_ directory: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
    }

    @Test(arguments: ["h", ".", "..", "x/", "", "~", "-x.yaml", "./", "/", String(repeating: "a", count: 300), "a/b/c/d.yaml"])
    func anyPathShapeIsAnError(path: String) throws {
        try Self.inDirectory { directory in
            for command in [["plan"], ["check"], ["sweep"], ["validate"], ["emit", "--engine", "vllm"], ["import-hf"]] {
                let arguments = command.first == "import-hf" ? [command[0], "--", path] : [command[0], "--", path] + command.dropFirst()
                let result = try Self.run(arguments, in: directory)
                #expect(result.status == 2, "\(command) \(path.debugDescription): \(result.status) \(result.stderr.prefix(300))")
            }
            #expect(Self.names(directory) == ["spec.yaml"])
        }
    }

    /// Paths with bytes that are not UTF-8 (passed by the shell as they are) end in a located error, not a
    /// trap, for every command that takes a path.
    @Test func nonUTF8PathsAreErrors() throws {
        try Self.inDirectory { directory in
            for command in ["plan", "check", "sweep", "validate", "import-hf"] {
                let result = try Self.shell("\"$L\" \(command) \"$(printf 'a\\377b.yaml')\"; echo \"status $?\"", in: directory)
                #expect(result.stdout.hasSuffix("status 2\n"), "\(command): \(result.stdout.suffix(200)) \(result.stderr.prefix(200))")
                #expect(result.stderr.contains("not valid UTF-8"), "\(command): \(result.stderr.prefix(200))")
            }
            // An output named so would be written under another name (the bytes repaired): refused.
            let output = try Self.shell("\"$L\" plan spec.yaml -o \"$(printf 'o\\377')\"; echo \"status $?\"", in: directory)
            #expect(output.stdout.hasSuffix("status 2\n"), "\(output.stderr)")
            #expect(Self.names(directory) == ["spec.yaml"])
        }
    }

    /// A one-letter spec that exists is read like any other (the reviewed crash was on short names).
    @Test func oneLetterSpecIsRead() throws {
        try Self.inDirectory { directory in
            try Data(Self.spec.utf8).write(to: URL(fileURLWithPath: directory + "/h"))
            let result = try Self.run(["check", "h"], in: directory)
            #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        }
    }

    /// A FIFO as the spec, as `hf_config` or as a user preset is refused at once (nothing waits on it).
    @Test func fifosAreRefused() throws {
        try Self.inDirectory { directory in
            #expect(mkfifo(directory + "/pipe.yaml", 0o600) == 0)
            #expect(mkfifo(directory + "/config.json", 0o600) == 0)
            let presets = directory + "/presets"
            try FileManager.default.createDirectory(atPath: presets, withIntermediateDirectories: true)
            #expect(mkfifo(presets + "/mine.yaml", 0o600) == 0)
            let direct = try Self.run(["check", "pipe.yaml"], in: directory)
            #expect(direct.status == 2 && (direct.stdout + direct.stderr).contains("FIFO"), "\(direct.stdout)")
            let config = "version: 1\nmodel: {hf_config: config.json}\nhardware: {device: h100-sxm}\nworkload: {context: 4k}\n"
            let viaConfig = try Self.run(["check", "-"], in: directory, stdin: config)
            #expect(viaConfig.status == 2 && (viaConfig.stdout + viaConfig.stderr).contains("FIFO"), "\(viaConfig.stdout)")
            let preset = "version: 1\nmodel: mine\nhardware: {device: h100-sxm}\nworkload: {context: 4k}\n"
            let viaPreset = try Self.run(["check", "-", "--presets", presets], in: directory, stdin: preset)
            #expect(viaPreset.status == 2, "\(viaPreset.stderr)")
        }
    }

    /// Outputs never replace the input, a device, a FIFO or a hard link, and create no directory.
    @Test func outputsNeverReplaceWhatTheyShouldNot() throws {
        try Self.inDirectory { directory in
            let before = try String(contentsOfFile: directory + "/spec.yaml", encoding: .utf8)
            for arguments in [
                ["plan", "spec.yaml", "-o", "spec.yaml"], ["plan", "spec.yaml", "--plot", "spec.yaml"],
                ["plan", "spec.yaml", "--format", "json", "-o", "./spec.yaml"],
                ["emit", "spec.yaml", "--engine", "vllm", "-o", "spec.yaml"],
            ] {
                let result = try Self.run(arguments, in: directory)
                #expect(result.status == 2 && result.stderr.contains("input"), "\(arguments): \(result.stderr)")
            }
            #expect(try String(contentsOfFile: directory + "/spec.yaml", encoding: .utf8) == before)
            // A symbolic link to the spec is the spec.
            #expect(symlink("spec.yaml", directory + "/link.yaml") == 0)
            #expect(try Self.run(["plan", "spec.yaml", "-o", "link.yaml"], in: directory).status == 2)
            #expect(try String(contentsOfFile: directory + "/spec.yaml", encoding: .utf8) == before)
            // A FIFO, a device and a hard-linked file stay what they were.
            #expect(mkfifo(directory + "/fifo", 0o600) == 0)
            #expect(try Self.run(["plan", "spec.yaml", "-o", "fifo"], in: directory).status == 2)
            #expect(Self.kind(directory + "/fifo") == S_IFIFO)
            #expect(try Self.run(["plan", "spec.yaml", "-o", "/dev/null"], in: directory).status == 2)
            #expect(Self.kind("/dev/null") == S_IFCHR)
            try Data("old".utf8).write(to: URL(fileURLWithPath: directory + "/one"))
            #expect(link(directory + "/one", directory + "/two") == 0)
            #expect(try Self.run(["plan", "spec.yaml", "-o", "two"], in: directory).status == 2)
            #expect(try String(contentsOfFile: directory + "/one", encoding: .utf8) == "old")
            // No directory is made for an output.
            let missing = try Self.run(["plan", "spec.yaml", "-o", "nowhere/report.txt"], in: directory)
            #expect(missing.status == 2 && !FileManager.default.fileExists(atPath: directory + "/nowhere"), "\(missing.stderr)")
            #expect(!missing.stderr.contains("NSCocoaErrorDomain"))
            #expect(Self.names(directory) == ["spec.yaml", "link.yaml", "fifo", "one", "two"])
        }
    }

    /// An existing file is replaced with its mode kept; through a symbolic link its target is written and
    /// the link stays a link.
    @Test func outputsKeepModesAndLinks() throws {
        try Self.inDirectory { directory in
            try Data("old".utf8).write(to: URL(fileURLWithPath: directory + "/private.txt"))
            #expect(chmod(directory + "/private.txt", 0o600) == 0)
            #expect(try Self.run(["plan", "spec.yaml", "-o", "private.txt"], in: directory).status == 0)
            var status = stat()
            #expect(stat(directory + "/private.txt", &status) == 0 && status.st_mode & 0o777 == 0o600)
            #expect(try String(contentsOfFile: directory + "/private.txt", encoding: .utf8).contains("llama-3.1-8b"))
            try Data("old".utf8).write(to: URL(fileURLWithPath: directory + "/target.txt"))
            #expect(symlink("target.txt", directory + "/pointer.txt") == 0)
            #expect(try Self.run(["plan", "spec.yaml", "-o", "pointer.txt"], in: directory).status == 0)
            #expect(Self.kind(directory + "/pointer.txt", follow: false) == S_IFLNK)
            #expect(try String(contentsOfFile: directory + "/target.txt", encoding: .utf8).contains("llama-3.1-8b"))
            #expect(symlink("missing.txt", directory + "/dangling.txt") == 0)
            #expect(try Self.run(["plan", "spec.yaml", "-o", "dangling.txt"], in: directory).status == 2)
            #expect(!FileManager.default.fileExists(atPath: directory + "/missing.txt"))
        }
    }

    /// `import-hf c.json -o c.json` keeps the config; `calibrate -o` creates no directory.
    @Test func importAndCalibrateKeepTheirInputs() throws {
        try Self.inDirectory { directory in
            let config = try CLI.read("Tests/Fixtures/hf/llama-3.1-8b.json")
            try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/c.json"))
            let result = try Self.run(["import-hf", "c.json", "-o", "c.json"], in: directory)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(try String(contentsOfFile: directory + "/c.json", encoding: .utf8) == config)
            let calibrate = try Self.run(["calibrate", "-o", "nowhere/x.yaml", "--runs", "1", "--size", "64", "--quiet"], in: directory)
            #expect(calibrate.status == 2 && !FileManager.default.fileExists(atPath: directory + "/nowhere"), "\(calibrate.stderr)")
        }
    }

    /// A closed pipe ends the run quietly with status 2; a file-size limit ends it with status 2, one
    /// line on standard error and no temporary file left.
    @Test func pipesAndLimits() throws {
        try Self.inDirectory { directory in
            let pipe = try Self.shell("\"$L\" schema report | head -c1 >/dev/null; echo \"${PIPESTATUS[0]}\"", in: directory)
            #expect(pipe.stdout == "2\n" && pipe.stderr.isEmpty, "\(pipe.stdout) \(pipe.stderr)")
            let limited = try Self.shell("ulimit -f 1; \"$L\" plan spec.yaml --format json -o out.json; echo \"status $?\"", in: directory)
            #expect(limited.stdout == "status 2\n", "\(limited.stdout) \(limited.stderr)")
            #expect(limited.stderr.contains("file size limit"), "\(limited.stderr)")
            #expect(Self.names(directory) == ["spec.yaml"])
            let stdoutLimited = try Self.shell(
                "ulimit -f 1; \"$L\" plan spec.yaml --format json > out.json; echo \"status $?\"", in: directory)
            #expect(stdoutLimited.stdout == "status 2\n", "\(stdoutLimited.stdout) \(stdoutLimited.stderr)")
        }
    }

    /// A chain of user presets each naming the next stops at a stated depth (no stack overflow).
    @Test func presetChainsAreBounded() throws {
        try Self.inDirectory { directory in
            let presets = directory + "/presets"
            try FileManager.default.createDirectory(atPath: presets, withIntermediateDirectories: true)
            for index in 0..<700 {
                let body = "model: {preset: p\(index + 1), name: p\(index)}\n"
                try Data(body.utf8).write(to: URL(fileURLWithPath: presets + "/p\(index).yaml"))
            }
            let spec = "version: 1\nmodel: p0\nhardware: {device: h100-sxm}\nworkload: {context: 4k}\n"
            let result = try Self.run(["check", "-", "--presets", presets], in: directory, stdin: spec)
            #expect(
                result.status == 2 && (result.stdout + result.stderr).contains("more than lcplan follows"), "\(result.stdout.suffix(400))")
        }
    }

    /// Alias bombs are refused whatever the line ends and comments; a spec of a million keys and one of
    /// millions of list items are refused before parsing, with a small output.
    @Test(arguments: ["\n", "\r\n", "\r", "\u{85}", "\u{2028}"])
    func aliasBombsAreRefused(lineEnd: String) throws {
        var lines = ["version: 1 # c", "model: llama-3.1-8b # c", "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"] # c"]
        for (index, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].enumerated() {
            let previous = index == 0 ? "a" : ["b", "c", "d", "e", "f", "g", "h", "i"][index - 1]
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "] # c")
        }
        try Self.inDirectory { directory in
            let result = try Self.run(["check", "-"], in: directory, stdin: lines.joined(separator: lineEnd) + lineEnd)
            #expect(result.status == 2, "\(result.stderr)")
        }
    }

    @Test func hugeDocumentsAreRefusedQuickly() throws {
        let keys = Self.spec + (0..<1_100_000).map { "k\($0): 1\n" }.joined()
        try Self.inDirectory { directory in
            let result = try Self.run(["check", "-", "--format", "sarif"], in: directory, stdin: keys)
            #expect(result.status == 2 && result.stdout.utf8.count < 100_000, "\(result.stdout.utf8.count) bytes")
        }
    }

    /// Many unknown keys (below the parse bound) give the first findings and a count of the rest.
    @Test func findingsAreCapped() throws {
        let keys = Self.spec + (0..<5000).map { "k\($0): 1\n" }.joined()
        try Self.inDirectory { directory in
            let result = try Self.run(["check", "-", "--format", "json"], in: directory, stdin: keys)
            #expect(result.status == 2)
            #expect(result.stdout.contains("4500 more findings in this file not shown"), "\(result.stdout.suffix(300))")
        }
    }

    /// A path pointed at a file that is no config never has its contents echoed.
    @Test func noFileContentIsEchoed() throws {
        try Self.inDirectory { directory in
            try Data("root:x:0:0:root:/root:/bin/bash\nSECRET_TOKEN=abcdef0123456789abcdef\n".utf8).write(
                to: URL(fileURLWithPath: directory + "/passwd"))
            try Data("sk-abcdef0123456789abcdef0123456789".utf8).write(to: URL(fileURLWithPath: directory + "/token"))
            for file in ["passwd", "token"] {
                let spec = "version: 1\nmodel: {hf_config: \(file)}\nhardware: {device: h100-sxm}\nworkload: {context: 4k}\n"
                for format in ["text", "sarif"] {
                    let result = try Self.run(["check", "-", "--format", format], in: directory, stdin: spec)
                    #expect(result.status == 2)
                    for secret in ["root:x", "SECRET_TOKEN", "abcdef0123456789"] {
                        #expect(!(result.stdout + result.stderr).contains(secret), "\(file) \(format) echoed \(secret)")
                    }
                }
            }
        }
    }

    /// The hostile review's spec reproducers, kept as fixtures (also libFuzzer seeds): each exits 0, 1 or 2
    /// within the timeout, in every format, with nothing a terminal or CI runner would act on.
    @Test func reviewReproducersStayFixed() throws {
        let directory = CLI.path("Tests/Fixtures/fuzz/spec")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("review-") }.sorted()
        #expect(names.count >= 10)
        for name in names {
            for format in ["text", "json", "markdown"] {
                let result = try Self.run(["plan", directory + "/" + name, "--format", format, "--color", "never"], in: directory)
                #expect([0, 1, 2].contains(result.status), "\(name) \(format): \(result.status)")
                DisplayEscapingTests.assertInert(result, "\(name) \(format)")
            }
        }
    }

    static func kind(_ path: String, follow: Bool = true) -> mode_t {
        var status = stat()
        let code = follow ? stat(path, &status) : lstat(path, &status)
        return code == 0 ? status.st_mode & S_IFMT : 0
    }
}
