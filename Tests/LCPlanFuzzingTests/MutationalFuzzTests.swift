import Foundation
import LCPlanFuzzing
import LCPlanModel
import Testing

/// A small deterministic generator (SplitMix64), so every run fuzzes the same cases.
struct FuzzRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
}

/// Value, key and structure mutations of seed files: each case must come back as a report (or a refusal)
/// without trapping. Bounded, so it runs in every `make test`; `make fuzz` runs libFuzzer for longer.
struct MutationalFuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func files(_ directory: String, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().compactMap {
            try? String(contentsOfFile: root + "/" + directory + "/" + $0, encoding: .utf8)
        }
    }

    static let extremes = [
        "0", "-1", "9223372036854775807", "18446744073709551616", "4611686018427387904", "1e308", "-1e-308", "NaN", ".inf",
        "1k", "1M", "99999999T", "\"\"", "null", "[]", "{}", "true", "0.5", "1e30", "-0", "0x10", "1_000", "16777217",
        "1099511627777", "2.5", "'x'", "~", "&a", "*a", "!!str 5", "1TB/s", "0.000001ms", "\"\\u0000\"",
    ]

    static func mutate(_ text: String, _ g: inout FuzzRandom) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return text }
        for _ in 0..<(1 + g.int(3)) {
            let index = g.int(lines.count)
            switch g.int(10) {
            case 0, 1, 2:
                // A value: replace what follows a colon with an extreme.
                if let colon = lines[index].lastIndex(of: ":") {
                    lines[index] = String(lines[index][...colon]) + " " + g.pick(extremes)
                }
            case 3:
                // A key: change one character of the line.
                if !lines[index].isEmpty {
                    var chars = Array(lines[index])
                    chars[g.int(chars.count)] = g.pick(["x", "_", ":", "-", " ", "{", "\t", "é"])
                    lines[index] = String(chars)
                }
            case 4: lines.remove(at: index)
            case 5: lines.insert(lines[index], at: index)
            case 6: lines[index] = "  " + lines[index]
            case 7: lines.swapAt(index, g.int(lines.count))
            case 8:
                let joined = lines.joined(separator: "\n")
                let cut = g.int(joined.count + 1)
                return String(joined.prefix(cut))
            default: lines.insert(g.pick(["[", "{", "- ", "]]", "? x", "--- ", "...", "key: [1, {a: 2}]"]), at: index)
            }
            if lines.isEmpty { return "" }
        }
        return lines.joined(separator: "\n")
    }

    static var cases: Int { Int(ProcessInfo.processInfo.environment["LCPLAN_FUZZ_CASES"] ?? "") ?? 600 }

    @Test func specMutations() {
        let seeds = Self.files("examples", suffix: ".yaml") + Self.files("Tests/Fixtures/invalid", suffix: ".yaml")
        #expect(seeds.count >= 40)
        var g = FuzzRandom(state: 20_261_129)
        var loaded = 0
        for _ in 0..<Self.cases {
            let text = Self.mutate(g.pick(seeds), &g)
            guard let report = FuzzHarness.spec(Array(text.utf8)) else { continue }
            if report.spec != nil { loaded += 1 }
            // A refused spec says why, with at least one error.
            if report.spec == nil { #expect(report.diagnostics.contains { $0.severity == .error }, "\(text)") }
        }
        #expect(loaded > 0, "some mutations still load")
    }

    @Test func hfConfigMutations() {
        let seeds = Self.files("Tests/Fixtures/hf", suffix: ".json")
        #expect(seeds.count >= 10)
        var g = FuzzRandom(state: 7)
        for _ in 0..<Self.cases {
            FuzzHarness.hfConfig(Array(Self.mutate(g.pick(seeds), &g).utf8))
        }
    }

    @Test func commandLineMutations() {
        let words = [
            "plan", "check", "rope", "presets", "import-hf", "explain", "schema", "--model", "llama-3.1-8b", "--context", "1e30",
            "128k", "--digits", "-5", "1001", "--theta", "abc", "1e4", "--format", "sarif", "json", "--fail-on", "x", "warning",
            "-o", "--men-limit", "99999999999999999999", "--rotary-dim", "16384", "--eps", "1", "--strict", "report", "--presets",
            "", "-", "--", "--help", "--version", "LC999", "--phase-dtype", "bf16", "--layers", "0",
        ]
        var g = FuzzRandom(state: 99)
        for _ in 0..<(Self.cases / 2) {
            let arguments = (0..<(1 + g.int(6))).map { _ in g.pick(words) }
            let status = FuzzHarness.commandLine(Array(arguments.joined(separator: "\n").utf8))
            #expect([0, 2].contains(status) || status == 64 || status == 1, "\(arguments) -> \(status)")
        }
    }

    /// Generated trees of awkward files and names, read and written with lcplan's file handling, each
    /// invariant checked by the harness (it traps on a broken one).
    @Test func fileSystemCases() {
        var g = FuzzRandom(state: 7)
        var operations = 0
        for _ in 0..<(Self.cases / 2) {
            let bytes = (0..<(8 + g.int(40))).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            operations += FileSystemHarness.run(bytes, limits: false)
        }
        #expect(operations >= Self.cases / 2)
    }

    /// Inputs that once made a fuzzer fail are kept under Tests/Fixtures/fuzz and replayed here.
    @Test func savedCrashesStayFixed() {
        for (directory, run) in [
            ("spec", { (b: [UInt8]) in _ = FuzzHarness.spec(b) }), ("hf", { FuzzHarness.hfConfig($0) }),
            ("cli", { _ = FuzzHarness.commandLine($0) }), ("fs", { _ = FileSystemHarness.run($0, limits: false) }),
        ] as [(String, ([UInt8]) -> Void)] {
            let path = Self.root + "/Tests/Fixtures/fuzz/" + directory
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() where !name.hasPrefix(".") {
                if let data = FileManager.default.contents(atPath: path + "/" + name) { run(Array(data)) }
            }
        }
    }
}
