import LCPlanCLI
import LCPlanCalculators
import LCPlanModel
import LCPlanReport

/// What the fuzzers run on each input: the libFuzzer targets in Fuzz/ (`make fuzz`), the seeded
/// mutational fuzzer in the tests, and the replay of saved crashes. Each entry point must return for
/// every input, never trap or hang; the work per input is bounded (the Men criterion's budget is cut to
/// 2^20 cosines, the rest of the analysis runs in full).
public enum FuzzHarness {
    static var ropeSettings: (ConventionsSpec) -> RoPESettings {
        { conventions in
            var settings = RoPESettings(conventions)
            settings.menBudget = 1 << 20
            settings.scanBudget = 0
            return settings
        }
    }

    /// A spec file's bytes through the loader, the full analysis and every renderer.
    @discardableResult
    public static func spec(_ bytes: [UInt8]) -> Report? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let load = SpecLoader.load(text: text, file: "fuzz.yaml", baseDirectory: "/nonexistent-fuzz-directory")
        let report = Report(file: "fuzz.yaml", load: load) { Analysis($0, rope: ropeSettings($0.conventions)) }
        _ = ReportDocument.report.encode(report).serialized()
        _ = TextReporter.render(report, style: .plain)
        _ = MarkdownReporter.render(report)
        _ = SARIFReporter.render([report]).serialized()
        return report
    }

    /// A Hugging Face config.json's bytes through the importer, its YAML rendering, and the analysis of
    /// the model it yields.
    public static func hfConfig(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let result = HFConfigImporter.importConfig(text, file: "config.json")
        guard let model = result.model else { return }
        _ = ModelSpecYAML.render(model, from: "config.json")
        guard let device = DeviceCatalogue.named("h200") else { return }
        let context = max(1, min(8192, model.maxContext))
        let workload = WorkloadSpec(
            mode: .inference, context: context, batch: 1, promptTokens: context, outputTokens: 0, dtype: .bf16,
            kvCache: KVCacheSpec(dtype: .bf16, blockTokens: 16), prefillChunk: nil, training: nil)
        let resolved = Spec(
            file: "config.json", model: model,
            hardware: HardwareSpec(device: device, count: 1, perNode: 1, intraNode: nil, interNode: nil, efficiency: .defaults),
            workload: workload, plan: PlanSpec(), constraints: .defaults, checks: ChecksSpec(), conventions: ConventionsSpec())
        _ = Analysis(resolved, rope: ropeSettings(resolved.conventions))
    }

    /// Arguments (split at NUL and newline bytes) through the command-line parser and its validation.
    public static func commandLine(_ bytes: [UInt8]) -> Int32 {
        let arguments = bytes.split(whereSeparator: { $0 == 0 || $0 == 10 }).prefix(64).map { String(decoding: $0, as: UTF8.self) }
        return LCPlan.parseStatus(Array(arguments))
    }
}
