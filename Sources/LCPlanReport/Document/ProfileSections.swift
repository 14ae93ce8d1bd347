import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The computed sections of a report: layout and its communication, FLOPs, memory, time, assumptions.
enum ProfileSections {
    typealias F = JSONField

    static let communicationCost = JSONShape<CommunicationCost>(
        "One kind of parallelism's traffic on one device.",
        [
            F.quantity("sent_bytes", .bytes, "Bytes each device sends (ring algorithms; see assumptions).") { $0.bytes },
            F.choice("network", NetworkTier.Kind.self) { $0.network },
            F.quantity("time_s", .seconds, "On that network at its effective bandwidth.") { $0.seconds },
            F.quantity("exposed_s", .seconds, "Not hidden behind computation.") { $0.exposedSeconds },
            F.bool("overlapped", "Whether the time model overlaps it with computation.") { $0.overlapped },
        ])

    static let communication = JSONShape<(Communication, WorkloadMode)>(
        "Communication per device: per training step, or for inference the prefill of one replica's batch "
            + "(tensor, expert) and one decode step (decode_tensor, decode_expert).",
        [
            F.object("tensor", communicationCost) { $0.0.tensor },
            F.object("context", communicationCost) { $0.0.context },
            F.object("pipeline", communicationCost) { $0.0.pipeline },
            F.object("data", communicationCost) { $0.0.data },
            F.object("expert", communicationCost) { $0.0.expert },
            F.optional("decode_tensor", communicationCost) { $0.1 == .inference ? $0.0.decodeTensor : nil },
            F.optional("decode_expert", communicationCost) { $0.1 == .inference ? $0.0.decodeExpert : nil },
        ])

    static let degrees = JSONShape<Layout>(
        "A parallel layout's degrees and choices.",
        [
            F.count("tp") { $0.tp }, F.count("pp") { $0.pp }, F.count("vpp") { $0.vpp }, F.count("dp") { $0.dp },
            F.count("cp") { $0.cp }, F.count("ep") { $0.ep }, F.count("etp") { $0.etp },
            F.count("attention_dp", "Serving a mixture of experts: attention data-parallel groups inside the TP group.") { $0.attentionDP },
            F.choice("cp_kind", ContextParallelKind.self) { $0.cpKind }, F.bool("sequence_parallel") { $0.sequenceParallel },
            F.count("zero") { $0.zero }, F.choice("recompute", Recompute.self) { $0.recompute },
            F.count("micro_batch") { $0.microBatch }, F.choice("schedule", PipelineSchedule.self) { $0.schedule },
            F.count("devices") { $0.devices },
            F.nullable("prefill_chunk", .count, "Serving: tokens per chunked-prefill step (null: whole prompts).") {
                $0.prefillChunk.map(JSONValue.int)
            },
            F.omittable("sequences", .count, "Serving: sequences per replica, when the search chose the batch.") {
                $0.sequences.map(JSONValue.int)
            },
        ])

    static let alternative = JSONShape<Alternative>(
        "A layout the search costed beside the chosen one, and what makes it worse.",
        [
            F.object("layout", degrees) { $0.profile.layout },
            F.nullable("key", .string, "For a contrast: the searched key it has another value of.") {
                $0.dimension.map(JSONValue.string)
            },
            F.choice("status", CandidateStatusName.self) { CandidateStatusName($0.status) },
            F.nullable("relative", .ratio, "Its objective over the chosen layout's (below 1: worse); null when either does not fit.") {
                $0.relative.map(JSONValue.number)
            },
            F.quantity("memory_total_bytes", .bytes, "The most loaded device (search arithmetic).") { $0.profile.memory.total },
            F.nullable("step_s", .quantity(.seconds)) { $0.profile.time.step.map { .number($0.seconds) } },
            F.nullable("ttft_s", .quantity(.seconds)) { $0.profile.time.ttft.map { .number($0.seconds) } },
            F.nullable("tpot_s", .quantity(.seconds)) { $0.profile.time.tpot.map { .number($0.seconds) } },
            F.quantity("device_tokens_per_s", .perSecond) {
                $0.profile.time.objectiveTokensPerSecond / Double(max($0.profile.layout.devices, 1))
            },
            F.string("why") { $0.why },
        ])

    static let rejection = JSONShape<Rejection>(
        "Candidates turned away for one reason.",
        [F.string("reason") { $0.reason }, F.string("text") { $0.text }, F.count("count") { $0.count }])

    static let binding = JSONShape<Binding>(
        "A limit and how close a layout comes to it (1: at the limit).",
        [
            F.choice("constraint", BindingName.self, "The limit the chosen layout comes closest to.") {
                BindingName(rawValue: $0.name) ?? .memory
            },
            F.ratio("share", "Memory over usable capacity, or the time over its constraint.") { $0.share },
        ])

    static let pools = JSONShape<(DisaggregatedServing, Bool)>(
        "Separate prefill and decode pools: their layouts, the KV transfer between them, and what they serve.",
        [
            F.object("prefill", degrees) { $0.0.prefill.layout }, F.object("decode", degrees) { $0.0.decode.layout },
            F.quantity("ttft_s", .seconds, "Queue, prefill and KV transfer of the last request of a batch that arrives at once.") {
                $0.0.ttft
            },
            F.quantity("tpot_s", .seconds) { $0.0.tpot },
            F.quantity("kv_transfer_bytes", .bytes, "One request's KV cache, prefill to decode pool.") { $0.0.transferBytes },
            F.quantity("kv_transfer_s", .seconds) { $0.0.transferSeconds },
            F.quantity("device_tokens_per_s", .perSecond, "Output tokens sustained per second per device.") {
                $0.0.servedTokensPerSecond / Double(max($0.0.devices, 1))
            },
            F.choice("limited_by", PoolName.self, "The pool whose request rate sets the sustained rate.") {
                PoolName(rawValue: $0.0.limitedBy) ?? .decode
            },
            F.choice("status", CandidateStatusName.self) { CandidateStatusName($0.0.status) },
            F.bool("better", "Whether the pools beat the aggregated layout on the objective.") { $0.1 },
        ])

    static let layout = JSONShape<(Analysis, Bool)>(
        "The chosen layout: the spec's fixed choices and the search's, with the runners-up and what was turned away.",
        [
            F.count("tp") { $0.0.layout.tp }, F.count("pp") { $0.0.layout.pp }, F.count("vpp") { $0.0.layout.vpp },
            F.count("dp") { $0.0.layout.dp }, F.count("cp") { $0.0.layout.cp }, F.count("ep") { $0.0.layout.ep },
            F.count("etp") { $0.0.layout.etp },
            F.count("attention_dp", "Serving a mixture of experts: attention data-parallel groups inside the TP group.") {
                $0.0.layout.attentionDP
            },
            F.choice("cp_kind", ContextParallelKind.self) { $0.0.layout.cpKind },
            F.bool("sequence_parallel") { $0.0.layout.sequenceParallel }, F.count("zero") { $0.0.layout.zero },
            F.choice("recompute", Recompute.self) { $0.0.layout.recompute }, F.count("micro_batch") { $0.0.layout.microBatch },
            F.choice("schedule", PipelineSchedule.self) { $0.0.layout.schedule },
            F.nullable("prefill_chunk", .count, "Serving: tokens per chunked-prefill step (null: whole prompts).") {
                $0.0.layout.prefillChunk.map(JSONValue.int)
            },
            F.count("devices") { $0.0.layout.devices },
            F.omittable(
                "batch", .count,
                "Serving: the sequences the layout serves at once over all replicas (the spec's batch, or the one the throughput search chose: see defaulted)."
            ) { $0.0.spec.workload.mode == .inference ? .int($0.0.spec.workload.batch) : nil },
            F.field("defaulted", .array(.string), "Plan keys the spec left open (the search chose them).") {
                .array($0.0.defaulted.map(JSONValue.string))
            },
            F.field(
                "fixed", .array(.string),
                "Plan keys the spec fixed (in `plan`, or zero/recompute/micro_batch/prefill_chunk in the workload)."
            ) {
                .array($0.0.search.fixed.map(JSONValue.string))
            },
            F.choice("objective", SearchObjective.self) { $0.0.search.objective },
            F.choice("status", CandidateStatusName.self, "Whether the chosen layout fits and meets the constraints.") {
                CandidateStatusName($0.0.search.status)
            },
            F.count("candidates_evaluated", "Complete layouts costed.") { $0.0.search.candidatesEvaluated },
            F.list("rejected", rejection, "Candidates turned away, by reason (rule breaks count degree choices).") { $0.0.search.rejected },
            F.list("runners_up", alternative, "The next best layouts with other degrees.") { $0.0.search.runnersUp },
            F.optional("binding", binding) { a in a.0.search.chosen.map { SearchOutcome.binding($0, a.0.spec.constraints) } },
            F.omittable("search_time_s", .quantity(.seconds), "Wall time of the search; only with --timing (it varies run to run).") {
                $0.1 ? .number($0.0.searchSeconds) : nil
            },
            F.nullable(
                "disaggregated", .nullable(pools.type), "Serving: the best separate prefill and decode pools (null when not searched)."
            ) {
                a in a.0.search.disaggregated.map { pools.encode(($0, a.0.search.disaggregationWins)) }
            },
            F.list("contrasts", alternative, "Per searched key, the best layout with another value of it.") { $0.0.search.contrasts },
            F.object("communication", communication) { ($0.0.evaluation.communication, $0.0.spec.workload.mode) },
        ])

    static let breakdown = JSONShape<FLOPBreakdown>(
        "FLOPs by part (integers); the parts sum to total.",
        [
            F.exact("total") { $0.total }, F.exact("attention_core") { $0.attentionCore },
            F.exact("attention_projections") { $0.attentionProjections }, F.exact("mlp") { $0.mlp },
            F.exact("experts") { $0.experts }, F.exact("lm_head") { $0.lmHead }, F.exact("other") { $0.other },
            F.ratio("attention_share") { $0.attentionShare },
        ])

    static let trainingStep = JSONShape<(FLOPBreakdown, PhaseFLOPs, Recompute)>(
        "One training step.",
        [
            F.object("forward", breakdown) { $0.0 },
            F.nullable("model", .count, "3 x forward.") { $0.1.trainingModel.map(JSONValue.integer) },
            F.nullable("hardware", .count, "Model FLOPs plus what recompute repeats.") {
                $0.1.trainingHardware(recompute: $0.2).map(JSONValue.integer)
            },
            F.choice("recompute", Recompute.self) { $0.2 },
        ])

    static let flops = JSONShape<Analysis>(
        "FLOPs per phase for the whole batch (decode_per_token: one token of one sequence).",
        [
            F.choice("convention", AttentionFLOPConvention.self) { $0.spec.conventions.attentionFLOPs },
            F.optional("prefill", breakdown) { $0.spec.workload.mode == .inference ? $0.flops.prefill : nil },
            F.optional("decode_per_token", breakdown) { $0.spec.workload.mode == .inference ? $0.flops.decodePerToken : nil },
            F.optional("decode_total", breakdown) { $0.spec.workload.mode == .inference ? $0.flops.decodeTotal : nil },
            F.optional("training_step", trainingStep) { a in a.flops.trainingForward.map { ($0, a.flops, a.layout.recompute) } },
            F.nullable("attention_crossover_context", .count) { $0.flops.attentionCrossoverContext.map(JSONValue.int) },
        ])

    static let memory = JSONShape<Analysis>(
        "The most loaded device; headroom_bytes is usable minus total and may be negative.",
        [
            F.count("stage", "Its pipeline stage (0-based).") { $0.memory.stage },
            F.exact("parameters_per_device") { $0.memory.parametersPerDevice },
            F.bytes("weights_bytes") { $0.memory.device.weights }, F.bytes("kv_cache_bytes") { $0.memory.device.kvCache },
            F.bytes("activations_bytes") { $0.memory.device.activations },
            F.bytes("gradients_bytes") { $0.memory.device.gradients },
            F.bytes("optimizer_bytes") { $0.memory.device.optimizer }, F.bytes("workspace_bytes") { $0.memory.device.workspace },
            F.bytes("total_bytes") { $0.memory.total }, F.bytes("capacity_bytes") { $0.memory.capacity },
            F.bytes("usable_bytes", "Capacity less the headroom constraint.") { $0.memory.usable },
            F.bytes("headroom_bytes") { $0.memory.headroom }, F.bool("fits") { $0.memory.fits },
            F.bytes("kv_cache_bytes_per_token", "All layers, no parallel split, no paging.") { $0.memory.kvCacheBytesPerToken },
            F.nullable(
                "max_context", .count,
                "The longest context that fits (tokens) with the search free over what the spec leaves open; null if none does."
            ) { $0.maxContext.map(JSONValue.int) },
            F.omittable(
                "layout_max_context", .count,
                "The chosen layout's own longest context, when a searched key (the prefill chunk) would change at a longer one."
            ) { $0.layoutMaxContext.map(JSONValue.int) },
            F.count("sequences_per_replica") { $0.memory.sequencesPerReplica },
            F.count("in_flight_micro_batches") { $0.memory.inFlightMicroBatches },
        ])

    static let phase = JSONShape<(PhaseTime, Efficiency)>(
        "One phase's roofline on one device.",
        [
            F.quantity("time_s", .seconds) { $0.0.seconds }, F.quantity("compute_s", .seconds) { $0.0.compute },
            F.quantity("memory_s", .seconds) { $0.0.memory },
            F.quantity("communication_s", .seconds, "Exposed communication.") { $0.0.communication },
            F.choice("bound", Bound.self) { $0.0.bound },
            F.ratio("compute_efficiency", "Fraction of dense peak FLOP/s applied.") { $0.1.compute },
            F.ratio("memory_efficiency", "Fraction of memory bandwidth applied.") { $0.1.memory },
            F.ratio("network_efficiency", "Fraction of link bandwidth applied.") { $0.1.network },
        ])

    static let time = JSONShape<Analysis>(
        "Roofline times.",
        [
            F.choice("compute_format", NumberFormat.self) { $0.time.computeFormat },
            F.quantity("peak_flop_per_s", .flopPerSecond, "Dense peak of the compute format.") { $0.time.peak },
            F.nullable("ttft_s", .quantity(.seconds)) { $0.time.ttft.map { .number($0.seconds) } },
            F.nullable("tpot_s", .quantity(.seconds)) { $0.time.tpot.map { .number($0.seconds) } },
            F.nullable("step_s", .quantity(.seconds)) { $0.time.step.map { .number($0.seconds) } },
            F.quantity("tokens_per_s", .perSecond, "Decode (inference) or training tokens per second over all devices.") {
                $0.time.tokensPerSecond
            },
            F.omittable(
                "served_tokens_per_s", .quantity(.perSecond),
                "Inference: output tokens per second sustained with each request's prefill counted: sequences in flight / the continuous-batching step."
            ) { $0.time.servedTokensPerSecond.map(JSONValue.number) },
            F.nullable("mfu", .ratio, "Model FLOPs utilisation of dense peak.") { $0.time.mfu.map(JSONValue.number) },
            F.nullable("hfu", .ratio, "Hardware FLOPs utilisation of dense peak.") { $0.time.hfu.map(JSONValue.number) },
            F.nullable("bubble_fraction", .ratio, "Pipeline bubble, share of ideal step time.") {
                $0.time.bubbleFraction.map(JSONValue.number)
            },
            F.optional("prefill", phase) { a in a.time.ttft.map { ($0, a.spec.hardware.efficiency) } },
            F.optional("decode", phase) { a in a.time.tpot.map { ($0, a.spec.hardware.efficiency) } },
            // Inference: one continuous-batching step, every running sequence's decode token plus 1/output of
            // their prefill; the inter-token latency under this load.
            F.optional("continuous_batch_step", phase) { a in a.time.batchStep.map { ($0, a.spec.hardware.efficiency) } },
            F.optional("training_step", phase) { a in a.time.step.map { ($0, a.spec.hardware.efficiency) } },
        ])

    static let assumption = JSONShape<Assumption>(
        "One assumption the figures rest on.",
        [
            F.string("id") { $0.id }, F.string("text") { $0.text },
            F.omittable("value", .number) { $0.value.map(JSONValue.number) },
            F.omittable("unit", .choice(["bytes", "bytes_per_s", "flop_per_s", "s"])) { $0.unit.map(JSONValue.string) },
        ])
}

/// `CandidateStatus` by its JSON name.
enum CandidateStatusName: String, CaseIterable {
    case feasible, missesConstraints = "misses_constraints", doesNotFit = "does_not_fit"

    init(_ status: CandidateStatus) {
        switch status {
        case .feasible: self = .feasible
        case .missesConstraints: self = .missesConstraints
        case .doesNotFit: self = .doesNotFit
        }
    }
}

/// The limits `SearchOutcome.binding` names.
enum BindingName: String, CaseIterable {
    case memory, ttft, tpot, stepTime = "step_time"
}

/// The pools of disaggregated serving.
enum PoolName: String, CaseIterable { case prefill, decode }
