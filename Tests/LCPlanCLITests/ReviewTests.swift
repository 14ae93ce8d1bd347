import Foundation
import Testing

/// CI and review (issue 13): assertions, suppression at a key path, `diff`, `sweep` with its chart.
struct ReviewTests {
    /// Each failed assertion is a finding with its own rule at the assertion's line; check exits 1.
    @Test func assertionsFailAtTheirLines() throws {
        let result = try CLI.run(["check", "Tests/Fixtures/review/broken.yaml", "--format", "json"])
        #expect(result.status == 1)
        let document = try JSONDocument.parse(result.stdout)
        let findings = document["files"]?[0]?["diagnostics"]?.array ?? []
        func line(_ rule: String) -> Int? { findings.first { $0["rule"]?.string == rule }?["line"]?.int }
        // broken.yaml: fits at line 10, max_tpot at 11, min_sequences at 12 (written from the fixture's text).
        #expect(line("LC210") == 10)
        #expect(line("LC611") == 11)
        #expect(line("LC510") == 12)
        #expect(!findings.contains { $0["rule"]?.string == "LC306" }, "suppressed at model.rope")
    }

    /// A suppression at a key path drops that rule's findings there, and the report repeats its reason.
    @Test func keySuppressionRepeatsItsReason() throws {
        let text = try CLI.run(["plan", "Tests/Fixtures/review/broken.yaml"]).stdout
        #expect(text.contains("suppressed by the spec: LC306 at model.rope (1 finding): Men's criterion is for unscaled RoPE"))
        let json = try JSONDocument.parse(try CLI.run(["plan", "Tests/Fixtures/review/broken.yaml", "--format", "json"]).stdout)
        let entry = json["checks"]?["key_suppressions"]?[0]
        #expect(entry?["rule"]?.string == "LC306" && entry?["key"]?.string == "model.rope" && entry?["suppressed"]?.int == 1)
    }

    /// `diff`: signs and percentages, computed here from the two reports' own figures.
    @Test func diffShowsSignedChanges() throws {
        let old = try JSONDocument.parse(try CLI.run(["plan", "Tests/Fixtures/review/before.yaml", "--format", "json"]).stdout)
        let new = try JSONDocument.parse(try CLI.run(["plan", "Tests/Fixtures/review/after.yaml", "--format", "json"]).stdout)
        let result = try CLI.run(["diff", "Tests/Fixtures/review/before.yaml", "Tests/Fixtures/review/after.yaml", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let diff = try JSONDocument.parse(result.stdout)
        let memory = diff["figures"]?.array?.first { $0["name"]?.string == "memory per device" }
        let before = try #require(old["memory"]?["total_bytes"]?.double), after = try #require(new["memory"]?["total_bytes"]?.double)
        #expect(memory?["old"]?.double == before && memory?["new"]?.double == after)
        #expect(memory?["delta"]?.double == after - before)
        let percent = try #require(memory?["percent"]?.double)
        #expect(abs(percent - (after - before) / before * 100) < 1e-9)
        let text = try CLI.run(["diff", "Tests/Fixtures/review/before.yaml", "Tests/Fixtures/review/after.yaml"]).stdout
        #expect(text.contains("memory per device") && text.contains("+"))
        let markdown = try CLI.run([
            "diff", "Tests/Fixtures/review/before.yaml", "Tests/Fixtures/review/after.yaml", "--format", "markdown",
        ])
        #expect(markdown.stdout.hasPrefix("## lcplan diff"))
        #expect(try CLI.strictSchema("diff").validate(diff).isEmpty)
        // The new spec's status: broken.yaml fails its assertions.
        #expect(try CLI.run(["diff", "Tests/Fixtures/review/before.yaml", "Tests/Fixtures/review/broken.yaml"]).status == 1)
        #expect(try CLI.run(["diff", "Tests/Fixtures/review/before.yaml", "Tests/Fixtures/invalid/01-unclosed-bracket.yaml"]).status == 2)
    }

    /// Llama 3.1 8B on one H200 from 4k to 1M: the memory column never decreases, the max-context marker is
    /// the report's max context, and the SVG is the same bytes every run.
    @Test func contextSweepIsMonotoneAndDeterministic() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("a.svg").path, again = directory.appendingPathComponent("b.svg").path
        let spec = "examples/llama-3.1-8b-h200-128k.yaml"
        let csv = try CLI.run(["sweep", spec, "--context", "4k..1M", "--format", "csv", "--plot", svg])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 9)
        let memory = rows.compactMap { Int($0[1]) }
        #expect(memory.count == rows.count && zip(memory, memory.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(rows.map { $0[0] }.first == "4096" && rows.map { $0[0] }.last == "1048576")
        let report = try JSONDocument.parse(try CLI.run(["plan", spec, "--format", "json"]).stdout)
        let maxContext = try #require(report["memory"]?["max_context"]?.int)
        #expect(rows.allSatisfy { Int($0[8]) == maxContext })
        _ = try CLI.run(["sweep", spec, "--context", "4k..1M", "--format", "csv", "--plot", again])
        let first = try String(contentsOfFile: svg, encoding: .utf8), second = try String(contentsOfFile: again, encoding: .utf8)
        #expect(first == second && first.hasPrefix("<?xml") && first.contains("max context"))
        let json = try JSONDocument.parse(try CLI.run(["sweep", spec, "--context", "4k..1M", "--format", "json"]).stdout)
        #expect(try CLI.strictSchema("sweep").validate(json).isEmpty)
    }

    /// A real renderer turns the chart into a non-empty PNG (rsvg-convert, from Debian's librsvg2-bin, which
    /// `make test` installs).
    @Test func chartRenders() throws {
        guard let renderer = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile)
        else {
            print("skipped: rsvg-convert is not installed (make deps installs librsvg2-bin)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("c.svg").path, png = directory.appendingPathComponent("c.png").path
        let result = try CLI.run(["sweep", "examples/llama-3.1-8b-h200-128k.yaml", "--context", "4k..1M", "--plot", svg])
        #expect(result.status == 0)
        let render = try CLI.run(["-o", png, svg], executable: renderer)
        #expect(render.status == 0, "\(render.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.count > 10_000 && bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    /// `lcplan validate`: every check passes on an example, JSON validates against its schema, `plan --validate`
    /// adds the section; --quiet keeps standard error empty.
    @Test func validateRuns() throws {
        let result = try CLI.run(["validate", "examples/mistral-7b-sliding-window.yaml", "--format", "json", "--quiet"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let document = try JSONDocument.parse(result.stdout)
        #expect(document["validation"]?["passed"].map { if case .bool(let b) = $0 { return b } else { return false } } == true)
        #expect(try CLI.strictSchema("validation").validate(document).isEmpty)
        let plan = try JSONDocument.parse(
            try CLI.run(["plan", "examples/mistral-7b-sliding-window.yaml", "--validate", "--format", "json"]).stdout)
        #expect(plan["validation"]?["checks"]?.array?.isEmpty == false)
        #expect(try CLI.strictSchema("report").validate(plan).isEmpty)
    }

    /// `lcplan calibrate` writes a device preset that a spec then uses as `local` (through the search path).
    @Test func calibrateWritesTheLocalPreset() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-cal-\(UUID().uuidString)")
        // calibrate -o writes only into a directory that exists (it creates none for a path it is given).
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("local.yaml").path
        let result = try CLI.run(["calibrate", "--output", file, "--runs", "1", "--size", "128", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let preset = try String(contentsOfFile: file, encoding: .utf8)
        #expect(preset.contains("measured it on") && preset.contains("memory_bandwidth:"))
        let spec = "version: 1\nmodel: llama-3.2-3b\nhardware: {device: local}\nworkload: {context: 4k}\n"
        let report = try CLI.run(["plan", "-", "--presets", directory.path], stdin: spec)
        #expect(report.stdout.contains("user preset \(file)"), "\(report.stdout.prefix(400))")
        // Measured rates are not discounted again: efficiencies 1, the source saying why; a stated efficiency,
        // or a restated peak, takes that back.
        #expect(preset.contains("measured: \"lcplan calibrate on "))
        #expect(report.stdout.contains("efficiency  compute 1.00, memory 1.00"), "\(report.stdout.prefix(1200))")
        #expect(report.stdout.contains("figures are rates measured on the device itself"))
        let stated = try CLI.run(
            ["plan", "-", "--presets", directory.path],
            stdin: spec.replacingOccurrences(of: "{device: local}", with: "{device: local, efficiency: {compute: 0.8}}"))
        #expect(stated.stdout.contains("efficiency  compute 0.80, memory 1.00"))
        let restated = try CLI.run(
            ["plan", "-", "--presets", directory.path],
            stdin: spec.replacingOccurrences(of: "{device: local}", with: "{device: {preset: local, memory_bandwidth: 20GB/s}}"))
        #expect(restated.stdout.contains("efficiency  compute 0.50, memory 0.50"), "\(restated.stdout.prefix(1200))")
    }

    /// `--set KEY=V1,V2,...` sweeps a list: each point is the spec with the value written, so it equals the
    /// plan of that spec (an identity with `lcplan plan`); the usable memory is each device's driver-reported
    /// capacity less the spec's 10% headroom (hardware.md: H100 81,559 MiB, H200 143,771 MiB); an unknown
    /// preset is a point with its reason; names are placed by position and keep their text.
    @Test func listSweepsDevicesAndModels() throws {
        let spec = "examples/llama-3.1-8b-h200-128k.yaml"
        let result = try CLI.run(["sweep", spec, "--set", "hardware.device=h100-sxm, h200,h999", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONDocument.parse(result.stdout)
        #expect(try CLI.strictSchema("sweep").validate(json).isEmpty)
        #expect(json["categorical"].map { if case .bool(true) = $0 { true } else { false } } == true)
        let points = try #require(json["points"]?.array)
        #expect(points.count == 3)
        #expect(points.compactMap { $0["label"]?.stringValue } == ["h100-sxm", "h200", "h999"])
        #expect(points.compactMap { $0["value"]?.int } == [1, 2, 3])
        let usable: [Int] = points.prefix(2).compactMap { $0["usable_bytes"]?.int }
        let mib = 1 << 20
        // floor((1 - 0.1) x capacity): the spec states no headroom, so the default 10% applies.
        let expected = [81_559 * mib * 9 / 10, 143_771 * mib * 9 / 10]
        #expect(usable.count == 2 && zip(usable, expected).allSatisfy { abs($0 - $1) <= 1 }, "\(usable)")
        #expect(points[2]["problem"]?.stringValue?.contains("h999") == true)
        let text = try String(contentsOfFile: spec, encoding: .utf8)
        let h100 = try JSONDocument.parse(
            try CLI.run(["plan", "-", "--format", "json"], stdin: text.replacingOccurrences(of: "device: h200", with: "device: h100-sxm"))
                .stdout)
        #expect(points[0]["memory_total_bytes"]?.int == h100["memory"]?["total_bytes"]?.int)
        #expect(points[0]["max_context"]?.int == h100["memory"]?["max_context"]?.int)
        // Models: the effective RoPE base is each model's own (Qwen2.5-7B: 1e6, unscaled, in its config).
        let models = try JSONDocument.parse(
            try CLI.run(["sweep", spec, "--set", "model=llama-3.1-8b,qwen2.5-7b", "--format", "json"]).stdout)
        let bases = try #require(models["points"]?.array).compactMap { $0["rope_effective_base"]?.doubleValue }
        #expect(bases.count == 2 && bases[1] == 1_000_000 && bases[0] != bases[1])
        // A list of counts stays numeric; a text table shows names as written; the chart has a tick per name.
        let counts = try CLI.run(["sweep", spec, "--set", "workload.batch=3,1", "--format", "csv"])
        #expect(
            counts.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["3", "1"])
        let table = try CLI.run(["sweep", spec, "--set", "workload.kv_cache.dtype=bf16,fp8"]).stdout
        #expect(table.contains("  fp8 ") || table.contains(" fp8  "))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-list-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("d.svg").path
        _ = try CLI.run(["sweep", spec, "--set", "hardware.device=h100-sxm,a100-80gb", "--plot", svg])
        let chart = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(chart.contains(">h100-sxm</text>") && chart.contains(">a100-80gb</text>") && chart.contains("each device"))
        // Errors: an empty value, a list for --context, --step with a list, a key that takes no single value.
        for bad in [
            ["--set", "hardware.device=h200,,h100-sxm"], ["--context", "4k,,8k"], ["--set", "workload.batch=1,2", "--step", "1"],
            ["--set", "hardware=h200"], ["--set", "hardware.devise=h200"],
        ] {
            let run = try CLI.run(["sweep", spec] + bad)
            #expect(run.status == 2, "\(bad): \(run.stderr)")
        }
        #expect(try CLI.run(["sweep", spec, "--set", "hardware.devise=h200"]).stderr.contains("hardware.device"))
        // --context takes a list too: its counts, in order.
        let contexts = try CLI.run(["sweep", spec, "--context", "32k, 4k,128k", "--format", "csv"])
        #expect(
            contexts.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }
                == ["32768", "4096", "131072"], "\(contexts.stderr)")
        // A value with `..` in it on a key that takes no count is a value, not a range: one point, its reason.
        let path = try CLI.run(["sweep", spec, "--set", "model.hf_config=../none/config.json"])
        #expect(path.status == 0 && path.stdout.hasPrefix("lcplan sweep over model.hf_config (1 point)"), "\(path.stderr)")
    }

    /// `--set` sweeps any numeric key; an invalid point is listed with its reason; an unknown key is an error
    /// with the nearest name.
    @Test func setSweepsAnyNumericKey() throws {
        let result = try CLI.run(["sweep", "examples/llama-3.1-8b-h200-128k.yaml", "--set", "workload.batch=1..64", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let values = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }
        #expect(values == ["1", "2", "4", "8", "16", "32", "64"])
        let bad = try CLI.run(["sweep", "examples/llama-3.1-8b-h200-128k.yaml", "--set", "workload.bach=1..4"])
        #expect(bad.status == 2 && bad.stderr.contains("workload.batch"))
        let stepped = try CLI.run([
            "sweep", "examples/llama-3.1-8b-h200-128k.yaml", "--set", "workload.output_tokens=100..400", "--step", "100",
        ])
        #expect(stepped.status == 0 && stepped.stdout.split(separator: "\n").count == 2 + 4)
    }
}

extension JSONDocument {
    subscript(index: Int) -> JSONDocument? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    var array: [JSONDocument]? { if case .array(let items) = self { return items } else { return nil } }
    var string: String? { stringValue }
    var int: Int? { if case .integer(let digits) = self { return Int(digits) } else { return nil } }
    var double: Double? {
        switch self {
        case .integer(let digits): return Double(digits)
        case .number(let value): return value
        default: return nil
        }
    }
}
