import Foundation
import LCPlanModel
import LCPlanPrecision

/// Settings of a RoPE analysis, with the defaults lcplan states in every report.
public struct RoPESettings: Sendable, Equatable {
    /// The format in which phases m x theta_j are formed: fp32 by default, as Hugging Face transformers
    /// forces since PR 29285 even for bf16 models.
    public var phaseFormat: NumberFormat = .fp32
    /// The format of position ids when they reach the phase computation (fp32 in the same code path).
    public var positionFormat: NumberFormat = .fp32
    /// Coherence threshold eps of the phase-modulation bounds: 0.5 is lcplan's assumption.
    public var eps: Double = 0.5
    /// Depth N of bound C; nil means the model's layer count.
    public var depth: Int? = nil
    /// Significant digits of the decimal strings in reports.
    public var digits: Int = 10
    /// The Men criterion is evaluated when context x pairs is at most this many cosines.
    public var menBudget: Int = 1 << 27
    /// Cosines the recommendation may spend scanning the Men windows for the smallest base (0: take the
    /// phase-modulation bounds alone). `lcplan rope` scans; `plan` reports do not.
    public var scanBudget: Int = 0

    public init() {}

    /// The settings a spec's `conventions` state.
    public init(_ conventions: ConventionsSpec) {
        phaseFormat = conventions.ropePhaseDtype
        positionFormat = conventions.ropePositionDtype
        eps = conventions.ropeEps
        depth = conventions.ropeDepth
    }

    /// The MPFR working precision that carries `digits` digits through the bound formulas, at least 256 bits.
    public var precision: WorkingPrecision {
        WorkingPrecision(bits: max(256, WorkingPrecision.forDecimalDigits(digits).bits))
    }
}

/// Can the model's rotary embedding resolve positions at the target context in its number formats?
/// Frequencies after scaling, the three bound families, the Men criterion, the precision of positions and
/// phases, and the verdict.
public struct RoPEAnalysis: Sendable {
    public let context: Int
    public let settings: RoPESettings
    public let depth: Int
    public let rotaryDim: Int
    public let headDim: Int
    public let passThroughPairs: Int
    public let frequencies: RoPEFrequencies
    /// The configured base, exactly, and the effective base of the scaled frequencies.
    public let base: BigFloat
    public let effectiveBase: BigFloat
    public let bounds: PhaseModulationBounds
    public let liu: LiuCriticalDimension
    public let men: MenCriterion.Result?
    public let precisionWall: BigFloat
    /// The longest context every evaluated bound allows at the working formats.
    public let maxContext: ExactInt
    /// Position ids: the last position as the position format holds it, and the largest integer it holds exactly.
    public let lastPositionRounded: BigFloat
    public let exactPositionLimit: ExactInt
    /// 1 ulp of the phase at the last position, radians, for the fastest and slowest pairs.
    public let fastestPhaseULP: BigFloat
    public let slowestPhaseULP: BigFloat
    public let feasible: Bool
    public let recommendation: RoPERecommendation
    /// What decides the verdict: the bound that fails, or the tightest one when all hold.
    public let binding: String
    /// The same as stable ids (`aliasing_bound_a`, `depth_stability_bound_c`, `precision_ceiling_d`,
    /// `men_criterion`, `position_format`).
    public let bindingIDs: [String]
    public let diagnostics: [Diagnostic]

    /// Which layers the analysis covers: `global` (or all), or `local` for a model whose sliding-window
    /// layers use their own base (Gemma 3: 1e4 local, 1e6 global).
    public let layers: LayerKind
    /// The longest relative distance those layers see: the context, or the window for local layers.
    public let distance: Int
    /// The absolute sequence length whose positions the precision analysis covers.
    public let positions: Int

    /// The widest rotary head analysed.
    public static let maxRotaryDim = 8192

    /// The analyses a model needs: one for its global (or only) layers at the context, and one for its
    /// local layers when they have a base of their own. All-local models are analysed at their window.
    public static func all(model: ModelSpec, context: Int, settings: RoPESettings = RoPESettings(), file: String = "") -> [RoPEAnalysis] {
        // Rotary heads wider than 8192 dims exist in no model; analysing one would take minutes of MPFR work.
        guard var rope = model.rope, model.positions == .rope, rope.rotaryDim <= maxRotaryDim else { return [] }
        let kinds = Set(model.layerKinds)
        let window = model.attention.window
        var result: [RoPEAnalysis] = []
        if kinds.contains(.global) || window == nil || rope.localTheta == nil {
            let distance = kinds.contains(.global) || window == nil ? context : min(context, window ?? context)
            if let main = RoPEAnalysis(
                model: model, rope: rope, context: distance, positions: context,
                layers: kinds.contains(.global) ? .global : .local, settings: settings, file: file)
            {
                result.append(main)
            }
        }
        if let local = rope.localTheta, kinds.contains(.local), let window {
            rope.theta = local
            rope.scaling = nil
            if let analysis = RoPEAnalysis(
                model: model, rope: rope, context: min(context, window), positions: context,
                layers: .local, settings: settings, file: file, reportPositions: result.isEmpty)
            {
                result.append(analysis)
            }
        }
        return result
    }

    /// Nil when the model has no RoPE or its base cannot be read.
    public init?(model: ModelSpec, context: Int, settings: RoPESettings = RoPESettings(), file: String = "") {
        guard let rope = model.rope, model.positions == .rope else { return nil }
        self.init(model: model, rope: rope, context: context, positions: context, layers: .global, settings: settings, file: file)
    }

    /// `context` is the longest relative distance the layers see (bounds and the Men criterion);
    /// `positions` the absolute length whose position ids and phases must be representable.
    init?(
        model: ModelSpec, rope: RoPESpec, context: Int, positions: Int, layers: LayerKind, settings: RoPESettings, file: String,
        reportPositions: Bool = true
    ) {
        self.layers = layers
        self.distance = context
        let wp = settings.precision
        guard let frequencies = RoPEFrequencies(rope, maxContext: model.maxContext, length: context, precision: wp),
            let base = RoPEFrequencies.base(rope.theta, wp)
        else { return nil }
        self.context = context
        self.settings = settings
        self.frequencies = frequencies
        self.base = base
        let r = rope.rotaryDim
        rotaryDim = r
        let headDim = model.attention.mla?.qkRopeHeadDim ?? model.headDim
        self.headDim = headDim
        passThroughPairs = max(0, (headDim - r) / 2)
        depth = settings.depth ?? model.layers
        effectiveBase = r >= 4 ? frequencies.effectiveBase : base
        bounds = PhaseModulationBounds(
            context: context, rotaryDim: r, eps: settings.eps, depth: depth,
            phaseFormat: settings.phaseFormat, precision: wp)
        let trained = rope.scaling?.originalContext ?? rope.trainedContext
        liu = LiuCriticalDimension(rotaryDim: r, trainedContext: max(trained, 7), pretrainingBase: base, base: effectiveBase, precision: wp)
        precisionWall = PhaseModulationBounds.precisionWall(eps: settings.eps, depth: depth, phaseFormat: settings.phaseFormat, wp)
        let pairs = frequencies.theta.count
        if context.multipliedReportingOverflow(by: max(pairs, 1)).partialValue <= settings.menBudget {
            men = MenCriterion.check(theta: frequencies.theta, passThrough: passThroughPairs, length: context, precision: wp)
        } else {
            men = nil
        }
        // Positions in their format: round the last position; integers are exact up to 2^p.
        let p = settings.positionFormat.significandBits ?? 64
        let last = WorkingPrecision(bits: max(p, 2)).number(ExactInt(max(positions - 1, 0)))
        lastPositionRounded = wp.number(last)
        exactPositionLimit = ExactInt(2).power(UInt(min(p, 64)))
        // ulp(x) = 2^(floor(log2 x) - p + 1) in the phase format, for x = (L - 1) theta.
        let phaseBits = settings.phaseFormat.significandBits ?? 53
        func ulp(_ x: BigFloat) -> BigFloat {
            guard x.sign > 0 else { return wp.number(0) }
            let exponent = wp.floor(wp.divide(wp.log(x), wp.log(wp.number(2))))
            return wp.power(wp.number(2), wp.add(exponent, wp.number(1 - phaseBits)))
        }
        let lastPosition = wp.number(max(positions - 1, 1))
        fastestPhaseULP = ulp(wp.multiply(lastPosition, frequencies.fastest))
        slowestPhaseULP = ulp(wp.multiply(lastPosition, frequencies.slowest))

        // The verdict uses the exact-dimension family (the slowest pair's own frequency), the summary family
        // when r < 4; both are reported.
        let family = bounds.exact ?? bounds.summary
        let lower = family.lowerBound
        let ceiling = family.precisionCeiling
        var reasons: [(id: String, text: String)] = []
        if effectiveBase.compare(to: family.aliasing) == -1 { reasons.append(("aliasing_bound_a", "aliasing bound A")) }
        if effectiveBase.compare(to: family.depth) == -1 { reasons.append(("depth_stability_bound_c", "depth-stability bound C")) }
        if effectiveBase.compare(to: ceiling) != -1 { reasons.append(("precision_ceiling_d", "precision ceiling D")) }
        if let men, !men.holds { reasons.append(("men_criterion", "Men criterion")) }
        if let p = settings.positionFormat.significandBits, positions - 1 > (1 << min(p, 62)) {
            reasons.append(("position_format", "\(settings.positionFormat.rawValue) positions"))
        }
        var longest = PhaseModulationBounds.maxContext(
            base: effectiveBase, rotaryDim: r, eps: settings.eps, depth: depth,
            phaseFormat: settings.phaseFormat, exactForm: bounds.exact != nil, wp)
        if let failure = men?.firstFailure { longest = ExactInt.min(longest, ExactInt(failure)) }
        if let p = settings.positionFormat.significandBits { longest = ExactInt.min(longest, ExactInt(2).power(UInt(min(p, 62))) + 1) }
        maxContext = longest
        feasible = reasons.isEmpty
        if reasons.isEmpty {
            reasons = [
                lower.compare(to: family.aliasing) == 0
                    ? ("aliasing_bound_a", "aliasing bound A") : ("depth_stability_bound_c", "depth-stability bound C")
            ]
        }
        binding = reasons.map(\.text).joined(separator: ", ")
        bindingIDs = reasons.map(\.id)
        self.positions = positions
        recommendation = RoPERecommendation(
            context: context, rotaryDim: r, passThrough: passThroughPairs, base: base,
            trainedContext: trained, lowerBound: lower, ceiling: ceiling, precision: wp,
            totalBudget: settings.scanBudget)
        diagnostics = Self.findings(
            model: model, context: context, positions: reportPositions ? positions : nil, settings: settings,
            analysis: (effectiveBase, lower, ceiling, men), file: file, wp: wp, digits: settings.digits)
    }

    static func findings(
        model: ModelSpec, context: Int, positions: Int?, settings: RoPESettings,
        analysis: (base: BigFloat, lower: BigFloat, ceiling: BigFloat, men: MenCriterion.Result?),
        file: String, wp: WorkingPrecision, digits: Int
    ) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let location: SourceLocation? = file.isEmpty ? nil : SourceLocation(file: file)
        let d = min(digits, 12)
        if analysis.base.compare(to: analysis.lower) == -1 {
            found.append(
                Diagnostic(
                    .ropeBaseTooSmall,
                    "effective RoPE base \(analysis.base.decimalString(digits: d)) is below the phase-modulation lower bound \(analysis.lower.decimalString(digits: d)) for \(UnitFormat.grouped(ExactInt(context))) tokens",
                    at: location, keyPath: "model.rope.theta", expected: "a base of at least \(analysis.lower.decimalString(digits: d))"))
        }
        if analysis.base.compare(to: analysis.ceiling) != -1 {
            found.append(
                Diagnostic(
                    .ropeBaseAboveCeiling,
                    "effective RoPE base \(analysis.base.decimalString(digits: d)) is at or above the \(settings.phaseFormat.rawValue) precision ceiling \(analysis.ceiling.decimalString(digits: d)): the slowest pairs' phase increments are lost",
                    at: location, keyPath: "model.rope.theta",
                    expected: "a base below \(analysis.ceiling.decimalString(digits: d)), or phases in a wider format"))
        }
        if let men = analysis.men, let failure = men.firstFailure {
            found.append(
                Diagnostic(
                    .menCriterionFails,
                    "sum_j cos(m theta_j) is negative at m = \(failure) (\(String(format: "%.3e", men.failureValue ?? 0))), within the \(UnitFormat.grouped(ExactInt(context)))-token context",
                    at: location, keyPath: "model.rope.theta"))
        }
        if let rope = model.rope, let scaling = rope.scaling, scaling.type != .llama3, let original = scaling.originalContext {
            let covered = Double(original) * scaling.factor
            if covered + 0.5 < Double(model.maxContext) {
                found.append(
                    Diagnostic(
                        .ropeScalingInconsistent,
                        "\(scaling.type.rawValue) factor \(UnitFormat.threeDigits(scaling.factor)) x original context \(original) covers \(UnitFormat.grouped(ExactInt(Int(covered)))) tokens, less than max_context \(UnitFormat.grouped(ExactInt(model.maxContext)))",
                        at: location, keyPath: "model.rope.scaling.factor",
                        expected:
                            "factor >= max_context / original_context = \(UnitFormat.threeDigits(Double(model.maxContext) / Double(original)))"
                    ))
            }
        }
        if let p = settings.positionFormat.significandBits, let context = positions {
            if settings.positionFormat == .fp16 && context - 1 > 65504 {
                found.append(
                    Diagnostic(
                        .positionsUnrepresentable,
                        "positions above 65504 overflow fp16; the context needs \(UnitFormat.grouped(ExactInt(context - 1)))",
                        at: location, keyPath: "workload.context", expected: "fp32 positions", severity: .error))
            } else if context - 1 > (1 << min(p, 62)) {
                found.append(
                    Diagnostic(
                        .positionsUnrepresentable,
                        "\(settings.positionFormat.rawValue) holds integers exactly only up to \(UnitFormat.grouped(ExactInt(1 << min(p, 62)))); positions up to \(UnitFormat.grouped(ExactInt(context - 1))) round (the last to \(WorkingPrecision(bits: p).number(ExactInt(context - 1)).decimalString(digits: 12)))",
                        at: location, keyPath: "workload.context", expected: "positions in fp32 or wider"))
            }
        }
        return found
    }
}
