import LCPlanModel

/// One costed candidate with what ranks it.
struct Ranked: Sendable {
    let profile: LayoutProfile
    let status: CandidateStatus
    /// The objective (larger is better) and its tie-breaker.
    let primary: Double
    let secondary: Double
    /// Memory over usable memory (ranks layouts that do not fit: the closest first).
    let memoryRatio: Double

    /// Whether `self` ranks before `other`: status, then (for layouts that do not fit) the memory they
    /// lack, then the objective, then fewer prefill chunks, then less memory, then the smaller layout in
    /// plan-key order.
    func isBetter(than other: Ranked) -> Bool {
        if status != other.status { return status < other.status }
        if status == .doesNotFit, !Self.same(memoryRatio, other.memoryRatio) { return memoryRatio < other.memoryRatio }
        if !Self.same(primary, other.primary) { return primary > other.primary }
        if !Self.same(secondary, other.secondary) { return secondary > other.secondary }
        // As fast either way: fewer prefill steps (each has overheads the model does not count), whole
        // prompts first.
        let chunk = profile.layout.prefillChunk ?? .max, otherChunk = other.profile.layout.prefillChunk ?? .max
        if chunk != otherChunk { return chunk > otherChunk }
        if profile.memory.total != other.profile.memory.total { return profile.memory.total < other.profile.memory.total }
        let a = Self.key(profile.layout), b = Self.key(other.profile.layout)
        for index in a.indices where a[index] != b[index] { return a[index] < b[index] }
        return false
    }

    /// Figures within a relative 1e-9 of each other are equal: mathematically equal layouts (2 replicas of
    /// half the speed) differ in the last bits of their rounding, and a tie must not be decided by that.
    static func same(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }

    /// The layout as a tuple in plan-key order, for the last tie-break.
    static func order(_ l: Layout) -> [Int] {
        let k = key(l)
        return k.indices.map { k[$0] }
    }

    /// `order` without a heap allocation (the search asks for it once per candidate).
    @inline(__always) static func key(_ l: Layout) -> InlineArray<16, Int> {
        [
            l.tp, l.pp, l.vpp, l.dp, l.cp, ContextParallelKind.allCases.firstIndex(of: l.cpKind) ?? 0, l.ep, l.etp,
            l.attentionDP, l.sequenceParallel ? 0 : 1, l.zero, Recompute.allCases.firstIndex(of: l.recompute) ?? 0, l.microBatch,
            l.dualPipe ? 1 : 0, l.prefillChunk ?? 0, l.sequences ?? 0,
        ]
    }
}

/// The search's running state: the best layout, the best per distinct set of degrees (runners-up), the best
/// per value of each searched key (contrasts), and the rejections.
struct SearchState: Sendable {
    let objective: SearchObjective
    let outputTokens: Int
    let promptTokens: Int
    let constraints: ConstraintsSpec
    let runnersUpWanted: Int
    var best: Ranked?
    var evaluated = 0
    var rejections: [String: Rejection] = [:]
    /// Best per degrees (tp, pp, vpp, dp, cp, cp kind, ep, etp, micro-batch, recompute, prefill chunk): ZeRO and
    /// sequence parallelism variants of one set of degrees are one runner-up.
    var byDegrees: [Degrees: Ranked] = [:]
    /// Per plan key (index into `Planner.keys`), the best candidate for each value of it.
    var byValue: [BestByValue] = Array(repeating: BestByValue(), count: Planner.keys.count)

    /// A layout's degrees without ZeRO and sequence parallelism (the key of `byDegrees`).
    struct Degrees: Hashable, Sendable {
        let tp, pp, vpp, dp, cp, cpKind, ep, etp, attentionDP, microBatch, recompute, chunk, sequences: Int

        init(_ l: Layout) {
            (tp, pp, vpp, dp, cp, ep, etp, attentionDP, microBatch) = (
                l.tp, l.pp, l.vpp, l.dp, l.cp, l.ep, l.etp, l.attentionDP, l.microBatch
            )
            cpKind = ContextParallelKind.allCases.firstIndex(of: l.cpKind) ?? 0
            recompute = Recompute.allCases.firstIndex(of: l.recompute) ?? 0
            (chunk, sequences) = (l.prefillChunk ?? 0, l.sequences ?? 0)
        }
    }

    /// The best candidate per value of one key: a few values each, so a short list rather than a hashed table.
    struct BestByValue: Sendable {
        var entries: [(value: Int, ranked: Ranked)] = []

        subscript(value: Int) -> Ranked? { entries.first { $0.value == value }?.ranked }

        mutating func offer(_ value: Int, _ candidate: Ranked) {
            if let index = entries.firstIndex(where: { $0.value == value }) {
                if candidate.isBetter(than: entries[index].ranked) { entries[index].ranked = candidate }
            } else {
                entries.append((value, candidate))
            }
        }
    }

    init(objective: SearchObjective, outputTokens: Int, promptTokens: Int, constraints: ConstraintsSpec, runnersUp: Int) {
        self.objective = objective
        self.outputTokens = outputTokens
        self.promptTokens = promptTokens
        self.constraints = constraints
        runnersUpWanted = runnersUp
    }

    /// A state with this one's settings and nothing counted yet.
    var empty: SearchState {
        SearchState(
            objective: objective, outputTokens: outputTokens, promptTokens: promptTokens, constraints: constraints,
            runnersUp: runnersUpWanted)
    }

    /// Adds what another state counted and kept: the best of each pair of entries, as if its candidates had
    /// been considered here.
    mutating func merge(_ other: SearchState) {
        evaluated += other.evaluated
        for (reason, rejection) in other.rejections.sorted(by: { $0.key < $1.key }) {
            rejections[reason, default: Rejection(reason: reason, text: rejection.text, count: 0)].count += rejection.count
        }
        if let candidate = other.best, best.map({ candidate.isBetter(than: $0) }) ?? true { best = candidate }
        for (degrees, candidate) in other.byDegrees where byDegrees[degrees].map({ candidate.isBetter(than: $0) }) ?? true {
            byDegrees[degrees] = candidate
        }
        pruneDegrees()
        for key in byValue.indices {
            for (value, candidate) in other.byValue[key].entries { byValue[key].offer(value, candidate) }
        }
    }

    /// Only the best few sets of degrees can be runners-up: past a bound, keep the best 512 (an entry dropped
    /// ranks below 512 others that stay, so it could never be among the runners-up).
    mutating func pruneDegrees() {
        guard byDegrees.count > 8192 else { return }
        // Sort positions, not the entries themselves (each carries a whole layout profile).
        let entries = Array(byDegrees)
        let kept = entries.indices.sorted { entries[$0].value.isBetter(than: entries[$1].value) }.prefix(512)
        byDegrees = Dictionary(uniqueKeysWithValues: kept.map { (entries[$0].key, entries[$0].value) })
    }

    mutating func reject(_ reason: String, _ text: String, count: Int = 1) {
        rejections[reason, default: Rejection(reason: reason, text: text, count: 0)].count += count
    }

    /// Whether `profile` fits and meets the time constraints.
    func isFeasible(_ profile: LayoutProfile) -> Bool {
        let time = profile.time
        guard profile.fits else { return false }
        if let limit = constraints.ttft, let ttft = time.ttft, ttft.seconds > limit { return false }
        if let limit = constraints.tpot, let tpot = time.interTokenSeconds, tpot > limit { return false }
        if let limit = constraints.stepTime, let step = time.step, step.seconds > limit { return false }
        return true
    }

    mutating func consider(_ profile: LayoutProfile) {
        evaluated += 1
        let time = profile.time
        var status = CandidateStatus.feasible
        if !profile.fits {
            status = .doesNotFit
            reject("does_not_fit", "does not fit in device memory")
        } else if let limit = constraints.ttft, let ttft = time.ttft, ttft.seconds > limit {
            status = .missesConstraints
            reject("misses_ttft", "misses the TTFT constraint")
        } else if let limit = constraints.tpot, let tpot = time.interTokenSeconds, tpot > limit {
            status = .missesConstraints
            reject("misses_tpot", "misses the TPOT constraint")
        } else if let limit = constraints.stepTime, let step = time.step, step.seconds > limit {
            status = .missesConstraints
            reject("misses_step_time", "misses the step-time constraint")
        }
        let perDevice = time.objectiveTokensPerSecond / Double(max(profile.layout.devices, 1))
        let primary: Double
        var secondary = 0.0
        // Ties on the objective go to the shorter request (throughput) or the higher throughput (latency).
        switch objective {
        case .throughput:
            primary = perDevice
            secondary = -Self.latency(time, outputTokens: outputTokens)
        case .latency:
            primary = -Self.latency(time, outputTokens: outputTokens)
            secondary = perDevice
        case .devices:
            primary = -Double(profile.layout.devices)
            secondary = perDevice
        }
        let ranked = Ranked(
            profile: profile, status: status, primary: primary, secondary: secondary,
            memoryRatio: profile.memory.total / max(profile.usableBytes, 1))
        if best.map({ ranked.isBetter(than: $0) }) ?? true { best = ranked }
        let l = profile.layout
        let degrees = Degrees(l)
        if byDegrees[degrees].map({ ranked.isBetter(than: $0) }) ?? true {
            byDegrees[degrees] = ranked
            pruneDegrees()
        }
        let values = Ranked.key(l)
        for key in values.indices { byValue[key].offer(values[key], ranked) }
    }

    /// The time the latency objective minimises: a training step, or a whole request (TTFT + output tokens x
    /// TPOT).
    static func latency(_ time: TimeProfile, outputTokens: Int) -> Double {
        if let step = time.step { return step.seconds }
        return (time.ttft?.seconds ?? 0) + Double(outputTokens) * (time.interTokenSeconds ?? 0)
    }

    func outcome(plan: PlanSpec, inference: Bool, experts: Bool, disaggregated: DisaggregatedServing? = nil) -> SearchOutcome {
        var searchable: Set<String> =
            inference
            ? ["tp", "pp", "dp", "cp", "cp_kind", "ep", "attention_dp", "prefill_chunk", "batch"]
            : Set(Planner.keys).subtracting(["attention_dp", "prefill_chunk", "batch"])
        // Training: the schedule is searched through vpp (1F1B or interleaved) unless the plan fixes it, and a
        // fixed 1F1B or DualPipe fixes vpp at 1.
        if !inference && (plan.schedule == .oneFOneB || plan.schedule == .dualpipe) { searchable.remove("vpp") }
        if plan.vpp != nil { searchable.remove("schedule") }
        // A cp fixed at 1 leaves no kind to choose.
        if plan.cp == 1 { searchable.remove("cp_kind") }
        if objective != .throughput && plan.batch == nil { searchable.remove("batch") }
        if !experts {
            searchable.remove("ep")
            searchable.remove("etp")
            searchable.remove("attention_dp")
        }
        let fixed = Planner.keys.filter { plan.fixes($0) && (searchable.contains($0) || !["prefill_chunk", "batch"].contains($0)) }
        let searched = Planner.keys.filter { !plan.fixes($0) && searchable.contains($0) }
        let order = ["LC"] + ["policy_", "engine_", "does_not_fit", "misses_", "budget_"]
        let rejected = rejections.values.sorted { a, b in
            let ra = order.lastIndex { a.reason.hasPrefix($0) } ?? 0, rb = order.lastIndex { b.reason.hasPrefix($0) } ?? 0
            return ra != rb ? ra < rb : a.reason < b.reason
        }
        guard let best else {
            return SearchOutcome(
                objective: objective, outputTokens: outputTokens, chosen: nil, status: .doesNotFit, runnersUp: [], contrasts: [],
                rejected: rejected,
                candidatesEvaluated: evaluated, disaggregated: disaggregated, fixed: fixed, searched: searched)
        }
        let chosenDegrees = Ranked.order(best.profile.layout)
        let others = byDegrees.values.filter { Ranked.order($0.profile.layout) != chosenDegrees }
            .sorted { $0.isBetter(than: $1) }
        let runnersUp = others.prefix(runnersUpWanted).map { alternative($0, against: best, dimension: nil) }
        var contrasts: [Alternative] = []
        for (index, key) in Planner.keys.enumerated() where searched.contains(key) {
            let chosenValue = chosenDegrees[index]
            let rivals = byValue[index].entries.filter { $0.value != chosenValue }.map(\.ranked).sorted { $0.isBetter(than: $1) }
            guard let rival = rivals.first else { continue }
            contrasts.append(alternative(rival, against: best, dimension: key))
            // For a degree above 1, also the best layout without that kind of parallelism.
            if ["tp", "pp", "cp", "ep", "attention_dp"].contains(key), chosenValue > 1, let without = byValue[index][1],
                Ranked.order(without.profile.layout) != Ranked.order(rival.profile.layout)
            {
                contrasts.append(alternative(without, against: best, dimension: key))
            }
        }
        return SearchOutcome(
            objective: objective, outputTokens: outputTokens, chosen: best.profile, status: best.status, runnersUp: runnersUp,
            contrasts: contrasts,
            rejected: rejected, candidatesEvaluated: evaluated, disaggregated: disaggregated, fixed: fixed, searched: searched)
    }

    func alternative(_ rival: Ranked, against chosen: Ranked, dimension: String?) -> Alternative {
        var relative: Double? = nil
        if rival.status != .doesNotFit && chosen.status != .doesNotFit {
            relative =
                objective == .devices
                ? rival.secondary / max(chosen.secondary, .leastNormalMagnitude)
                : Self.ratio(rival.primary, chosen.primary)
        }
        return Alternative(
            profile: rival.profile, status: rival.status, dimension: dimension, relative: relative,
            why: LayoutComparison.why(
                rival, against: chosen, objective: objective, outputTokens: outputTokens, promptTokens: promptTokens))
    }

    /// rival / chosen for a larger-is-better objective, as a fraction of the chosen one's merit (for a
    /// negative objective, a time: chosen / rival).
    static func ratio(_ rival: Double, _ chosen: Double) -> Double {
        if chosen < 0 && rival < 0 { return chosen / rival }
        return chosen == 0 ? 1 : rival / chosen
    }
}

extension PlanSpec {
    /// Whether the plan fixes `key` (one of `Planner.keys`).
    public func fixes(_ key: String) -> Bool {
        switch key {
        case "tp": return tp != nil
        case "pp": return pp != nil
        case "vpp": return vpp != nil
        case "dp": return dp != nil
        case "cp": return cp != nil
        case "cp_kind": return cpKind != nil
        case "ep": return ep != nil
        case "etp": return etp != nil
        case "attention_dp": return attentionDP != nil
        case "sequence_parallel": return sequenceParallel != nil
        case "zero": return zero != nil
        case "recompute": return recompute != nil
        case "micro_batch": return microBatch != nil
        case "schedule": return schedule != nil
        case "prefill_chunk": return prefillChunk != nil
        case "batch": return batch != nil
        default: return false
        }
    }
}
