import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// The layout evaluator (double arithmetic, for search) and the exact memory model (for reports) share
/// one formula: over generated models, workloads and layouts they agree part by part.
struct EvaluatorAgreesWithExactMemory {
    static func close(_ fast: Double, _ exact: ExactInt) -> Bool {
        let value = exact.doubleValue
        return fast == value || abs(fast - value) <= 1e-12 * max(abs(value), 1)
    }

    @Test func everyPartAgrees() {
        var g = SplitMix64(state: 4242)
        var compared = 0
        for _ in 0..<80 {
            let model = PropertyTests.model(&g)
            let spec = PropertyTests.spec(model, &g, context: g.pick([4096, 32_768, 131_072]))
            let profile = ModelProfile(spec, analyseRoPE: false)
            let evaluator = LayoutEvaluator(profile: profile, system: System(spec.hardware, computeFormat: .bf16))
            for zero in [0, 3] {
                var layout = ResolvedLayout(spec).layout
                layout.zero = zero
                layout.sequenceParallel = layout.tp > 1 && g.int(0...1) == 1
                layout.recompute = g.pick(Recompute.allCases)
                let fast = evaluator.evaluate(layout)
                let exact = MemoryModel(profile, layout: layout).profile()
                #expect(fast.stage == exact.stage || Self.close(fast.memory.total, exact.total))
                #expect(Self.close(fast.memory.total, exact.total), "total \(fast.memory.total) vs \(exact.total)")
                #expect(Self.close(fast.memory.weights, exact.device.weights))
                #expect(Self.close(fast.memory.kvCache, exact.device.kvCache))
                #expect(Self.close(fast.memory.activations, exact.device.activations))
                #expect(Self.close(fast.memory.gradients, exact.device.gradients))
                #expect(Self.close(fast.memory.optimizer, exact.device.optimizer))
                #expect(Self.close(fast.memory.parameters, exact.parametersPerDevice))
                #expect(fast.fits == exact.fits)
                compared += 1
            }
        }
        #expect(compared == 160)
    }

    /// The per-kind KV bytes per token add up, over every layer, to the model's bytes per token.
    @Test func kvBytesPerKindSumToTheWhole() {
        var g = SplitMix64(state: 99)
        for _ in 0..<40 {
            let spec = PropertyTests.spec(PropertyTests.model(&g), &g, context: 4096)
            let profile = ModelProfile(spec, analyseRoPE: false)
            var sum = ExactInt.zero
            for k in profile.kinds.indices {
                sum += ExactInt(profile.layers(ofKind: k, in: 0..<spec.model.layers)) * profile.kvBytesPerTokenPerLayer[k]
            }
            #expect(sum == profile.kvBytesPerToken)
        }
    }

    /// Shards of the weights over pipeline stages and tensor ranks add up to the whole model (dense models,
    /// bf16, tp dividing every matrix): sum over stages of tp x parameters per device = all parameters.
    @Test func stageShardsSumToTheModel() throws {
        let spec = try #require(
            resolve(
                "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h100-sxm, count: 32}\nworkload: {mode: training, context: 8k, global_batch: 64}\nplan: {tp: 4, pp: 8, dp: 1}\n"
            ))
        let profile = ModelProfile(spec, analyseRoPE: false)
        let layout = ResolvedLayout(spec).layout
        var total = ExactInt.zero
        for stage in 0..<layout.pp {
            let parts: MemoryParts<ExactInt> = StageMemory.compute(
                profile, layout, stage: stage, sequence: 8192, prompt: 8192, sequences: 1, microBatches: 64, workspace: .zero)
            total += parts.parameters * ExactInt(layout.tp)
        }
        // cases.md: Llama 3.1 8B has 8,030,261,248 parameters; norms (4,096 wide, 65 of them) do not split
        // evenly over tp 4 only if 4,096 is not a multiple of 4 - it is, so the shards are exact.
        #expect(total == ExactInt(8_030_261_248))
    }
}

/// The collectives against the worked cases of ../shared/reference/cases.md.
struct CollectivesTests {
    /// Narayanan 2021 sec. 3.2: per layer per device per micro-batch, 8 b s h (t - 1)/t elements (two
    /// all-reduces forward, two backward); b 1, s 8192, h 8192, t 8, bf16: 8 x 8192^2 x 7/8 x 2 B = 0.94e9 B.
    @Test func tensorParallelTrafficPerLayer() {
        let activation = 1.0 * 8192 * 8192 * 2
        let cost = Collectives.allReduce(bytes: activation, ranks: 8).repeated(4)
        let expected: Double = 8 * 8192 * 8192 * (7.0 / 8) * 2
        #expect(cost.bytesPerRank == expected)
        #expect(abs(cost.bytesPerRank - 0.94e9) / 0.94e9 < 0.001)
        #expect(cost.algorithmFactor == 2 * 7.0 / 8)
    }

    /// Ulysses (arXiv 2309.14509 sec. 3.2): per layer 4 N h / P elements per link (Q, K, V and the output,
    /// each an all-to-all of N h / P per rank), against Megatron sequence parallelism's 4 N h (an
    /// all-gather and a reduce-scatter forward and backward). N 262,144, h 4096, P 8, bf16: 1.07e9 B vs
    /// 8.59e9 B, where the paper rounds (P - 1)/P to 1; with it the two are 7/8 of those.
    @Test func ulyssesAgainstMegatronSequenceParallel() {
        let n = 262_144.0, h = 4096.0, p = 8
        let buffer: Double = n * h * 2
        let ulysses = Collectives.allToAll(bytes: buffer / Double(p), ranks: p).repeated(4).bytesPerRank
        let ulyssesExpected: Double = 1.07e9 * 7 / 8
        #expect(abs(ulysses - ulyssesExpected) / ulyssesExpected < 0.01)
        let gathers = Collectives.allGather(bytes: buffer, ranks: p).repeated(2).bytesPerRank
        let scatters = Collectives.reduceScatter(bytes: buffer, ranks: p).repeated(2).bytesPerRank
        let megatron = gathers + scatters
        let megatronExpected: Double = 8.59e9 * 7 / 8
        #expect(abs(megatron - megatronExpected) / megatronExpected < 0.01)
        #expect(abs(megatron / ulysses - Double(p)) < 1e-9)
    }

    /// Step counts repeated over every layer and micro-batch of a hostile spec stay finite (they once
    /// overflowed an Int and trapped; Tests/Fixtures/fuzz/spec/collective-steps-overflow.yaml).
    @Test func hugeRepetitionsDoNotOverflow() {
        let cost = Collectives.allReduce(bytes: 1, ranks: 1 << 24).repeated(1e30)
        #expect(cost.latencySteps == Double(2 * ((1 << 24) - 1)) * 1e30)
        #expect(cost.bytesPerRank.isFinite)
    }

    @Test func oneRankSendsNothing() {
        #expect(Collectives.allReduce(bytes: 1e9, ranks: 1) == .none)
        #expect(Collectives.allToAll(bytes: 1e9, ranks: 1) == .none)
        #expect(Collectives.pointToPoint(bytes: 5).bytesPerRank == 5)
    }

    /// Narayanan 2021 sec. 2.2: bubble (p - 1)/m of ideal time; p 8, m 32: 0.219 (7/32); interleaved with
    /// v 4: 0.0547 (7/128).
    @Test func pipelineBubble() throws {
        let text = """
            version: 1
            model: {preset: llama-3.1-8b}
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 4k, global_batch: 32, micro_batch: 1}
            plan: {tp: 1, pp: 8, dp: 1, vpp: 1}
            """
        let spec = try #require(resolve(text))
        #expect(Analysis(spec).time.bubbleFraction == 7.0 / 32)
        let interleaved = try #require(resolve(text.replacingOccurrences(of: "vpp: 1}", with: "vpp: 4}")))
        #expect(Analysis(interleaved).time.bubbleFraction == 7.0 / 128)
    }
}

/// `LayoutRules` is the one definition of a legal layout (planner.md K1-K11).
struct LayoutRulesTests {
    static let llama8b = ModelCatalogue.named("llama-3.1-8b")

    static func ids(_ violations: [LayoutViolation]) -> [String] { violations.map(\.rule.id) }

    @Test func legalLayoutsPass() throws {
        let model = try #require(Self.llama8b)
        let rules = LayoutRules(model: model, devices: 64, context: 131_072, globalBatch: 64)
        let layout = Layout(tp: 8, pp: 4, dp: 1, cp: 2, sequenceParallel: true)
        #expect(rules.violations(layout).isEmpty)
        #expect(rules.isLegal(layout))
    }

    @Test func eachRuleFires() throws {
        let model = try #require(Self.llama8b)  // 32 heads, 8 KV heads, 32 layers, FFN 14336
        let rules = LayoutRules(model: model, devices: 48, context: 131_072, globalBatch: 64)
        // tp 3 divides neither the 32 heads nor the FFN; 3 x 16 = 48 devices.
        #expect(Self.ids(rules.violations(Layout(tp: 3, dp: 16))).contains("LC110"))
        // pp 3 does not divide 32 layers: a warning, not an error.
        let uneven = rules.violations(Layout(pp: 3, dp: 16))
        #expect(Self.ids(uneven) == ["LC401"] && uneven[0].severity == .warning)
        #expect(rules.isLegal(Layout(pp: 3, dp: 16)))
        // Sequence parallelism with tp 1; virtual stages with pp 1.
        #expect(Self.ids(rules.violations(Layout(dp: 48, sequenceParallel: true))).contains("LC402"))
        #expect(Self.ids(rules.violations(Layout(vpp: 2, dp: 48))).contains("LC402"))
        // Ulysses cp 4 with tp 4: 8 KV heads / 4 = 2 per rank, not divisible by 4 (K6).
        let ulysses = LayoutRules(model: model, devices: 16, context: 131_072, globalBatch: 16)
        #expect(Self.ids(ulysses.violations(Layout(tp: 4, dp: 1, cp: 4, cpKind: .ulysses))) == ["LC110"])
        #expect(ulysses.violations(Layout(tp: 4, dp: 1, cp: 4, cpKind: .ring)).isEmpty)
        // micro-batch 4 x dp 48 = 192 does not divide the global batch 64 (K9).
        #expect(Self.ids(rules.violations(Layout(dp: 48, microBatch: 4))).contains("LC110"))
        // Degrees that need more or other devices than there are (K1).
        #expect(Self.ids(rules.violations(Layout(tp: 8, dp: 8))) == ["LC116"])
    }

    /// A plan that leaves degrees open is judged only on what it fixes.
    @Test func openDegreesAreNotJudged() throws {
        let model = try #require(Self.llama8b)
        let rules = LayoutRules(model: model, devices: 48, context: 131_072, globalBatch: 64)
        var plan = PlanSpec()
        plan.tp = 8
        #expect(rules.violations(plan, microBatch: 1).isEmpty)
        plan.sequenceParallel = true
        #expect(rules.violations(plan, microBatch: 1).isEmpty)
    }
}

/// Models deeper than 2^16 layers keep their prefix counts every 1,024 layers: stage censuses stay exact.
struct DeepModelCensusTests {
    @Test func stageCensusesAboveTheStride() throws {
        let text = """
            version: 1
            model: {preset: gemma-3-27b, layers: 200003}
            hardware: {device: h200, count: 7}
            workload: {context: 4k}
            plan: {pp: 7, dp: 1}
            """
        let spec = try #require(resolve(text))
        let profile = ModelProfile(spec, analyseRoPE: false)
        let census = LayerCensus(spec.model)
        for (k, kind) in profile.kinds.enumerated() {
            let expected = census.counts.first { $0.0 == kind }?.1 ?? 0
            #expect(profile.layers(ofKind: k, in: 0..<spec.model.layers) == expected)
            // Stage by stage, against a census of each stage's own layers.
            let layout = ResolvedLayout(spec).layout
            for stage in [0, 3, 6] {
                let range = layout.stageLayers(stage, of: spec.model.layers)
                let own = LayerCensus(spec.model, layers: range).counts.first { $0.0 == kind }?.1 ?? 0
                #expect(profile.layers(ofKind: k, in: range) == own)
            }
        }
    }
}
