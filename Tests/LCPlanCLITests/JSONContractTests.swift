import Foundation
import Testing

/// The JSON outputs' v1 contract: every document carries its `schema`, validates against the strict
/// variant of its published schema, and the published variant accepts keys added later.
struct JSONContractTests {
    @Test func checkOutputValidates() throws {
        let result = try CLI.run(["check", "--format", "json"] + CLI.examples + [CLI.invalidFixtures[0]])
        #expect(result.status == 2)
        let document = try JSONDocument.parse(result.stdout)
        #expect(document["schema"]?.stringValue == "lcplan.check/v1")
        #expect(document["exit_status"].map { "\($0)" } == "\(JSONDocument.integer("2"))")
        let errors = try CLI.strictSchema("check").validate(document)
        #expect(errors.isEmpty, "\(errors.prefix(5))")
    }

    @Test func presetsOutputValidates() throws {
        let result = try CLI.run(["presets", "--format", "json"])
        let document = try JSONDocument.parse(result.stdout)
        #expect(document["schema"]?.stringValue == "lcplan.presets/v1")
        let errors = try CLI.strictSchema("presets").validate(document)
        #expect(errors.isEmpty, "\(errors.prefix(5))")
    }

    /// The published schemas are the files in schemas/ and allow unknown keys; the strict ones do not.
    @Test(arguments: ["report", "check", "rope", "presets"])
    func publishedSchemasAreOpen(kind: String) throws {
        let published = try CLI.run(["schema", kind])
        #expect(published.stdout == (try CLI.read("schemas/lcplan.\(kind).v1.schema.json")))
        #expect(published.stdout.contains("\"additionalProperties\": true"))
        #expect(!published.stdout.contains("\"additionalProperties\": false"))
        let strict = try CLI.run(["schema", kind, "--strict"]).stdout
        #expect(strict.contains("\"additionalProperties\": false") && !strict.contains("\"additionalProperties\": true"))
    }

    @Test func publishedReportSchemaAcceptsAddedKeys() throws {
        let good = try CLI.run(["plan", "examples/llama-3.1-8b-h200-128k.yaml", "--format", "json"]).stdout
        let added = good.replacingOccurrences(of: "\"memory\": {", with: "\"memory\": {\n    \"added_later_bytes\": 1,")
        #expect(try CLI.schema("schemas/lcplan.report.v1.schema.json").validate(try JSONDocument.parse(added)).isEmpty)
        #expect(!(try CLI.strictSchema("report").validate(try JSONDocument.parse(added)).isEmpty))
    }

    /// A report whose verdict is not `invalid` must carry every computed section; an invalid one need not.
    @Test func sectionsRequiredByVerdict() throws {
        let validator = try CLI.strictSchema("report")
        let good = try JSONDocument.parse(try CLI.run(["plan", "examples/llama-3.1-8b-h200-128k.yaml", "--format", "json"]).stdout)
        guard case .object(let pairs) = good else { return }
        let withoutMemory = JSONDocument.object(pairs.filter { $0.0 != "memory" })
        #expect(validator.validate(withoutMemory).contains { $0.contains("memory") })
        let invalid = try CLI.run(["plan", CLI.invalidFixtures[0], "--format", "json"])
        #expect(validator.validate(try JSONDocument.parse(invalid.stdout)).isEmpty)
    }

    /// Key names follow one rule: every non-count quantity carries its unit (`_bytes`, `_s`,
    /// `_flop_per_s`, `_bytes_per_s`, `_per_s`, `_rad`); the schema's numbers say which they are.
    @Test func memoryAndTimeKeysCarryUnits() throws {
        let document = try JSONDocument.parse(
            try CLI.run(["plan", "examples/llama-3.1-70b-8xh200-128k.yaml", "--format", "json"]).stdout)
        for key in ["total_bytes", "capacity_bytes", "kv_cache_bytes_per_token", "max_context", "weights_bytes"] {
            #expect(document["memory"]?[key] != nil, "memory.\(key)")
        }
        for key in ["ttft_s", "tpot_s", "tokens_per_s", "peak_flop_per_s"] { #expect(document["time"]?[key] != nil, "time.\(key)") }
        #expect(document["hardware"]?["effective"]?["inter_node"]?["effective_bytes_per_s"] != nil)
        #expect(document["time"]?["decode"]?["memory_efficiency"] != nil)
        guard case .array(let assumptions)? = document["assumptions"], let first = assumptions.first else {
            Issue.record("no assumptions")
            return
        }
        #expect(first["id"]?.stringValue == "attention_flops" && first["text"] != nil)
    }
}

/// Every efficiency in force says where it comes from: a cited default per device class, or the spec.
struct EfficiencySourceTests {
    @Test func defaultsAreCitedAndOverridesSaySo() throws {
        let spec = "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200, efficiency: {compute: 0.6}}\nworkload: {context: 8k}\n"
        let result = try CLI.run(["-", "--format", "json"], stdin: spec)
        let document = try JSONDocument.parse(result.stdout)
        let sources = document["hardware"]?["effective"]?["efficiency_sources"]
        #expect(sources?["compute"]?.stringValue?.contains("user override") == true)
        #expect(sources?["memory"]?.stringValue?.hasPrefix("default:") == true)
        // Within a node over NVLink: the measured 371-377 of 450 GB/s (serving.md); other links: a stated assumption.
        #expect(sources?["network"]?.stringValue?.contains("NVIDIA/nccl issue 1264") == true)
        #expect(sources?["network"]?.stringValue?.contains("0.7, an assumption") == true)
        let effective = document["hardware"]?["effective"]
        #expect(abs((effective?["intra_node"]?["efficiency"]?.doubleValue ?? 0) - 374.0 / 450) < 1e-9)
        #expect(effective?["intra_node"]?["effective_bytes_per_s"]?.doubleValue.map { abs($0 - 374e9) < 1 } == true)
        #expect(effective?["inter_node"]?["efficiency"]?.doubleValue == 0.7)
        guard case .array(let stated)? = document["hardware"]?["efficiency"]?["stated"] else {
            Issue.record("no stated list")
            return
        }
        #expect(stated.compactMap(\.stringValue) == ["compute"])
        let text = try CLI.run(["-", "--color", "never"], stdin: spec).stdout
        #expect(text.contains("compute efficiency 0.60 of dense peak FLOP/s (prefill, training): set by the spec"))
        #expect(text.contains("2x optimistic on prefill") == false)
        let defaults = try CLI.run(
            ["-", "--color", "never"], stdin: spec.replacingOccurrences(of: ", efficiency: {compute: 0.6}", with: ""))
        #expect(defaults.stdout.contains("about 2x optimistic on prefill against measured kernels"))
    }
}
