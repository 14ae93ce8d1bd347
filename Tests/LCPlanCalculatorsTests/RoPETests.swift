import Foundation
import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// The RoPE cases of ../shared/reference/cases.md (recomputed there from rope.md), through the public API.
struct RoPETests {
    let wp = WorkingPrecision(bits: 256)

    func close(_ value: BigFloat, _ expected: Double, relative: Double) -> Bool {
        abs(value.doubleValue - expected) <= relative * abs(expected)
    }

    func plain(theta: String, r: Int = 128) -> [BigFloat] {
        let rope = RoPESpec(theta: theta, rotaryDim: r, trainedContext: 4096)
        return RoPEFrequencies(rope, maxContext: 4096, length: 4096, precision: wp)?.theta ?? []
    }

    @Test func phaseModulationSummaryForms() {
        let bounds = PhaseModulationBounds(context: 131_072, rotaryDim: 128, eps: 0.5, depth: 32, phaseFormat: .fp32, precision: wp)
        #expect(close(bounds.summary.aliasing, 20_860.757, relative: 1e-6))
        #expect(close(bounds.summary.depth, 632_013.23, relative: 1e-6))
        let one = PhaseModulationBounds(context: 131_072, rotaryDim: 128, eps: 0.5, depth: 1, phaseFormat: .fp32, precision: wp)
        #expect(close(one.summary.depth, 125_164.5, relative: 1e-6))
        #expect(bounds.summary.precisionCeiling.floorInteger == 8_388_608)
        for (format, ceiling) in [(NumberFormat.fp16, 1024), (.bf16, 128)] {
            let b = PhaseModulationBounds(context: 4096, rotaryDim: 128, eps: 0.5, depth: 32, phaseFormat: format, precision: wp)
            #expect(b.summary.precisionCeiling.floorInteger == ExactInt(ceiling))
            #expect(b.summary.precisionCeiling.ceilInteger == ExactInt(ceiling), "exact")
        }
    }

    /// rope.md sec. 1, exact-dimension A: r 128: L 4096 -> 722.52, 131072 -> 24,428.17, 1M -> 201,983.4; r 64, 131072 -> 28,751.68.
    @Test func phaseModulationExactForms() {
        for (L, r, expected) in [(4096, 128, 722.52), (131_072, 128, 24_428.17), (1 << 20, 128, 201_983.4), (131_072, 64, 28_751.68)] {
            let bounds = PhaseModulationBounds(context: L, rotaryDim: r, eps: 0.5, depth: 32, phaseFormat: .fp32, precision: wp)
            #expect(close(bounds.exact?.aliasing ?? wp.number(0), expected, relative: 1e-6), "L \(L), r \(r)")
        }
    }

    /// 50 digits of A = 131072 / (2 pi), against a value computed with Python's decimal module from a
    /// published 200-digit expansion of pi (independent of MPFR).
    @Test func fiftyDigits() {
        let precise = WorkingPrecision.forDecimalDigits(50)
        let bounds = PhaseModulationBounds(context: 131_072, rotaryDim: 128, eps: 0.5, depth: 32, phaseFormat: .fp32, precision: precise)
        #expect(bounds.summary.aliasing.decimalString(digits: 50) == "20860.756700940905449899132632762202460580694686493")
    }

    /// Men et al. (cases.md): r 128, L 1024: the window containing 4.3e3 starts at b = 4293.44 (0.01%), argmin m 1009;
    /// r 128, L 4096, b = 27,000 fails, first negative m 4079.
    @Test func menCriterionCases() {
        let above = MenCriterion.check(theta: plain(theta: String(4293.44 * (1 + 1e-4))), passThrough: 0, length: 1024, precision: wp)
        #expect(above.holds)
        #expect(above.argmin == 1009)
        let below = MenCriterion.check(theta: plain(theta: String(4293.44 * (1 - 1e-4))), passThrough: 0, length: 1024, precision: wp)
        #expect(!below.holds)
        let fails = MenCriterion.check(theta: plain(theta: "27000"), passThrough: 0, length: 4096, precision: wp)
        #expect(fails.firstFailure == 4079)
    }

    /// The fast double evaluation agrees with a pure-MPFR evaluation, within its stated bound, on a sample of
    /// positions up to 1M (blocks of positions around random starts, so the rotation recurrence is exercised).
    @Test func menDoubleAgreesWithMPFR() {
        let theta = plain(theta: "500000")
        let doubles = theta.map(\.doubleValue)
        let exactPrecision = WorkingPrecision(bits: 320)
        let exactTheta = theta.map { exactPrecision.number($0) }
        var g = UInt64(12345)
        var checked = 0
        for _ in 0..<20 {
            g = g &* 6364136223846793005 &+ 1442695040888963407
            let start = Int(g >> 44)  // 0 ..< 2^20
            MenCriterion.scan(
                theta: doubles, stepCos: doubles.map { cos($0) }, stepSin: doubles.map { sin($0) }, constant: 0,
                range: start..<(start + 1030)
            ) { m, sum, bound in
                guard (m - start) % 103 == 0 || m - start == 1029 else { return }
                let exact = MenCriterion.exactSum(m: m, theta: exactTheta, passThrough: 0, exactPrecision).value
                #expect(abs(sum - exact) <= bound, "m \(m)")
                checked += 1
            }
        }
        #expect(checked == 20 * 11)
    }

    /// Liu et al.: r 128, T_train 4096, b0 1e4: critical dimension 92 (raw 45.027).
    @Test func liuCriticalDimension() {
        let liu = LiuCriticalDimension(
            rotaryDim: 128, trainedContext: 4096, pretrainingBase: wp.number(10_000), base: wp.number(10_000), precision: wp)
        #expect(liu.criticalDimension == 92)
        #expect(close(liu.raw, 45.027, relative: 1e-4))
    }

    /// Dynamic NTK: b 1e4, r 128, max 4096, factor 2, n 8192 -> b' = 30,527.74.
    @Test func dynamicNTK() throws {
        let rope = RoPESpec(
            theta: "10000", rotaryDim: 128, trainedContext: 4096,
            scaling: RoPEScaling(type: .dynamic, factor: 2, originalContext: 4096))
        let f = try #require(RoPEFrequencies(rope, maxContext: 4096, length: 8192, precision: wp))
        #expect(close(f.effectiveBase, 30_527.74, relative: 1e-6))
    }

    /// YaRN with DeepSeek-V3's settings (r 64, b 1e4, original 4096, beta 32/1, s 40): correction range
    /// [10, 23]; DeepSeek's softmax scale multiplier f(s, mscale_all_dim)^2 = 1.873854.
    @Test func yarnDeepSeek() throws {
        let model = try #require(ModelCatalogue.named("deepseek-v3"))
        let rope = try #require(model.rope)
        let f = try #require(RoPEFrequencies(rope, maxContext: model.maxContext, length: 4096, precision: wp))
        #expect(f.yarnRange?.low == 10 && f.yarnRange?.high == 23)
        let m = RoPEFrequencies.mscaleFunction(40, 1, wp)
        #expect(close(wp.multiply(m, m), 1.873854, relative: 1e-6))
        #expect(f.attentionFactor.doubleValue == 1, "mscale = mscale_all_dim: the factors cancel")
    }

    /// llama3 scaling on Llama 3.1: 29 pairs unchanged, 6 blended, 29 scaled.
    @Test func llama3Pairs() throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-8b"))
        let rope = try #require(model.rope)
        let f = try #require(RoPEFrequencies(rope, maxContext: model.maxContext, length: 131_072, precision: wp))
        #expect((f.unchangedPairs, f.blendedPairs, f.scaledPairs) == (29, 6, 29))
        // rope.md: longest wavelength 2.5592e6 -> 2.04736e7 tokens.
        let twoPi = wp.multiply(wp.number(2), wp.pi)
        #expect(close(wp.divide(twoPi, f.slowest), 2.04736e7, relative: 1e-4))
    }

    /// LongRoPE attention factor for s 32, original 4096: sqrt(1 + ln 32 / ln 4096) = 1.1902381.
    @Test func longropeFactor() throws {
        let rope = RoPESpec(
            theta: "10000", rotaryDim: 96, trainedContext: 131_072,
            scaling: RoPEScaling(type: .longrope, factor: 32, originalContext: 4096))
        let f = try #require(RoPEFrequencies(rope, maxContext: 131_072, length: 131_072, precision: wp))
        #expect(abs(f.attentionFactor.doubleValue - 1.1902381) < 1e-7)
    }

    /// Position rounding (rope.md sec. 5): bf16 15962 -> 15936, 4095 -> 4096, 131071 -> 131072; fp16 15962 -> 15960.
    @Test func positionRounding() throws {
        let model = try #require(ModelCatalogue.named("llama-3.1-8b"))
        for (format, position, rounded) in [
            (NumberFormat.bf16, 15962, 15936), (.bf16, 4095, 4096), (.bf16, 131_071, 131_072), (.fp16, 15962, 15960),
        ] {
            var settings = RoPESettings()
            settings.positionFormat = format
            settings.menBudget = 0
            let analysis = try #require(RoPEAnalysis(model: model, context: position + 1, settings: settings))
            #expect(analysis.lastPositionRounded.floorInteger == ExactInt(rounded), "\(format) \(position)")
            #expect(!analysis.feasible)
            #expect(analysis.diagnostics.contains { $0.rule == .positionsUnrepresentable })
        }
    }

    /// Gemma 3 is analysed per layer kind: global layers (1e6, linear x8) at the context, local layers
    /// (1e4) at their 1024-token window.
    @Test func gemma3PerLayerKind() throws {
        let model = try #require(ModelCatalogue.named("gemma-3-27b"))
        var settings = RoPESettings()
        settings.menBudget = 0
        let analyses = RoPEAnalysis.all(model: model, context: 131_072, settings: settings)
        #expect(analyses.map(\.layers) == [.global, .local])
        #expect(analyses.map(\.distance) == [131_072, 1024])
        #expect(analyses[1].base.doubleValue == 10_000)
    }
}

/// The recommendation scans the Men windows: at L = 1024, r = 128 the first window above the phase-modulation
/// bounds starts at b = 4293.44 (rope.md sec. 2, recomputed from the paper's 4.3e3; tolerance 0.01%).
struct RoPERecommendationTests {
    @Test func menWindowStart() {
        let wp = WorkingPrecision(bits: 256)
        let rec = RoPERecommendation(
            context: 1024, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: 1024,
            lowerBound: wp.number(727), ceiling: wp.number(1e7), precision: wp)
        #expect(rec.menScanned)
        #expect(abs(rec.minBase.doubleValue - 4293.44) / 4293.44 < 1e-4)
        // The base 1e4 already exceeds it, and no extension is needed: factor 1.
        #expect(rec.scalingFactor.doubleValue == 1)
    }

    /// Scaling: to reach a base of b' from b with r dims, the slowest frequency is divided by (b'/b)^((r-2)/r).
    @Test func scalingFactorReachesTheBound() {
        let wp = WorkingPrecision(bits: 256)
        let rec = RoPERecommendation(
            context: 1 << 30, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: 4096,
            lowerBound: wp.number(2_000_000), ceiling: wp.number(1e7), precision: wp)
        #expect(!rec.menScanned)
        let expected = pow(200.0, 126.0 / 128.0)
        // max(L / trained = 262144, (2e6/1e4)^(126/128) = 184.3): the context extension dominates.
        #expect(rec.scalingFactor.doubleValue == 262_144)
        #expect(expected < 262_144)
        #expect(!rec.scalingStaysInZone)
    }
}

/// Near-zero Men sums are decided at rising precision, never treated as zero.
struct MenSignCertaintyTests {
    /// cos(a) + cos(pi - a + d) = -2 sin(a - d/2) sin(d/2) ~ -d sin(a): for d = +-1e-100 the sum is about
    /// -+8.4e-101 (a = 1), far below what 256 bits resolve; doubling to 512 bits settles the sign.
    static func theta(_ delta: String) -> @Sendable (WorkingPrecision) -> [BigFloat]? {
        { wp in
            guard let d = wp.number(decimal: delta) else { return nil }
            return [wp.number(1), wp.add(wp.subtract(wp.pi, wp.number(1)), d)]
        }
    }

    @Test(arguments: [("1e-100", -1.0), ("-1e-100", 1.0)])
    func signIsCertain(delta: String, sign: Double) throws {
        let wp = WorkingPrecision(bits: 256)
        let start = try #require(Self.theta(delta)(wp))
        let coarse = MenCriterion.exactSum(m: 1, theta: start, passThrough: 0, wp)
        #expect(abs(coarse.value) <= coarse.bound, "256 bits cannot tell the sign")
        let value = MenCriterion.certainSum(m: 1, theta: start, passThrough: 0, wp, thetaAt: Self.theta(delta))
        #expect(value * sign > 0)
        #expect(abs(abs(value) - 1e-100 * sin(1.0)) < 1e-103)
    }
}

/// The recommended base carries as many digits as asked: it holds the Men criterion, and a base smaller
/// by 10^-(digits - 3) of itself does not (it is the start of a window, to that many digits).
struct RecommendationDigitsTests {
    static func holds(_ b: BigFloat, context: Int, _ wp: WorkingPrecision) -> Bool {
        let rope = RoPESpec(theta: b.decimalString(digits: 60), rotaryDim: 128, trainedContext: context)
        guard let f = RoPEFrequencies(rope, maxContext: context, length: context, precision: wp) else { return false }
        return MenCriterion.check(theta: f.theta, passThrough: 0, length: context, precision: wp).holds
    }

    @Test(arguments: [10, 30])
    func windowStartToTheDigitsAsked(digits: Int) throws {
        let wp = WorkingPrecision(bits: max(256, WorkingPrecision.forDecimalDigits(digits).bits))
        // Start below the window that begins at 4293.44 (rope.md sec. 2): the scan steps up to it.
        let lower = try #require(wp.number(decimal: "4200"))
        let rec = RoPERecommendation(
            context: 1024, rotaryDim: 128, passThrough: 0, base: wp.number(10000), trainedContext: 1024,
            lowerBound: lower, ceiling: wp.number(1e7), precision: wp, totalBudget: 1 << 30, digits: digits)
        #expect(rec.menScanned)
        #expect(abs(rec.minBase.doubleValue - 4293.44) < 0.01)
        #expect(Self.holds(rec.minBase, context: 1024, wp))
        let tiny = try #require(wp.number(decimal: "1e-\(digits - 3)"))
        let below = wp.multiply(rec.minBase, wp.subtract(wp.number(1), tiny))
        #expect(!Self.holds(below, context: 1024, wp))
    }
}
