import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// Training memory cases from ../shared/reference/cases.md and the sources it cites.
struct TrainingMemoryTests {
    func gpt3() throws -> ModelSpec {
        try #require(resolve("version: 1\nmodel: \(gpt3Model)\nhardware: {device: a100-80gb}\nworkload: {context: 2048}\n")?.model)
    }

    /// Korthikanti et al. 2022 Table 2, GPT-3 (s 2048, b 1, h 12288, a 96), 16-bit activations with dropout
    /// masks and no fused attention: sbh(34 + 5as/h) = 2.869e9 B per layer with no parallelism, and
    /// 34sbh/t = 1.070e8 B with TP 8 + sequence parallelism + selective recompute.
    @Test func korthikantiTable2() throws {
        let model = try gpt3()
        let memory = ActivationMemory(model, dtype: .bf16, dropout: true, fusedAttention: false)
        let layer = LayerCensus.Kind(kind: .global, moe: false)
        let s = 2048, h = 12288, a = 96
        let none = memory.layer(
            layer, tokens: ExactInt(s), sequence: ExactInt(s), tp: 1,
            sequenceParallel: false, recompute: .none)
        #expect(none == ExactInt(34 * s * h + 5 * a * s * s))
        #expect(abs(none.doubleValue - 2.869e9) / 2.869e9 < 5e-4)
        let tpSP = memory.layer(
            layer, tokens: ExactInt(s), sequence: ExactInt(s), tp: 8,
            sequenceParallel: true, recompute: .selective)
        #expect(tpSP == ExactInt(34 * s * h / 8))
        #expect(abs(tpSP.doubleValue - 1.070e8) / 1.070e8 < 5e-4)
        // The other rows of Table 2: TP without SP, sbh(10 + 24/t + 5as/(ht)); TP + selective, sbh(10 + 24/t);
        // full recompute, 2sbh.
        let tp = memory.layer(
            layer, tokens: ExactInt(s), sequence: ExactInt(s), tp: 8,
            sequenceParallel: false, recompute: .none)
        #expect(tp == ExactInt(10 * s * h + 24 * s * h / 8 + 5 * a * s * s / 8))
        let tpSelective = memory.layer(
            layer, tokens: ExactInt(s), sequence: ExactInt(s), tp: 8,
            sequenceParallel: false, recompute: .selective)
        #expect(tpSelective == ExactInt(10 * s * h + 24 * s * h / 8))
        let full = memory.layer(
            layer, tokens: ExactInt(s), sequence: ExactInt(s), tp: 8,
            sequenceParallel: false, recompute: .full)
        #expect(full == ExactInt(2 * s * h))
    }

    func modelStates(zero: Int, grad: String, dp: Int) throws -> (ExactInt, MemoryProfile) {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3-8b
                hardware: {device: h100-sxm, count: \(dp)}
                workload: {mode: training, context: 4k, global_batch: \(dp), zero: \(zero), grad_dtype: \(grad)}
                plan: {dp: \(dp)}
                """))
        let memory = MemoryModel(spec, layout: ResolvedLayout(spec).layout).profile()
        return (memory.parametersPerDevice, memory)
    }

    /// ZeRO (arXiv 1910.02054) sec. 5: mixed-precision Adam keeps 2N + 2N + 12N bytes; per device over n
    /// data-parallel ranks: stage 0 16N, stage 1 4N + 12N/n, stage 2 2N + 14N/n, stage 3 16N/n.
    @Test(arguments: [(0, 16 * 64), (1, 4 * 64 + 12 * 8), (2, 2 * 64 + 14 * 8), (3, 16 * 8)])
    func zeroStages(stage: Int, sixtyFourthsPerParameter: Int) throws {
        let (n, memory) = try modelStates(zero: stage, grad: "bf16", dp: 8)
        let states = memory.device.weights + memory.device.gradients + memory.device.optimizer
        // Exact up to rounding each sharded part up to whole bytes (at most 3 bytes in all).
        let expected = n * ExactInt(sixtyFourthsPerParameter)
        #expect(states * 64 >= expected && states * 64 - expected < ExactInt(3 * 64))
    }

    /// Megatron-LM docs/source/api-guide/dist_optimizer.md: bf16 params with fp32 main grads take 18 bytes per
    /// parameter undistributed, 6 + 12/d distributed (7.5 at d = 8).
    @Test func megatronDistributedOptimizer() throws {
        let (n0, undistributed) = try modelStates(zero: 0, grad: "fp32", dp: 8)
        #expect(undistributed.device.weights + undistributed.device.gradients + undistributed.device.optimizer == n0 * 18)
        let (n1, distributed) = try modelStates(zero: 1, grad: "fp32", dp: 8)
        let states = distributed.device.weights + distributed.device.gradients + distributed.device.optimizer
        #expect(states * 2 - n1 * 15 < ExactInt(4) && states * 2 >= n1 * 15)
    }
}

/// Issue 24, item 3: under `search.enforce: [megatron]` model states are what Megatron-LM allocates with --bf16:
/// fp32 main gradients (K10: 18 bytes per parameter; 6 + 12/d with the distributed optimizer, d = dp x cp).
struct MegatronAccountingTests {
    static func states(_ plan: String, enforce: Bool, gradDtype: String? = nil) throws -> (p: ExactInt, memory: MemoryBreakdown) {
        let text = """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 8k, global_batch: 64\(gradDtype.map { ", grad_dtype: \($0)" } ?? "")}
            plan: \(plan)
            \(enforce ? "search: {enforce: [megatron]}" : "")
            """
        let analysis = Analysis(try #require(resolve(text)))
        return (analysis.memory.parametersPerDevice, analysis.memory.device)
    }

    /// tp 2, dp 4, the distributed optimizer (zero 1): p parameters per device hold 2p bytes of bf16 weights, 4p of
    /// fp32 main gradients and 12p / 4 of fp32 master weights and Adam moments: (6 + 12/4) p in all.
    @Test func distributedOptimizerIsSixPlusTwelveOverD() throws {
        let plan = "{tp: 2, pp: 1, cp: 1, dp: 4, zero: 1, recompute: full, micro_batch: 1}"
        let (p, m) = try Self.states(plan, enforce: true)
        #expect(m.weights == ExactInt(2) * p && m.gradients == ExactInt(4) * p)
        #expect(m.optimizer == (ExactInt(12) * p).ceilDiv(ExactInt(4)))
        #expect(m.weights + m.gradients + m.optimizer == ExactInt(6) * p + (ExactInt(12) * p).ceilDiv(ExactInt(4)))
        // Without the engine: bf16 gradients, as the spec's default says.
        let (q, plain) = try Self.states(plan, enforce: false)
        #expect(q == p && plain.gradients == ExactInt(2) * p)
        // A grad_dtype the spec writes stands.
        let (_, written) = try Self.states(plan, enforce: true, gradDtype: "bf16")
        #expect(written.gradients == ExactInt(2) * p)
    }

    /// Without the distributed optimizer (zero 0): 18 bytes per parameter, 2 + 4 + 4 + 4 + 4.
    @Test func plainOptimizerIsEighteen() throws {
        let (p, m) = try Self.states("{tp: 2, pp: 1, cp: 1, dp: 4, zero: 0, recompute: full, micro_batch: 1}", enforce: true)
        #expect(m.weights + m.gradients + m.optimizer == ExactInt(18) * p)
    }
}
