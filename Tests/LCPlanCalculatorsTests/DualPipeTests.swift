import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// DeepSeek-V3's DualPipe schedule (`plan.schedule: dualpipe`; arXiv 2412.19437 sec. 3.2.1 and Table 2;
/// planner.md K17): bubble (pp/2 - 1)(F&B + B - 3W), parameters 2x, activations pp + 1.
struct DualPipeTests {
    static func spec(pp: Int, batch: Int, schedule: String = "dualpipe", recompute: String = "none") -> String {
        """
        version: 1
        model: llama-3.1-70b
        hardware: {device: h100-sxm, count: \(8 * pp), per_node: 8}
        workload: {mode: training, context: 4k, global_batch: \(batch), micro_batch: 1, zero: 1, recompute: \(recompute)}
        plan: {tp: 8, pp: \(pp), dp: 1, cp: 1, vpp: 1, schedule: \(schedule)}
        """
    }

    /// Table 2 with a forward chunk F = 1, a full backward chunk B = 2 (3 with the forward recomputed in it),
    /// its weight part W = 1 and F&B = F + B: pp 8 and 20 micro-batches give (4 - 1)(3 + 2 - 3) = 6 units
    /// of bubble against 20 x 3 = 60 of work, 10%; with full recompute (3)(4 + 3 - 3) = 12 against 20 x 4,
    /// 15%. 1F1B on the same pipeline: (pp - 1)/m = 35%.
    @Test func bubbleFollowsTable2() throws {
        for (recompute, expected) in [("none", 0.10), ("full", 0.15)] {
            let spec = try #require(resolve(Self.spec(pp: 8, batch: 20, recompute: recompute)))
            var layout = Layout(tp: 8, pp: 8, dp: 1, recompute: recompute == "full" ? .full : .none)
            layout.dualPipe = true
            let bubble = LayoutEvaluator.bubble(layout, microBatches: 20)
            #expect(abs(bubble - expected) < 1e-12, "\(recompute): \(bubble)")
            layout.dualPipe = false
            #expect(abs(LayoutEvaluator.bubble(layout, microBatches: 20) - 7.0 / 20) < 1e-12)
            #expect(LayoutRules(spec).isLegal(Layout(tp: 8, pp: 8, dp: 1)))
        }
    }

    /// A device holds stages i and pp - 1 - i: its parameters are exactly those two stages' under 1F1B
    /// (80 layers on 4 stages: device 0 also holds the embedding and the output layer), and a middle device
    /// keeps pp + 1 = 5 micro-batches' activations where 1F1B's stage 1 keeps pp - 1 = 3.
    @Test func memoryHoldsTwoStagesAndPPPlusOneMicroBatches() throws {
        let spec = try #require(resolve(Self.spec(pp: 4, batch: 16)))
        let profile = ModelProfile(spec, analyseRoPE: false)
        func stage(_ s: Int, dualPipe: Bool) -> MemoryParts<ExactInt> {
            var layout = Layout(tp: 8, pp: 4, dp: 1, zero: 1)
            layout.dualPipe = dualPipe
            return StageMemory.compute(
                profile, layout, stage: s, sequence: 4096, prompt: 4096, sequences: 1, microBatches: 16, workspace: ExactInt.zero)
        }
        #expect(stage(0, dualPipe: true).parameters == stage(0, dualPipe: false).parameters + stage(3, dualPipe: false).parameters)
        #expect(stage(1, dualPipe: true).parameters == stage(1, dualPipe: false).parameters + stage(2, dualPipe: false).parameters)
        #expect(stage(1, dualPipe: true).activations * ExactInt(3) == stage(1, dualPipe: false).activations * ExactInt(5))
    }

    /// K17's conditions, each at plan.schedule: an even pp of at least 2, an even number of micro-batches per
    /// pipeline, no virtual stages, a training workload.
    @Test func rules() throws {
        func ids(_ text: String) throws -> [String] {
            let result = SpecLoader.load(text: text, file: "test.yaml")
            return result.diagnostics.filter { $0.severity == .error && $0.keyPath == "plan.schedule" }.map(\.rule.id)
        }
        #expect(try ids(Self.spec(pp: 4, batch: 16)).isEmpty)
        #expect(try ids(Self.spec(pp: 3, batch: 16)) == [Rule.planNotDivisible.id])
        #expect(try ids(Self.spec(pp: 4, batch: 15)) == [Rule.planNotDivisible.id])
        #expect(try ids(Self.spec(pp: 4, batch: 16).replacingOccurrences(of: "vpp: 1", with: "vpp: 2")) == [Rule.layoutUnsupported.id])
        let serving = """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: inference, context: 8k, batch: 4}
            plan: {tp: 8, schedule: dualpipe}
            """
        #expect(try ids(serving) == [Rule.layoutUnsupported.id])
    }

    /// No training engine lcplan emits for runs this DualPipe (torchtitan's DualPipeV is the one-copy V shape).
    @Test func enginesRefuseIt() throws {
        var layout = Layout(tp: 8, pp: 4, dp: 1)
        layout.dualPipe = true
        let model = try #require(ModelCatalogue.named("llama-3.1-70b"))
        for engine in [EngineRules.megatron, .torchtitan, .deepspeed] {
            #expect(
                EngineLayoutRules.violations(engine, layout, model: model, context: 4096, globalBatch: 16).contains {
                    $0.contains("DualPipe")
                }, "\(engine)")
        }
    }
}
