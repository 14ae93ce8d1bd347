import Dispatch
import LCPlanModel
import Synchronization

/// The layout search: every layout the spec's `plan` leaves open, checked by `LayoutRules` (and the
/// engines named in `search.enforce`), costed by `LayoutEvaluator`, ranked by `search.objective`.
///
/// What is searched (each only when `plan` leaves it open; the legality rules are `LayoutRules`'):
/// - training: tp (within a node unless `tp_across_nodes`; beyond the KV groups only with
///   `tp_beyond_kv_groups`), cp with each kind in `cp_kinds`, pp (uneven stages allowed), dp (the rest of
///   the devices), virtual stages (2 to 8, interleaved schedule), ep (MoE, folded over dp x cp), micro-batch
///   (powers of two), sequence parallelism, ZeRO 0-3, recompute none/selective/full;
/// - inference: tp, cp (long prefill), pp, replicas (dp), ep, attention data parallelism for a mixture of
///   experts (attention_dp dividing tp, without cp) and the chunked-prefill step (whole prompts,
///   or 2K to 32K tokens); the batch is the workload's, spread over the replicas, or when the workload
///   leaves it open and the objective is throughput, 1 to 1,024 sequences per replica (powers of two, then
///   the best refined up to the next power by `refineBatch`; the KV layout and
///   its tiers decide how many fit, the TPOT constraint how many are worth it).
///
/// Degree choices that break a rule are turned away at the first rule they break (a tp that does not
/// divide the heads is not expanded over pp), each counted once by reason. Every complete layout is
/// checked against every rule before it is costed. Ranking: feasible (fits, meets the constraints) before
/// missing a constraint before not fitting; then the objective; then less memory; then the smaller layout
/// in plan-key order, so ties resolve the same way every run.
public struct Planner: Sendable {
    public let profile: ModelProfile
    public let system: System
    let evaluator: LayoutEvaluator

    public init(profile: ModelProfile, system: System) {
        self.profile = profile
        self.system = system
        evaluator = LayoutEvaluator(profile: profile, system: system)
    }

    /// Plan keys in plan order, and the searched dimensions the report explains.
    public static let keys = [
        "tp", "pp", "vpp", "dp", "cp", "cp_kind", "ep", "etp", "attention_dp", "sequence_parallel", "zero", "recompute",
        "micro_batch", "schedule", "prefill_chunk", "batch",
    ]

    /// Sequences per replica the serving search tries when the workload leaves the batch open (a throughput
    /// objective: the largest batch that fits and meets the constraints usually wins).
    static let batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    /// Chunked-prefill steps the serving search tries besides whole prompts (vLLM's and SGLang's defaults are
    /// 2,048 to 16,384 tokens; engines.md 1.2, 2.2).
    static let prefillChunks = [2048, 4096, 8192, 16_384, 32_768]

    /// Searches the layouts `plan` (the spec's when nil) leaves open.
    public func search(_ plan: PlanSpec? = nil) -> SearchOutcome { search(plan, shares: Self.shares) }

    /// The search with the degree combinations in `shares` shares (1: one after another, as tests compare).
    func search(_ plan: PlanSpec?, shares: Int) -> SearchOutcome {
        let spec = profile.spec
        let plan = plan ?? spec.plan
        var state = SearchState(
            objective: spec.search.objective, outputTokens: spec.workload.outputTokens,
            promptTokens: spec.workload.promptTokens, constraints: spec.constraints,
            runnersUp: spec.search.runnersUp)
        let counts =
            spec.search.objective == .devices ? Self.divisors(spec.hardware.count) : [spec.hardware.count]
        for devices in counts {
            enumerate(devices: devices, plan: plan, shares: shares, state: &state)
        }
        refineBatch(&state)
        let pools = spec.search.objective == .devices ? nil : disaggregated(plan, counted: &state)
        return state.outcome(
            plan: plan, inference: spec.workload.training == nil, experts: spec.model.moe != nil, disaggregated: pools)
    }

    /// The throughput search offers a replica powers of two of sequences (`batches`); with continuous
    /// batching the rate grows with the batch until memory or a time constraint stops it, so the best such
    /// layout is tried with every count up to the next power of two, bisecting for the largest that fits
    /// and meets the constraints (each probe costed as a candidate).
    func refineBatch(_ state: inout SearchState) {
        guard let best = state.best, best.status == .feasible, let low = best.profile.layout.sequences, low >= 1 else { return }
        var layout = best.profile.layout
        var fits = low, fails = low.saturatingMultiplied(by: 2)
        while fails - fits > 1 {
            let middle = fits + (fails - fits) / 2
            layout.sequences = middle
            let profile = evaluator.evaluate(layout)
            state.consider(profile)
            if state.isFeasible(profile) { fits = middle } else { fails = middle }
        }
    }

    /// Every candidate on `devices` devices.
    func enumerate(devices: Int, plan: PlanSpec, shares: Int = Self.shares, state: inout SearchState) {
        let spec = profile.spec
        let model = spec.model
        let search = spec.search
        let training = spec.workload.training
        let rules = LayoutRules(
            model: model, devices: devices, context: spec.workload.context, globalBatch: training?.globalBatch)
        func turnedAway(_ plan: PlanSpec, microBatch: Int) -> Bool {
            guard let violation = rules.violations(plan, microBatch: microBatch).first(where: { $0.severity == .error }) else {
                return false
            }
            state.reject(violation.rule.id, "breaks \(violation.rule.id) (\(violation.rule.name))")
            return true
        }
        let maxTP = search.tpAcrossNodes ? devices : min(devices, spec.hardware.perNode)
        var bases: [Layout] = []
        for tp in plan.tp.map({ [$0] }) ?? Self.divisors(devices) {
            if plan.tp == nil {
                if tp > maxTP {
                    state.reject("policy_tp_across_nodes", "tp would span nodes (search.tp_across_nodes: false)")
                    continue
                }
                if !search.tpBeyondKVGroups, model.attention.kind != .mla, model.kvHeads > 0, tp > model.kvHeads {
                    state.reject("policy_tp_beyond_kv_groups", "tp beyond the KV heads (search.tp_beyond_kv_groups: false)")
                    continue
                }
            }
            var partial = PlanSpec()
            partial.tp = tp
            if turnedAway(partial, microBatch: 1) { continue }
            for cp in plan.cp.map({ [$0] }) ?? Self.divisors(devices / tp) {
                let kinds: [ContextParallelKind] = plan.cpKind.map { [$0] } ?? (cp > 1 ? search.cpKinds : [.ring])
                for cpKind in kinds {
                    partial.cp = cp
                    partial.cpKind = cpKind
                    if turnedAway(partial, microBatch: 1) { continue }
                    let rest = devices / (tp * cp)
                    guard rest * tp * cp == devices else { continue }
                    for pp in plan.pp.map({ [$0] }) ?? Self.divisors(rest).filter({ $0 <= max(model.layers, 1) }) {
                        guard rest % pp == 0 else {
                            state.reject(Rule.planDeviceMismatch.id, "breaks LC116 (plan-device-mismatch)")
                            continue
                        }
                        let dp = rest / pp
                        if let fixed = plan.dp, fixed != dp {
                            state.reject(Rule.planDeviceMismatch.id, "breaks LC116 (plan-device-mismatch)")
                            continue
                        }
                        bases.append(Layout(tp: tp, pp: pp, dp: dp, cp: cp, cpKind: cpKind))
                    }
                }
            }
        }
        expandAll(bases, plan: plan, rules: rules, shares: shares, state: &state)
    }

    /// Shares the degree combinations are expanded in: a fixed number, whatever the cores, so that every
    /// machine merges the same partial results in the same order and reports the same outcome.
    static let shares = 8

    /// Expands every degree combination: in `shares` strided shares run concurrently, each into its own
    /// state, merged in share order (`SearchState.merge`); the same outcome as one after another, up to
    /// ties within 1e-9, which resolve the same way every run.
    func expandAll(_ bases: [Layout], plan: PlanSpec, rules: LayoutRules, shares: Int, state: inout SearchState) {
        let shares = min(shares, bases.count)
        guard shares > 1 else {
            for base in bases { expand(base, plan: plan, rules: rules, state: &state) }
            return
        }
        let template = state.empty
        let results = Mutex<[SearchState?]>(Array(repeating: nil, count: shares))
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            var local = template
            for index in stride(from: share, to: bases.count, by: shares) {
                expand(bases[index], plan: plan, rules: rules, state: &local)
            }
            results.withLock { $0[share] = local }
        }
        for partial in results.withLock({ $0 }) {
            if let partial { state.merge(partial) }
        }
    }

    /// The choices of one degree combination: virtual stages, ep, micro-batch, then (training) sequence
    /// parallelism, ZeRO and recompute, each complete layout checked and costed.
    func expand(_ base: Layout, plan: PlanSpec, rules: LayoutRules, state: inout SearchState) {
        let spec = profile.spec
        let model = spec.model
        let training = spec.workload.training
        let dualPipe = training != nil && plan.schedule == .dualpipe
        let vpps: [Int] =
            plan.vpp.map { [$0] }
            ?? (training != nil && base.pp > 1 && base.pp <= model.layers && !dualPipe && plan.schedule != .oneFOneB
                ? [1]
                    + Self.divisors(Layout.largestStage(layers: model.layers, pp: base.pp)).filter {
                        $0 >= 2 && $0 <= 8 && Layout.virtualStageLayers(layers: model.layers, pp: base.pp, vpp: $0) != nil
                    } : [1])
        let eps: [Int] =
            plan.ep.map { [$0] }
            ?? (model.moe.map { moe in Self.divisors(moe.experts).filter { (base.dp * base.cp) % $0 == 0 } } ?? [1])
        var microBatches: [Int] = [1]
        if let fixed = plan.microBatch {
            microBatches = [fixed]
        } else if let training, training.globalBatch % base.dp == 0 {
            let perReplica = training.globalBatch / base.dp
            microBatches = [1, 2, 4, 8].filter { perReplica % $0 == 0 }
        }
        let sps: [Bool] = plan.sequenceParallel.map { [$0] } ?? (training != nil && base.tp > 1 ? [true, false] : [false])
        let zeros: [Int] = plan.zero.map { [$0] } ?? (training != nil ? [0, 1, 2, 3] : [0])
        let recomputes: [Recompute] =
            plan.recompute.map { [$0] } ?? (training != nil ? [.none, .selective, .full] : [.none])
        let batches: [Int?] =
            training == nil && plan.batch == nil && spec.search.objective == .throughput ? Self.batches.map { $0 } : [nil]
        // Chunking changes a prefill's FLOPs only under the full attention convention, which the profile
        // counts for the workload's chunk: there the chunk is not searched.
        func chunks(_ sequences: Int) -> [Int?] {
            // A step of the replica's whole batch of prompts is no chunking at all.
            let wholeBatch = spec.workload.promptTokens.saturatingMultiplied(by: sequences)
            if let fixed = plan.prefillChunk { return [fixed < wholeBatch ? fixed : nil] }
            guard training == nil && spec.conventions.attentionFLOPs == .causal else { return [nil] }
            return [nil] + Self.prefillChunks.filter { $0 < wholeBatch }.map { $0 }
        }
        // Attention data parallelism: serving a mixture of experts, every divisor of tp that leaves attention's
        // tp dividing the query heads (not with context parallelism).
        let attentionDPs: [Int] =
            plan.attentionDP.map { [$0] }
            ?? (training == nil && model.moe != nil && base.cp == 1
                ? Self.divisors(base.tp).filter { model.heads == 0 || model.heads % (base.tp / $0) == 0 } : [1])
        for vpp in vpps {
            for attentionDP in attentionDPs {
                for ep in eps {
                    // Expert tensor parallelism: Megatron's default tp, or 1 (recommended for fine-grained MoE,
                    // planner.md K2), for a training layout whose experts are spread.
                    let etps: [Int] =
                        plan.etp.map { [$0] } ?? (training != nil && model.moe != nil && ep > 1 && base.tp > 1 ? [base.tp, 1] : [base.tp])
                    for etp in etps {
                        for microBatch in microBatches {
                            var layout = base
                            layout.vpp = vpp
                            layout.ep = ep
                            layout.etp = etp
                            layout.attentionDP = attentionDP
                            layout.dualPipe = dualPipe
                            layout.microBatch = microBatch
                            layout.sequenceParallel = sps[0]
                            layout.zero = zeros[0]
                            layout.recompute = recomputes[0]
                            if let violation = rules.violations(layout).first(where: { $0.severity == .error }) {
                                state.reject(violation.rule.id, "breaks \(violation.rule.id) (\(violation.rule.name))")
                                continue
                            }
                            for sp in sps {
                                for zero in zeros {
                                    for recompute in recomputes {
                                        for batch in batches {
                                            let sequences = batch ?? (spec.workload.batch + base.dp - 1) / max(base.dp, 1)
                                            for chunk in chunks(sequences) {
                                                layout.sequenceParallel = sp
                                                layout.zero = zero
                                                layout.recompute = recompute
                                                layout.prefillChunk = chunk
                                                layout.sequences = batch
                                                if let engine = spec.search.enforce.first(where: {
                                                    !EngineLayoutRules.violations(
                                                        $0, layout, model: model, context: spec.workload.context,
                                                        globalBatch: training?.globalBatch
                                                    ).isEmpty
                                                }) {
                                                    state.reject("engine_\(engine.rawValue)", "cannot start on \(engine.rawValue)")
                                                    continue
                                                }
                                                state.consider(evaluator.evaluate(layout))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The divisors of `n` in increasing order.
    static func divisors(_ n: Int) -> [Int] {
        guard n > 0 else { return [] }
        var small: [Int] = [], large: [Int] = []
        var d = 1
        while d <= n / d {
            if n % d == 0 {
                small.append(d)
                if d != n / d { large.append(n / d) }
            }
            d += 1
        }
        return small + large.reversed()
    }
}
