import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// A small deterministic generator (SplitMix64), so that every run checks the same specs.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Property tests over generated model shapes (dense, GQA, MQA, MLA, MoE, windowed, hybrid with SSM and
/// linear layers) and workloads.
struct PropertyTests {
    static func model(_ g: inout SplitMix64) -> ModelSpec {
        let heads = g.pick([1, 2, 8, 32, 64, 128])
        let kv = g.pick([1, heads, max(1, heads / 8)])
        let headDim = g.pick([64, 128, 256])
        var m = ModelSpec(
            name: "generated", layers: g.int(1...200), hidden: heads * headDim, heads: heads, kvHeads: kv,
            headDim: headDim, ffn: g.int(1...65_536), ffnKind: g.pick([.gated, .plain]), vocab: g.int(1...300_000),
            tiedEmbeddings: g.int(0...1) == 1, maxContext: 1 << 20)
        m.attention.kind = kv == heads ? .mha : (kv == 1 ? .mqa : .gqa)
        switch g.int(0...4) {
        case 0:
            m.attention = AttentionSpec(
                kind: .mla,
                mla: MLASpec(
                    qLoraRank: g.pick([nil, 1536]), kvLoraRank: 512,
                    qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128))
            m.headDim = 192
            m.kvHeads = heads
        case 1:
            m.attention.window = g.int(1...8192)
            m.attention.pattern = [.local, .local, .global]
        case 2:
            m.ssm = SSMSpec(state: 16, conv: 4, expand: 2, dtRank: (m.hidden + 15) / 16)
            m.attention.pattern = [.ssm, .ssm, .global, .linear]
        default: break
        }
        if g.int(0...2) == 0 {
            let experts = g.pick([8, 16, 64, 256])
            m.moe = MoESpec(
                experts: experts, active: g.int(1...8), shared: g.int(0...2), expertFfn: g.int(1...8192),
                denseLayers: g.int(0...3), routerBias: g.int(0...1) == 1)
        }
        return m
    }

    static func spec(_ model: ModelSpec, _ g: inout SplitMix64, context: Int? = nil, batch: Int? = nil) -> Spec {
        let training = g.int(0...2) == 0
        let ctx = context ?? g.int(1...(1 << 21))
        let output = training ? 0 : min(g.int(0...4096), ctx - 1)
        let device = g.pick(DeviceCatalogue.all)
        let workload = WorkloadSpec(
            mode: training ? .training : .inference, context: ctx, batch: batch ?? g.int(1...64), promptTokens: ctx - output,
            outputTokens: output, dtype: g.pick([.bf16, .fp8, .int4, .fp32]),
            kvCache: KVCacheSpec(dtype: g.pick([.bf16, .fp8, .int4]), blockTokens: g.pick([1, 16, 256]), groupSize: g.pick([nil, 64])),
            prefillChunk: g.pick([nil, 2048]),
            training: training
                ? TrainingSpec(
                    globalBatch: 64, microBatch: 1, optimizer: g.pick(Optimizer.allCases),
                    zero: g.int(0...3), recompute: g.pick(Recompute.allCases)) : nil)
        var plan = PlanSpec()
        plan.tp = g.pick([1, 2, 8])
        plan.pp = min(g.pick([1, 4, 16]), model.layers)
        plan.cp = g.pick([1, 2])
        let count = (plan.tp ?? 1) * (plan.pp ?? 1) * (plan.cp ?? 1) * g.pick([1, 4])
        return Spec(
            file: "generated.yaml", model: model,
            hardware: HardwareSpec(device: device, count: count, perNode: 8, intraNode: nil, interNode: nil, efficiency: .defaults),
            workload: workload, plan: plan, constraints: .defaults, checks: ChecksSpec(), conventions: ConventionsSpec())
    }

    @Test func noNegativeNoCrashAtAnySize() {
        var g = SplitMix64(state: 2026)
        for _ in 0..<60 {
            let m = Self.model(&g)
            let s = Self.spec(m, &g)
            let analysis = Analysis(s)
            let parts = [
                analysis.flops.prefill.total, analysis.flops.decodeTotal.total, analysis.memory.total,
                analysis.memory.device.kvCache, analysis.memory.device.activations, analysis.parameters.active,
            ]
            #expect(parts.allSatisfy { !$0.isNegative })
            #expect(analysis.time.tokensPerSecond.isFinite && analysis.time.tokensPerSecond >= 0)
            let f = analysis.flops.prefill
            #expect(f.attentionCore + f.attentionProjections + f.mlp + f.experts + f.lmHead + f.other == f.total)
        }
    }

    /// The largest sizes a spec may state (2^40 tokens, 2^24-wide shapes) stay exact: no overflow, no trap.
    @Test func extremeSizesStayExact() {
        var m = ModelSpec(
            name: "huge", layers: 1 << 12, hidden: 1 << 24, heads: 1 << 12, kvHeads: 1 << 12, headDim: 1 << 12,
            ffn: 1 << 24, vocab: 1 << 24, maxContext: 1 << 40)
        m.moe = MoESpec(experts: 1 << 12, active: 1 << 10, expertFfn: 1 << 24)
        var g = SplitMix64(state: 1)
        var s = Self.spec(m, &g, context: 1 << 40, batch: 1 << 20)
        s.plan = PlanSpec()
        s.hardware.count = 1
        let analysis = Analysis(s)
        #expect(analysis.flops.prefill.total > ExactInt(2).power(100))
        #expect(analysis.memory.fits == false)
        #expect(analysis.maxContext == nil)
    }

    @Test func memoryNeverDecreasesWithContextBatchOrLayers() {
        var g = SplitMix64(state: 7)
        for _ in 0..<30 {
            let m = Self.model(&g)
            var state = g
            let base = Self.spec(m, &state, context: 4096, batch: 4)
            var previous = ExactInt.zero
            for context in [4096, 8192, 65_536, 1 << 20] {
                var s = base
                s.workload.context = context
                s.workload.promptTokens = context - s.workload.outputTokens
                let total = MemoryModel(s, layout: ResolvedLayout(s).layout).profile().total
                #expect(total >= previous, "context \(context)")
                previous = total
            }
            var more = base
            more.workload.batch = 64
            #expect(
                MemoryModel(more, layout: ResolvedLayout(more).layout).profile().total
                    >= MemoryModel(base, layout: ResolvedLayout(base).layout).profile().total)
            var deeper = base
            deeper.model.layers += 16
            #expect(
                MemoryModel(deeper, layout: ResolvedLayout(deeper).layout).profile().total
                    >= MemoryModel(base, layout: ResolvedLayout(base).layout).profile().total)
        }
    }

    /// max_context is exact: the profile fits at it and not one token beyond.
    @Test func maxContextIsTheLargestThatFits() {
        var g = SplitMix64(state: 11)
        var checked = 0
        for _ in 0..<40 {
            let m = Self.model(&g)
            let s = Self.spec(m, &g)
            let memory = MemoryModel(s, layout: ResolvedLayout(s).layout)
            guard let longest = memory.maxContext(), longest < SpecShapes.maxTokens else { continue }
            #expect(memory.profile(context: longest).fits)
            #expect(!memory.profile(context: longest + 1).fits)
            checked += 1
        }
        #expect(checked >= 10)
    }
}
