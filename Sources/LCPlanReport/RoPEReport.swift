import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The RoPE section of the reports (JSON and text). Real quantities are decimal strings with the
/// requested significant digits, next to the nearest double.
public enum RoPEReport {
    static func real(_ value: BigFloat, _ digits: Int) -> JSONValue {
        .object([("decimal", .string(value.decimalString(digits: digits))), ("value", .number(value.doubleValue))])
    }

    static func family(_ f: PhaseModulationBounds.Family, _ digits: Int) -> JSONValue {
        .object([
            ("aliasing_min_base", real(f.aliasing, digits)),
            ("stability_min_base", real(f.stability, digits)),
            ("depth_min_base", real(f.depth, digits)),
            ("precision_max_base", real(f.precisionCeiling, digits)),
        ])
    }

    public static func json(_ a: RoPEAnalysis) -> JSONValue {
        let d = a.settings.digits
        let f = a.frequencies
        let zoneFamily = a.bounds.exact ?? a.bounds.summary
        return .object([
            ("layers", .string(a.layers.rawValue)),
            ("distance", .int(a.distance)),
            ("theta", real(a.base, d)),
            ("effective_base", real(a.effectiveBase, d)),
            ("rotary_dim", .int(a.rotaryDim)),
            ("pass_through_pairs", .int(a.passThroughPairs)),
            ("attention_factor", real(f.attentionFactor, d)),
            (
                "pairs",
                .object([("unchanged", .int(f.unchangedPairs)), ("blended", .int(f.blendedPairs)), ("scaled", .int(f.scaledPairs))])
            ),
            ("yarn_correction_range", .optional(f.yarnRange) { .array([.number($0.low), .number($0.high)]) }),
            ("working_precision_bits", .int(f.precision.bits)),
            ("eps", .number(a.settings.eps)),
            ("depth", .int(a.depth)),
            ("phase_dtype", .string(a.settings.phaseFormat.rawValue)),
            ("position_dtype", .string(a.settings.positionFormat.rawValue)),
            (
                "bounds",
                .object([
                    ("summary", family(a.bounds.summary, d)),
                    ("exact_dimension", .optional(a.bounds.exact) { family($0, d) }),
                ])
            ),
            (
                "zone",
                .object([
                    ("family", .string(a.bounds.exact == nil ? "summary" : "exact_dimension")),
                    ("min_base", real(zoneFamily.lowerBound, d)),
                    ("max_base", real(zoneFamily.precisionCeiling, d)),
                ])
            ),
            ("feasible", .bool(a.feasible)),
            ("binding", .string(a.binding)),
            (
                "men",
                .optional(a.men) { m in
                    .object([
                        ("holds", .bool(m.holds)), ("first_failure", .optional(m.firstFailure, JSONValue.int)),
                        ("failure_value", .optional(m.failureValue, JSONValue.number)), ("minimum", .number(m.minimum)),
                        ("argmin", .int(m.argmin)), ("positions", .int(m.evaluated)), ("rechecked_in_mpfr", .int(m.rechecked)),
                    ])
                }
            ),
            (
                "liu",
                .object([
                    ("critical_dimension", .int(a.liu.criticalDimension)),
                    ("raw", real(a.liu.raw, d)),
                    ("extrapolation_limit", real(a.liu.extrapolationLimit, d)),
                ])
            ),
            (
                "precision",
                .object([
                    ("context_wall", real(a.precisionWall, d)),
                    ("last_position_rounded", real(a.lastPositionRounded, d)),
                    ("exact_position_limit", .integer(a.exactPositionLimit)),
                    ("fastest_phase_ulp", real(a.fastestPhaseULP, d)),
                    ("slowest_phase_ulp", real(a.slowestPhaseULP, d)),
                ])
            ),
            ("max_context", .integer(a.maxContext)),
            (
                "recommendation",
                .object([
                    ("min_base", real(a.recommendation.minBase, d)),
                    ("men_windows_scanned", .bool(a.recommendation.menScanned)),
                    ("scaling_factor", real(a.recommendation.scalingFactor, d)),
                    ("scaling_stays_in_zone", .bool(a.recommendation.scalingStaysInZone)),
                ])
            ),
        ])
    }

    public static func text(_ analyses: [RoPEAnalysis], style: TextStyle) -> String {
        var out = ""
        for a in analyses {
            let d = min(a.settings.digits, 12)
            func v(_ x: BigFloat) -> String { x.decimalString(digits: d) }
            let f = a.frequencies
            var title = "\(a.layers.rawValue) layers at \(UnitFormat.grouped(ExactInt(a.distance))) tokens"
            title += ", phases in \(a.settings.phaseFormat.rawValue), positions in \(a.settings.positionFormat.rawValue)"
            out += TextReporter.section("RoPE", style, title)
            var table = TextTable([.left, .left])
            table.add("verdict", (a.feasible ? "feasible" : "infeasible") + " (\(a.binding))")
            table.add(
                "base",
                "\(v(a.base)), effective \(v(a.effectiveBase)); \(a.rotaryDim) rotary dims"
                    + (a.passThroughPairs > 0 ? ", \(a.passThroughPairs) pairs pass through" : ""))
            if f.scaledPairs + f.blendedPairs > 0 || f.attentionFactor.compare(to: f.precision.number(1)) != 0 {
                table.add(
                    "scaling",
                    "\(f.unchangedPairs) pairs unchanged, \(f.blendedPairs) blended, \(f.scaledPairs) scaled; attention factor \(v(f.attentionFactor))"
                )
            }
            let family = a.bounds.exact ?? a.bounds.summary
            table.add(
                "zone",
                "\(v(family.lowerBound)) <= b < \(v(family.precisionCeiling)) (\(a.bounds.exact == nil ? "summary" : "exact-dimension") forms)"
            )
            table.add(
                "bounds",
                "A \(v(a.bounds.summary.aliasing)), B \(v(a.bounds.summary.stability)), C \(v(a.bounds.summary.depth)), "
                    + "D \(v(a.bounds.summary.precisionCeiling)) (summary; eps \(a.settings.eps), N \(a.depth))")
            if let exact = a.bounds.exact {
                table.add(
                    "",
                    "A \(v(exact.aliasing)), B \(v(exact.stability)), C \(v(exact.depth)), D \(v(exact.precisionCeiling)) (exact-dimension)"
                )
            }
            if let men = a.men {
                table.add(
                    "Men criterion",
                    men.holds
                        ? "holds for every m < \(UnitFormat.grouped(ExactInt(men.evaluated))) (min \(String(format: "%.3e", men.minimum)) at m = \(men.argmin); \(men.rechecked) rechecked in MPFR)"
                        : "fails first at m = \(men.firstFailure ?? 0) (\(String(format: "%.3e", men.failureValue ?? 0)))")
            } else {
                table.add("Men criterion", "not evaluated: context x pairs above \(UnitFormat.grouped(ExactInt(a.settings.menBudget)))")
            }
            table.add(
                "Liu et al.",
                "critical dimension \(a.liu.criticalDimension) (raw \(v(a.liu.raw))), extrapolation limit \(v(a.liu.extrapolationLimit)) tokens"
            )
            table.add(
                "precision",
                "last position -> \(v(a.lastPositionRounded)); exact up to \(UnitFormat.grouped(a.exactPositionLimit)); "
                    + "phase ulp \(v(a.fastestPhaseULP)) rad (fastest), \(v(a.slowestPhaseULP)) rad (slowest); wall \(v(a.precisionWall)) tokens"
            )
            table.add("max context", UnitFormat.grouped(a.maxContext) + " tokens")
            let rec = a.recommendation
            table.add(
                "recommend",
                "base >= \(v(rec.minBase))"
                    + (rec.menScanned
                        ? " (Men windows scanned)" : " (phase-modulation bounds; Men windows not scanned here: see lcplan rope)")
                    + "; or scale the slowest pairs by \(v(rec.scalingFactor))"
                    + (rec.scalingStaysInZone ? "" : " (which passes the precision ceiling)"))
            out += table.render()
        }
        return out
    }
}
