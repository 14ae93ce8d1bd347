import Foundation

/// Runs the built `lcplan` binary as a user would, capturing its output and exit status.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The binary next to the test bundle (`swift test` builds it as a dependency of this target).
    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lcplan").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return packageRoot + "/.build/debug/lcplan"
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs lcplan with standard input, output and error as temporary files rather than pipes: tests run
    /// in parallel, and a pipe end inherited by a sibling process would keep a reader waiting for EOF.
    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], executable: String? = nil,
        directory workingDirectory: String? = nil
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("in"), outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        try Data((stdin ?? "").utf8).write(to: inURL)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let error = try FileHandle(forWritingTo: errURL)
        defer { try? input.close(); try? output.close(); try? error.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory ?? packageRoot)
        var env = ProcessInfo.processInfo.environment
        env["LCPLAN_PRESETS"] = nil
        // Reports wrap to COLUMNS: the tests' outputs must not depend on the shell that ran them.
        env["COLUMNS"] = nil
        env["LCPLAN"] = binary
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    static func path(_ relative: String) -> String { packageRoot + "/" + relative }

    static func read(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }

    static var examples: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path("examples"))) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "examples/" + $0 }
    }

    static var invalidFixtures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path("Tests/Fixtures/invalid"))) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "Tests/Fixtures/invalid/" + $0 }
    }

    /// The strict variant of a published schema (`lcplan schema KIND --strict`: no unknown keys), which
    /// lcplan's own outputs are validated against.
    static func strictSchema(_ kind: String) throws -> JSONSchemaValidator {
        JSONSchemaValidator(root: try JSONDocument.parse(try run(["schema", kind, "--strict"]).stdout))
    }

    static func schema(_ relative: String) throws -> JSONSchemaValidator {
        JSONSchemaValidator(
            root: try JSONDocument.parse(try String(contentsOfFile: relative.hasPrefix("/") ? relative : path(relative), encoding: .utf8)))
    }
}
