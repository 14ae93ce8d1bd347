import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// FLOP counts against the closed forms of the papers, written out here, and the identities between phases.
struct FLOPTests {
    func spec(_ model: String, _ workload: String, conventions: String = "") -> Spec? {
        resolve("version: 1\nmodel: \(model)\nhardware: {device: h100-sxm, count: 1}\nworkload: \(workload)\n\(conventions)")
    }

    /// Korthikanti 2022 appendix A (model FLOPs, no recompute, score term not halved):
    /// 72 B L s h^2 (1 + s/(6h) + V/(12hL)) = 72BLsh^2 + 12BLs^2h + 6BshV, for GPT-3 at s 2048, B 8.
    @Test func korthikantiModelFLOPs() throws {
        let s = try #require(
            spec(gpt3Model, "{mode: training, context: 2048, global_batch: 8}", conventions: "conventions: {attention_flops: full}"))
        let flops = PhaseFLOPs(s)
        let B = ExactInt(8), L = ExactInt(96), seq = ExactInt(2048), h = ExactInt(12288), V = ExactInt(51200)
        let expected = ExactInt(72) * B * L * seq * h * h + ExactInt(12) * B * L * seq * seq * h + ExactInt(6) * B * seq * h * V
        #expect(flops.trainingModel == expected)
    }

    /// Narayanan 2021 eq. 3 (full recompute): 96 B s L h^2 (1 + s/(6h) + V/(16Lh)) = 96BsLh^2 + 16BLs^2h + 6BshV.
    @Test func narayananFullRecompute() throws {
        let s = try #require(
            spec(
                gpt3Model, "{mode: training, context: 2048, global_batch: 8, recompute: full}",
                conventions: "conventions: {attention_flops: full}"))
        let flops = PhaseFLOPs(s)
        let B = ExactInt(8), L = ExactInt(96), seq = ExactInt(2048), h = ExactInt(12288), V = ExactInt(51200)
        let expected = ExactInt(96) * B * L * seq * h * h + ExactInt(16) * B * L * seq * seq * h + ExactInt(6) * B * seq * h * V
        #expect(flops.trainingHardware(recompute: .full) == expected)
    }

    /// Identities: model FLOPs = 3 x forward; selective recompute adds one attention core; the causal
    /// score term is exactly half the full one; the parts sum to the total.
    @Test func trainingIdentities() throws {
        let causal = try #require(spec("llama-3.1-8b", "{mode: training, context: 32k, global_batch: 4}"))
        let full = try #require(
            spec(
                "llama-3.1-8b", "{mode: training, context: 32k, global_batch: 4}",
                conventions: "conventions: {attention_flops: full}"))
        let c = PhaseFLOPs(causal), f = PhaseFLOPs(full)
        let forward = try #require(c.trainingForward)
        #expect(c.trainingModel == ExactInt(3) * forward.total)
        #expect(c.trainingHardware(recompute: .none) == ExactInt(3) * forward.total)
        #expect(c.trainingHardware(recompute: .selective) == ExactInt(3) * forward.total + forward.attentionCore)
        #expect(f.trainingForward?.attentionCore == ExactInt(2) * forward.attentionCore)
        #expect(f.trainingForward?.mlp == forward.mlp)
        #expect(
            forward.attentionCore + forward.attentionProjections + forward.mlp + forward.experts + forward.lmHead + forward.other
                == forward.total)
    }

    /// accounting.md: prefill of S tokens = 2 N S + 2 L S^2 q (causal) + 2 h V for the last position, with N
    /// the matrix parameters of the layers. Llama-3.1-8B per layer: 2 x 4096^2 (Q, O) + 2 x 4096 x 1024 (K, V)
    /// + 3 x 4096 x 14336 (MLP) = 218,103,808.
    @Test func prefillClosedForm() throws {
        let s = try #require(spec("llama-3.1-8b", "{context: 128k, output_tokens: 0}"))
        let prefill = PhaseFLOPs(s).prefill
        let S = ExactInt(131_072), L = ExactInt(32)
        let expected =
            ExactInt(2) * ExactInt(218_103_808) * L * S + ExactInt(2) * L * S * S * ExactInt(4096)
            + ExactInt(2) * ExactInt(4096) * ExactInt(128_256)
        #expect(prefill.total == expected)
    }

    /// accounting.md: "At 1M tokens on an 8B model attention is ~95% of prefill FLOPs."
    @Test func attentionDominatesAtOneMillion() throws {
        let s = try #require(spec("llama-3.1-8b", "{context: 1M}"))
        let share = PhaseFLOPs(s).prefill.attentionShare
        #expect(share > 0.945 && share < 0.96)
    }

    /// Decode at context c: 2 N + 4 c L q + 2 h V per token (accounting.md), so linear in c.
    @Test func decodeIsLinearInContext() throws {
        var totals: [ExactInt] = []
        for context in [4096, 4097, 4098] {
            let s = try #require(spec("llama-3.1-8b", "{context: \(context), output_tokens: 1}"))
            totals.append(PhaseFLOPs(s).decodePerToken.total)
        }
        #expect(totals[1] - totals[0] == totals[2] - totals[1])
        #expect(totals[1] - totals[0] == ExactInt(4 * 32 * 4096))
        let s = try #require(spec("llama-3.1-8b", "{context: 4096, output_tokens: 1}"))
        #expect(
            PhaseFLOPs(s).decodePerToken.total
                == ExactInt(2) * ExactInt(218_103_808 * 32) + ExactInt(4 * 4096 * 32 * 4096) + ExactInt(2 * 4096 * 128_256))
    }

    /// The decode total over T steps is the sum of the per-step counts (checked against a loop).
    @Test func decodeTotalIsTheSumOfSteps() throws {
        let s = try #require(spec("mistral-7b-v0.1", "{context: 4200, output_tokens: 200}"))
        let model = FLOPModel(s.model, convention: .causal)
        var sum = ExactInt.zero
        for k in 1...200 { sum += model.forward(tokens: 1, past: ExactInt(4000 + k - 1), logits: 1).total }
        #expect(PhaseFLOPs(s).decodeTotal.total == sum)
    }

    /// Sliding-window and SSM models never cross over; a dense model does, at a context near 6h-ish scale.
    @Test func crossover() throws {
        let mistral = try #require(spec("mistral-7b-v0.1", "{context: 8k}"))
        #expect(PhaseFLOPs(mistral).attentionCrossoverContext == nil)
        let mamba = try #require(spec("mamba-2.8b", "{context: 2k}"))
        #expect(PhaseFLOPs(mamba).attentionCrossoverContext == nil)
        let llama = try #require(spec("llama-3.1-8b", "{context: 8k}"))
        let crossover = try #require(PhaseFLOPs(llama).attentionCrossoverContext)
        // At the crossover S: 2 L S^2 q > 2 N_layers S + 2hV, i.e. S > N_layers / (L q) = 218,103,808 / 4096 = 53,248.
        #expect(crossover == 53_249)
    }
}

/// Chunked prefill: under the causal convention each chunk attends to all earlier tokens, so the total is
/// unchanged; under the full convention only the chunks' own diagonal blocks are square, which a direct sum
/// over the chunks (written out here) confirms.
struct ChunkedPrefillTests {
    @Test func causalChunkingChangesNothing() throws {
        let plain = try #require(resolve("version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 100000}\n"))
        let chunked = try #require(
            resolve("version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 100000, prefill_chunk: 8k}\n"))
        #expect(PhaseFLOPs(plain).prefill == PhaseFLOPs(chunked).prefill)
    }

    @Test func fullConventionSumsTheChunks() throws {
        let text =
            "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 10000, output_tokens: 0, prefill_chunk: 4096}\nconventions: {attention_flops: full}\n"
        let spec = try #require(resolve(text))
        // Chunks of 4096, 4096, 1808: chunk i computes C_i x (past_i + C_i) pairs in each of 32 layers, 4 a d_h FLOPs each.
        let pairs = 4096 * 4096 + 4096 * 8192 + 1808 * 10000
        #expect(PhaseFLOPs(spec).prefill.attentionCore == ExactInt(pairs) * ExactInt(32 * 4 * 32 * 128))
    }
}

/// Expert-parallel traffic: with uniform routing a token's k experts fall on (ep - 1)(1 - ((ep - 1)/ep)^k)
/// other ranks on average; DeepSeek-V3 (k 8) at ep 2: 1 - 2^-8 = 0.99609375 remote copies per token, each
/// 7168 elements, dispatched and combined (x2), in each of the 58 MoE layers.
struct ExpertTrafficTests {
    @Test func deepSeekAtEP2() throws {
        let spec = try #require(
            resolve(
                "version: 1\nmodel: deepseek-v3\nhardware: {device: h200, count: 16}\nworkload: {context: 4k, dtype: fp8}\nplan: {tp: 8, ep: 2}\n"
            ))
        let evaluator = LayoutEvaluator(profile: ModelProfile(spec, analyseRoPE: false), system: System(spec.hardware, computeFormat: .fp8))
        let bytes = evaluator.expertTraffic(ResolvedLayout(spec).layout, tokens: 1000).bytesPerRank
        #expect(abs(bytes - 2 * 1000 * 0.99609375 * 7168 * 2 * 58) < 1e-3)
        var dense = spec
        dense.plan.ep = nil
        #expect(evaluator.expertTraffic(ResolvedLayout(dense).layout, tokens: 1000).bytesPerRank == 0)
    }

    /// A decode step reads only the experts its tokens pick. Mixtral 8x7B at batch 1 "uses 12.9B parameters
    /// per token" and generates "at the same speed ... as a 12.9B model" (Mistral AI, "Mixtral of experts",
    /// December 2023): in bf16 a step reads 2 B x 12.9e9 plus the KV cache of 4096 tokens, 32 layers x 8 KV
    /// heads x 128 x 2 (K, V) x 2 B = 131,072 B per token (to the 0.4% the three figures carry). At batch
    /// 256 every expert is picked ((3/4)^256 < 1e-31 escapes): the step reads all weights.
    @Test func decodeReadsTheExpertsItsTokensPick() throws {
        func decodeBytes(batch: Int) throws -> (read: Double, weights: Double, kv: Double) {
            let spec = try #require(
                resolve(
                    """
                    version: 1
                    model: mixtral-8x7b
                    hardware: {device: h200, count: 1}
                    workload: {mode: inference, context: 4k, batch: \(batch), output_tokens: 1}
                    plan: {tp: 1}
                    """))
            let system = System(spec.hardware, computeFormat: .bf16)
            let profile = LayoutEvaluator(profile: ModelProfile(spec, analyseRoPE: false), system: system)
                .evaluate(ResolvedLayout(spec).layout)
            let tpot = try #require(profile.time.tpot)
            // The weight bytes read: the step's memory time less the cache's (one output token: the cache is
            // read at its final length, 32 layers per call), at the published weight-stream rate (4.8 TB/s).
            let kv = PublishedMemoryRates.kvSeconds(profile.memory.kvCache, perCall: profile.memory.kvCache / 32, bandwidth: 4.8e12)
            return ((tpot.memory - kv) * 4.8e12 * 0.80, profile.memory.weights, profile.memory.kvCache)
        }
        let one = try decodeBytes(batch: 1)
        let expected: Double = 2 * 12.9e9
        #expect(abs(one.read / expected - 1) < 0.004, "\(one.read) against \(expected)")
        #expect(abs(one.kv - 131_072 * 4096) < 131_072 * 16)
        let many = try decodeBytes(batch: 256)
        #expect(abs(many.read / many.weights - 1) < 1e-12)
    }

    /// Serving DeepSeek-V3 on 16 H200 (tp 8, ep 2, two replicas of 8 sequences): a replica's prefill holds
    /// 8 prompts of 4095 tokens (the 4K context less the one output token), its 8 tensor-parallel ranks each
    /// dispatching an eighth of them (a token every rank of the group holds crosses to the other expert rank
    /// once); in bf16, 4095 tokens x 7168 x 2 bytes x
    /// 0.99609375 remote copies x 2 (dispatch, combine) x 58 MoE layers per rank. A decode step: 8 tokens / 8.
    @Test func servingDispatchesEachTokenOnce() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: deepseek-v3
                hardware: {device: h200, count: 16, per_node: 8}
                workload: {mode: inference, context: 4k, output_tokens: 1, batch: 16, dtype: bf16}
                plan: {tp: 8, ep: 2, dp: 2, pp: 1, cp: 1, attention_dp: 1}
                """))
        let evaluator = LayoutEvaluator(
            profile: ModelProfile(spec, analyseRoPE: false), system: System(spec.hardware, computeFormat: .bf16))
        let result = evaluator.evaluate(ResolvedLayout(spec).layout)
        let perLayer: Double = 4095 * 7168 * 2 * 0.99609375 * 2
        let prefill: Double = perLayer * 58
        #expect(abs(result.communication.expert.bytes / prefill - 1) < 1e-12, "\(result.communication.expert.bytes)")
        let decode: Double = 1 * 7168 * 2 * 0.99609375 * 2 * 58
        #expect(abs(result.communication.decodeExpert.bytes / decode - 1) < 1e-12, "\(result.communication.decodeExpert.bytes)")
    }
}
