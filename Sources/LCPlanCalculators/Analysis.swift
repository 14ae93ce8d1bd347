import Foundation
import LCPlanModel
import LCPlanPrecision

/// Everything the calculators compute for one resolved spec, and the findings about it.
public struct Analysis: Sendable {
    public let spec: Spec
    /// What no layout changes: parameters, phase FLOPs, coefficients, the RoPE analysis.
    public let profile: ModelProfile
    public let system: System
    public var parameters: ParameterCount { profile.parameters }
    public let layout: Layout
    /// The plan keys the spec left open (the search chose them).
    public var defaulted: [String] { search.searched }
    /// The layout search: the chosen layout, runners-up, rejections.
    public let search: SearchOutcome
    /// Wall time of the search in seconds (varies run to run: reports show it only when asked).
    public let searchSeconds: Double
    /// The layout's evaluation: communication by kind and the time of each phase.
    public let evaluation: LayoutProfile
    public let flops: PhaseFLOPs
    public let memory: MemoryProfile
    public let maxContext: Int?
    /// The chosen layout's own longest context, when it differs from `maxContext` (a key the search chose,
    /// the prefill chunk, would take another value at a longer context).
    public let layoutMaxContext: Int?
    public let time: TimeProfile
    /// The KV layout at inference: bytes per token and block, capacity, the named engine's count, tiers.
    public let kvLayout: KVLayoutProfile?
    /// Training with `workload.documents`: per-rank attention and imbalance under each packing policy.
    public let varlen: VarlenProfile?
    /// The RoPE analyses at the spec's context: global layers, and local layers with their own base
    /// (empty for models without rotary embeddings).
    public let rope: [RoPEAnalysis]
    public let diagnostics: [Diagnostic]
    /// The rule ids the spec suppresses, judged against the full registry (`RuleRegistry.resolve`).
    public let suppress: [String]
    /// Every assumption the figures rest on, in words, for the report.
    public let assumptions: [Assumption]
    /// At inference, one request alone on the chosen layout: what a user waits and reads, whatever batch
    /// the plan serves.
    public let oneRequest: RequestFigures?
    /// Requests at the target context held at once over all replicas (lcplan's KV capacity).
    public var concurrentRequests: Int? {
        guard let kv = kvLayout else { return nil }
        return kv.ideal.sequences.saturatingMultiplied(by: max(layout.dp, 1))
    }
    /// The batch was chosen by the throughput search, not written in the spec.
    public var batchSearched: Bool { search.searched.contains("batch") }

    /// `rope` overrides the RoPE analysis settings the spec's conventions give (the fuzzers bound its
    /// cost with a smaller Men budget; reports never pass it).
    public init(_ spec: Spec, rope ropeSettings: RoPESettings? = nil) {
        let (spec, batchSearch) = Self.resolvingBatch(spec)
        self.spec = spec
        let profile = ModelProfile(spec, ropeSettings: ropeSettings)
        self.profile = profile
        flops = profile.flops
        let system = System(spec.hardware, computeFormat: spec.workload.dtype.computeFormat)
        self.system = system
        let planner = Planner(profile: profile, system: system)
        let started = DispatchTime.now().uptimeNanoseconds
        var search = planner.search()
        if let batchSearch {
            // The batch was chosen by a first search over every batch: its count, rejections and the best
            // layout with another batch stand for the search as a whole.
            search.fixed.removeAll { $0 == "batch" }
            search.searched = Planner.keys.filter { search.searched.contains($0) || $0 == "batch" }
            search.contrasts += batchSearch.contrasts.filter { $0.dimension == "batch" }
            search.candidatesEvaluated = batchSearch.candidatesEvaluated
            // (the pool search's budget belongs to this search: the batch search costs no pools)
            search.rejected = batchSearch.rejected + search.rejected.filter { $0.reason == Planner.budgetReason }
        }
        searchSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        self.search = search
        if let chosen = search.chosen {
            layout = chosen.layout
            evaluation = chosen
        } else {
            layout = ResolvedLayout(spec).layout
            evaluation = LayoutEvaluator(profile: profile, system: system).evaluate(layout)
        }
        let memoryModel = MemoryModel(profile, layout: layout)
        memory = memoryModel.profile()
        let own = memoryModel.maxContext()
        maxContext = Self.searchedMaxContext(spec, profile: profile, layout: layout, searched: search.searched, own: own)
        layoutMaxContext = maxContext != own ? own : nil
        time = evaluation.time
        let kvLayout = KVLayoutProfile(profile, layout: layout)
        self.kvLayout = kvLayout
        varlen = VarlenProfile(profile, layout: layout)
        rope = profile.rope
        // Findings about derived values point at the key they concern, or its nearest written ancestor.
        let suppressions = RuleRegistry.resolve(spec.checks)
        suppress = suppressions.suppress
        let raised =
            Self.findings(
                spec, memory: memory, maxContext: maxContext, time: time,
                poolsMeetTimes: search.disaggregationWins && search.disaggregated?.status == .feasible)
            + Self.planFindings(spec, planner: planner, search: search) + rope.flatMap(\.diagnostics)
            + (kvLayout?.findings(spec, stages: layout.pp) ?? [])
            + Self.expectations(
                spec, layout: layout, memory: memory, maxContext: maxContext, time: time, rope: profile.rope, kvLayout: kvLayout)
        diagnostics = (suppressions.findings + raised).map { d in
            guard d.location?.line == nil, let path = d.keyPath else { return d }
            return Diagnostic(
                d.rule, d.message, at: spec.location(of: path), keyPath: path, expected: d.expected,
                suggestion: d.suggestion, severity: d.severity)
        }
        assumptions = Self.assumptions(spec, layout: layout, defaulted: search.searched, time: time, system: system)
        oneRequest = RequestFigures(spec, layout: layout, system: system, searched: search.searched)
    }

    /// The longest context at which the plan fits with the search free over what the spec leaves open, as
    /// far as memory alone decides: a searched prefill chunk shrinks at a longer context (the smallest chunk
    /// the search offers holds the least working set), so the chosen layout's own limit, at the chunk the
    /// throughput picked, understates it.
    static func searchedMaxContext(_ spec: Spec, profile: ModelProfile, layout: Layout, searched: [String], own: Int?) -> Int? {
        guard spec.workload.mode == .inference, searched.contains("prefill_chunk"),
            let smallest = Planner.prefillChunks.first, layout.prefillChunk.map({ $0 > smallest }) ?? true
        else { return own }
        var chunked = layout
        chunked.prefillChunk = smallest
        let limit = MemoryModel(profile, layout: chunked).maxContext()
        guard let limit else { return own }
        return max(limit, own ?? 0)
    }

    /// The spec with its batch chosen, when the workload leaves the batch open to a throughput search: the
    /// search's sequences per replica times its replicas, fixed for everything that follows.
    static func resolvingBatch(_ spec: Spec) -> (Spec, SearchOutcome?) {
        guard spec.workload.mode == .inference, spec.plan.batch == nil, spec.search.objective == .throughput else {
            return (spec, nil)
        }
        // Separate pools are compared at the chosen batch, by the search that follows: not here.
        var aggregated = spec
        aggregated.search.disaggregate = false
        let profile = ModelProfile(aggregated, analyseRoPE: false)
        let planner = Planner(profile: profile, system: System(spec.hardware, computeFormat: spec.workload.dtype.computeFormat))
        let outcome = planner.search()
        guard let chosen = outcome.chosen?.layout, let sequences = chosen.sequences else { return (spec, nil) }
        var resolved = spec
        let batch = sequences.saturatingMultiplied(by: chosen.dp)
        resolved.workload.batch = batch
        resolved.plan.batch = batch
        return (resolved, outcome)
    }

    /// Findings on the chosen layout's figures. `poolsMeetTimes`: separate prefill and decode pools win and
    /// meet the TTFT and TPOT constraints, so the plan served is theirs and the aggregated layout's times are
    /// not held against the spec.
    static func findings(
        _ spec: Spec, memory: MemoryProfile, maxContext: Int?, time: TimeProfile, poolsMeetTimes: Bool = false
    ) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let location = SourceLocation(file: spec.file)
        let total = Bytes(memory.total), capacity = Bytes(memory.capacity), usable = Bytes(memory.usable)
        let longest =
            maxContext.map { "the longest context that fits is \(UnitFormat.grouped(ExactInt($0))) tokens" }
            ?? "no context fits"
        if memory.total > memory.capacity {
            found.append(
                Diagnostic(
                    .doesNotFit,
                    "the most loaded device needs \(total) but has \(capacity); \(longest)",
                    at: location, keyPath: "hardware.device",
                    expected: "at most \(usable) per device (capacity less the headroom)"))
        } else if !memory.fits {
            found.append(
                Diagnostic(
                    .headroomBelowConstraint,
                    "the most loaded device needs \(total) of \(capacity), above the \(usable) the headroom allows; \(longest)",
                    at: location, keyPath: "constraints.memory_headroom",
                    expected: "at most \(usable) per device"))
        }
        if memory.device.kvCache * ExactInt(2) > memory.total {
            let share = UnitFormat.fixed(memory.device.kvCache.doubleValue / memory.total.doubleValue * 100, decimals: 0)
            found.append(
                Diagnostic(
                    .kvCacheDominates,
                    "the KV cache is \(share)% of the memory the most loaded device uses (\(Bytes(memory.device.kvCache)) of \(total))",
                    at: location, keyPath: "workload.kv_cache"))
        }
        let c = spec.constraints
        if !poolsMeetTimes, let limit = c.ttft, let ttft = time.ttft, ttft.seconds > limit {
            found.append(
                Diagnostic(
                    .ttftOverConstraint, "estimated TTFT \(Seconds(ttft.seconds)) exceeds \(Seconds(limit)) (\(ttft.bound.rawValue)-bound)",
                    at: location, keyPath: "constraints.ttft"))
        }
        if !poolsMeetTimes, let limit = c.tpot, let tpot = time.batchStep ?? time.tpot, tpot.seconds > limit {
            let under = time.batchStep != nil ? " with continuous batching" : ""
            found.append(
                Diagnostic(
                    .tpotOverConstraint,
                    "estimated TPOT\(under) \(Seconds(tpot.seconds)) exceeds \(Seconds(limit)) (\(tpot.bound.rawValue)-bound)",
                    at: location, keyPath: "constraints.tpot"))
        }
        if let limit = c.stepTime, let step = time.step, step.seconds > limit {
            found.append(
                Diagnostic(
                    .stepOverConstraint,
                    "estimated step time \(Seconds(step.seconds)) exceeds \(Seconds(limit)) (\(step.bound.rawValue)-bound)",
                    at: location, keyPath: "constraints.step_time"))
        }
        return found
    }

    /// LC403 and LC404: when the spec fixes a layout key, the same search with every key open, compared;
    /// LC402 when no layout passes the rules at all (the report then costs the spec's layout as written,
    /// which no framework starts, so the verdict must say so: the text, JSON and `check` agree on it).
    static func planFindings(_ spec: Spec, planner: Planner, search: SearchOutcome) -> [Diagnostic] {
        if search.chosen == nil {
            let reasons = search.rejected.map { "\($0.count) \($0.text)" }.joined(separator: "; ")
            return [
                Diagnostic(
                    .layoutUnsupported,
                    "no layout of \(spec.hardware.count) device\(spec.hardware.count == 1 ? "" : "s") passes the layout rules with the keys the plan fixes (\(search.fixed.isEmpty ? "none" : search.fixed.joined(separator: ", "))): \(reasons.isEmpty ? "no candidate" : reasons)",
                    at: SourceLocation(file: spec.file), keyPath: "plan",
                    expected: "fixed keys that some legal layout of the devices can take")
            ]
        }
        var found: [Diagnostic] = []
        if let budget = search.rejected.first(where: { $0.reason == Planner.budgetReason }) {
            found.append(
                Diagnostic(
                    .searchBudgetReached,
                    "the search of separate prefill and decode pools stopped after \(spec.search.poolCandidates) pool layouts; \(budget.count) of the device splits were not costed",
                    at: SourceLocation(file: spec.file), keyPath: "search.pool_candidates",
                    expected: "a budget that covers every split, a degree fixed in plan, or search.disaggregate: false"))
        }
        return found + comparedWithOpenSearch(spec, planner: planner, search: search)
    }

    /// LC403 and LC404: the fixed plan against the search with every key open.
    static func comparedWithOpenSearch(_ spec: Spec, planner: Planner, search: SearchOutcome) -> [Diagnostic] {
        guard !search.fixed.isEmpty, let fixed = search.chosen else { return [] }
        // Every layout key open; the batch, the offered load, stays as the spec has it.
        var open = PlanSpec()
        open.batch = spec.plan.batch
        let free = planner.search(open)
        guard let better = free.chosen else { return [] }
        let location = SourceLocation(file: spec.file)
        let training = spec.workload.training != nil
        let name = training ? better.layout.trainingSummary : better.layout.summary
        if search.status != .feasible && free.status == .feasible {
            let problem = search.status == .doesNotFit ? "does not fit" : "misses a time constraint"
            return [
                Diagnostic(
                    .fixedPlanInfeasible,
                    "the fixed layout (\(search.fixed.joined(separator: ", "))) \(problem); with every key open the search finds \(name), which fits and meets the constraints",
                    at: location, keyPath: "plan", expected: "a layout that fits, such as \(name)")
            ]
        }
        guard search.status == .feasible, free.status == .feasible else { return [] }
        let gain = SearchState.ratio(free.value(better), search.value(fixed))
        guard gain >= 1.2 else { return [] }
        return [
            Diagnostic(
                .betterLayoutFound,
                "\(describe(free.objective, better)) with \(name), against \(describe(search.objective, fixed)) with the fixed choices (\(search.fixed.joined(separator: ", "))): \(UnitFormat.fixed((gain - 1) * 100, decimals: 0))% better",
                at: location, keyPath: "plan", expected: "a layout within 20% of the best the search finds")
        ]
    }

    static func describe(_ objective: SearchObjective, _ profile: LayoutProfile) -> String {
        let perDevice = profile.time.objectiveTokensPerSecond / Double(max(profile.layout.devices, 1))
        switch objective {
        case .throughput: return "\(UnitFormat.threeDigits(perDevice)) tokens/s per device"
        case .latency:
            if let step = profile.time.step { return "a step of \(Seconds(step.seconds))" }
            return "TTFT \(Seconds(profile.time.ttft?.seconds ?? 0)) and TPOT \(Seconds(profile.time.tpot?.seconds ?? 0))"
        case .devices: return "\(profile.layout.devices) devices"
        }
    }

    /// The efficiencies and kernel classes the times rest on, each with its source.
    /// The attention kernel whose measured efficiency prices the attention core, when one applies.
    static func attentionAssumption(_ spec: Spec, layout: Layout) -> Assumption? {
        guard
            let kernel = AttentionKernelModel(
                spec.hardware, headDim: spec.model.headDim, fused: spec.conventions.fusedAttention)
        else { return nil }
        let name: String
        switch kernel.kernel {
        case .fa2, .auto: name = "FlashAttention-2 (Dao, arXiv 2307.08691, Figs. 4 and 7)"
        case .fa3: name = "FlashAttention-3 (Shah et al., arXiv 2407.08608, Figs. 5 and 6)"
        case .cudnn: name = "cuDNN fused attention (FlashAttention-3 paper, Figs. 5 and 6, cuDNN 9.1.1)"
        }
        let ring =
            layout.cp > 1 && (layout.cpKind == .ring || layout.cpKind == .hierarchical)
            ? "; ring attention at \(UnitFormat.fixed(LayoutEvaluator.ringAttentionEfficiency, decimals: 2)) of it (zigzag, zhuzilin/ring-flash-attention)"
            : ""
        return Assumption(
            "attention_kernel",
            "attention core priced by \(name)\(spec.hardware.attentionKernel == .auto ? ", the default on \(kernel.architecture.rawValue)" : ""): forward \(UnitFormat.fixed(kernel.forwardCeiling, decimals: 2)) x L / (L + 500) of peak causal at L tokens per device, the backward (2.5x the FLOPs) at 0.70-0.85 of that rate, relative to the best GEMM's \(UnitFormat.fixed(kernel.gemmEfficiency, decimals: 3)) (stas00/ml-engineering), always in bf16\(ring)",
            value: kernel.forwardCeiling)
    }

    static func efficiencyAssumptions(_ spec: Spec, time: TimeProfile, system: System) -> [Assumption] {
        var list: [Assumption] = []
        let e = spec.hardware.efficiency
        let sources = system.efficiencySources
        list.append(
            Assumption(
                "efficiency_compute",
                "compute efficiency \(UnitFormat.fixed(e.compute, decimals: 2)) of dense peak FLOP/s (prefill, training): \(sources.compute)",
                value: e.compute))
        list.append(
            Assumption(
                "efficiency_memory",
                "memory efficiency \(UnitFormat.fixed(e.memory, decimals: 2)) of memory bandwidth (decode, weight and KV reads): \(sources.memory)",
                value: e.memory))
        if system.kernels.memoryClasses && spec.workload.mode == .inference {
            list.append(
                Assumption(
                    "decode_memory_classes",
                    "decode and prefill weight reads at \(UnitFormat.fixed(KernelRates.weightStreamEfficiency, decimals: 2)) of memory bandwidth (skinny GEMMs stream their weights at 0.75-0.86 of HBM on H100, vLLM pull requests 17126 and 49363; A100 and H200 assumed alike); KV-cache reads at 0.92 B / (B + 64 MiB) of it for B bytes per attention call (fit to FlashInfer's decode measurements, FlashInfer blog 2024-01-03); the flat memory efficiency applies to the rest",
                    value: KernelRates.weightStreamEfficiency))
        }
        list.append(
            Assumption(
                "efficiency_network",
                "network efficiency \(UnitFormat.fixed(e.network, decimals: 2)) of link bandwidth (collectives): \(sources.network)",
                value: e.network))
        list.append(
            Assumption(
                "compute_format",
                "compute at the device's \(time.computeFormat.rawValue) dense peak (the nearest format it lists for \(spec.workload.dtype.rawValue)); weight-only formats (int8, int4, fp4) compute in bf16",
                value: time.peak, unit: "flop_per_s"))
        if system.kernels.linearFLOPRate != system.flopRate {
            let ratio = system.kernels.linearFLOPRate / system.flopRate
            list.append(
                Assumption(
                    "fp8_gemm_efficiency",
                    "fp8 GEMMs reach \(UnitFormat.fixed(ratio, decimals: 3)) times the share of their peak bf16 GEMMs reach on \(spec.hardware.device.name) (best-shape torch.matmul, stas00/ml-engineering: H100 70.9% of the fp8 peak against 80.3% of the bf16 peak, H200 73.4%); the compute efficiency is scaled by it for the linear layers",
                    value: ratio))
        }
        if system.kernels.attentionFormat != time.computeFormat {
            list.append(
                Assumption(
                    "attention_format",
                    "the attention core at the \(system.kernels.attentionFormat.rawValue) peak: \(spec.workload.dtype.rawValue) runs the linear layers' GEMMs only, as Transformer Engine's fp8_autocast and torchao's Float8 training do (fp8 attention, FlashAttention-3's, is a separate kernel lcplan does not assume)",
                    value: system.kernels.attentionFLOPRate / max(spec.hardware.efficiency.compute, 1e-9), unit: "flop_per_s"))
        }
        return list
    }

    static func assumptions(_ spec: Spec, layout: Layout, defaulted: [String], time: TimeProfile, system: System) -> [Assumption] {
        var list: [Assumption] = []
        let c = spec.conventions
        list.append(
            Assumption(
                "attention_flops",
                c.attentionFLOPs == .causal
                    ? "attention FLOPs: causal masks halve QK^T and PV in prefill and training (Megatron-LM convention)"
                    : "attention FLOPs: QK^T and PV counted in full, masked half included (PaLM, Korthikanti 2022)"))
        list.append(
            Assumption(
                "flop_scope",
                "FLOPs count matrix products and the SSM scan only (2 per multiply-add); norms, softmax and activations are not counted"))
        if spec.workload.outputAssumed {
            list.append(
                Assumption(
                    "output_tokens",
                    "output_tokens not written: each request generates \(spec.workload.outputTokens) tokens (\(WorkloadSpec.assumedOutputTokens) assumed, at most half the context; set workload.output_tokens)",
                    value: Double(spec.workload.outputTokens)))
        }
        if !defaulted.isEmpty {
            list.append(
                Assumption(
                    "layout_search",
                    "layout keys not fixed by the spec (\(defaulted.joined(separator: ", "))) are chosen by the search for the best \(spec.search.objective.rawValue) among the layouts the rules allow"
                ))
        }
        if layout.pp > 1 && spec.model.layers % layout.pp != 0 {
            let layers = spec.model.layers, pp = layout.pp
            let first = layout.stageLayers(0, of: layers).count, last = layout.stageLayers(pp - 1, of: layers).count
            let largest = Layout.largestStage(layers: layers, pp: pp)
            list.append(
                Assumption(
                    "uneven_stages",
                    first < largest || last < largest
                        ? "pipeline stages are uneven: the first holds \(first) layers, the last \(last), the others \(largest) (the ends also carry the embedding and the output; Llama 3, Megatron-LM and torchtitan split so); the pace is the largest stage's"
                        : "pipeline stages are uneven: the first \(layers % pp) stages hold \(largest) layers, the others \(largest - 1); the pace is the largest stage's",
                    value: Double(largest)))
        }
        list += efficiencyAssumptions(spec, time: time, system: system)
        if let attention = attentionAssumption(spec, layout: layout) { list.append(attention) }
        if spec.workload.dtype.bits <= 4 {
            list.append(
                Assumption("weight_scales", "\(spec.workload.dtype.bits)-bit weights carry one fp16 scale per group of 128", value: 128))
        }
        list.append(
            Assumption(
                "workspace", "workspace reserve \(spec.hardware.workspace) per device (runtime, library workspaces)",
                value: spec.hardware.workspace.value.doubleValue, unit: "bytes"))
        if spec.hardware.count > spec.hardware.perNode && spec.hardware.interNode == nil, let link = spec.hardware.device.interNode {
            list.append(
                Assumption(
                    "inter_node_preset",
                    "inter-node bandwidth not stated: \(link) per direction per device, the network port \(spec.hardware.device.name)'s reference system gives each device",
                    value: link.bytesPerSecond, unit: "bytes_per_s"))
        }
        if spec.hardware.count > spec.hardware.perNode && system.interNode.isFallback {
            list.append(
                Assumption(
                    "inter_node_fallback", "inter-node bandwidth not stated: 25 GB/s per direction per device (InfiniBand HDR) assumed",
                    value: System.fallbackLinkBytesPerSecond, unit: "bytes_per_s"))
        }
        list.append(
            Assumption(
                "collective_latency",
                "collectives cost their bytes over the link's effective bandwidth (ring algorithms) plus a per-message latency, NCCL's model with its LL protocol (NVIDIA/nccl src/graph/tuning.cc): 6.6 us per operation and 0.6 us per ring step over NVLink, 2.7 us per step across nodes (or over PCIe); ring attention sends each of its cp - 1 steps apart, each hidden only behind its own block of attention",
                value: system.intraNode.baseLatency, unit: "s"))
        if spec.workload.mode == .inference {
            list.append(
                Assumption(
                    "inference_activations",
                    "inference activations: the working set of one prefill chunk with fused attention; KV cache in paged blocks of \(spec.workload.kvCache.blockTokens) tokens"
                ))
            list.append(
                Assumption(
                    "inference_time",
                    "TTFT is the prefill of one replica's batch; TPOT a decode step of every running sequence, each reading its cache at its mean length over the output, prompt + (output + 1)/2; a continuous-batching step (batched) adds 1/output of the prefill to it, and its rate is the sustained throughput (vLLM V1, SGLang and TensorRT-LLM schedule so); no queueing and no per-step engine overhead (1-2 ms per step measured without CUDA graphs or an overlapping scheduler: vLLM pull request 1440, xLLM pull request 713, SGLang v0.4 blog)"
                ))
            if spec.model.attention.kind == .mla {
                list.append(
                    Assumption(
                        "mla_expanded",
                        "MLA attention is counted in its expanded form (per-head keys and values), not with absorbed projections"))
            }
        } else {
            list.append(
                Assumption(
                    "training_activations",
                    "activations: 1F1B schedule, the first stage holds min(pp, micro-batches) micro-batches"
                        + (c.fusedAttention ? "; fused attention keeps no s^2 scores" : "; unfused attention keeps s^2 scores")
                        + (c.dropout ? "; dropout masks kept" : "; no dropout")))
            list.append(
                Assumption(
                    "training_overlap",
                    "ZeRO shards over the data- and context-parallel group; gradients in \(spec.workload.training?.gradDtype.rawValue ?? "bf16"); data-parallel all-reduce overlapped with the backward pass; tensor-parallel all-reduces exposed"
                ))
        }
        if spec.model.moe != nil && spec.workload.mode == .inference {
            list.append(
                Assumption(
                    "expert_reads",
                    "a decode step reads the weights of the routed experts its tokens pick: under uniform top-k routing an expert escapes N tokens with probability (1 - k/E)^N (skewed routing picks fewer); prefill reads them all"
                ))
        }
        if layout.ep > 1 && spec.model.moe != nil {
            list.append(
                Assumption(
                    "expert_routing",
                    "expert parallelism: uniform routing; each token's hidden vector goes once to each other rank holding one of its experts (dispatch and combine all-to-alls, not overlapped), each tensor-parallel rank sending its 1/tp share of the tokens (the sequence-parallel split of Megatron-LM's dispatcher; a token held by every rank of a tensor-parallel group crosses once)"
                ))
        }
        if spec.model.positions == .rope && spec.model.rope != nil {
            list.append(
                Assumption(
                    "rope_settings",
                    "RoPE: phases in \(c.ropePhaseDtype.rawValue), positions in \(c.ropePositionDtype.rawValue); coherence threshold eps = \(c.ropeEps) and depth N = \(c.ropeDepth ?? spec.model.layers) for the phase-modulation bounds (eps is an assumption, not a value the paper fixes); the verdict uses the exact-dimension forms on the effective (scaled) frequencies",
                    value: c.ropeEps))
        }
        return list
    }
}

/// One assumption a report's figures rest on: a stable id, the sentence, and its value when it has one.
public struct Assumption: Sendable, Equatable {
    public let id: String
    public let text: String
    public let value: Double?
    /// The value's unit (`bytes`, `bytes_per_s`, `flop_per_s`), nil when dimensionless.
    public let unit: String?

    public init(_ id: String, _ text: String, value: Double? = nil, unit: String? = nil) {
        self.id = id
        self.text = text
        self.value = value
        self.unit = unit
    }
}

/// One request alone on a layout: the longest context it can have, its time to first token, its time per
/// output token and the tokens per second it reads.
public struct RequestFigures: Sendable {
    public let maxContext: Int?
    public let ttft: Double?
    public let tpot: Double?
    /// Decoded tokens per second one request sees, 1 / TPOT.
    public var tokensPerSecond: Double? { tpot.flatMap { $0 > 0 ? 1 / $0 : nil } }

    /// The spec's workload with a batch of one, on `layout` with one sequence per replica (the other
    /// replicas idle); nil for training.
    init?(_ spec: Spec, layout: Layout, system: System, searched: [String]) {
        guard spec.workload.mode == .inference else { return nil }
        var single = spec
        single.workload.batch = 1
        single.plan.batch = 1
        let profile = ModelProfile(single, analyseRoPE: false)
        var alone = layout
        alone.sequences = 1
        let time = LayoutEvaluator(profile: profile, system: system).evaluate(alone).time
        ttft = time.ttft?.seconds
        tpot = time.tpot?.seconds
        let own = MemoryModel(profile, layout: alone).maxContext()
        maxContext = Analysis.searchedMaxContext(single, profile: profile, layout: alone, searched: searched, own: own)
    }
}
