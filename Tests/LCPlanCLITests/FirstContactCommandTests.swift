import Foundation
import LCPlanReport
import Testing

/// Issue 25: the answer first (summary, --brief, JSON summary and capacity), warnings that mean act, and
/// `rope`'s exit status as its help states it.
struct FirstContactCommandTests {
    static let single = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100}
        workload: {mode: serving, context: 32k, batch: 1, output_tokens: 256}
        """

    /// With one request written, the summary's figures are the report's own: an identity.
    @Test func summaryOfOneRequestIsTheReport() throws {
        let json = try CLI.run(["plan", "-", "--format", "json"], stdin: Self.single)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try JSONDocument.parse(json.stdout)
        let summary = try #require(document["summary"])
        #expect(summary["max_context"].map { "\($0)" } == document["memory"]?["max_context"].map { "\($0)" })
        #expect(summary["tpot_s"].map { "\($0)" } == document["time"]?["tpot_s"].map { "\($0)" })
        #expect(summary["ttft_s"].map { "\($0)" } == document["time"]?["ttft_s"].map { "\($0)" })
        #expect(summary["fits"].map { "\($0)" } == "bool(true)")
        let capacity = try #require(document["capacity"])
        #expect(capacity["batch_searched"].map { "\($0)" } == "bool(false)")
        #expect(try CLI.strictSchema("report").validate(document).isEmpty)
    }

    /// With the batch left to the throughput search, one request alone has at least the memory the batch has:
    /// its longest context is no shorter, and it waits no longer for its first token.
    @Test func oneRequestBesideASearchedBatch() throws {
        let open = Self.single.replacingOccurrences(of: "batch: 1, ", with: "")
        let document = try JSONDocument.parse(try CLI.run(["plan", "-", "--format", "json"], stdin: open).stdout)
        let capacity = try #require(document["capacity"])
        #expect(capacity["batch_searched"].map { "\($0)" } == "bool(true)")
        // layout.batch says what the search chose, as capacity.batch does; workload.batch is the spec's input.
        #expect(document["layout"]?["batch"]?.int == capacity["batch"]?.int)
        #expect((document["layout"]?["defaulted"]?.array ?? []).contains { $0.string == "batch" })
        let one = try #require(document["summary"]?["max_context"]?.doubleValue)
        let batch = try #require(document["memory"]?["max_context"]?.doubleValue)
        #expect(one >= batch)
        let ttft = try #require(document["summary"]?["ttft_s"]?.doubleValue)
        let batchTTFT = try #require(document["time"]?["ttft_s"]?.doubleValue)
        #expect(ttft <= batchTTFT)
    }

    /// Capacity is its own section: the concurrent requests JSON's capacity gives, the batch served, the
    /// per-request and the aggregate rates, each labelled.
    @Test func capacitySectionAgreesWithJSON() throws {
        let example = "examples/gemma-3-27b-vllm-h100.yaml"
        let text = try CLI.run([example, "--color", "never"]).stdout
        let capacity = try #require(text.components(separatedBy: "\nCapacity  ").dropFirst().first?.components(separatedBy: "\n\n").first)
        let json = try JSONDocument.parse(try CLI.run(["plan", example, "--format", "json"]).stdout)
        let concurrent = try #require(json["capacity"]?["concurrent_requests"]?.int)
        #expect(capacity.contains("  concurrent    \(concurrent) ("))
        #expect(capacity.contains("  batch served  \(json["capacity"]?["batch"]?.int ?? -1), as the spec writes it"))
        #expect(capacity.contains("tokens/s each") && capacity.contains("  in all "))
    }

    /// --brief prints the verdict and the summary, no sections; the summary opens the full report too.
    @Test func briefIsTheAnswerAlone() throws {
        let brief = try CLI.run(["plan", "-", "--brief"], stdin: Self.single)
        #expect(brief.status == 0)
        #expect(brief.stdout.contains("\nSummary\n") && brief.stdout.contains("  one request "))
        #expect(!brief.stdout.contains("\nParameters") && !brief.stdout.contains("\nAssumptions"))
        let full = try CLI.run(["plan", "-"], stdin: Self.single)
        let summary = try #require(full.stdout.range(of: "\nSummary\n"))
        let model = try #require(full.stdout.range(of: "\nModel "))
        #expect(summary.lowerBound < model.lowerBound)
    }

    /// A stock model at its documented context passes `check --fail-on warning`, and so do the examples
    /// that plan a documented configuration.
    @Test func stockModelsPassAtWarningLevel() throws {
        for (model, context) in [("llama-3.1-8b", "128k"), ("llama-3.1-70b", "128k"), ("llama-3.2-3b", "32k"), ("qwen3-8b", "32k")] {
            let spec = "version: 1\nmodel: \(model)\nhardware: {device: b200, count: 8}\nworkload: {context: \(context)}\n"
            let result = try CLI.run(["check", "-", "--fail-on", "warning"], stdin: spec)
            #expect(result.status == 0, "\(model) at \(context): \(result.stdout)")
        }
    }

    /// `rope` exits 1 only for infeasible, as its help says; at risk is a warning, exit 0.
    @Test func ropeExitStatusFollowsItsHelp() throws {
        let atRisk = try CLI.run(["rope", "--theta", "10000", "--context", "16k"])
        #expect(atRisk.stdout.contains("at_risk") && atRisk.status == 0, "\(atRisk.stdout)")
        let infeasible = try CLI.run(["rope", "--theta", "10000", "--context", "8k", "--position-dtype", "bf16"])
        #expect(infeasible.stdout.contains("infeasible") && infeasible.status == 1)
    }
}

/// Issue 25, item 5: `--set`, plans from flags alone, `lcplan init`.
struct ConvenienceTests {
    /// A plan from flags equals the plan of the spec they state: an identity, section by section (the findings
    /// differ only in where they point: the flag, or the file's line).
    @Test func flagsStateTheSpec() throws {
        let flags = try CLI.run(["plan", "--model", "llama-3.1-8b", "--device", "h100", "--context", "32k", "--format", "json"])
        #expect(flags.status == 0, "\(flags.stderr)")
        let spec = "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h100-sxm}\nworkload: {context: 32k}\n"
        let file = try CLI.run(["plan", "-", "--format", "json"], stdin: spec)
        let a = try JSONDocument.parse(flags.stdout), b = try JSONDocument.parse(file.stdout)
        for key in ["summary", "model", "hardware", "workload", "layout", "memory", "time", "kv_layout", "rope"] {
            #expect(a[key].map { "\($0)" } == b[key].map { "\($0)" }, "\(key)")
        }
        let missing = try CLI.run(["plan", "--model", "llama-3.1-8b"])
        #expect(missing.status == 2 && missing.stderr.contains("--device"))
    }

    /// `--set` changes one key, is checked like the spec, and a bad value is located at the flag.
    @Test func setOverridesAKey() throws {
        let example = "examples/llama-3.1-8b-h200-128k.yaml"
        let set = try JSONDocument.parse(try CLI.run(["plan", example, "--format", "json", "--set", "workload.batch=2"]).stdout)
        let edited = try CLI.read(example).replacingOccurrences(of: "  batch: 1\n", with: "  batch: 2\n")
        let written = try JSONDocument.parse(try CLI.run(["plan", "-", "--format", "json"], stdin: edited).stdout)
        #expect(set["memory"]?["total_bytes"].map { "\($0)" } == written["memory"]?["total_bytes"].map { "\($0)" })
        #expect(set["workload"]?["batch"].map { "\($0)" } == written["workload"]?["batch"].map { "\($0)" })
        let bad = try CLI.run(["check", example, "--set", "workload.batch=many"])
        #expect(bad.status == 2 && bad.stdout.contains("--set workload.batch: error: [LC103]"), "\(bad.stdout)")
        let unknown = try CLI.run(["plan", example, "--set", "workload.bach=2"])
        #expect(unknown.status == 2 && unknown.stderr.contains("did you mean 'workload.batch'"))
        let noEquals = try CLI.run(["emit", example, "--engine", "vllm", "--set", "workload.batch"])
        #expect(noEquals.status == 2)
        // A value is one scalar, never YAML text: structure in it is a string that fails its check.
        let injected = try CLI.run(["check", example, "--set", "hardware.device={preset: h100-sxm, memory: 1TB}"])
        #expect(injected.status == 2 && injected.stdout.contains("LC106"))
    }

    /// `lcplan init` writes a spec that loads, names presets as the catalogue does, and never replaces a file.
    @Test func initWritesASpecThatLoads() throws {
        for mode in ["inference", "training"] {
            let written = try CLI.run(["init", "--device", "a100", "--context", "64k", "--mode", mode, "--count", "8"])
            #expect(written.status == 0)
            #expect(written.stdout.contains("device: a100-80gb") && written.stdout.contains("context: 65536"))
            let check = try CLI.run(["check", "-"], stdin: written.stdout)
            #expect(check.status == 0, "\(mode): \(check.stdout)")
        }
        #expect(try CLI.run(["init", "--model", "llama-9"]).status == 2)
        let directory = NSTemporaryDirectory() + "lcplan-init-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/spec.yaml"
        try "mine".write(toFile: target, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["init", "-o", target]).status == 2)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "mine")
        #expect(try CLI.run(["init", "-o", target, "--force"]).status == 0)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("# An lcplan spec"))
    }
}

/// Issue 25, item 4: text reports wrap to the terminal (COLUMNS), never wider, and lose no word.
struct WrappingTests {
    static func words(_ text: String) -> [Substring] { text.split(whereSeparator: { $0 == " " || $0 == "\n" }) }

    @Test(arguments: [60, 100])
    func reportsFitTheWidth(width: Int) throws {
        let example = "examples/gemma-3-27b-vllm-h100.yaml"
        let whole = try CLI.run([example, "--color", "never"])
        let wrapped = try CLI.run([example, "--color", "never"], environment: ["COLUMNS": "\(width)"])
        #expect(wrapped.status == whole.status)
        let widest = wrapped.stdout.split(separator: "\n").map(\.count).max() ?? 0
        #expect(widest <= width, "a line of \(widest) columns")
        #expect((whole.stdout.split(separator: "\n").map(\.count).max() ?? 0) > width)
        #expect(Self.words(wrapped.stdout) == Self.words(whole.stdout))
        let check = try CLI.run(["check", example, "--set", "checks.rope_criteria=warning"], environment: ["COLUMNS": "\(width)"])
        #expect((check.stdout.split(separator: "\n").map(\.count).max() ?? 0) <= width)
    }

    /// A table row continues under its value column; a word longer than the room is cut, not lost.
    @Test func continuationHangsUnderTheValue() {
        let row = "  storage      " + Array(repeating: "word", count: 30).joined(separator: " ")
        let lines = TextWrap.wrap(row, width: 40).split(separator: "\n")
        #expect(lines.count > 1 && lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 15)) && $0.count <= 40 })
        let long = TextWrap.wrap(String(repeating: "x", count: 90), width: 40)
        #expect(long.filter { $0 == "x" }.count == 90 && long.split(separator: "\n").allSatisfy { $0.count <= 40 })
    }
}

/// Issue 25, item 8: the CI formats of `check`.
struct CIFormatTests {
    /// GitHub annotations: every line a workflow command lcplan wrote, input escaped as workflow-command data
    /// (a `%` as %25), so nothing from a spec starts a command of its own.
    @Test func githubAnnotationsEscapeInput() throws {
        let spec = """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200}
            workload: {context: 8k}
            checks: {suppress: ["50%,::error::x"]}
            """
        let result = try CLI.run(["check", "-", "--format", "github"], stdin: spec)
        let lines = result.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.hasPrefix("::error file=") || line.hasPrefix("::warning file=") || line.hasPrefix("::notice file="), "\(line)")
        }
        let unknown = try #require(lines.first { $0.contains("LC117") })
        #expect(unknown.hasPrefix("::warning file=<stdin>,line=5,col="))
        #expect(unknown.contains("50%25,::error::x") && !unknown.contains("50%,"))
    }

    /// The markdown table: the marker first, a row per spec in order, the verdicts check gives.
    @Test func markdownTableRowPerSpec() throws {
        let specs = ["examples/llama-3.1-8b-h200-128k.yaml", "examples/llama-3.2-3b-edge-32k.yaml"]
        let table = try CLI.run(["check"] + specs + ["--format", "markdown"])
        let json = try JSONDocument.parse(try CLI.run(["check"] + specs + ["--format", "json"]).stdout)
        #expect(table.status == Int32(json["exit_status"]?.int ?? -1))
        #expect(table.stdout.hasPrefix("<!-- lcplan check -->\n"))
        let rows = table.stdout.split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count == 2)
        for (row, entry) in zip(rows, json["files"]?.array ?? []) {
            #expect(row.contains("`\(entry["file"]?.string ?? "")`") && row.contains("| \(entry["verdict"]?.string ?? "") |"))
        }
    }
}
