import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The RoPE section: per kind of layer (`global`, `local`), the bounds, zone, verdict and evidence. Real
/// quantities are decimal strings with the requested significant digits, next to the nearest double.
enum RoPESection {
    typealias F = JSONField

    /// A real number computed in MPFR and the digits to print it with.
    struct Real: Sendable {
        let value: BigFloat
        let digits: Int
    }

    static let real = JSONShape<Real>(
        "A real number: decimal string with the requested significant digits, and the nearest double.",
        [F.string("decimal") { $0.value.decimalString(digits: $0.digits) }, F.ratio("value") { $0.value.doubleValue }])

    static func real<S>(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (S) -> Real) -> JSONField<S> {
        JSONField.field(name, real.type, description) { real.encode(get($0)) }
    }

    static let family = JSONShape<(PhaseModulationBounds.Family, Int)>(
        "Phase-modulation bounds on the base.",
        [
            real("aliasing_min_base") { Real(value: $0.0.aliasing, digits: $0.1) },
            real("stability_min_base") { Real(value: $0.0.stability, digits: $0.1) },
            real("depth_min_base") { Real(value: $0.0.depth, digits: $0.1) },
            real("precision_max_base") { Real(value: $0.0.precisionCeiling, digits: $0.1) },
        ])

    static let bounds = JSONShape<RoPEAnalysis>(
        "Both bound families.",
        [
            F.object("summary", family) { ($0.bounds.summary, $0.settings.digits) },
            F.optional("exact_dimension", family) { a in a.bounds.exact.map { ($0, a.settings.digits) } },
        ])

    static let zone = JSONShape<RoPEAnalysis>(
        "The feasible interval of bases.",
        [
            F.field("family", .choice(["summary", "exact_dimension"])) { .string($0.bounds.exact == nil ? "summary" : "exact_dimension") },
            real("min_base") { Real(value: ($0.bounds.exact ?? $0.bounds.summary).lowerBound, digits: $0.settings.digits) },
            real("max_base") { Real(value: ($0.bounds.exact ?? $0.bounds.summary).precisionCeiling, digits: $0.settings.digits) },
        ])

    static let pairs = JSONShape<RoPEFrequencies>(
        "Pairs a scaling method left, blended, scaled.",
        [F.count("unchanged") { $0.unchangedPairs }, F.count("blended") { $0.blendedPairs }, F.count("scaled") { $0.scaledPairs }])

    static let men = JSONShape<MenCriterion.Result>(
        "Men et al. criterion over every position.",
        [
            F.bool("holds") { $0.holds },
            F.nullable("first_failure", .count, "First position where the sum is negative.") { $0.firstFailure.map(JSONValue.int) },
            F.nullable("failure_value", .ratio) { $0.failureValue.map(JSONValue.number) },
            F.ratio("minimum") { $0.minimum }, F.count("argmin") { $0.argmin }, F.count("positions") { $0.evaluated },
            F.count("rechecked_in_mpfr") { $0.rechecked },
        ])

    static let liu = JSONShape<RoPEAnalysis>(
        "Liu et al. critical dimension.",
        [
            F.count("critical_dimension") { $0.liu.criticalDimension },
            real("raw") { Real(value: $0.liu.raw, digits: $0.settings.digits) },
            real("extrapolation_limit", "Tokens.") { Real(value: $0.liu.extrapolationLimit, digits: $0.settings.digits) },
        ])

    static let precision = JSONShape<RoPEAnalysis>(
        "Positions and phases in their formats.",
        [
            real("context_wall", "Tokens.") { Real(value: $0.precisionWall, digits: $0.settings.digits) },
            real("last_position_rounded") { Real(value: $0.lastPositionRounded, digits: $0.settings.digits) },
            F.exact("exact_position_limit") { $0.exactPositionLimit },
            real("fastest_phase_ulp_rad") { Real(value: $0.fastestPhaseULP, digits: $0.settings.digits) },
            real("slowest_phase_ulp_rad") { Real(value: $0.slowestPhaseULP, digits: $0.settings.digits) },
        ])

    static let recommendation = JSONShape<RoPEAnalysis>(
        "The smallest base that holds, and the scaling factor that reaches it. men_minimum_base: the smallest base at which the Men criterion alone holds (first window on a 0.1% grid from L/(2 pi)), null when not scanned; men_scan_stopped_at: where a scan ran out of budget; men_scan_skipped: the budget could not cover a scan at this context (100 x context x pairs cosines), none was started.",
        [
            real("min_base") { Real(value: $0.recommendation.minBase, digits: $0.settings.digits) },
            F.bool("men_windows_scanned") { $0.recommendation.menScanned },
            F.optional("men_minimum_base", real) { a in
                a.recommendation.menMinimumBase.map { Real(value: $0, digits: a.settings.digits) }
            },
            F.optional("men_scan_stopped_at", real) { a in
                a.recommendation.scanStoppedAt.map { Real(value: $0, digits: a.settings.digits) }
            },
            F.bool("men_scan_skipped") { $0.recommendation.scanSkipped },
            real("scaling_factor") { Real(value: $0.recommendation.scalingFactor, digits: $0.settings.digits) },
            F.bool("scaling_stays_in_zone") { $0.recommendation.scalingStaysInZone },
        ])

    static let limit = JSONShape<RoPELimit>(
        "One limit the configuration is judged against.",
        [
            F.string("id") { $0.id }, F.choice("tier", RoPELimit.Tier.self) { $0.tier }, F.string("name") { $0.name },
            F.string("source") { $0.source }, F.string("assumption") { $0.assumption },
            F.bool("derived_for_scaling", "Whether the criterion was derived for the scaling in use.") { $0.derivedForScaling },
            F.bool("holds") { $0.holds },
            F.nullable("max_context", .count, "The longest context (tokens) it allows.") { $0.maxContext.map(JSONValue.integer) },
        ])

    static let reference = JSONShape<RoPEEvidence.Reference>(
        "A catalogue model documented to work.",
        [
            F.string("model") { $0.model }, F.count("documented_context") { $0.documentedContext },
            F.count("rotary_dim") { $0.rotaryDim }, F.ratio("effective_base") { $0.effectiveBase },
            F.ratio("ratio", "This configuration's effective base over the model's.") { $0.ratio },
            F.ratio("wavelength_ratio", "This configuration's slowest wavelength over the model's.") { $0.wavelengthRatio },
        ])

    static let evidence = JSONShape<RoPEEvidence>(
        "Models known to work, to judge a criterion's warning against.",
        [F.string("sentence") { $0.sentence }, F.list("references", reference) { $0.references }])

    /// One kind of layer's analysis.
    static let analysis = JSONShape<RoPEAnalysis>(
        "RoPE feasibility for one kind of layer.",
        [
            F.choice("layers", LayerKind.self) { $0.layers },
            F.count("distance", "Tokens analysed (the context, or a local layer's window).") { $0.distance },
            real("theta") { Real(value: $0.base, digits: $0.settings.digits) },
            real("effective_base") { Real(value: $0.effectiveBase, digits: $0.settings.digits) },
            F.count("rotary_dim") { $0.rotaryDim }, F.count("pass_through_pairs") { $0.passThroughPairs },
            real("attention_factor", "Multiplies cos and sin (logits scale by its square).") {
                Real(value: $0.frequencies.attentionFactor, digits: $0.settings.digits)
            },
            real("softmax_scale_multiplier", "Multiplies the softmax scale 1/sqrt(d) (DeepSeek-V2/V3 under yarn); 1 otherwise.") {
                Real(value: $0.softmaxScaleMultiplier, digits: $0.settings.digits)
            },
            F.object("pairs", pairs) { $0.frequencies },
            F.nullable("yarn_correction_range", .array(.ratio)) { a in
                a.frequencies.yarnRange.map { .array([.number($0.low), .number($0.high)]) }
            },
            F.count("working_precision_bits") { $0.frequencies.precision.bits },
            F.ratio("eps") { $0.settings.eps }, F.count("depth") { $0.depth },
            F.choice("phase_dtype", NumberFormat.self) { $0.settings.phaseFormat },
            F.choice("position_dtype", NumberFormat.self) { $0.settings.positionFormat },
            F.object("bounds", bounds) { $0 }, F.object("zone", zone) { $0 },
            F.choice("verdict", RoPEVerdict.self, "infeasible: a hard limit crossed; at_risk: a criterion fails.") { $0.verdict },
            F.string("verdict_sentence", "The same sentence as the text report and `lcplan rope`.") {
                RoPEReport.verdictSentence($0)
            },
            F.bool("feasible", "verdict is feasible.") { $0.feasible },
            F.list("limits", limit, "Hard limits first, then the literature's criteria.") { $0.limits },
            F.exact("hard_max_context", "The longest context the hard limits allow (2^40 when none bounds it).") {
                $0.hardMaxContext
            },
            F.object("evidence", evidence) { $0.evidence },
            F.field(
                "binding",
                .array(
                    .choice([
                        "position_collision", "position_overflow", "phase_increment_lost", "aliasing_bound_a",
                        "depth_stability_bound_c", "precision_ceiling_d", "men_criterion", "liu_extrapolation",
                    ])),
                "What decides the verdict, as stable ids: the limits that fail, or the tightest lower bound when all hold."
            ) { .array($0.bindingIDs.map(JSONValue.string)) },
            F.optional("men", men) { $0.men },
            F.object("liu", liu) { $0 }, F.object("precision", precision) { $0 },
            F.exact("max_context", "The longest context every limit allows, hard and criteria.") { $0.maxContext },
            F.object("recommendation", recommendation) { $0 },
        ])

    /// The analyses keyed by kind of layer; a kind the model does not have is absent.
    static let byLayerKind = JSONShape<[RoPEAnalysis]>(
        "RoPE feasibility keyed by kind of layer; a kind without rotary layers is absent.",
        [LayerKind.global, LayerKind.local].map { kind in
            F.omittable(kind.rawValue, analysis.type) { list in
                list.first { $0.layers == kind }.map(analysis.encode)
            }
        })
}
