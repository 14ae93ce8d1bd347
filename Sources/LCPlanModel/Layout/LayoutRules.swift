import LCPlanPrecision

/// One way a layout breaks a rule: the rule, the plan key it concerns, and what was expected.
public struct LayoutViolation: Sendable, Equatable {
    public let rule: Rule
    /// The `plan` key the finding points at (`tp`, `pp`, ...), or nil for the plan as a whole.
    public let key: String?
    public let message: String
    public let expected: String
    public let severity: Severity

    init(_ rule: Rule, _ key: String?, _ message: String, expected: String) {
        self.rule = rule
        self.key = key
        self.message = message
        self.expected = expected
        self.severity = rule.severity
    }
}

/// The single definition of a legal layout: what the frameworks check at start-up
/// (Megatron-LM `megatron/core/parallel_state.py` and `megatron/training/arguments.py`, `transformer_config.py`,
/// `pipeline_parallel/schedules.py`, `num_microbatches_calculator.py`; TransformerEngine `context_parallel.py`;
/// vLLM `QKVParallelLinear`; Llama 3, arXiv 2407.21783 sec. 3.3.2), for the loader (fixed degrees only, mapped to located
/// diagnostics) and for a search (every degree).
///
/// - tp divides the query heads and the FFN, and divides or is a multiple of the KV heads (K4, K15);
/// - pp is at most the layers; uneven stages are allowed with a warning (K7); pp x vpp divides the
///   layers and interleaving needs pp > 1 (K7);
/// - cp splits the context into 2 cp load-balanced chunks (cp for Ulysses), and Ulysses cp divides the
///   query heads and the KV heads of each tensor-parallel rank (K3, K6); hierarchical cp needs an
///   all-to-all group that does (K5, K6);
/// - ep divides the experts, and dp x cp, the devices experts fold over (K2); expert tensor parallelism etp
///   divides tp and the expert FFN (K2);
/// - attention data parallelism (serving a mixture of experts; engines.md part 4) divides tp and leaves
///   attention's tp / attention_dp dividing the query heads; it is not combined with cp (not modelled);
/// - micro-batch x dp divides the global batch (K9); the interleaved schedule needs a multiple of pp
///   micro-batches (K8); sequence parallelism needs tp > 1 (K11);
/// - tp x pp x cp x dp equals the device count (K1).
public struct LayoutRules: Sendable {
    public let model: ModelSpec
    public let devices: Int
    public let context: Int
    /// The global batch of a training workload (nil for inference).
    public let globalBatch: Int?

    public init(model: ModelSpec, devices: Int, context: Int, globalBatch: Int?) {
        self.model = model
        self.devices = devices
        self.context = context
        self.globalBatch = globalBatch
    }

    public init(_ spec: Spec) {
        self.init(
            model: spec.model, devices: spec.hardware.count, context: spec.workload.context,
            globalBatch: spec.workload.training?.globalBatch)
    }

    /// Whether a complete layout breaks no rule at error level.
    public func isLegal(_ layout: Layout) -> Bool {
        !violations(layout.plan, microBatch: layout.microBatch).contains { $0.severity == .error }
    }

    /// Every rule a complete layout breaks.
    public func violations(_ layout: Layout) -> [LayoutViolation] {
        violations(layout.plan, microBatch: layout.microBatch)
    }

    /// The rules the degrees a plan fixes break; degrees it leaves open are not judged. `microBatch` is the
    /// micro-batch in force (the plan's, else the workload's).
    public func violations(_ plan: PlanSpec, microBatch: Int) -> [LayoutViolation] {
        var found: [LayoutViolation] = []
        func notDivisible(_ key: String, _ message: String, expected: String) {
            found.append(LayoutViolation(.planNotDivisible, key, message, expected: expected))
        }
        if let tp = plan.tp, tp > 1 {
            if model.heads > 0 && model.heads % tp != 0 {
                notDivisible("tp", "tp \(tp) does not divide the \(model.heads) query heads", expected: "tp dividing \(model.heads)")
            } else if model.attention.kind != .mla && model.kvHeads > 0 && model.kvHeads % tp != 0 && tp % model.kvHeads != 0 {
                notDivisible(
                    "tp", "tp \(tp) neither divides nor is a multiple of the \(model.kvHeads) KV heads",
                    expected: "tp dividing kv_heads, or a multiple of it (KV heads replicated)")
            }
            let ffn = model.ffn > 0 ? model.ffn : (model.moe?.expertFfn ?? 0)
            if ffn > 0 && ffn % tp != 0 {
                notDivisible("tp", "tp \(tp) does not divide the FFN size \(ffn)", expected: "tp dividing \(ffn)")
            }
        }
        if plan.sequenceParallel == true && (plan.tp ?? 1) <= 1 && plan.tp != nil {
            found.append(
                LayoutViolation(
                    .layoutUnsupported, "sequence_parallel",
                    "sequence parallelism splits activations over tensor-parallel ranks, but tp is 1",
                    expected: "tp > 1, or sequence_parallel: false"))
        }
        pipelineViolations(plan, into: &found)
        contextViolations(plan, into: &found)
        if let etp = plan.etp, etp > 1, model.moe != nil || etp != (plan.tp ?? 1) {
            if model.moe == nil {
                notDivisible("etp", "etp \(etp) is set but the model has no experts", expected: "etp: 1, or no etp, for a dense model")
            } else if let tp = plan.tp, tp % etp != 0 {
                notDivisible("etp", "etp \(etp) does not divide tp \(tp)", expected: "etp dividing tp (1 or tp)")
            } else if let moe = model.moe, moe.expertFfn % etp != 0 {
                notDivisible(
                    "etp", "etp \(etp) does not divide the expert FFN size \(moe.expertFfn)", expected: "etp dividing \(moe.expertFfn)")
            }
        }
        scheduleViolations(plan, microBatch: microBatch, into: &found)
        if let attentionDP = plan.attentionDP, attentionDP > 1 {
            if model.moe == nil {
                found.append(
                    LayoutViolation(
                        .layoutUnsupported, "attention_dp",
                        "attention_dp \(attentionDP) is set but the model has no experts (attention data parallelism is a mixture-of-experts serving layout)",
                        expected: "attention_dp: 1, or no attention_dp, for a dense model"))
            } else if globalBatch != nil {
                found.append(
                    LayoutViolation(
                        .layoutUnsupported, "attention_dp", "attention_dp \(attentionDP) is a serving layout; the workload trains",
                        expected: "no attention_dp in a training plan"))
            } else if let tp = plan.tp, tp % attentionDP != 0 {
                notDivisible("attention_dp", "attention_dp \(attentionDP) does not divide tp \(tp)", expected: "attention_dp dividing tp")
            } else if let tp = plan.tp, model.heads > 0, model.heads % (tp / attentionDP) != 0 {
                notDivisible(
                    "attention_dp", "attention's tp / attention_dp = \(tp / attentionDP) does not divide the \(model.heads) query heads",
                    expected: "tp / attention_dp dividing \(model.heads)")
            } else if let cp = plan.cp, cp > 1 {
                found.append(
                    LayoutViolation(
                        .layoutUnsupported, "attention_dp",
                        "attention data parallelism with context parallelism (cp \(cp)) is not modelled",
                        expected: "cp: 1 with attention_dp, or attention_dp: 1"))
            }
        }
        if let ep = plan.ep, ep > 1 {
            if let moe = model.moe {
                if moe.experts % ep != 0 {
                    notDivisible("ep", "ep \(ep) does not divide the \(moe.experts) experts", expected: "ep dividing \(moe.experts)")
                }
            } else {
                notDivisible("ep", "ep \(ep) is set but the model has no experts", expected: "ep: 1 for a dense model")
            }
        }
        if let dp = plan.dp, let batch = globalBatch, batch % (dp * microBatch) != 0 {
            notDivisible(
                "dp",
                microBatch == 1
                    ? "dp \(dp) does not divide the global batch \(batch)"
                    : "dp x micro_batch = \(dp * microBatch) does not divide the global batch \(batch)",
                expected: microBatch == 1 ? "dp dividing global_batch" : "dp x micro_batch dividing global_batch")
        }
        if let dp = plan.dp, let batch = globalBatch, let pp = plan.pp, pp > 1, let vpp = plan.vpp, vpp > 1,
            batch % (dp * microBatch) == 0
        {
            let microBatches = batch / (dp * microBatch)
            if microBatches < pp || microBatches % pp != 0 {
                notDivisible(
                    "vpp",
                    "the interleaved schedule (vpp \(vpp)) needs a multiple of pp = \(pp) micro-batches per pipeline, but there are \(microBatches)",
                    expected: "global_batch / (dp x micro_batch) a multiple of pp, or vpp: 1")
            }
        }
        deviceViolations(plan, into: &found)
        return found
    }

    /// The schedule's own rules: interleaving needs virtual stages and 1F1B none; DualPipe (planner.md K17)
    /// trains, needs an even pp of at least 2, no virtual stages, and an even number of micro-batches per
    /// pipeline (half fed from each end).
    func scheduleViolations(_ plan: PlanSpec, microBatch: Int, into found: inout [LayoutViolation]) {
        guard let schedule = plan.schedule else { return }
        func unsupported(_ message: String, expected: String) {
            found.append(LayoutViolation(.layoutUnsupported, "schedule", message, expected: expected))
        }
        let vpp = plan.vpp ?? 1
        switch schedule {
        case .oneFOneB:
            if vpp > 1 {
                unsupported("schedule 1f1b has no virtual stages, but vpp is \(vpp)", expected: "vpp: 1, or schedule: interleaved")
            }
        case .interleaved:
            if plan.vpp != nil && vpp <= 1 {
                unsupported("the interleaved schedule needs virtual stages, but vpp is 1", expected: "vpp of 2 or more, or schedule: 1f1b")
            }
        case .dualpipe:
            if globalBatch == nil {
                unsupported("DualPipe is a training schedule; the workload serves", expected: "no schedule in a serving plan")
                return
            }
            if vpp > 1 { unsupported("DualPipe has no virtual stages, but vpp is \(vpp)", expected: "vpp: 1 with schedule: dualpipe") }
            if let pp = plan.pp, pp < 2 || pp % 2 != 0 {
                found.append(
                    LayoutViolation(
                        .planNotDivisible, "schedule",
                        "DualPipe needs an even pp of at least 2 (each device holds stages i and pp - 1 - i); pp is \(pp)",
                        expected: "an even pp, or schedule: 1f1b"))
            }
            if let dp = plan.dp, let batch = globalBatch, batch % (dp * microBatch) == 0, (batch / (dp * microBatch)) % 2 != 0 {
                found.append(
                    LayoutViolation(
                        .planNotDivisible, "schedule",
                        "DualPipe feeds half the micro-batches from each end, but a pipeline has \(batch / (dp * microBatch))",
                        expected: "an even number of micro-batches per pipeline (global_batch / (dp x micro_batch))"))
            }
        }
    }

    func pipelineViolations(_ plan: PlanSpec, into found: inout [LayoutViolation]) {
        let layers = model.layers
        if let vpp = plan.vpp, vpp > 1, (plan.pp ?? 1) <= 1, plan.pp != nil {
            found.append(
                LayoutViolation(
                    .layoutUnsupported, "vpp", "interleaved virtual stages (vpp \(vpp)) need pipeline parallelism, but pp is 1",
                    expected: "pp > 1, or vpp: 1"))
        }
        guard let pp = plan.pp, pp > 1 else { return }
        if pp > layers {
            found.append(LayoutViolation(.planNotDivisible, "pp", "pp \(pp) exceeds the \(layers) layers", expected: "pp <= layers"))
        } else if layers % pp != 0 {
            let largest = Layout.largestStage(layers: layers, pp: pp)
            let split = Layout(tp: 1, pp: pp, dp: 1).stageLayers
            let (first, last) = (split(0, layers).count, split(pp - 1, layers).count)
            found.append(
                LayoutViolation(
                    .unevenPipelineStages, "pp",
                    "pp \(pp) does not divide the \(layers) layers: the first stage gets \(first), the last \(last), the others \(largest), and the largest is costed",
                    expected: "pp dividing \(layers) for even stages"))
        }
        if let vpp = plan.vpp, vpp > 1, Layout.virtualStageLayers(layers: layers, pp: pp, vpp: vpp) == nil {
            let largest = Layout.largestStage(layers: layers, pp: pp)
            found.append(
                layers % pp == 0
                    ? LayoutViolation(
                        .planNotDivisible, "vpp", "pp x vpp = \(pp * vpp) does not divide the \(layers) layers",
                        expected: "pp x vpp dividing \(layers)")
                    : LayoutViolation(
                        .planNotDivisible, "vpp",
                        "vpp \(vpp) does not cut the uneven stages of \(layers) layers on pp \(pp) into chunks: the largest stage's \(largest) layers must divide by vpp, and the ends may fall short by at most one chunk",
                        expected: "vpp dividing \(largest)"))
        }
    }

    func contextViolations(_ plan: PlanSpec, into found: inout [LayoutViolation]) {
        guard let cp = plan.cp, cp > 1 else { return }
        let ulysses = (plan.cpKind ?? .ring) == .ulysses
        let chunks = ulysses ? cp : 2 * cp
        if context % chunks != 0 {
            found.append(
                LayoutViolation(
                    .planNotDivisible, "cp", "the context \(context) does not split into \(chunks) equal chunks for cp \(cp)",
                    expected: "a context divisible by \(chunks)"))
        }
        if plan.cpKind == .hierarchical
            && ContextParallelKind.hierarchicalSplit(cp: cp, tp: plan.tp ?? 1, model: model) == nil
        {
            found.append(
                LayoutViolation(
                    .planNotDivisible, "cp_kind",
                    "hierarchical cp \(cp) has no all-to-all group above 1 and below \(cp) that divides the heads of each tensor-parallel rank",
                    expected: "cp with a divisor a (1 < a < cp) dividing the query and KV heads per tensor-parallel rank"))
        }
        guard ulysses else { return }
        if model.heads > 0 && model.heads % cp != 0 {
            found.append(
                LayoutViolation(
                    .planNotDivisible, "cp", "ulysses cp \(cp) does not divide the \(model.heads) heads", expected: "cp dividing heads"))
        } else if model.attention.kind != .mla, model.kvHeads > 0 {
            // Each tensor-parallel rank holds max(1, n_kv / tp) KV heads (replicated beyond the groups).
            let perRank = max(1, model.kvHeads / max(plan.tp ?? 1, 1))
            if perRank % cp != 0 {
                found.append(
                    LayoutViolation(
                        .planNotDivisible, "cp",
                        "ulysses cp \(cp) does not divide the \(perRank) KV heads of each tensor-parallel rank",
                        expected: "cp dividing kv_heads / tp (or ring / allgather context parallelism)"))
            }
        }
    }

    func deviceViolations(_ plan: PlanSpec, into found: inout [LayoutViolation]) {
        // Degrees are at most 2^24 each, so their product is formed exactly before it is compared.
        let exact = ExactInt(plan.tp ?? 1) * ExactInt(plan.pp ?? 1) * ExactInt(plan.cp ?? 1) * ExactInt(plan.dp ?? 1)
        if exact > ExactInt(devices) {
            found.append(
                LayoutViolation(
                    .planDeviceMismatch, nil, "tp x pp x cp x dp = \(exact) devices, but hardware.count is \(devices)",
                    expected: "a product of degrees <= \(devices)"))
            return
        }
        let fixed = (plan.tp ?? 1) * (plan.pp ?? 1) * (plan.cp ?? 1)
        if let dp = plan.dp, fixed * dp != devices {
            found.append(
                LayoutViolation(
                    .planDeviceMismatch, "dp", "tp x pp x cp x dp = \(fixed * dp) devices, but hardware.count is \(devices)",
                    expected: "tp x pp x cp x dp = \(devices)"))
        } else if plan.dp == nil && devices % fixed != 0 {
            found.append(
                LayoutViolation(
                    .planDeviceMismatch, nil,
                    "tp x pp x cp = \(fixed) does not divide hardware.count \(devices), so no data-parallel degree fits",
                    expected: "tp x pp x cp dividing \(devices)"))
        }
        if let ep = plan.ep, ep > 1, ((plan.dp ?? max(devices / fixed, 1)) * (plan.cp ?? 1)) % ep != 0 {
            found.append(
                LayoutViolation(
                    .planDeviceMismatch, "ep", "ep \(ep) does not divide dp x cp, the devices experts are spread over",
                    expected: "ep dividing dp x cp"))
        }
    }
}
