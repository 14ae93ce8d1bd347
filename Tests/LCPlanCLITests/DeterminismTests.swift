import Foundation
import Testing

/// The same input gives byte-identical output whatever the locale, time zone or working directory.
struct DeterminismTests {
    static let foreign = ["LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8", "LC_NUMERIC": "de_DE.UTF-8", "TZ": "Pacific/Chatham"]

    @Test(arguments: CLI.examples)
    func localeAndTimeZoneChangeNothing(example: String) throws {
        for format in ["json", "text", "markdown"] {
            let plain = try CLI.run(["plan", example, "--format", format, "--color", "never"], environment: ["LC_ALL": "C", "TZ": "UTC"])
            let foreign = try CLI.run(["plan", example, "--format", format, "--color", "never"], environment: Self.foreign)
            #expect(plain.stdout == foreign.stdout, "\(example) --format \(format)")
            #expect(plain.status == foreign.status)
        }
    }

    /// A spec on standard input resolves relative paths against the working directory and reports them as
    /// written: where lcplan ran does not leak into the report.
    @Test func standardInputKeepsRelativePaths() throws {
        let spec = try CLI.read("examples/hf-config-tinyllama.yaml")
        let here = try CLI.run(["-", "--format", "json"], stdin: spec, directory: CLI.path("examples"))
        #expect(here.status != 2, "\(here.stderr)")
        #expect(!here.stdout.contains(CLI.packageRoot))
        #expect(here.stdout.contains("\"file\": \"./hf/tinyllama-config.json\""))
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-det-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy.appendingPathComponent("hf"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(
            atPath: CLI.path("examples/hf/tinyllama-config.json"), toPath: copy.appendingPathComponent("hf/tinyllama-config.json").path)
        let elsewhere = try CLI.run(["-", "--format", "json"], stdin: spec, directory: copy.path)
        #expect(elsewhere.stdout == here.stdout)
    }
}
