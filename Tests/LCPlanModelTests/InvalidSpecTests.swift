import Foundation
import Testing

@testable import LCPlanModel

/// Where the shared test fixtures live: Tests/Fixtures, found from this file's path.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// The invalid-spec fixtures: every `invalid/NAME.yaml` with its `NAME.expected`.
    static var invalidSpecs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/invalid")) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }
}

/// Each invalid spec must produce exactly the findings listed in its `.expected` file: one line per
/// finding, `RULE LINE:COLUMN KEYPATH` (`-` where a part is absent). The expectations were written from
/// the fixture's text (the line and column of the offending key or value), not from lcplan's output.
struct InvalidSpecTests {
    @Test func thereAreAtLeastThirtyFixtures() {
        #expect(Fixtures.invalidSpecs.count >= 30)
    }

    @Test(arguments: Fixtures.invalidSpecs)
    func fixtureProducesExactlyItsDiagnostics(name: String) throws {
        let expectedText = try String(contentsOfFile: Fixtures.path("invalid/\(name).expected"), encoding: .utf8)
        let expected = expectedText.split(separator: "\n").map(String.init).sorted()
        let result = SpecLoader.load(path: Fixtures.path("invalid/\(name).yaml"))
        let found = result.diagnostics.map { d -> String in
            let position = d.location?.line.map { "\($0):\(d.location?.column ?? 0)" } ?? "-"
            return "\(d.rule.id) \(position) \(d.keyPath ?? "-")"
        }.sorted()
        #expect(found == expected, "\(result.diagnostics.map(\.message))")
        #expect(result.spec == nil, "an invalid spec must not resolve")
        #expect(result.diagnostics.contains { $0.severity == .error })
        for diagnostic in result.diagnostics {
            #expect(!diagnostic.message.isEmpty)
            #expect(diagnostic.location != nil)
        }
    }

    @Test func misspeltNamesGetTheNearestSuggestion() {
        func suggestion(_ text: String) -> String? {
            SpecLoader.load(text: text, file: "t.yaml").diagnostics.compactMap(\.suggestion).first
        }
        let base = "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 8k}\n"
        #expect(suggestion(base.replacingOccurrences(of: "llama-3.1-8b", with: "llama-3.1-8bb")) == "llama-3.1-8b")
        #expect(suggestion(base.replacingOccurrences(of: "h200", with: "h2000")) == "h200")
        #expect(suggestion(base.replacingOccurrences(of: "h200", with: "a100-80g")) == "a100-80gb")
        #expect(suggestion(base.replacingOccurrences(of: "context", with: "contxt")) == "context")
        #expect(suggestion(base.replacingOccurrences(of: "{context: 8k}", with: "{context: 8k, mode: trainig}")) == "training")
        #expect(suggestion(base.replacingOccurrences(of: "llama-3.1-8b", with: "deepsek-v3")) == "deepseek-v3")
    }

    @Test func allFindingsAreReportedAtOnce() {
        let text = """
            version: 1
            model: {preset: llama-3.1-8b, layers: -1, vocab: many}
            hardware: {device: h200, count: 0}
            workload: {context: 8 parsecs, batch: 0, mode: sometimes}
            """
        let rules = SpecLoader.load(text: text, file: "t.yaml").diagnostics.map(\.rule.id)
        #expect(rules.sorted() == ["LC103", "LC105", "LC105", "LC105", "LC107", "LC115"])
    }
}
