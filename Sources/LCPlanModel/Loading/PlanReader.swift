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
        plan.etp = fields.int("etp")
        plan.attentionDP = fields.int("attention_dp")
        plan.sequenceParallel = fields.bool("sequence_parallel")
        plan.zero = fields.int("zero")
        plan.recompute = fields.choice("recompute", Recompute.self)
        plan.microBatch = fields.int("micro_batch")
        plan.schedule = fields.choice("schedule", PipelineSchedule.self)
        return plan
    }

    /// The layout rules (`LayoutRules`) on the degrees the plan fixes, each finding placed at its key.
    func check(_ plan: PlanSpec, _ fields: MappingReader, model: ModelSpec, hardware: HardwareSpec, workload: WorkloadSpec) {
        let rules = LayoutRules(
            model: model, devices: hardware.count, context: workload.context, globalBatch: workload.training?.globalBatch)
        let microBatch = plan.microBatch ?? workload.training?.microBatch ?? 1
        for violation in rules.violations(plan, microBatch: microBatch) {
            let at = violation.key.flatMap { fields.value($0) } ?? fields.value
            reader.report(violation.rule, violation.message, at: at, expected: violation.expected, severity: violation.severity)
        }
    }
}
