import Foundation
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
        let one = try #require(document["summary"]?["max_context"]?.doubleValue)
        let batch = try #require(document["memory"]?["max_context"]?.doubleValue)
        #expect(one >= batch)
        let ttft = try #require(document["summary"]?["ttft_s"]?.doubleValue)
        let batchTTFT = try #require(document["time"]?["ttft_s"]?.doubleValue)
        #expect(ttft <= batchTTFT)
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
