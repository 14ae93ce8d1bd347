import LCPlanModel
import PropertyBased
import Testing
import Yams

@testable import LCPlanReport

/// The text report, the JSON report and the exit status `check` uses give one verdict for any spec:
/// generated specs (models, devices, counts, modes and fixed layout keys, legal or not) are analysed once
/// and rendered both ways (with shrinking: a failure names the smallest disagreeing spec).
struct VerdictAgreementTests {
    static func spec(_ model: String, _ device: String, _ count: Int, _ training: Bool, _ plan: [(String, Int)]) -> String {
        let workload =
            training
            ? "{mode: training, context: 8k, global_batch: \(count * 2)}" : "{mode: inference, context: 32k, batch: 2, output_tokens: 128}"
        let fixed = plan.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
        return """
            version: 1
            model: \(model)
            hardware: {device: \(device), count: \(count), per_node: \(min(count, 8))}
            workload: \(workload)
            plan: {\(fixed)}

            """
    }

    static let keys = ["tp", "pp", "vpp", "cp", "dp"]

    @Test(.shrinking)
    func textJSONAndExitStatusAgree() async {
        await propertyCheck(
            count: 40,
            input: Gen.element(of: ["llama-3.2-3b", "llama-3.1-8b", "qwen2.5-7b", "mixtral-8x7b"]),
            Gen.element(of: ["h100-sxm", "a100-80gb"]), Gen.element(of: [1, 2, 8, 16]), Gen.element(of: [false, true]),
            Gen.element(of: [0, 1, 2, 4, 8]).array(of: 5)
        ) { model, device, count, training, degrees in
            guard let model, let device, let count, let training else { return }
            let plan = zip(Self.keys, degrees).compactMap { key, degree in degree.flatMap { $0 > 0 ? (key, $0) : nil } }
            let text = Self.spec(model, device, count, training, plan)
            let report = Report(file: "generated.yaml", load: SpecLoader.load(text: text, file: "generated.yaml"))
            let rendered = TextReporter.render(report)
            guard let document = try? Yams.load(yaml: ReportDocument.report.encode(report).serialized()) as? [String: Any] else {
                Issue.record("the JSON report does not parse for\n\(text)")
                return
            }
            let verdict = document["verdict"] as? String ?? "?"
            #expect(verdict == report.verdict.rawValue, "\(text)")
            let line = rendered.split(separator: "\n").first { $0.hasPrefix("Verdict: ") }.map(String.init) ?? ""
            #expect(line.lowercased().hasPrefix("verdict: \(verdict)"), "text says \(line), JSON \(verdict) for\n\(text)")
            // A search that found no layout that fits, or none the rules allow, is infeasible everywhere.
            if let layout = document["layout"] as? [String: Any], layout["status"] as? String == "does_not_fit" {
                #expect(verdict == "infeasible" || verdict == "invalid", "layout does_not_fit but verdict \(verdict) for\n\(text)")
                #expect(report.exitStatus(failOn: .error) != 0)
            }
            // Exit 0 only for a feasible plan.
            if report.exitStatus(failOn: .error) == 0 { #expect(verdict == "ok" || verdict == "warnings") }
        }
    }
}
