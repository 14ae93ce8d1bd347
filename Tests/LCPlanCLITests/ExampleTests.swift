import Foundation
import Testing

/// Every example runs, prints a report in each format, validates against the published schemas, and
/// gives byte-identical JSON run after run.
struct ExampleTests {
    @Test func thereAreTheDocumentedExamples() {
        #expect(CLI.examples.count >= 8)
    }

    @Test(arguments: CLI.examples)
    func exampleReportsInEveryFormat(example: String) throws {
        let text = try CLI.run([example, "--color", "never"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Verdict: "))
        for section in ["Parameters", "FLOPs", "Memory", "Time", "Assumptions"] {
            #expect(text.stdout.contains("\n\(section)"), "the text report has a \(section) section")
        }
        let json = try CLI.run(["plan", example, "--format", "json"])
        #expect(json.status == 0)
        let again = try CLI.run(["plan", example, "--format", "json"])
        #expect(json.stdout == again.stdout, "JSON output must be byte-identical across runs")
        let errors = try CLI.strictSchema("report").validate(try JSONDocument.parse(json.stdout))
        #expect(errors.isEmpty, "\(errors)")
        let document = try JSONDocument.parse(json.stdout)
        for key in ["flops", "memory", "time", "layout", "assumptions"] { #expect(document[key] != nil, "JSON has \(key)") }
        let markdown = try CLI.run(["plan", example, "--format", "markdown"])
        // Review order: the verdict and the summary table first, the full report folded below.
        #expect(markdown.stdout.hasPrefix("## lcplan: `\(example)`\n\n**Verdict: "))
        let folded = try #require(markdown.stdout.range(of: "<details><summary>Full report</summary>"))
        #expect(markdown.stdout[..<folded.lowerBound].contains("| fits |") && markdown.stdout[..<folded.lowerBound].contains("| plan |"))
        for section in ["### FLOPs", "### Memory", "### Time"] {
            #expect(markdown.stdout[folded.upperBound...].contains(section))
        }
    }

    @Test(arguments: CLI.examples)
    func exampleValidatesAgainstSpecSchema(example: String) throws {
        let document = try JSONDocument.parse(try CLI.read(example))
        let errors = try CLI.schema("schemas/lcplan.spec.v1.schema.json").validate(document)
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func standardInputIsASpec() throws {
        let spec = try CLI.read("examples/llama-3.1-8b-h200-128k.yaml")
        let result = try CLI.run(["-", "--format", "json"], stdin: spec)
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"file\": \"<stdin>\""))
    }

    @Test func reportCarriesExactCounts() throws {
        let result = try CLI.run(["plan", "examples/deepseek-v3-serving.yaml", "--format", "json"])
        // cases.md: DeepSeek-V3 has 671,026,419,200 parameters without the MTP module.
        #expect(result.stdout.contains("\"total\": 671026419200,"))
    }
}

/// Counts beyond 2^63 are written as exact JSON integer literals, never through a double.
struct ExactJSONIntegerTests {
    @Test func trainingFLOPsBeyondInt64StayExact() throws {
        let json = try CLI.run(["plan", "examples/llama-3.1-405b-train-h100-128k.yaml", "--format", "json"])
        let document = try JSONDocument.parse(json.stdout)
        guard case .integer(let model)? = document["flops"]?["training_step"]?["model"],
            case .integer(let forward)? = document["flops"]?["training_step"]?["forward"]?["total"]
        else {
            Issue.record("training FLOPs are not integer literals")
            return
        }
        #expect(model.count >= 20, "above 2^63 ≈ 9.2e18")
        // model = 3 x forward, checked digit by digit with schoolbook multiplication.
        var carry = 0
        var digits: [Character] = []
        for character in forward.reversed() {
            let value = (Int(String(character)) ?? 100) * 3 + carry  // a non-digit breaks the comparison below
            digits.append(Character(String(value % 10)))
            carry = value / 10
        }
        if carry > 0 { digits.append(Character(String(carry))) }
        #expect(String(digits.reversed()) == model)
    }
}
