import LCPlanModel

/// Serving with separate prefill and decode pools (DistServe, arXiv 2401.09670; Splitwise, arXiv
/// 2311.18677), each with its own layout, the KV cache of every prompt sent from one to the other.
///
/// - The prefill pool's replicas prefill one request at a time; when the workload's batch arrives at once
///   (lcplan's TTFT convention, as for an aggregated server), the last request waits for
///   ceil(batch / prefill replicas) prefills, then its KV transfer.
/// - The KV transfer moves prompt tokens x KV bytes per token (all layers) from the prefill replica's
///   tp x pp x cp ranks, each its share, over the inter-node link (the intra-node one when every device is in
///   one node), pipelined with the next prefill.
/// - The decode pool holds the whole batch spread over its replicas, as an aggregated server does.
/// - Sustained output tokens per second: output tokens x the smaller of the prefill pool's request rate
///   (replicas / prefill time) and the decode pool's (sequences in flight / (output tokens x TPOT)).
public struct DisaggregatedServing: Sendable {
    public let prefill: LayoutProfile
    public let decode: LayoutProfile
    /// Seconds to the first token of the last request of a batch that arrives at once (queue, prefill,
    /// KV transfer), and per output token.
    public let ttft: Double
    public let tpot: Double
    /// Seconds to move one request's KV cache between the pools.
    public let transferSeconds: Double
    public let transferBytes: Double
    public let servedTokensPerSecond: Double
    public let status: CandidateStatus
    /// Which pool limits the sustained rate.
    public let limitedBy: String

    public var devices: Int { prefill.layout.devices + decode.layout.devices }
}

extension Planner {
    /// The rejection id of the splits the pool search's budget left uncosted (LC405).
    static let budgetReason = "budget_pool_candidates"

    /// The best pair of prefill and decode pools on the spec's devices, or nil when the workload is training,
    /// there is one device, `search.disaggregate` is off, or the plan fixes a degree (a fixed plan is one
    /// aggregated layout).
    func disaggregated(_ plan: PlanSpec, counted state: inout SearchState) -> DisaggregatedServing? {
        let spec = profile.spec
        let devices = spec.hardware.count
        guard spec.workload.training == nil, devices >= 2, spec.search.disaggregate,
            plan.tp == nil, plan.pp == nil, plan.dp == nil, plan.cp == nil, plan.ep == nil
        else { return nil }
        var splits = Set<Int>()
        for d in Self.divisors(devices) where d < devices {
            splits.insert(d)
            splits.insert(devices - d)
        }
        let workload = spec.workload
        let output = Double(workload.outputTokens)
        let batch = workload.batch
        let link = devices > spec.hardware.perNode ? system.interNode : system.intraNode
        let transferBytes = Double(workload.promptTokens) * profile.kvBytesPerToken.doubleValue
        var best: DisaggregatedServing?
        var bestRank: (CandidateStatus, Double, Double) = (.doesNotFit, 0, 0)
        var costed = 0
        let ordered = splits.sorted()
        for (index, prefillDevices) in ordered.enumerated() {
            // The budget of pool layouts (search.pool_candidates): checked between splits, so the stop is
            // the same on every machine; the splits not reached are counted for LC405.
            if costed >= spec.search.poolCandidates {
                state.reject(
                    Self.budgetReason,
                    "split not costed: the pool search stopped at search.pool_candidates (\(spec.search.poolCandidates) pool layouts)",
                    count: ordered.count - index)
                break
            }
            let decodeDevices = devices - prefillDevices
            let prefillPool = poolLayouts(devices: prefillDevices, contextParallel: true).map { evaluator.evaluate($0, sequences: 1) }
            let decodePool = poolLayouts(devices: decodeDevices, contextParallel: false).map { evaluator.evaluate($0) }
            state.evaluated += prefillPool.count + decodePool.count
            costed += prefillPool.count + decodePool.count
            // Only the layouts no other beats on both of what the pair depends on can be part of the best
            // pair: the prefill pool's time to the last first token and request rate, the decode pool's TPOT
            // and token rate (every objective and constraint is monotone in them).
            let prefills = Self.paretoFront(prefillPool.filter(\.fits)) { p in
                let time = p.time.ttft?.seconds ?? .infinity
                return (Double((batch + p.layout.dp - 1) / p.layout.dp) * time, Double(p.layout.dp) / time)
            }
            let decodes = Self.paretoFront(decodePool.filter(\.fits)) { ($0.time.tpot?.seconds ?? .infinity, $0.time.tokensPerSecond) }
            for p in prefills {
                guard let prefillTime = p.time.ttft?.seconds else { continue }
                let ranks = Double(p.layout.tp * p.layout.pp * p.layout.cp)
                let transfer = transferBytes / ranks / link.effectiveBytesPerSecond
                let waves = Double((batch + p.layout.dp - 1) / p.layout.dp)
                let ttft = waves * prefillTime + transfer
                let prefillRate = Double(p.layout.dp) / prefillTime
                for d in decodes {
                    guard let tpot = d.time.tpot?.seconds else { continue }
                    let decodeRate = d.time.tokensPerSecond / output
                    let served = output * min(prefillRate, decodeRate)
                    var status = CandidateStatus.feasible
                    if let limit = spec.constraints.ttft, ttft > limit { status = .missesConstraints }
                    if let limit = spec.constraints.tpot, tpot > limit { status = .missesConstraints }
                    let latency = ttft + output * tpot
                    let primary = spec.search.objective == .latency ? -latency : served / Double(devices)
                    let secondary = spec.search.objective == .latency ? served / Double(devices) : -latency
                    let rank = (status, primary, secondary)
                    let better =
                        best == nil || rank.0 < bestRank.0
                        || (rank.0 == bestRank.0
                            && (Ranked.same(rank.1, bestRank.1)
                                ? !Ranked.same(rank.2, bestRank.2) && rank.2 > bestRank.2 : rank.1 > bestRank.1))
                    guard better else { continue }
                    bestRank = rank
                    best = DisaggregatedServing(
                        prefill: p, decode: d, ttft: ttft, tpot: tpot, transferSeconds: transfer, transferBytes: transferBytes,
                        servedTokensPerSecond: served, status: status, limitedBy: prefillRate < decodeRate ? "prefill" : "decode")
                }
            }
        }
        return best
    }

    /// The profiles that no other beats on both `key`'s figures (a time, lower is better; a rate, higher is
    /// better), in their original order; ties keep the first.
    static func paretoFront(_ profiles: [LayoutProfile], key: (LayoutProfile) -> (Double, Double)) -> [LayoutProfile] {
        let keyed = profiles.enumerated().map { ($0.offset, key($0.element)) }
        let sorted = keyed.sorted { a, b in
            a.1.0 != b.1.0 ? a.1.0 < b.1.0 : (a.1.1 != b.1.1 ? a.1.1 > b.1.1 : a.0 < b.0)
        }
        var kept: [Int] = []
        var bestRate = -Double.infinity
        for (index, (_, rate)) in sorted where rate > bestRate {
            kept.append(index)
            bestRate = rate
        }
        return kept.sorted().map { profiles[$0] }
    }

    /// The legal layouts of one serving pool on `devices` devices: tp (within a node unless the policy
    /// allows more), pp, cp (prefill only), ep (MoE), replicas the rest; the same rules and engine rules as
    /// the aggregated search.
    func poolLayouts(devices: Int, contextParallel: Bool) -> [Layout] {
        let spec = profile.spec
        let model = spec.model
        let search = spec.search
        let rules = LayoutRules(model: model, devices: devices, context: spec.workload.context, globalBatch: nil)
        let maxTP = search.tpAcrossNodes ? devices : min(devices, spec.hardware.perNode)
        var found: [Layout] = []
        // A partial choice (tp, then cp and its kind) that already breaks a rule is dropped with everything
        // below it, as the aggregated search drops it: a device count with hundreds of divisors would
        // otherwise generate millions of layouts that the same rule refuses one by one.
        func breaks(_ partial: PlanSpec) -> Bool {
            rules.violations(partial, microBatch: 1).contains { $0.severity == .error }
        }
        for tp in Self.divisors(devices) where tp <= maxTP {
            if !search.tpBeyondKVGroups, model.attention.kind != .mla, model.kvHeads > 0, tp > model.kvHeads { continue }
            var partial = PlanSpec()
            partial.tp = tp
            if breaks(partial) { continue }
            for cp in contextParallel ? Self.divisors(devices / tp) : [1] {
                for cpKind in cp > 1 ? search.cpKinds : [.ring] {
                    partial.cp = cp
                    partial.cpKind = cpKind
                    if cp > 1 && breaks(partial) { continue }
                    for pp in Self.divisors(devices / (tp * cp)) where pp <= max(model.layers, 1) {
                        let dp = devices / (tp * cp * pp)
                        let eps = model.moe.map { moe in Self.divisors(moe.experts).filter { (dp * cp) % $0 == 0 } } ?? [1]
                        for ep in eps {
                            let layout = Layout(tp: tp, pp: pp, dp: dp, cp: cp, cpKind: cpKind, ep: ep)
                            guard rules.isLegal(layout) else { continue }
                            let engines = search.enforce.contains {
                                !EngineLayoutRules.violations(
                                    $0, layout, model: model, context: spec.workload.context, globalBatch: nil
                                ).isEmpty
                            }
                            if !engines { found.append(layout) }
                        }
                    }
                }
            }
        }
        return found
    }
}
