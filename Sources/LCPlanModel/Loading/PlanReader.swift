import LCPlanPrecision

/// Reads `plan:` and checks that its degrees divide what they split and fit the device count.
struct PlanReader {
    let reader: SpecReader

    func read(_ fields: MappingReader) -> PlanSpec {
        var plan = PlanSpec()
        plan.tp = fields.int("tp")
        plan.pp = fields.int("pp")
        plan.vpp = fields.int("vpp")
        plan.dp = fields.int("dp")
        plan.cp = fields.int("cp")
        plan.cpKind = fields.choice("cp_kind", ContextParallelKind.self)
        plan.ep = fields.int("ep")
        plan.sequenceParallel = fields.bool("sequence_parallel")
        plan.zero = fields.int("zero")
        plan.recompute = fields.choice("recompute", Recompute.self)
        plan.microBatch = fields.int("micro_batch")
        return plan
    }

    /// Divisibility (LC110) and device-count (LC116) checks, once model, hardware and workload are known.
    func check(_ plan: PlanSpec, _ fields: MappingReader, model: ModelSpec, hardware: HardwareSpec, workload: WorkloadSpec) {
        func at(_ key: String) -> YAMLValue { fields.value(key) ?? fields.value }
        func notDivisible(_ key: String, _ message: String, expected: String, severity: Severity? = nil) {
            reader.report(.planNotDivisible, message, at: at(key), expected: expected, severity: severity)
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
        if let pp = plan.pp, pp > 1 {
            if pp > model.layers {
                notDivisible("pp", "pp \(pp) exceeds the \(model.layers) layers", expected: "pp <= layers")
            } else if model.layers % pp != 0 {
                notDivisible(
                    "pp",
                    "pp \(pp) does not divide the \(model.layers) layers: stages get \(model.layers / pp) or \(model.layers / pp + 1) layers, and the largest is costed",
                    expected: "pp dividing \(model.layers) for even stages", severity: .warning)
            }
            if let vpp = plan.vpp, vpp > 1, model.layers % (pp * vpp) != 0 {
                notDivisible(
                    "vpp", "pp x vpp = \(pp * vpp) does not divide the \(model.layers) layers",
                    expected: "pp x vpp dividing \(model.layers)")
            }
        }
        if let cp = plan.cp, cp > 1 {
            let chunks = (plan.cpKind ?? .ring) == .ulysses ? cp : 2 * cp
            if workload.context % chunks != 0 {
                notDivisible(
                    "cp", "the context \(workload.context) does not split into \(chunks) equal chunks for cp \(cp)",
                    expected: "a context divisible by \(chunks)")
            }
            if plan.cpKind == .ulysses && model.heads > 0 && model.heads % cp != 0 {
                notDivisible("cp", "ulysses cp \(cp) does not divide the \(model.heads) heads", expected: "cp dividing heads")
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
        if let dp = plan.dp, dp > 1, let training = workload.training, training.globalBatch % dp != 0 {
            notDivisible(
                "dp", "dp \(dp) does not divide the global batch \(training.globalBatch)",
                expected: "dp dividing global_batch")
        }
        // Degrees are at most 2^24 each, so their product is formed exactly before it is compared.
        let exact = ExactInt(plan.tp ?? 1) * ExactInt(plan.pp ?? 1) * ExactInt(plan.cp ?? 1) * ExactInt(plan.dp ?? 1)
        let devices = hardware.count
        if exact > ExactInt(devices) {
            reader.report(
                .planDeviceMismatch,
                "tp x pp x cp x dp = \(exact) devices, but hardware.count is \(devices)",
                at: fields.value, expected: "a product of degrees <= \(devices)")
            return
        }
        let fixed = (plan.tp ?? 1) * (plan.pp ?? 1) * (plan.cp ?? 1)
        if let dp = plan.dp, fixed * dp != devices {
            reader.report(
                .planDeviceMismatch,
                "tp x pp x cp x dp = \(fixed * dp) devices, but hardware.count is \(devices)",
                at: at("dp"), expected: "tp x pp x cp x dp = \(devices)")
        } else if plan.dp == nil && devices % fixed != 0 {
            reader.report(
                .planDeviceMismatch,
                "tp x pp x cp = \(fixed) does not divide hardware.count \(devices), so no data-parallel degree fits",
                at: fields.value, expected: "tp x pp x cp dividing \(devices)")
        }
        if let ep = plan.ep, ep > 1, ((plan.dp ?? max(devices / fixed, 1)) * (plan.cp ?? 1)) % ep != 0 {
            reader.report(
                .planDeviceMismatch, "ep \(ep) does not divide dp x cp, the devices experts are spread over",
                at: at("ep"), expected: "ep dividing dp x cp")
        }
    }
}
