import Foundation
import Testing

struct RoPECommandTests {
    static let ropeModels = [
        "llama-2-7b", "llama-2-70b", "llama-3-8b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b",
        "llama-3.2-3b", "mistral-7b-v0.1", "mistral-7b-v0.2", "mixtral-8x7b", "qwen2.5-7b", "qwen2.5-7b-1m",
        "deepseek-v3", "yi-6b-200k", "phi-3-mini-128k", "gemma-2-9b", "gemma-3-27b",
    ]

    /// Every catalogue model with RoPE gets a RoPE section at its own max context and at 1M tokens.
    /// (The Men criterion is limited here to keep the test fast; its own tests cover it.)
    @Test(arguments: ropeModels)
    func everyModelHasARoPESection(model: String) throws {
        for context in [nil, "1M"] {
            let args =
                ["rope", "--model", model, "--format", "json", "--men-limit", "1000000"] + (context.map { ["--context", $0] } ?? [])
            let result = try CLI.run(args)
            #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
            let document = try JSONDocument.parse(result.stdout)
            guard case .object(let sections)? = document["rope"], let first = sections.first?.1 else {
                Issue.record("no rope section for \(model)")
                continue
            }
            for key in ["bounds", "zone", "feasible", "binding", "liu", "precision", "max_context"] {
                #expect(first[key] != nil, "\(model): rope.\(key)")
            }
        }
    }

    /// `lcplan rope --format json` validates against its published schema, for a preset and for a spec.
    @Test func ropeJSONValidatesAgainstItsSchema() throws {
        let validator = try CLI.strictSchema("rope")
        for args in [["rope", "--model", "gemma-3-27b", "--context", "32k"], ["rope", "examples/deepseek-v3-serving.yaml"]] {
            let result = try CLI.run(args + ["--format", "json", "--men-limit", "1000000"])
            let errors = validator.validate(try JSONDocument.parse(result.stdout))
            #expect(errors.isEmpty, "\(errors)")
        }
        #expect(try CLI.run(["schema", "rope"]).stdout == CLI.read("schemas/lcplan.rope.v1.schema.json"))
    }

    /// With its default budget `lcplan rope` scans the Men windows: at 8K (r = 128) the smallest base that
    /// holds the criterion alone lies within the rounding of Men et al.'s table's 8.4e4 (arXiv 2405.14591),
    /// in the JSON (which validates) and the text alike.
    @Test func menMinimumBaseAgainstThePapersTable() throws {
        let json = try CLI.run(["rope", "--theta", "10000", "--context", "8k", "--format", "json"])
        let document = try JSONDocument.parse(json.stdout)
        #expect(try CLI.strictSchema("rope").validate(document).isEmpty)
        let recommendation = document["rope"]?["global"]?["recommendation"]
        let found = try #require(recommendation?["men_minimum_base"]?["value"]?.doubleValue)
        #expect(abs(found - 84_000) / 84_000 < 0.01)
        let stoppedAt: JSONDocument? = recommendation?["men_scan_stopped_at"]
        #expect(stoppedAt?.isNull == true, "the scan stopped")
        let decimal: String = recommendation?["men_minimum_base"]?["decimal"]?.stringValue ?? "?"
        let text = try CLI.run(["rope", "--theta", "10000", "--context", "8k"]).stdout
        let row = "Men minimum    base >= " + decimal
        #expect(text.contains(row))
        // A budget too small for a scan at this context starts none, and the text says how to raise it.
        let skipped = try CLI.run(["rope", "--theta", "10000", "--context", "8k", "--men-limit", "600000"]).stdout
        #expect(skipped.contains("a Men scan at this context needs more than --men-limit allows: raise it"))
        // One that runs out during the walk says where it stopped.
        let stopped = try CLI.run(["rope", "--theta", "10000", "--context", "1k", "--men-limit", "6600000"]).stdout
        #expect(stopped.contains("Men minimum    not found within --men-limit: the scan stopped at base"), "\(stopped)")
    }

    @Test func beyondTrainedContextWithoutScaling() throws {
        let result = try CLI.run(["rope", "--model", "llama-2-7b", "--context", "32k"])
        #expect(result.stdout.contains("[LC301]"))
        #expect(result.stdout.contains("beyond the trained context"))
    }

    @Test func fiftyDigitsOnTheCommandLine() throws {
        let result = try CLI.run([
            "rope", "--theta", "10000", "--context", "131072", "--digits", "50", "--format", "json", "--men-limit", "0",
        ])
        // 131072 / (2 pi), computed independently with Python's decimal module from 200 published digits of pi.
        #expect(result.stdout.contains("\"decimal\": \"20860.756700940905449899132632762202460580694686493\""))
    }

    @Test func ropeSectionsValidateAgainstTheReportSchema() throws {
        let validator = try CLI.strictSchema("report")
        let json = try CLI.run(["plan", "examples/deepseek-v3-serving.yaml", "--format", "json"])
        #expect(validator.validate(try JSONDocument.parse(json.stdout)).isEmpty)
        // DeepSeek-V3 has only global layers: the section is keyed by layer kind, with no `local` entry.
        let document = try JSONDocument.parse(json.stdout)
        #expect(document["rope"]?["global"]?["binding"] != nil)
        #expect(document["rope"]?["local"] == nil)
    }

    @Test func ropeCommandErrors() throws {
        #expect(try CLI.run(["rope"]).status == 2)
        #expect(try CLI.run(["rope", "--model", "llama-3-8b", "--theta", "1e4"]).status == 2)
        #expect(try CLI.run(["rope", "--theta", "abc"]).status == 2)
        #expect(try CLI.run(["rope", "--model", "mamba-2.8b"]).status == 2)
        #expect(try CLI.run(["rope", "--model", "llama-3-8bb"]).status == 2)
        #expect(try CLI.run(["rope", "--theta", "1e4", "--context", "1e30"]).status == 2)
        #expect(try CLI.run(["rope", "--theta", "1e4", "--rotary-dim", "16384"]).status == 2)
        // A limit that would let one run compute for hours (the Men sums of a 2^40-token context) is refused.
        for limit in ["--men-limit=-1", "--men-limit=100000000001", "--men-limit=9223372036854775807"] {
            let result = try CLI.run(["rope", "--theta", "1e4", "--context", "1024G", limit])
            #expect(result.status == 2 && result.stderr.contains("--men-limit must be from 0 to"), "\(limit): \(result.stderr)")
        }
    }
}
