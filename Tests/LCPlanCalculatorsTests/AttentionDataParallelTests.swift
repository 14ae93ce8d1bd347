import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// Attention data parallelism for mixture-of-experts serving (`plan.attention_dp`; SGLang `--attn-dp-size`,
/// engines.md part 4): attention on tp / attention_dp ranks, each group its own sequences and KV cache.
struct AttentionDataParallelTests {
    static let deepseek = """
        version: 1
        model: deepseek-v3
        hardware: {device: h200, count: 8, per_node: 8}
        workload: {mode: inference, context: 32k, batch: 32, output_tokens: 2048, dtype: fp8, kv_cache: {dtype: bf16}}
        plan: {tp: 8}
        """

    static let dense = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100-sxm, count: 8}
        workload: {mode: inference, context: 8k, batch: 8}
        """

    /// DeepSeek-V3's attention parameters per layer, from its config.json (hidden 7168, 128 heads, q_lora_rank
    /// 1536, kv_lora_rank 512, qk_nope_head_dim 128, qk_rope_head_dim 64, v_head_dim 128; no biases):
    /// q_a (7168 x 1536) + q_a norm (1536) + q_b (1536 x 128 x 192) + kv_a (7168 x (512 + 64)) + kv_a norm (512)
    /// + kv_b (512 x 128 x (128 + 128)) + o (128 x 128 x 7168).
    static let attentionPerLayer =
        7168 * 1536 + 1536 + 1536 * 128 * 192 + 7168 * (512 + 64) + 512 + 512 * 128 * 256 + 128 * 128 * 7168

    func profile(_ spec: Spec, attentionDP: Int) -> MemoryProfile {
        var layout = Layout(tp: 8, pp: 1, dp: 1)
        layout.attentionDP = attentionDP
        return MemoryModel(spec, layout: layout).profile()
    }

    /// MLA's latent is not split by tensor parallelism, so tp 8 holds all 32 sequences' cache on every rank;
    /// with 4 attention groups each rank holds 8 of them: exactly a quarter. The attention projections go
    /// from tp 8 to tp 2: 61 layers x the per-layer count x (1/2 - 1/8) more parameters (to a parameter of
    /// rounding: the whole dense part is divided with a ceiling).
    @Test func deepSeekCacheAndWeights() throws {
        let spec = try #require(resolve(Self.deepseek))
        let one = profile(spec, attentionDP: 1), four = profile(spec, attentionDP: 4)
        #expect(one.device.kvCache == four.device.kvCache * ExactInt(4))
        let attention = 61 * Self.attentionPerLayer
        let grown = attention / 2 - attention / 8
        let difference = (four.parametersPerDevice - one.parametersPerDevice).doubleValue
        #expect(abs(difference - Double(grown)) <= 2, "\(difference) against \(grown)")
    }

    /// The tensor-parallel all-reduces of a forward pass: after attention and after the MLP in each layer,
    /// 2 (n - 1)/n of the buffer per rank. At tp 8 both span 8 ranks: 2 x 7/8 x T = 3.5 T per layer. With 4
    /// attention groups of 2 ranks, attention reduces a quarter of the tokens over 2 ranks, 2 x 1/2 x T/4 =
    /// 0.25 T, the MLP still 1.75 T: 4/7 of the traffic. With 8 groups of one rank attention needs none: 1/2.
    @Test func attentionGroupsReduceLess() throws {
        func bytes(_ groups: Int) throws -> (prefill: Double, decode: Double) {
            let spec = try #require(resolve(Self.deepseek.replacingOccurrences(of: "{tp: 8}", with: "{tp: 8, attention_dp: \(groups)}")))
            let evaluator = LayoutEvaluator(
                profile: ModelProfile(spec, analyseRoPE: false), system: System(spec.hardware, computeFormat: .fp8))
            let communication = evaluator.evaluate(ResolvedLayout(spec).layout).communication
            return (communication.tensor.bytes, communication.decodeTensor.bytes)
        }
        let one = try bytes(1), four = try bytes(4), eight = try bytes(8)
        #expect(abs(four.prefill / one.prefill - 4.0 / 7) < 1e-12)
        #expect(abs(four.decode / one.decode - 4.0 / 7) < 1e-12)
        #expect(abs(eight.prefill / one.prefill - 0.5) < 1e-12)
    }

    /// A GQA mixture (Mixtral 8x7B: 8 KV heads) at tp 8: each rank holds one KV head of every sequence;
    /// with 2 groups of tp 4, two heads of half the sequences: the same bytes.
    @Test func groupedQueryCacheIsUnchanged() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: mixtral-8x7b
                hardware: {device: h100-sxm, count: 8, per_node: 8}
                workload: {mode: inference, context: 32k, batch: 16, output_tokens: 512}
                """))
        #expect(profile(spec, attentionDP: 2).device.kvCache == profile(spec, attentionDP: 1).device.kvCache)
    }

    /// The rules: attention_dp divides tp (and leaves attention's tp dividing the heads), needs experts, a
    /// serving workload and no context parallelism; each finding at plan.attention_dp.
    @Test func rules() throws {
        let spec = try #require(resolve(Self.deepseek))
        let rules = LayoutRules(spec)
        func findings(_ plan: PlanSpec) -> [String] {
            rules.violations(plan, microBatch: 1).filter { $0.key == "attention_dp" }.map(\.rule.id)
        }
        var plan = PlanSpec()
        plan.tp = 8
        plan.attentionDP = 3
        #expect(findings(plan) == [Rule.planNotDivisible.id])
        plan.attentionDP = 4
        #expect(findings(plan).isEmpty)
        plan.cp = 2
        #expect(findings(plan) == [Rule.layoutUnsupported.id])
        let dense = try #require(
            resolve(Self.dense))
        var densePlan = PlanSpec()
        densePlan.tp = 8
        densePlan.attentionDP = 2
        #expect(
            LayoutRules(dense).violations(densePlan, microBatch: 1).filter { $0.key == "attention_dp" }.map(\.rule.id)
                == [Rule.layoutUnsupported.id])
    }

    /// The search weighs attention data parallelism for a mixture of experts: for DeepSeek-V3 at tp 8 it keeps
    /// an attention_dp above 1 (the cache it saves outweighs the projections it copies), the chosen layout
    /// passes the rules, and costed as a fixed plan it is costed identically.
    @Test func searchChoosesItForMLA() throws {
        let spec = try #require(resolve(Self.deepseek))
        let profile = ModelProfile(spec, analyseRoPE: false)
        let system = System(spec.hardware, computeFormat: spec.workload.dtype.computeFormat)
        let outcome = Planner(profile: profile, system: system).search()
        let chosen = try #require(outcome.chosen)
        #expect(chosen.layout.attentionDP > 1)
        #expect(LayoutRules(spec).isLegal(chosen.layout))
        #expect(outcome.searched.contains("attention_dp"))
        let fixed = LayoutEvaluator(profile: profile, system: system).evaluate(chosen.layout)
        #expect(fixed.memory.total == chosen.memory.total)
        #expect(fixed.time.tokensPerSecond == chosen.time.tokensPerSecond)
    }

    /// Dense models and training never search it.
    @Test func denseSearchLeavesItAtOne() throws {
        let spec = try #require(
            resolve(Self.dense))
        let profile = ModelProfile(spec, analyseRoPE: false)
        let outcome = Planner(profile: profile, system: System(spec.hardware, computeFormat: .bf16)).search()
        #expect(outcome.chosen?.layout.attentionDP == 1)
        #expect(!outcome.searched.contains("attention_dp"))
    }
}
