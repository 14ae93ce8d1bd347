/// A parallel layout: how a model and its batch are split over devices.
///
/// A plain value with no defaults of its own: `ResolvedLayout` fills what a spec leaves open, and
/// `LayoutRules` says whether a layout is legal. Degree names follow Megatron-LM (`parallel_state.py`):
/// tensor (tp), pipeline (pp) with virtual stages (vpp), data (dp), context (cp) and expert (ep)
/// parallelism, with expert tensor parallelism (etp) inside each expert-parallel rank.
public struct Layout: Sendable, Equatable, Hashable {
    public var tp: Int
    public var pp: Int
    public var vpp: Int
    public var dp: Int
    public var cp: Int
    public var cpKind: ContextParallelKind
    public var ep: Int
    /// Tensor parallelism inside the experts; Megatron's default is the dense tp (planner.md K2).
    public var etp: Int
    public var sequenceParallel: Bool
    /// ZeRO stage 0-3 (DeepSpeed, arXiv 1910.02054); shards over the dp x cp group.
    public var zero: Int
    public var recompute: Recompute
    public var microBatch: Int
    /// Serving: tokens per chunked-prefill step over a replica's sequences (nil: each prompt whole).
    public var prefillChunk: Int? = nil
    /// Serving: sequences per replica when the search chooses the batch (nil: the workload's batch).
    public var sequences: Int? = nil
    /// Serving a mixture of experts: attention data parallelism inside the tensor-parallel group (SGLang's
    /// `--attn-dp-size`, TensorRT-LLM's `enable_attention_dp`; engines.md part 4). The attention layers run
    /// with tp / attention_dp ranks, each of the attention_dp groups serving its own share of the replica's
    /// sequences with its own KV cache; the experts and the other layers stay split over the whole tp group.
    /// It pays where tensor parallelism would replicate the cache: MLA's latent, which tp does not split, or
    /// KV heads fewer than tp.
    public var attentionDP: Int = 1
    /// Training: DeepSeek-V3's DualPipe schedule instead of 1F1B (`plan.schedule: dualpipe`; vpp 1).
    public var dualPipe: Bool = false

    public init(
        tp: Int = 1, pp: Int = 1, vpp: Int = 1, dp: Int = 1, cp: Int = 1, cpKind: ContextParallelKind = .ring,
        ep: Int = 1, etp: Int? = nil, sequenceParallel: Bool = false, zero: Int = 0, recompute: Recompute = .none,
        microBatch: Int = 1
    ) {
        self.tp = tp
        self.pp = pp
        self.vpp = vpp
        self.dp = dp
        self.cp = cp
        self.cpKind = cpKind
        self.ep = ep
        self.etp = etp ?? tp
        self.sequenceParallel = sequenceParallel
        self.zero = zero
        self.recompute = recompute
        self.microBatch = microBatch
    }

    /// The pipeline schedule the layout runs: DualPipe, interleaved (vpp > 1) or 1F1B.
    public var schedule: PipelineSchedule { dualPipe ? .dualpipe : vpp > 1 ? .interleaved : .oneFOneB }

    /// Ranks that split one attention layer: tp / attention_dp.
    public var attentionTP: Int { max(tp / max(attentionDP, 1), 1) }

    /// Devices that hold one copy of the model: tp x pp x cp.
    public var modelParallel: Int { tp * pp * cp }

    /// Devices in all: tp x pp x cp x dp (expert parallelism folds into dp x cp; planner.md K1, K2).
    public var devices: Int { modelParallel * dp }

    /// Layers of pipeline stage `stage` (0-based). When pp does not divide the layers, the middle stages take
    /// the largest share, ceil(layers / pp), and the first and last stages fewer, as Llama 3 405B was trained
    /// (arXiv 2407.21783 sec. 3.3.2: one layer fewer on the first and on the last of 16 stages, 126 layers) and as
    /// Megatron-LM (`--decoder-first/last-pipeline-num-layers`) and torchtitan (`first/last_stage_less_layers`)
    /// split them: the ends also carry the embedding, the output and the most activations. When the ends
    /// cannot absorb the difference (17 layers on 16 stages), the first `layers % pp` stages take one more.
    public func stageLayers(_ stage: Int, of layers: Int) -> Range<Int> {
        if layers % pp != 0, let (first, last) = EngineLayoutRules.megatronStages(layers: layers, pp: pp) {
            let middle = pp > 2 ? (layers - first - last) / (pp - 2) : 0
            if stage == 0 { return 0..<first }
            if stage == pp - 1 { return (layers - last)..<layers }
            let start = first + (stage - 1) * middle
            return start..<(start + middle)
        }
        let base = layers / pp, extra = layers % pp
        let start = stage * base + min(stage, extra)
        let count = base + (stage < extra ? 1 : 0)
        return start..<(start + count)
    }

    /// The layers of the largest pipeline stage, ceil(layers / pp): the pace of the pipeline (`stageLayers`).
    public static func largestStage(layers: Int, pp: Int) -> Int { (layers + max(pp, 1) - 1) / max(pp, 1) }

    /// Layers per virtual stage (model chunk) under the interleaved schedule with `vpp` chunks per device, or
    /// nil when the stages cannot be cut so: the largest stage's ceil(layers / pp) layers divide by vpp, and
    /// with uneven stages (`stageLayers`) the ends' shortfall comes out of the first and the last chunk of
    /// the model, at most a whole chunk each (Llama 3's 126 layers on 16 stages take vpp 2, 4 or 8: chunks of
    /// 4, 2 or 1 layers, the first and last one layer short; torchtitan's `pipeline_parallel_layers_per_stage`
    /// with `first/last_stage_less_layers` expresses it).
    public static func virtualStageLayers(layers: Int, pp: Int, vpp: Int) -> Int? {
        guard pp > 1, vpp >= 1, layers >= pp else { return nil }
        let largest = largestStage(layers: layers, pp: pp)
        guard largest % vpp == 0 else { return nil }
        let chunk = largest / vpp
        if layers % pp == 0 { return chunk }
        guard let (first, last) = EngineLayoutRules.megatronStages(layers: layers, pp: pp) else { return nil }
        return largest - first <= chunk && largest - last <= chunk ? chunk : nil
    }

    /// This layout as a fully fixed plan (every degree named).
    public var plan: PlanSpec {
        var plan = PlanSpec()
        plan.tp = tp
        plan.pp = pp
        plan.vpp = vpp
        plan.dp = dp
        plan.cp = cp
        plan.cpKind = cpKind
        plan.ep = ep
        plan.etp = etp
        plan.sequenceParallel = sequenceParallel
        plan.zero = zero
        plan.recompute = recompute
        plan.microBatch = microBatch
        // A whole prompt is a chunk no shorter than it: `Int.max` fixes it.
        plan.attentionDP = attentionDP
        if dualPipe { plan.schedule = .dualpipe }
        plan.prefillChunk = prefillChunk ?? .max
        plan.batch = sequences.map { $0 * dp }
        return plan
    }
}

/// The layout a spec asks for: its fixed choices, with what it leaves open filled by stated defaults
/// (no parallelism but data parallelism over the remaining devices) until a planner chooses.
public struct ResolvedLayout: Sendable, Equatable {
    public let layout: Layout
    /// The plan keys the spec did not fix, in plan order.
    public let defaulted: [String]

    public init(_ spec: Spec) {
        let plan = spec.plan
        var defaulted: [String] = []
        func pick(_ value: Int?, _ name: String, _ fallback: Int) -> Int {
            if let value { return value }
            defaulted.append(name)
            return fallback
        }
        let tp = pick(plan.tp, "tp", 1)
        let pp = pick(plan.pp, "pp", 1)
        let vpp = pick(plan.vpp, "vpp", 1)
        let cp = pick(plan.cp, "cp", 1)
        let ep = pick(plan.ep, "ep", 1)
        let dp = pick(plan.dp, "dp", max(spec.hardware.count / max(tp * pp * cp, 1), 1))
        let training = spec.workload.training
        var resolved = Layout(
            tp: tp, pp: pp, vpp: vpp, dp: dp, cp: cp, cpKind: plan.cpKind ?? .ring, ep: ep, etp: plan.etp,
            sequenceParallel: plan.sequenceParallel ?? false, zero: plan.zero ?? training?.zero ?? 0,
            recompute: plan.recompute ?? training?.recompute ?? .none,
            microBatch: plan.microBatch ?? training?.microBatch ?? 1)
        if spec.workload.training == nil && spec.model.moe != nil {
            resolved.attentionDP = pick(plan.attentionDP, "attention_dp", 1)
        } else {
            resolved.attentionDP = plan.attentionDP ?? 1
        }
        resolved.dualPipe = plan.schedule == .dualpipe && training != nil
        let chunk = plan.prefillChunk ?? spec.workload.prefillChunk
        let sequences = (spec.workload.batch + dp - 1) / max(dp, 1)
        resolved.prefillChunk = chunk.flatMap { $0 < spec.workload.promptTokens.saturatingMultiplied(by: sequences) ? $0 : nil }
        layout = resolved
        self.defaulted = defaulted
    }
}

extension Int {
    /// The product, or `Int.max` when it would overflow (token counts up to 2^40 times sequences up to
    /// 2^24 exceed a machine integer; a bound that large means "no limit" wherever it is used).
    public func saturatingMultiplied(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }

    /// The sum, or `Int.max` when it would overflow.
    public func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
