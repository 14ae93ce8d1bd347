import Foundation
import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// The RoPE verdict's three tiers, each with an independent case (issue: fidelity).
struct RoPETierTests {
    static func analysis(_ text: String) throws -> RoPEAnalysis {
        let spec = try #require(resolve(text))
        return try #require(Analysis(spec).rope.first)
    }

    /// bf16 holds integers exactly to 2^8 = 256: position 257 rounds to 256, so an 8k context collides.
    @Test func bf16PositionsCollideAbove256() throws {
        let a = try Self.analysis(
            "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 8k}\nconventions: {rope_position_dtype: bf16}\n"
        )
        #expect(a.verdict == .infeasible)
        let collision = try #require(a.limits.first { $0.id == "position_collision" })
        #expect(!collision.holds && collision.tier == .hard && collision.maxContext == ExactInt(257))
        #expect(a.hardMaxContext <= ExactInt(257))
        // 256 positions (0..255) are all exact: the same model at 256 tokens passes this limit.
        let short = try Self.analysis(
            "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 256}\nconventions: {rope_position_dtype: bf16}\n"
        )
        #expect(short.limits.first { $0.id == "position_collision" }?.holds == true)
    }

    /// fp16's largest finite value is 65504: a 128k context overflows its position ids (and they collide
    /// above 2048 already).
    @Test func fp16PositionsOverflow() throws {
        let spec = try #require(
            resolve(
                "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 128k}\nconventions: {rope_position_dtype: fp16}\n"
            ))
        let analysis = Analysis(spec)
        let a = try #require(analysis.rope.first)
        let overflow = try #require(a.limits.first { $0.id == "position_overflow" })
        #expect(!overflow.holds && overflow.maxContext == ExactInt(65_505))
        #expect(a.verdict == .infeasible)
        #expect(analysis.diagnostics.contains { $0.rule == .positionsUnrepresentable && $0.severity == .error })
    }

    /// Phases formed in bf16 (p = 8): the slowest pair's increment theta is lost once m theta reaches
    /// 2^(floor(log2 theta) + 9), i.e. between 256 and 512 positions whatever the base.
    @Test func bf16PhasesLoseTheSlowestIncrement() throws {
        let a = try Self.analysis(
            "version: 1\nmodel: llama-2-7b\nhardware: {device: h200}\nworkload: {context: 4k}\nconventions: {rope_phase_dtype: bf16}\n")
        let limit = try #require(a.limits.first { $0.id == "phase_increment_lost" })
        #expect(!limit.holds && a.verdict == .infeasible)
        let longest = try #require(limit.maxContext?.intValue)
        #expect(longest > 256 && longest <= 513)
        // fp32 phases (p = 24): between 2^24 and 2^25 positions.
        let fp32 = try Self.analysis("version: 1\nmodel: llama-2-7b\nhardware: {device: h200}\nworkload: {context: 4k}\n")
        let wide = try #require(fp32.limits.first { $0.id == "phase_increment_lost" }?.maxContext?.intValue)
        #expect(wide > 1 << 24 && wide <= (1 << 25) + 1)
    }

    /// Llama 3.1 8B at 128k (llama3 scaling): the Men criterion fails at m = 85,133, a criterion derived for
    /// unscaled RoPE, so the verdict is at_risk (a warning), not infeasible, and the evidence names the
    /// model's own documented context.
    /// Llama 3.1 8B at 128K fails Men et al.'s criterion (derived for unscaled RoPE; this is llama3 scaling),
    /// and the catalogue documents this very configuration at 131,072 tokens: a note, and the RoPE verdict
    /// feasible. `checks.rope_criteria: warning` raises it to a warning and the verdict to at risk.
    @Test func criterionOnlyNoteForADocumentedScaledModel() throws {
        let text = "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 128k}\n"
        let analysis = Analysis(try #require(resolve(text)))
        let a = try #require(analysis.rope.first)
        #expect(a.verdict == .feasible)
        let men = try #require(a.limits.first { $0.id == "men_criterion" })
        #expect(!men.holds && !men.derivedForScaling && men.tier == .criterion)
        #expect(a.limits.filter { $0.tier == .hard }.allSatisfy { $0.holds })
        #expect(a.evidence.documentsThisConfiguration)
        #expect(a.evidence.sentence.contains("llama-3.1-8b is documented to work at 131,072 tokens"))
        let finding = try #require(analysis.diagnostics.first { $0.rule == .menCriterionFails })
        #expect(finding.severity == .note && finding.message.contains("not derived for llama3 scaling"))
        #expect(finding.message.contains("arXiv 2405.14591"))
        let raised = Analysis(try #require(resolve(text + "checks: {rope_criteria: warning}\n")))
        #expect(raised.rope.first?.verdict == .atRisk)
        #expect(raised.diagnostics.first { $0.rule == .menCriterionFails }?.severity == .warning)
    }

    /// Derived for the scaling in use (unscaled) but contradicted by the catalogue: Llama 2 7B at its
    /// documented 4,096 tokens is clean; the same base on a configuration no model documents, 16K tokens,
    /// still warns (Liu's limit from base 10,000 and 4,096 trained tokens is below 16K).
    @Test func criterionWarnsOnlyWhereNothingDocumentsIt() throws {
        let documented = Analysis(
            try #require(resolve("version: 1\nmodel: llama-2-7b\nhardware: {device: h200}\nworkload: {context: 4k}\n")))
        #expect(documented.diagnostics.allSatisfy { $0.rule.area != .rope || $0.severity == .note })
        let beyond = Analysis(
            try #require(resolve("version: 1\nmodel: llama-2-7b\nhardware: {device: h200}\nworkload: {context: 16k}\n")))
        #expect(beyond.diagnostics.first { $0.rule == .liuExtrapolationLimit }?.severity == .warning)
        #expect(beyond.rope.first?.verdict == .atRisk)
    }

    /// A clean configuration: base 4293.5 at 1,024 tokens sits inside the Men window that starts at
    /// b = 4293.44 (rope.md sec. 2); with depth N = 1, bound C is (1024 / arccos 0.5)^(128/126) = 1,090 and
    /// A is (1024 / 2 pi)^(128/126) = 176, both below 4293.5; D (fp32) is 1.08e7 above it; Liu's critical
    /// dimension from b0 = 4293.5 and T = 4096 is 2 ceil(64 log_b0(4096 / 2 pi)) = 100, so the limit is
    /// 2 pi 4293.5^(100/128) = 4,323 tokens, above 1,024.
    @Test func cleanConfigurationIsFeasible() throws {
        let a = try Self.analysis(
            "version: 1\nmodel: {preset: llama-2-7b, rope: {theta: 4293.5}}\nhardware: {device: h200}\nworkload: {context: 1k}\nconventions: {rope_depth: 1}\n"
        )
        #expect(a.verdict == .feasible, "\(a.limits.filter { !$0.holds }.map(\.id))")
        #expect(a.feasible)
        let liu = try #require(a.limits.first { $0.id == "liu_extrapolation" }?.maxContext?.intValue)
        #expect(abs(Double(liu) - 2 * Double.pi * pow(4293.5, 100.0 / 128)) < 1.5)
    }

    /// Every catalogue model with RoPE, at the context it is documented to work at, is feasible or at
    /// risk, never infeasible: no hard limit is crossed there.
    @Test func catalogueModelsAtTheirDocumentedContexts() {
        for model in ModelCatalogue.all where model.positions == .rope && model.rope != nil {
            for analysis in RoPEAnalysis.all(model: model, context: model.maxContext, settings: RoPESettings()) {
                #expect(analysis.verdict != .infeasible, "\(model.name): \(analysis.limits.filter { !$0.holds }.map(\.id))")
            }
        }
    }
}

/// DeepSeek-V2/V3 multiply the softmax scale by f(s, mscale_all_dim)^2, f(s, m) = 0.1 m ln s + 1.
struct SoftmaxScaleTests {
    @Test func deepSeekV3() throws {
        // cases.md: V3 (s = 40, mscale_all_dim = 1): x1.873854.
        let spec = try #require(resolve("version: 1\nmodel: deepseek-v3\nhardware: {device: h200, count: 8}\nworkload: {context: 32k}\n"))
        let a = try #require(Analysis(spec).rope.first)
        #expect(abs(a.softmaxScaleMultiplier.doubleValue - 1.873854) < 1e-6)
        #expect(abs(a.frequencies.attentionFactor.doubleValue - 1) < 1e-12)
    }

    @Test func deepSeekV2() throws {
        // DeepSeek-V2's config: yarn factor 40, original 4096, mscale 0.707, mscale_all_dim 0.707.
        let text = """
            version: 1
            model:
              preset: deepseek-v3
              rope: {scaling: {type: yarn, factor: 40, original_context: 4096, beta_fast: 32, beta_slow: 1, mscale: 0.707, mscale_all_dim: 0.707}}
            hardware: {device: h200, count: 8}
            workload: {context: 32k}
            """
        let spec = try #require(resolve(text))
        let a = try #require(Analysis(spec).rope.first)
        let f = 0.1 * 0.707 * log(40.0) + 1
        #expect(abs(a.softmaxScaleMultiplier.doubleValue - f * f) < 1e-6)
    }

    @Test func otherModelsHaveNone() throws {
        let spec = try #require(resolve("version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 8k}\n"))
        #expect(Analysis(spec).rope.first?.softmaxScaleMultiplier.doubleValue == 1)
    }
}
