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
    /// How failing literature criteria are raised (`checks.rope_criteria`).
    public var criteria: RoPECriteriaLevel = .auto

    public init() {}

    /// The settings a spec's `conventions` and `checks` state.
    public init(_ conventions: ConventionsSpec, checks: ChecksSpec = ChecksSpec()) {
        phaseFormat = conventions.ropePhaseDtype
        positionFormat = conventions.ropePositionDtype
        eps = conventions.ropeEps
        depth = conventions.ropeDepth
        criteria = checks.ropeCriteria
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
    /// The longest context every evaluated limit allows, hard and criteria (the criteria tier's).
    public let maxContext: ExactInt
    /// Position ids: the last position as the position format holds it, and the largest integer it holds exactly.
    public let lastPositionRounded: BigFloat
    public let exactPositionLimit: ExactInt
    /// 1 ulp of the phase at the last position, radians, for the fastest and slowest pairs.
    public let fastestPhaseULP: BigFloat
    public let slowestPhaseULP: BigFloat
    /// No hard limit crossed and no criterion fails at warning level (`verdict == .feasible`); criteria that
    /// fail as notes (`criterionSeverity`) leave it feasible.
    public let feasible: Bool
    /// Hard limit crossed: infeasible; a criterion fails as a warning: at risk; otherwise feasible.
    public let verdict: RoPEVerdict
    /// Every limit judged: hard ones (formats) first, then the literature's criteria.
    public let limits: [RoPELimit]
    /// The longest context the hard limits allow (2^40 when none bounds it).
    public let hardMaxContext: ExactInt
    /// Multiplier of the softmax scale 1/sqrt(d) beyond the cos/sin attention factor (DeepSeek-V2/V3's
    /// f(s, mscale_all_dim)^2 under yarn); 1 otherwise.
    public let softmaxScaleMultiplier: BigFloat
    /// Catalogue models documented to work, to judge a criterion's warning against.
    public let evidence: RoPEEvidence
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
            let maxContext = model.maxContext
            men = MenCriterion.check(
                theta: frequencies.theta, passThrough: passThroughPairs, length: context, precision: wp,
                thetaAt: { RoPEFrequencies(rope, maxContext: maxContext, length: context, precision: $0)?.theta })
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
        let scaling = rope.scaling?.type
        let scalingName = scaling.map { "\($0.rawValue) scaling" } ?? "unscaled RoPE"
        let unscaled = scaling == nil
        let pmLimit = PhaseModulationBounds.maxContext(
            base: effectiveBase, rotaryDim: r, eps: settings.eps, depth: depth,
            phaseFormat: settings.phaseFormat, exactForm: bounds.exact != nil, ceiling: false, wp)
        let form = bounds.exact == nil ? "summary form" : "exact-dimension form on the effective slowest frequency"
        var limits = Self.hardLimits(positions: positions, settings: settings, slowest: frequencies.slowest, wp: wp)
        if !reportPositions { limits.removeAll { $0.id.hasPrefix("position_") } }
        limits.append(
            RoPELimit(
                id: "aliasing_bound_a", tier: .criterion, name: "phase-modulation aliasing bound A",
                source: Sources.phaseModulation, assumption: "the slowest pair turns at most once over the context (\(form))",
                derivedForScaling: unscaled, holds: effectiveBase.compare(to: family.aliasing) != -1, maxContext: pmLimit))
        limits.append(
            RoPELimit(
                id: "depth_stability_bound_c", tier: .criterion, name: "phase-modulation depth-stability bound C",
                source: Sources.phaseModulation,
                assumption:
                    "coherence eps = \(settings.eps) (an assumption; the paper fixes none) compounded over N = \(depth) layers (\(form))",
                derivedForScaling: unscaled, holds: effectiveBase.compare(to: family.depth) != -1, maxContext: pmLimit))
        limits.append(
            RoPELimit(
                id: "precision_ceiling_d", tier: .criterion, name: "phase-modulation precision ceiling D",
                source: Sources.phaseModulation,
                assumption: "the slowest pair's frequency stays above \(settings.phaseFormat.rawValue) machine epsilon (\(form))",
                derivedForScaling: unscaled, holds: effectiveBase.compare(to: ceiling) == -1, maxContext: nil))
        if let men {
            limits.append(
                RoPELimit(
                    id: "men_criterion", tier: .criterion, name: "Men criterion", source: Sources.men,
                    assumption:
                        "similar tokens attend more than random ones on average (sum_j cos(m theta_j) >= 0 at every distance), derived for unscaled RoPE in pretraining",
                    derivedForScaling: unscaled, holds: men.holds, maxContext: men.firstFailure.map { ExactInt($0) }))
        }
        let liuLimit = liu.extrapolationLimit.floorInteger ?? .zero
        limits.append(
            RoPELimit(
                id: "liu_extrapolation", tier: .criterion, name: "Liu extrapolation limit", source: Sources.liu,
                assumption:
                    "a base raised from \(base.decimalString(digits: 6)) after pretraining at \(UnitFormat.grouped(ExactInt(max(trained, 7)))) tokens (critical dimension \(liu.criticalDimension)); derived for base (NTK-style) changes",
                derivedForScaling: unscaled || scaling == .ntk || scaling == .dynamic,
                holds: ExactInt(context) <= liuLimit, maxContext: liuLimit))
        self.limits = limits
        let cap = ExactInt(SpecShapes.maxTokens)
        let hard = limits.filter { $0.tier == .hard }
        hardMaxContext = hard.compactMap(\.maxContext).reduce(cap) { ExactInt.min($0, $1) }
        maxContext = limits.compactMap(\.maxContext).reduce(cap) { ExactInt.min($0, $1) }
        let failing = limits.filter { !$0.holds }
        evidence = RoPEEvidence(
            model: model.name, effectiveBase: effectiveBase.doubleValue, slowest: frequencies.slowest.doubleValue, rotaryDim: r,
            context: context, published: model.publishedRoPE.flatMap { $0.rope == rope ? $0.context : nil })
        let severity = Self.criterionSeverity(settings.criteria, documented: evidence.documentsThisConfiguration)
        let actionable = failing.filter { $0.tier == .criterion && severity($0) == .warning }
        verdict = hard.contains { !$0.holds } ? .infeasible : (actionable.isEmpty ? .feasible : .atRisk)
        feasible = verdict == .feasible
        var reasons = failing.map { (id: $0.id, text: $0.name) }
        if reasons.isEmpty {
            reasons = [
                lower.compare(to: family.aliasing) == 0
                    ? ("aliasing_bound_a", "phase-modulation aliasing bound A")
                    : ("depth_stability_bound_c", "phase-modulation depth-stability bound C")
            ]
        }
        binding = reasons.map(\.text).joined(separator: ", ")
        bindingIDs = reasons.map(\.id)
        self.positions = positions
        // DeepSeek-V2/V3 attention multiplies the softmax scale by f(s, mscale_all_dim)^2 when yarn names
        // mscale_all_dim (modeling_deepseek_v3.py; rope.md sec. 4), beside the cos/sin attention factor.
        if model.attention.kind == .mla, let s = rope.scaling, s.type == .yarn, let all = s.mscaleAllDim, all != 0 {
            let f = RoPEFrequencies.mscaleFunction(s.factor, all, wp)
            softmaxScaleMultiplier = wp.multiply(f, f)
        } else {
            softmaxScaleMultiplier = wp.number(1)
        }
        recommendation = RoPERecommendation(
            context: context, rotaryDim: r, passThrough: passThroughPairs, base: base,
            trainedContext: trained, lowerBound: lower, ceiling: ceiling, precision: wp,
            totalBudget: settings.scanBudget, digits: settings.digits)
        diagnostics = Self.findings(
            model: model, context: context, limits: limits, settings: settings, scalingName: scalingName,
            analysis: (effectiveBase, lower, ceiling, men), evidence: evidence, file: file, wp: wp, digits: settings.digits)
    }

    /// The severity of a failing literature criterion: under `auto` a note where the catalogue documents
    /// this configuration working at the context (the criterion's premise is contradicted by a model that
    /// works) or where the criterion was not derived for the scaling in use (it says nothing about it), a
    /// warning otherwise: a warning means act.
    static func criterionSeverity(_ level: RoPECriteriaLevel, documented: Bool) -> (RoPELimit) -> Severity {
        { limit in
            switch level {
            case .warning: return .warning
            case .note: return .note
            case .auto: return documented || !limit.derivedForScaling ? .note : .warning
            }
        }
    }

    static func findings(
        model: ModelSpec, context: Int, limits: [RoPELimit], settings: RoPESettings, scalingName: String,
        analysis: (base: BigFloat, lower: BigFloat, ceiling: BigFloat, men: MenCriterion.Result?),
        evidence: RoPEEvidence, file: String, wp: WorkingPrecision, digits: Int
    ) -> [Diagnostic] {
        let severity = criterionSeverity(settings.criteria, documented: evidence.documentsThisConfiguration)
        var found: [Diagnostic] = []
        let location: SourceLocation? = file.isEmpty ? nil : SourceLocation(file: file)
        let d = min(digits, 12)
        let failing = Dictionary(limits.filter { !$0.holds }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        /// A criterion's finding names its source, its assumption, and whether it was derived for the scaling.
        /// A note says why it is not a warning: the evidence, or the scaling the criterion was not derived for.
        func note(_ limit: RoPELimit) -> String {
            " [criterion: \(limit.source); assumes \(limit.assumption); "
                + (limit.derivedForScaling ? "derived for \(scalingName)]" : "not derived for \(scalingName)]")
                + (severity(limit) == .note && evidence.documentsThisConfiguration ? "; a note: \(evidence.sentence)" : "")
        }
        if let limit = failing["aliasing_bound_a"] ?? failing["depth_stability_bound_c"] {
            found.append(
                Diagnostic(
                    .ropeBaseTooSmall,
                    "effective RoPE base \(analysis.base.decimalString(digits: d)) is below the phase-modulation lower bound \(analysis.lower.decimalString(digits: d)) for \(UnitFormat.grouped(ExactInt(context))) tokens"
                        + note(limit),
                    at: location, keyPath: "model.rope.theta", expected: "a base of at least \(analysis.lower.decimalString(digits: d))",
                    severity: severity(limit)))
        }
        if let limit = failing["precision_ceiling_d"] {
            found.append(
                Diagnostic(
                    .ropeBaseAboveCeiling,
                    "effective RoPE base \(analysis.base.decimalString(digits: d)) is at or above the \(settings.phaseFormat.rawValue) precision ceiling \(analysis.ceiling.decimalString(digits: d))"
                        + note(limit),
                    at: location, keyPath: "model.rope.theta",
                    expected: "a base below \(analysis.ceiling.decimalString(digits: d)), or phases in a wider format",
                    severity: severity(limit)))
        }
        if let limit = failing["men_criterion"], let men = analysis.men, let failure = men.firstFailure {
            found.append(
                Diagnostic(
                    .menCriterionFails,
                    "sum_j cos(m theta_j) is negative at m = \(failure) (\(String(format: "%.3e", men.failureValue ?? 0))), within the \(UnitFormat.grouped(ExactInt(context)))-token context"
                        + note(limit),
                    at: location, keyPath: "model.rope.theta", severity: severity(limit)))
        }
        if let limit = failing["liu_extrapolation"] {
            found.append(
                Diagnostic(
                    .liuExtrapolationLimit,
                    "the context \(UnitFormat.grouped(ExactInt(context))) is beyond the Liu et al. extrapolation limit of \(UnitFormat.grouped(limit.maxContext ?? .zero)) tokens"
                        + note(limit),
                    at: location, keyPath: "model.rope.theta", severity: severity(limit)))
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
        let format = settings.positionFormat
        if failing["position_overflow"] != nil, let largest = format.largestFinite {
            found.append(
                Diagnostic(
                    .positionsUnrepresentable,
                    "positions above \(UnitFormat.grouped(ExactInt(largest))) overflow \(format.rawValue); the context needs positions up to \(UnitFormat.grouped(ExactInt(max(context, 1) - 1)))",
                    at: location, keyPath: "conventions.rope_position_dtype", expected: "fp32 positions"))
        } else if let limit = failing["position_collision"], let p = format.significandBits {
            found.append(
                Diagnostic(
                    .positionsUnrepresentable,
                    "\(format.rawValue) holds integers exactly only up to \(UnitFormat.grouped(ExactInt(1 << min(p, 62)))): position ids beyond collide (neighbours round to the same id) within the context of \(UnitFormat.grouped(ExactInt(context)))",
                    at: location, keyPath: "conventions.rope_position_dtype",
                    expected: "positions in fp32 or wider, or a context of at most \(UnitFormat.grouped(limit.maxContext ?? .zero))"))
        }
        if let limit = failing["phase_increment_lost"] {
            found.append(
                Diagnostic(
                    .phaseIncrementLost,
                    "phases formed in \(settings.phaseFormat.rawValue) lose the slowest pair's increment beyond position \(UnitFormat.grouped((limit.maxContext ?? .one) - .one)): neighbouring positions get the same phase",
                    at: location, keyPath: "conventions.rope_phase_dtype",
                    expected: "phases in fp32 (or wider), or a context of at most \(UnitFormat.grouped(limit.maxContext ?? .zero))"))
        }
        return found
    }
}
