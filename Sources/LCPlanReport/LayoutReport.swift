import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The report's account of the layout search: the chosen layout key by key (fixed or searched), why each
/// searched key has its value, the runners-up and what was turned away.
enum LayoutReport {
    static func sections(_ a: Analysis, timing: Bool = false) -> [ReportSection] {
        let search = a.search
        let training = a.spec.workload.mode == .training
        let turnedAway = search.rejected.reduce(0) { $0 + $1.count }
        var layout = ReportSection(
            "Layout",
            "best \(search.objective.rawValue) of \(UnitFormat.grouped(.init(search.candidatesEvaluated))) "
                + (search.candidatesEvaluated == 1 ? "layout costed" : "layouts costed"),
            [.left, .left, .left])
        layout.header = ["key", "value", "how"]
        let l = a.layout
        var values: [(String, String)] = [
            ("tp", "\(l.tp)"), ("pp", "\(l.pp)"), ("vpp", "\(l.vpp)"), ("dp", "\(l.dp)"), ("cp", "\(l.cp)"),
            ("cp_kind", l.cp > 1 ? l.cpKind.rawValue : "-"), ("ep", "\(l.ep)"), ("etp", "\(l.etp)"),
        ]
        if !training && a.spec.model.moe != nil {
            values.append(
                (
                    "attention_dp",
                    "\(l.attentionDP)" + (l.attentionDP > 1 ? " (attention on tp / \(l.attentionDP) = \(l.attentionTP) ranks)" : "")
                ))
        }
        if !training {
            values.append(("prefill_chunk", l.prefillChunk.map { "\($0)" } ?? "whole prompt"))
            let perReplica = (a.spec.workload.batch + l.dp - 1) / max(l.dp, 1)
            values.append(("batch", "\(a.spec.workload.batch)" + (l.dp > 1 ? " (\(perReplica) per replica)" : "")))
        }
        if training {
            values += [
                ("sequence_parallel", l.sequenceParallel ? "true" : "false"), ("zero", "\(l.zero)"),
                ("recompute", l.recompute.rawValue), ("micro_batch", "\(l.microBatch)"),
                ("schedule", l.schedule.rawValue),
            ]
        }
        for (key, value) in values {
            let how = search.fixed.contains(key) ? "fixed" : search.searched.contains(key) ? "searched" : "-"
            layout.add(key, .text(value), .text(how))
        }
        layout.notes.append(standing(search.status))
        if let chosen = search.chosen {
            let binding = SearchOutcome.binding(chosen, a.spec.constraints)
            layout.notes.append(
                "closest to its limit: \(bindingName(binding.name)) at \(UnitFormat.fixed(binding.share * 100, decimals: 0))% of it")
        }
        if timing {
            layout.notes.append("search time \(Seconds(a.searchSeconds))")
        }
        if turnedAway > 0 {
            let reasons = search.rejected.map { "\(UnitFormat.grouped(.init($0.count))) \($0.text)" }
            layout.notes.append("turned away: " + reasons.joined(separator: "; "))
        }
        var result = [layout]
        if !search.contrasts.isEmpty {
            var why = ReportSection("Why this layout", "the best layout with another value of each searched key")
            for contrast in search.contrasts {
                why.add(contrast.dimension ?? "", "\(describe(contrast.profile.layout, training)): \(contrast.why)")
            }
            result.append(why)
        }
        if let serving = serving(a) { result.append(serving) }
        if !search.runnersUp.isEmpty {
            var runners = ReportSection("Runners-up", "", [.left, .left, .right, .left])
            runners.header = ["#", "layout", "vs chosen", "what makes it worse"]
            for (index, runner) in search.runnersUp.enumerated() {
                runners.add(
                    "\(index + 2)", .text(describe(runner.profile.layout, training)),
                    .text(runner.relative.map { UnitFormat.fixed($0 * 100, decimals: 1) + "%" } ?? "-"), .text(runner.why))
            }
            result.append(runners)
        }
        return result
    }

    static func describe(_ layout: Layout, _ training: Bool) -> String {
        training ? layout.trainingSummary : layout.summary
    }

    static func bindingName(_ name: String) -> String {
        switch name {
        case "memory": return "memory (of the usable capacity)"
        case "ttft": return "the TTFT constraint"
        case "tpot": return "the TPOT constraint"
        default: return "the step-time constraint"
        }
    }

    static func standing(_ status: CandidateStatus) -> String {
        switch status {
        case .feasible: return "it fits and meets the constraints"
        case .missesConstraints: return "no layout meets the time constraints: this one fits and comes closest on the objective"
        case .doesNotFit: return "no layout fits: this one needs the least memory"
        }
    }
}

extension LayoutReport {
    /// Serving: the aggregated layout against the best separate prefill and decode pools.
    static func serving(_ a: Analysis) -> ReportSection? {
        guard let pools = a.search.disaggregated, let chosen = a.search.chosen else { return nil }
        var section = ReportSection(
            "Serving", "aggregated against separate prefill and decode pools", [.left, .right, .right, .right, .right, .left])
        section.header = ["mode", "devices", "TTFT", "TPOT", "tokens/s/device", "limited by"]
        let served = chosen.time.objectiveTokensPerSecond / Double(max(chosen.layout.devices, 1))
        section.add(
            "aggregated", .count(.init(chosen.layout.devices)), .seconds(chosen.time.ttft?.seconds ?? 0),
            .seconds(chosen.time.interTokenSeconds ?? 0), .text(UnitFormat.threeDigits(served)), .text("-"))
        section.add(
            "disaggregated", .count(.init(pools.devices)), .seconds(pools.ttft), .seconds(pools.tpot),
            .text(UnitFormat.threeDigits(pools.servedTokensPerSecond / Double(pools.devices))), .text(pools.limitedBy))
        section.notes.append(
            "prefill pool: \(pools.prefill.layout.summary) (\(pools.prefill.layout.devices) devices); decode pool: \(pools.decode.layout.summary) (\(pools.decode.layout.devices) devices); KV transfer \(UnitFormat.scaled(pools.transferBytes, unit: "B", base: 1000)) per request in \(Seconds(pools.transferSeconds))"
        )
        section.notes.append(
            a.search.disaggregationWins
                ? "separate pools are better on the objective (\(a.search.objective.rawValue)); the memory and time sections describe the aggregated layout; `lcplan emit` launches the pools"
                : "the aggregated layout is better on the objective (\(a.search.objective.rawValue))")
        return section
    }
}
