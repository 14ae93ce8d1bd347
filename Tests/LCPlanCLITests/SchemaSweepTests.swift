import Foundation
import LCPlanModel
import LCPlanReport
import Testing

/// Every JSON report of a spread of specs (models of each kind, devices, counts, modes, fixed and
/// impossible layout keys, extreme contexts) validates against the strict report schema: no key the
/// schema lacks, no null or non-finite number where it wants a number.
struct SchemaSweepTests {
    static let models = ["llama-3.2-3b", "llama-3.1-70b", "mixtral-8x7b", "deepseek-v3", "gemma-3-27b", "mistral-7b-v0.1", "qwen2.5-7b-1m"]
    static let workloads = [
        "{mode: inference, context: 1k, batch: 1, output_tokens: 1}", "{mode: inference, context: 1M, output_tokens: 4096}",
        "{mode: training, context: 128k, global_batch: 16}", "{mode: training, context: 4k, global_batch: 8, micro_batch: 8}",
        "{mode: inference, context: 32k, batch: 64, output_tokens: 512, kv_cache: {dtype: int4, group_size: 64}}",
    ]
    static let plans = ["{}", "{tp: 8}", "{pp: 4, vpp: 2}", "{cp: 4}", "{vpp: 8}", "{tp: 3}"]

    @Test func reportsValidateStrictly() throws {
        let schema = try CLI.strictSchema("report")
        var checked = 0
        for (index, model) in Self.models.enumerated() {
            for (w, workload) in Self.workloads.enumerated() {
                let plan = Self.plans[(index + w) % Self.plans.count]
                let devices = [1, 8, 64][(index + 2 * w) % 3]
                let device = ["h100-sxm", "a100-80gb", "h200", "rpi5"][(index + w) % 4]
                let text = """
                    version: 1
                    model: \(model)
                    hardware: {device: \(device), count: \(devices)}
                    workload: \(workload)
                    plan: \(plan)

                    """
                let report = Report(file: "sweep.yaml", load: SpecLoader.load(text: text, file: "sweep.yaml"))
                let json = ReportDocument.report.encode(report).serialized()
                let problems = schema.validate(try JSONDocument.parse(json))
                #expect(problems.isEmpty, "\(problems.prefix(5)) for\n\(text)")
                checked += 1
            }
        }
        #expect(checked == Self.models.count * Self.workloads.count)
    }
}
