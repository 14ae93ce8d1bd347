import LCPlanCalculators
import LCPlanModel
import Testing

@testable import LCPlanReport

struct ReportTests {
    /// Llama 3 8B at its trained 8k context: no finding (its base 5e5 clears every RoPE bound at 8k).
    static let base = "version: 1\nmodel: llama-3-8b\nhardware: {device: h200}\nworkload: {context: 8k}\n"

    func report(_ text: String) -> Report {
        Report(file: "t.yaml", load: SpecLoader.load(text: text, file: "t.yaml"))
    }

    @Test func verdictFollowsTheFindings() {
        #expect(report(Self.base).verdict == .ok)
        #expect(report(Self.base.replacingOccurrences(of: "8k", with: "32k")).verdict == .warnings)
        #expect(report(Self.base.replacingOccurrences(of: "8k", with: "8 parsecs")).verdict == .invalid)
    }

    @Test func exitStatusFollowsTheFailLevel() {
        let warned = report(Self.base.replacingOccurrences(of: "8k", with: "32k"))
        #expect(warned.exitStatus(failOn: .error) == 0)
        #expect(warned.exitStatus(failOn: .warning) == 1)
        #expect(report("version: 1\n").exitStatus(failOn: .error) == 2)
    }

    @Test func suppressionRemovesOnlyNamedWarnings() {
        // At 32k Llama 3 8B is beyond its trained context (LC301), below the depth bound (LC302), fails the Men
        // criterion (LC306) and is beyond Liu's extrapolation limit (LC308).
        let text = Self.base.replacingOccurrences(of: "8k", with: "32k") + "checks: {suppress: [LC301, LC302, LC306, LC308]}\n"
        let r = report(text)
        #expect(r.diagnostics.isEmpty && r.suppressed.contains("LC301") && r.verdict == .ok, "\(r.diagnostics.map(\.message))")
    }

    /// A spec naming vLLM: the KV layout section shows the budget, each deduction, the lines vLLM logs, and
    /// one line on how the engine's count differs from the ideal one; JSON carries the same figures.
    @Test func engineCountIsExplained() throws {
        let r = report(
            """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: inference, context: 128k}
            plan: {tp: 1}
            serving: {engine: vllm, gpu_memory_utilization: 0.9}
            """)
        let e = try #require(r.analysis?.kvLayout?.engine)
        let text = TextReporter.render(r)
        // The total CUDA reports on an H100 SXM, 79.19 GiB = 85.0 GB (hardware.md), x 0.90 = 76.5 GB.
        #expect(text.contains("0.90 x 85.0 GB = 76.5 GB, less weights 16.1 GB, activation peak 2.96 GB"))
        #expect(text.contains("\"GPU KV cache size: \(UnitFormat.grouped(e.tokens)) tokens\""))
        #expect(text.contains("Maximum concurrency for 131,072 tokens per request"))
        let difference = text.split(separator: "\n").filter { $0.contains("vLLM admits") }
        #expect(difference.count == 1)
        #expect(difference.first?.contains("more than the ideal") == true)
    }

    /// A batch the throughput search chose is what the Workload section shows, marked as searched (the
    /// spec's default, 1, was shown before).
    @Test func searchedBatchIsShown() throws {
        let r = report(
            """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 1}
            workload: {mode: inference, context: 2k, output_tokens: 1k}
            """)
        let a = try #require(r.analysis)
        #expect(a.search.searched.contains("batch") && a.spec.workload.batch > 1)
        let workload = try #require(TextReporter.render(r).components(separatedBy: "\nWorkload").last)
        let line = workload.split(separator: "\n").first { $0.hasPrefix("  batch ") }
        #expect(line?.hasSuffix(" \(a.spec.workload.batch) (searched)") == true, "\(line ?? "")")
    }

    /// Figures past a machine integer (a hostile spec's times and counts) are written, not converted with a trap.
    @Test func hugeFiguresFormatWithoutTrapping() {
        #expect(SVGChart.seconds(1e20) == "100 E s")
        #expect(SVGChart.seconds(2500) == "2,500 s")
        #expect(ReportDiff.format(1e20, "count").hasPrefix("100"))
        #expect(ReportDiff.format(12_345, "tokens") == "12,345")
    }

    /// Time ticks read as people read times: zero is 0 s, not 0 ns; days and years, not millions of seconds.
    @Test func timeTicksReadPlainly() {
        #expect(SVGChart.seconds(0) == "0 s")
        #expect(SVGChart.seconds(1e-3) == "1 ms")
        #expect(SVGChart.seconds(1_000_000) == "11.6 d")  // 1e6 / 86,400
        #expect(SVGChart.seconds(10_000) == "2.78 h")  // 1e4 / 3,600
        #expect(SVGChart.seconds(1e9) == "31.7 y")  // 1e9 / (365.25 x 86,400)
    }

    /// Doubling sweeps are geometric (a logarithmic axis spaces them evenly); the range's end may be a
    /// shorter last step; arithmetic and two-point ranges are not.
    @Test func geometricSweepsAreRecognised() {
        #expect(SweepReport.isGeometric([1, 2, 4, 8, 16]))
        #expect(SweepReport.isGeometric([1, 2, 4, 8, 12]))
        #expect(SweepReport.isGeometric([1, 2, 4, 8], factor: 2) && !SweepReport.isGeometric([1, 3, 9, 27], factor: 2))
        #expect(!SweepReport.isGeometric([8, 16, 24, 32]))
        #expect(!SweepReport.isGeometric([1, 2]))
    }

    /// A context sweep's chart marks the spec's own context and the model's max_context; a list of devices
    /// draws dots with dot legends; a panel constant over the sweep is a line of text, not a flat chart.
    @Test func sweepChartsMarkAndSimplify() throws {
        let text = "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 32k, output_tokens: 0}\n"
        let load = SpecLoader.load(text: text, file: "t.yaml")
        let base = Analysis(try #require(load.spec))
        let contexts = Sweep(
            base: base, text: text, file: "t.yaml", baseDirectory: ".", library: PresetLibrary(), key: "workload.context",
            values: [8192, 16384, 32768, 65536, 131_072, 262_144])
        let svg = SweepReport.svg(contexts, title: "t")
        #expect(svg.contains(">spec 32k<") && svg.contains(">model max 128k<"))
        let devices = Sweep(
            base: base, text: text, file: "t.yaml", baseDirectory: ".", library: PresetLibrary(), key: "hardware.device",
            values: ["h100-sxm", "h200", "b200"].map { SweepValue(text: $0, number: nil) })
        let chart = SweepReport.svg(devices, title: "d")
        #expect(!chart.contains("stroke-width=\"2\" stroke-dasharray") && !chart.contains("<path"))
        #expect(chart.contains("constant over the sweep: RoPE base zone at each context: lower bound"))
        #expect(!chart.contains(">RoPE base zone at each context (phase-modulation"))
    }

    @Test func textReportLeadsWithTheVerdict() {
        let text = TextReporter.render(report(Self.base))
        let lines = text.split(separator: "\n")
        #expect(lines[1] == "Verdict: OK — no findings")
        #expect(text.contains("8,030,261,248"))
        #expect(!text.contains("\u{1B}["), "no colour unless asked")
        #expect(TextReporter.render(report(Self.base), style: TextStyle(color: true)).contains("\u{1B}[1;32mOK"))
    }

    @Test func sarifNamesEveryRuleOnce() {
        let sarif = SARIFReporter.render([report(Self.base)])
        guard case .array(let runs)? = sarif["runs"], case .object = runs.first,
            case .array(let rules)? = runs.first?["tool"]?["driver"]?["rules"]
        else {
            Issue.record("SARIF has no rules")
            return
        }
        #expect(rules.count == RuleRegistry.all.count)
    }
}

/// Findings about derived values point at the key they concern (or its nearest written ancestor), so SARIF
/// can place them on a line.
struct DerivedFindingLocationTests {
    @Test func ropeFindingPointsAtTheModelKey() throws {
        let text = "version: 1\nhardware: {device: h200}\nmodel: {preset: llama-3-8b, rope: {theta: 1e9}}\nworkload: {context: 8k}\n"
        let report = Report(file: "t.yaml", load: SpecLoader.load(text: text, file: "t.yaml"))
        let ceiling = try #require(report.diagnostics.first { $0.rule == .ropeBaseAboveCeiling })
        // `model.rope.theta` is written on line 3, column 36 ("theta:" inside the flow mapping).
        #expect(ceiling.location?.line == 3 && ceiling.location?.column == 36)
        let fit = "version: 1\nmodel: llama-3.1-405b\nhardware: {device: h200}\nworkload: {context: 8k}\n"
        let big = Report(file: "t.yaml", load: SpecLoader.load(text: fit, file: "t.yaml"))
        // LC201 concerns `hardware.device`: line 3, column 12 ("device:" inside the flow mapping).
        let doesNotFit = try #require(big.diagnostics.first { $0.rule == .doesNotFit })
        #expect(doesNotFit.location?.line == 3 && doesNotFit.location?.column == 12)
    }
}
