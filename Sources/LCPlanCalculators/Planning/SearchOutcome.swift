import LCPlanModel

/// Where a candidate layout stands against the spec: meets everything, fits but misses a time constraint,
/// or does not fit.
public enum CandidateStatus: Int, Sendable, Comparable {
    case feasible = 0, missesConstraints = 1, doesNotFit = 2

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Why candidates were turned away, counted.
public struct Rejection: Sendable, Equatable {
    /// A stable id: a rule id (`LC110`), `policy_tp_across_nodes`, `engine_<name>`, `does_not_fit`,
    /// `misses_ttft`, `misses_tpot`, `misses_step_time`.
    public let reason: String
    public let text: String
    public var count: Int
}

/// A layout the search evaluated, beside the chosen one: its figures, its standing, and in words what
/// makes it worse.
public struct Alternative: Sendable {
    public let profile: LayoutProfile
    public let status: CandidateStatus
    /// The plan key it was kept for (`cp` for "the best layout with another cp"), nil for a runner-up.
    public let dimension: String?
    /// Its objective relative to the chosen layout's (1 = as good; below 1 worse), nil when either does
    /// not fit.
    public let relative: Double?
    public let why: String
}

/// What the layout search found: the chosen layout and why, the runners-up, what was rejected and how
/// many layouts were costed.
public struct SearchOutcome: Sendable {
    public let objective: SearchObjective
    /// Output tokens per request (the latency objective of a server counts them).
    let outputTokens: Int
    /// Nil when no layout passes the rules.
    public let chosen: LayoutProfile?
    public let status: CandidateStatus
    public let runnersUp: [Alternative]
    /// For each searched key, the best layout with another value of it (why that key has its value).
    public internal(set) var contrasts: [Alternative]
    /// Rejections by reason, in a fixed order (rules by id, then policies, engines, memory, constraints).
    public internal(set) var rejected: [Rejection]
    public internal(set) var candidatesEvaluated: Int
    /// Serving: the best separate prefill and decode pools, beside the aggregated layout (nil when not
    /// searched).
    public let disaggregated: DisaggregatedServing?
    /// The plan keys the spec fixed, and those the search chose, in plan order.
    public internal(set) var fixed: [String]
    public internal(set) var searched: [String]

    /// The objective's value for `profile` (larger is better): tokens per second per device, minus the
    /// step or request time, or minus the devices.
    public func value(_ profile: LayoutProfile) -> Double {
        switch objective {
        case .throughput: return profile.time.objectiveTokensPerSecond / Double(max(profile.layout.devices, 1))
        case .latency: return -SearchState.latency(profile.time, outputTokens: outputTokens)
        case .devices: return -Double(profile.layout.devices)
        }
    }

    /// The limit `profile` comes closest to, as a share of it: memory (of the usable capacity), or a time
    /// constraint the spec sets (TTFT, TPOT, step time).
    public static func binding(_ profile: LayoutProfile, _ constraints: ConstraintsSpec) -> Binding {
        var best = Binding(name: "memory", share: profile.memory.total / max(profile.usableBytes, 1))
        let time = profile.time
        let limits: [(String, Double?, Double?)] = [
            ("ttft", constraints.ttft, time.ttft?.seconds), ("tpot", constraints.tpot, time.interTokenSeconds),
            ("step_time", constraints.stepTime, time.step?.seconds),
        ]
        for case let (name, limit?, value?) in limits where value / limit > best.share {
            best = Binding(name: name, share: value / limit)
        }
        return best
    }
}

/// The limit a layout comes closest to and how close (1 = at the limit, above 1 = past it).
public struct Binding: Sendable, Equatable {
    public let name: String
    public let share: Double
}

extension SearchOutcome {
    /// Whether the disaggregated pools beat the aggregated layout: a better standing, or the same standing
    /// and a better objective (tokens per second per device, or request latency).
    public var disaggregationWins: Bool {
        guard let pools = disaggregated, let chosen else { return false }
        if pools.status != status { return pools.status < status }
        switch objective {
        case .latency:
            return pools.ttft + Double(outputTokens) * pools.tpot < SearchState.latency(chosen.time, outputTokens: outputTokens)
        default:
            return pools.servedTokensPerSecond / Double(pools.devices) > value(chosen)
        }
    }
}
