import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The RoPE section of the reports (JSON and text). Real quantities are decimal strings with the
/// requested significant digits, next to the nearest double.
public enum RoPEReport {
    /// The verdict sentence, the same in the text report, the JSON and `lcplan rope`.
    public static func verdictSentence(_ a: RoPEAnalysis) -> String {
        let failingHard = a.limits.filter { $0.tier == .hard && !$0.holds }
        let failingCriteria = a.limits.filter { $0.tier == .criterion && !$0.holds }
        let hardCap = a.hardMaxContext >= ExactInt(SpecShapes.maxTokens) ? "" : " to \(UnitFormat.grouped(a.hardMaxContext)) tokens"
        switch a.verdict {
        case .infeasible:
            return "infeasible: hard limit crossed (" + failingHard.map(\.name).joined(separator: ", ") + ")"
        case .atRisk:
            let names = failingCriteria.map { $0.name + ($0.derivedForScaling ? "" : " (not derived for this scaling)") }
            return "at_risk: literature criteria fail (" + names.joined(separator: ", ") + "); hard limits hold" + hardCap
        case .feasible where !failingCriteria.isEmpty:
            // Criteria fail, each a note: the catalogue documents the configuration, or none was derived for it.
            let names = failingCriteria.map { $0.name + ($0.derivedForScaling ? "" : " (not derived for this scaling)") }
            return "feasible: hard limits hold" + hardCap + "; literature criteria that fail are notes ("
                + names.joined(separator: ", ") + ")"
                + (a.evidence.documentsThisConfiguration ? ": the evidence documents this configuration" : "")
        case .feasible:
            return "feasible: hard limits hold" + hardCap + " and every criterion holds (tightest: \(a.binding))"
        }
    }

    public static func text(_ analyses: [RoPEAnalysis], style: TextStyle) -> String {
        sections(analyses).map { TextReporter.render($0, style) }.joined()
    }

    /// One report section per kind of layer analysed.
    static func sections(_ analyses: [RoPEAnalysis]) -> [ReportSection] {
        var out: [ReportSection] = []
        for a in analyses {
            let d = min(a.settings.digits, 12)
            func v(_ x: BigFloat) -> String { x.decimalString(digits: d) }
            let f = a.frequencies
            var title = "\(a.layers.rawValue) layers at \(UnitFormat.grouped(ExactInt(a.distance))) tokens"
            title += ", phases in \(a.settings.phaseFormat.rawValue), positions in \(a.settings.positionFormat.rawValue)"
            var table = ReportSection("RoPE", title)
            table.add("verdict", verdictSentence(a))
            table.add("evidence", a.evidence.sentence)
            table.add(
                "base",
                "\(v(a.base)), effective \(v(a.effectiveBase)); \(a.rotaryDim) rotary dims"
                    + (a.passThroughPairs > 0 ? ", \(a.passThroughPairs) pairs pass through" : ""))
            if f.scaledPairs + f.blendedPairs > 0 || f.attentionFactor.compare(to: f.precision.number(1)) != 0 {
                table.add(
                    "scaling",
                    "\(f.unchangedPairs) pairs unchanged, \(f.blendedPairs) blended, \(f.scaledPairs) scaled; cos/sin attention factor \(v(f.attentionFactor))"
                )
            }
            if a.softmaxScaleMultiplier.compare(to: f.precision.number(1)) != 0 {
                table.add("softmax scale", "x\(v(a.softmaxScaleMultiplier)) (DeepSeek attention: f(s, mscale_all_dim)^2 on 1/sqrt(d))")
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
            table.add(
                "max context",
                "hard limits "
                    + (a.hardMaxContext >= ExactInt(SpecShapes.maxTokens) ? "none below 2^40" : UnitFormat.grouped(a.hardMaxContext))
                    + "; all criteria " + UnitFormat.grouped(a.maxContext) + " tokens")
            let rec = a.recommendation
            if let menMinimum = rec.menMinimumBase {
                table.add(
                    "Men minimum",
                    "base >= \(v(menMinimum)) holds the Men criterion alone (first window on a 0.1% grid from L/(2 pi); "
                        + "narrower windows can lie below)")
            } else if rec.menScanned, let stopped = rec.scanStoppedAt {
                table.add("Men minimum", "not found within --men-limit: the scan stopped at base \(v(stopped))")
            }
            let how: String
            if rec.menScanned {
                how = "phase-modulation bounds and Men windows"
            } else if rec.scanSkipped {
                how = "phase-modulation bounds; a Men scan at this context needs more than --men-limit allows: raise it"
            } else if let stopped = rec.scanStoppedAt {
                how = "phase-modulation bounds; the Men scan found no window up to base \(v(stopped)) (within --men-limit and 20,000 steps)"
            } else {
                how = "phase-modulation bounds; lcplan rope scans the Men windows"
            }
            table.add(
                "recommend",
                "base >= \(v(rec.minBase)) (\(how)); or scale the slowest pairs by \(v(rec.scalingFactor))"
                    + (rec.scalingStaysInZone ? "" : " (which passes the precision ceiling)"))
            out.append(table)
        }
        return out
    }
}
