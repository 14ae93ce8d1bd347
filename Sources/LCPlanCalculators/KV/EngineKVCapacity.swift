import LCPlanModel
import LCPlanPrecision

/// What a serving engine admits, by its own start-up accounting (vLLM `vllm/v1/worker/gpu_worker.py`
/// `determine_available_memory`, `vllm/v1/core/kv_cache_utils.py`, `vllm/v1/kv_cache_interface.py`; SGLang
/// `python/sglang/srt/model_executor/model_runner.py`), on the most constrained device of the layout.
///
/// vLLM V1 (serving.md for 0.8 to 0.19, engines.md 1.3 for 0.33.0; `gpu_worker.determine_available_memory`,
/// `kv_cache_utils`):
///     budget    = ceil(gpu_memory_utilization x device memory (as the driver reports it))
///     available = budget - weights - activation peak of the profiling pass - non-torch memory
///                 (- the CUDA-graph estimate from 0.21, when the spec states it)
///     blocks    = floor(available / (block_size x KV bytes per token per layer) / layers per group)
///     logged    "GPU KV cache size: N tokens", N = floor(blocks / groups) x block_size (up to 0.19), or
///               int(C x L) (0.33); "Maximum concurrency for L tokens per request: C x", C = blocks / the
///               blocks one request needs over all groups
/// SGLang 0.5.23 (engines.md 2.3; `KVCacheConfigurator`):
///     tokens = floor((memory free after weights - free memory before them x (1 - mem_fraction_static)) / cell),
///     cell = layers x KV heads per rank x head_dim x 2 x element bytes (MLA: the latent), rounded down to pages;
///     mem_fraction_static by default (gpu - reserved) / gpu, reserved = max(512 + 1.5 x max(chunk, 2048) +
///     tp x pp / 8 x 1024 + 2 x decode graph batch, 10,240 above 60 GiB) MiB.
public struct EngineKVCapacity: Sendable {
    public let engine: ServingEngine
    /// The release whose accounting is followed.
    public let version: EngineVersion
    /// Device memory as the driver reports it, and the share the engine may use (vLLM) or keeps static (SGLang).
    public let deviceBytes: ExactInt
    public let fraction: Double
    public let budgetBytes: ExactInt
    /// Deductions: the rank's weights as the engine loads them (vocabulary padded to a multiple of 64 and
    /// split over TP; KV projections replicated when TP exceeds the KV heads), the profiled activation peak
    /// (vLLM), memory outside PyTorch.
    public let weightBytes: ExactInt
    public let activationPeakBytes: ExactInt
    public let nonTorchBytes: ExactInt
    /// vLLM from 0.21: the CUDA-graph estimate, as the spec states it.
    public let cudagraphBytes: ExactInt
    /// What is left for the KV cache (negative: the engine refuses to start).
    public let availableBytes: ExactInt
    public let blockSize: Int
    /// Bytes per block of one layer, in the engine's format (element bits only; fp8 scales live beside it).
    public let pageBytes: ExactInt
    /// Layers whose pages one block index spans (vLLM: the group size; SGLang: every layer of the rank).
    public let layersPerBlock: Int
    /// KV cache groups (vLLM's hybrid allocator: one per group of `layersPerBlock` layers of one kind).
    public let groups: Int
    public let blocks: ExactInt
    /// The token capacity the engine logs, and the blocks one request at the target context needs.
    public let tokens: ExactInt
    public let blocksPerRequest: ExactInt
    /// Requests at the target context at once (the logged concurrency, and its whole part).
    public let concurrency: Double
    public let sequences: ExactInt
    /// Requests the engine runs at once: vLLM's max_num_seqs, SGLang's derived max_running_requests.
    public let maxRunning: Int
    /// The longest request the engine would accept (vLLM's estimated maximum model length), and whether it
    /// refuses the target context.
    public let longestAccepted: Int
    public let refuses: Bool
    /// The pipeline stage this count is for (the engine takes the minimum over stages).
    public let stage: Int
    /// Each deduction's assumption, in words.
    public let notes: [String]

    /// Why an engine's count cannot be given.
    public struct Unavailable: Error, Sendable { public let text: String }

    /// The default memory outside PyTorch's allocator that vLLM and SGLang deduct: about 2 GiB per GPU when
    /// the replica spans several GPUs (NCCL buffers; serving.md), 0.2 GiB on one GPU (serving.md: "small"; the
    /// figure is an assumption, stated in the report and overridable with `serving.non_torch_memory`).
    public static func defaultNonTorch(ranks: Int) -> ExactInt { ranks > 1 ? ExactInt(2 << 30) : ExactInt(214_748_365) }

    /// The vLLM release followed when the spec names none: the last of the range serving.md describes.
    public static let vllmDefaultVersion = EngineVersion(parts: [0, 19])
    public static let sglangDefaultVersion = EngineVersion(parts: [0, 5, 23])

    /// vLLM's default max_num_batched_tokens and max_num_seqs for `vllm serve` by device (engines.md 1.2,
    /// `EngineArgs.get_batch_defaults`): 16,384 and 1,024 at 160 GiB or more; 8,192 and 1,024 at 70 GiB
    /// or more except A100; 2,048 and 256 otherwise (A100 included).
    public static func vllmBatchDefaults(_ device: DeviceSpec) -> (tokens: Int, sequences: Int) {
        let gib = device.memory.value.doubleValue / Double(1 << 30)
        if gib >= 160 { return (16384, 1024) }
        if gib >= 70 && !device.name.lowercased().contains("a100") { return (8192, 1024) }
        return (2048, 256)
    }

    /// SGLang's GPU-memory defaults (engines.md 2.2): the prefill chunk and the decode CUDA-graph batch.
    public static func sglangMemoryDefaults(gib: Double, tp: Int) -> (chunk: Int, graphBatch: Int) {
        if gib < 20 { return (2048, 8) }
        if gib < 35 { return (4096, tp < 4 ? 48 : 160) }
        if gib < 60 { return (4096, tp < 4 ? 32 : 160) }
        if gib < 160 { return (8192, tp < 4 ? 256 : 512) }
        return (16384, 512)
    }

    /// SGLang 0.5.23's default mem_fraction_static (engines.md 2.3, `memory_hook.py`), in MiB: reserved =
    /// 512 + 1.5 x max(chunk, 2048) + tp x pp / 8 x 1024 + 2 x the decode graph batch (+ 1,536 for MLA's
    /// prefill graphs), at least 10,240 above 60 GiB; fraction = round((gpu - reserved) / gpu, 3). The
    /// prefill-graph reserve of non-MLA models (8 MiB per captured size) is not counted.
    public static func sglangFraction(memory: ExactInt, tp: Int, pp: Int, chunk: Int?, mla: Bool) -> Double {
        let mib = memory.doubleValue / Double(1 << 20)
        let defaults = sglangMemoryDefaults(gib: mib / 1024, tp: tp)
        let tokens = Double(max(chunk ?? defaults.chunk, 2048))
        var reserved = 512 + 1.5 * tokens + Double(tp * pp) / 8 * 1024 + 2 * Double(defaults.graphBatch) + (mla ? 1536 : 0)
        if mib > 60 * 1024 { reserved = max(reserved, 10240) }
        return ((mib - reserved) / mib * 1000).rounded() / 1000
    }

    /// Where the non-torch figure comes from.
    static func nonTorchNote(_ serving: ServingSpec, _ bytes: ExactInt, ranks: Int) -> String {
        if serving.nonTorchMemory != nil { return "non-torch memory: \(Bytes(bytes)) as stated" }
        let why = ranks > 1 ? "NCCL buffers with several GPUs per replica, serving.md" : "one GPU: small, serving.md"
        return "non-torch memory: \(Bytes(bytes)) assumed (\(why))"
    }

    static func make(_ p: ModelProfile, layout: Layout) -> Result<EngineKVCapacity, Unavailable> {
        let spec = p.spec
        let serving = spec.serving
        guard serving.engine != .ideal else { return .failure(Unavailable(text: "")) }
        if p.kinds.contains(where: { $0.kind == .ssm || $0.kind == .linear }) {
            return .failure(
                Unavailable(text: "\(serving.engine.rawValue)'s accounting for state-space and linear-attention layers is not modelled"))
        }
        if layout.cp > 1 {
            return .failure(
                Unavailable(text: "\(serving.engine.rawValue)'s accounting is modelled without context parallelism (cp \(layout.cp))"))
        }
        var best: EngineKVCapacity? = nil
        for stage in MemoryModel.stages(layout) {
            let count = serving.engine == .vllm ? vllm(p, layout, stage: stage) : sglang(p, layout, stage: stage)
            if best.map({ count.blocks < $0.blocks }) ?? true { best = count }
        }
        guard let best else { return .failure(Unavailable(text: "no stage")) }
        return .success(best)
    }

    /// The rank's weights as the engine allocates them: lcplan's stage weights, plus the vocabulary padding
    /// (vLLM's `VocabParallelEmbedding` and `ParallelLMHead` pad to a multiple of 64, then split over TP) and
    /// the KV projections each rank holds whole when TP exceeds the KV heads (`QKVParallelLinear`).
    static func engineWeights(_ p: ModelProfile, _ layout: Layout, stage: Int, parts: MemoryParts<ExactInt>) -> ExactInt {
        let model = p.model
        let h = ExactInt(model.hidden)
        var extra = ExactInt.zero
        let padded = (model.vocab + 63) / 64 * 64
        let padding = ExactInt(padded - model.vocab) * h
        let tp = ExactInt(layout.tp)
        if stage == 0 { extra += padding.ceilDivided(by: tp) ?? .zero }
        if stage == layout.pp - 1 && (!model.tiedEmbeddings || layout.pp > 1) { extra += padding.ceilDivided(by: tp) ?? .zero }
        if model.attention.kind != .mla && layout.tp > model.kvHeads {
            let counts = p.attentionLayers(in: layout.stageLayers(stage, of: model.layers))
            let attention = counts.global + counts.local
            let whole = ExactInt(2 * model.headDim) * h
            let split = (ExactInt(2 * model.kvHeads * model.headDim) * h).ceilDivided(by: tp) ?? .zero
            extra += ExactInt(attention) * (whole - split)
        }
        return parts.weights + StageMemory.weightBytes(extra, bits: p.spec.workload.dtype.bits)
    }

    /// The engine's bytes per token per layer on a rank: elements x element bits, no scales.
    static func tokenBytes(_ p: ModelProfile, tp: Int) -> ExactInt {
        (p.kvCache.elementsPerToken(tp: tp) * ExactInt(p.spec.workload.kvCache.dtype.bits)).ceilDivided(by: 8) ?? .zero
    }

    static func stageParts(_ p: ModelProfile, _ layout: Layout, stage: Int) -> MemoryParts<ExactInt> {
        StageMemory.compute(p, layout, stage: stage, sequence: 1, prompt: 1, sequences: 1, microBatches: 1, workspace: .zero)
    }

    /// The engine's block size: `serving.block_size`, else `kv_cache.block_tokens` when written, else its default.
    static func blockSize(_ spec: Spec) -> Int {
        spec.serving.blockSize
            ?? (spec.workload.kvCache.blockTokensWritten ? spec.workload.kvCache.blockTokens : (spec.serving.engine == .sglang ? 1 : 16))
    }

    /// vLLM's profiling pass peak (`profile_run`): a forward pass of `max_num_batched_tokens` tokens T,
    /// whose largest live set is one layer's: the residual and normed hidden states (2h) with either the
    /// attention's Q, K, V and output (per rank) or the MLP's gate-up and activation outputs (3 x FFN width per
    /// rank; MoE: each routed token's 3 x expert width plus its h-wide output, and the shared experts);
    /// then the sampler over R = min(max_num_seqs, T) rows of the full (gathered, padded) vocabulary, beside
    /// the T x h hidden states: the logits in the model's format and in fp32, and the top-k/top-p filter's
    /// sorted fp32 values, int64 indices and fp32 probabilities (the dummy run asks for top-k and top-p;
    /// `apply_top_k_top_p` sorts), a + 20 bytes per entry. An estimate from the model's shapes, stated in
    /// the report.
    public static func vllmActivationPeak(_ model: ModelSpec, tp: Int, activationBytes a: Int, tokens t: Int, sequences: Int) -> ExactInt {
        let tpN = ExactInt(max(tp, 1))
        let h = ExactInt(model.hidden)
        let d = ExactInt(model.headDim)
        let kv = ExactInt(max(1, (model.kvHeads + tp - 1) / max(tp, 1)))
        let q = ExactInt(model.heads).ceilDivided(by: tpN) ?? .zero
        let attention = h * 2 + (q * 2 + kv * 2) * d
        var mlp = h * 2 + (ExactInt(3 * model.ffn).ceilDivided(by: tpN) ?? .zero)
        if let moe = model.moe {
            let routed = ExactInt(moe.active) * ((ExactInt(3 * moe.expertFfn).ceilDivided(by: tpN) ?? .zero) + h)
            let shared = ExactInt(moe.shared) * (ExactInt(3 * moe.expertFfn).ceilDivided(by: tpN) ?? .zero)
            mlp = ExactInt.max(mlp, h * 2 + routed + shared)
        }
        let tokens = ExactInt(t)
        let forward = tokens * ExactInt(a) * ExactInt.max(attention, mlp)
        let rows = ExactInt(min(sequences, t))
        let vocab = ExactInt((model.vocab + 63) / 64 * 64)
        let sampler = rows * vocab * ExactInt(a + 20) + tokens * h * ExactInt(a)
        return ExactInt.max(forward, sampler)
    }

    static func vllm(_ p: ModelProfile, _ layout: Layout, stage: Int) -> EngineKVCapacity {
        let spec = p.spec
        let serving = spec.serving
        let model = p.model
        let version = serving.version ?? vllmDefaultVersion
        let modern = version >= EngineVersion(parts: [0, 33])
        // vLLM reads the total from CUDA (torch.cuda.mem_get_info), below the driver's figure by the CUDA
        // context where a preset knows it (`DeviceSpec.cudaVisibleMemory`).
        let total = spec.hardware.device.cudaVisibleMemory?.value ?? spec.hardware.device.memory.value
        let fraction = serving.gpuMemoryUtilization ?? (modern ? 0.92 : 0.9)
        let budget = (total * ExactInt(Int((fraction * 1_000_000).rounded()))).ceilDivided(by: 1_000_000) ?? .zero
        let parts = stageParts(p, layout, stage: stage)
        let weights = engineWeights(p, layout, stage: stage, parts: parts)
        let defaults = vllmBatchDefaults(spec.hardware.device)
        let batched = serving.maxNumBatchedTokens ?? defaults.tokens
        let seqs = serving.maxNumSeqs ?? defaults.sequences
        let peak = vllmActivationPeak(model, tp: layout.tp, activationBytes: p.activationBytes, tokens: batched, sequences: seqs)
        let nonTorch = serving.nonTorchMemory ?? defaultNonTorch(ranks: layout.tp * layout.pp)
        let graphs = serving.cudagraphMemory ?? .zero
        let available = budget - weights - peak - nonTorch - graphs
        let block = blockSize(spec)
        let page = tokenBytes(p, tp: layout.attentionTP) * ExactInt(block)
        let (global, local) = p.attentionLayers(in: layout.stageLayers(stage, of: model.layers))
        // The hybrid allocator: layers of each kind in groups of the smaller kind's count, one block pool.
        let groupSize = max(global > 0 && local > 0 ? min(global, local) : global + local, 1)
        let globalGroups = (global + groupSize - 1) / groupSize, localGroups = (local + groupSize - 1) / groupSize
        let groups = max(globalGroups + localGroups, 1)
        let blocks = available.isNegative || page.isZero ? ExactInt.zero : (available.floorDivided(by: page * ExactInt(groupSize)) ?? .zero)
        let context = spec.workload.context
        func needed(_ length: Int) -> ExactInt {
            let full = ExactInt((length + block - 1) / block)
            var total = ExactInt(globalGroups) * full
            if localGroups > 0 {
                let window = model.attention.window ?? length
                let span = min(window.saturatingAdding(batched) - 1, length)
                total += ExactInt(localGroups) * ExactInt((span + block - 1) / block + 1)
            }
            return total
        }
        let perRequest = needed(context)
        let longest = KVLayoutProfile.largest(limit: blocks, upTo: SpecShapes.maxTokens) { needed($0) }
        let concurrency = perRequest.isZero ? 0 : blocks.doubleValue / perRequest.doubleValue
        let pooled = (blocks.floorDivided(by: ExactInt(groups)) ?? .zero) * ExactInt(block)
        let scaled = perRequest.isZero ? ExactInt.zero : ((blocks * ExactInt(context)).floorDivided(by: perRequest) ?? .zero)
        var notes = [
            "vLLM \(version)\(serving.version == nil ? " (the default; serving.version names another)" : ""): budget ceil(\(UnitFormat.fixed(fraction, decimals: 2)) x \(Bytes(total))), \(spec.hardware.device.cudaVisibleMemory == nil ? "the device memory as the driver reports it" : "the total CUDA reports (PyTorch mem_get_info), the driver's figure less the CUDA context")",
            "activation peak, estimated from the model's shapes: a profiling pass of \(batched) tokens (max_num_batched_tokens) and a sampler over \(min(seqs, batched)) rows (max_num_seqs) of the vocabulary at 22 B per entry",
            nonTorchNote(serving, nonTorch, ranks: layout.tp * layout.pp),
        ]
        if version >= EngineVersion(parts: [0, 21]) && serving.cudagraphMemory == nil {
            notes.append(
                "vLLM 0.21 and later also deduct a CUDA-graph estimate lcplan does not model: set serving.cudagraph_memory to the figure the log shows"
            )
        }
        if local > 0 {
            notes.append(
                "hybrid allocator: \(globalGroups) full-attention and \(localGroups) sliding-window groups of \(groupSize) layers share one pool; a sliding group keeps ceil(min(window - 1 + \(batched), L) / \(block)) + 1 blocks per request; vLLM up to 0.19 logs floor(blocks / groups) x block_size = \(UnitFormat.grouped(pooled)) tokens, 0.33 logs concurrency x L = \(UnitFormat.grouped(scaled))"
            )
        }
        return EngineKVCapacity(
            engine: .vllm, version: version, deviceBytes: total, fraction: fraction, budgetBytes: budget, weightBytes: weights,
            activationPeakBytes: peak, nonTorchBytes: nonTorch, cudagraphBytes: graphs, availableBytes: available, blockSize: block,
            pageBytes: page, layersPerBlock: groupSize, groups: groups, blocks: blocks, tokens: modern ? scaled : pooled,
            blocksPerRequest: perRequest, concurrency: concurrency,
            sequences: perRequest.isZero ? .zero : (blocks.floorDivided(by: perRequest) ?? .zero), maxRunning: seqs,
            longestAccepted: longest, refuses: perRequest > blocks, stage: stage, notes: notes)
    }

    static func sglang(_ p: ModelProfile, _ layout: Layout, stage: Int) -> EngineKVCapacity {
        let spec = p.spec
        let serving = spec.serving
        let model = p.model
        let version = serving.version ?? sglangDefaultVersion
        let total = spec.hardware.device.memory.value
        let fraction =
            serving.memFractionStatic
            ?? sglangFraction(
                memory: total, tp: layout.tp, pp: layout.pp, chunk: serving.chunkedPrefillSize, mla: model.attention.kind == .mla)
        let nonTorch = serving.nonTorchMemory ?? defaultNonTorch(ranks: layout.tp * layout.pp)
        let free = total - nonTorch
        let parts = stageParts(p, layout, stage: stage)
        let weights = engineWeights(p, layout, stage: stage, parts: parts)
        // Free after the weights, less the share of the pre-load free memory kept out of the static pool.
        let kept = (free * ExactInt(Int(((1 - fraction) * 1_000_000).rounded()))).ceilDivided(by: 1_000_000) ?? .zero
        let available = free - weights - kept
        let (global, local) = p.attentionLayers(in: layout.stageLayers(stage, of: model.layers))
        let layers = global + local
        let cell = tokenBytes(p, tp: layout.attentionTP) * ExactInt(layers)
        let page = max(blockSize(spec), 1)
        let raw = available.isNegative || cell.isZero ? ExactInt.zero : (available.floorDivided(by: cell) ?? .zero)
        let tokens = (raw.floorDivided(by: ExactInt(page)) ?? .zero) * ExactInt(page)
        let context = spec.workload.context
        let longest = tokens.intValue.map { min($0, SpecShapes.maxTokens) } ?? SpecShapes.maxTokens
        // max_running_requests = min(clamp(int(tokens / context x 512), 2048, 4096), tokens // 2) (engines.md 2.3).
        let scaledRequests = Int(min(tokens.doubleValue / Double(max(context, 1)) * 512, 1e9))
        let running = min(max(min(scaledRequests, 4096), 2048), (tokens.floorDivided(by: 2) ?? .zero).intValue ?? Int.max)
        let notes = [
            "SGLang \(version)\(serving.version == nil ? " (the default)" : ""): static pool mem_fraction_static \(UnitFormat.fixed(fraction, decimals: 3)) of the memory free before loading weights (\(Bytes(free)): the driver's \(Bytes(total)) less non-torch memory)\(serving.memFractionStatic == nil ? ", by its reserve rule" : "")",
            nonTorchNote(serving, nonTorch, ranks: layout.tp * layout.pp),
            "activations are not deducted: they use the \(UnitFormat.fixed(1 - fraction, decimals: 3)) kept out of the pool",
        ]
        let perRequest = ExactInt(context)
        return EngineKVCapacity(
            engine: .sglang, version: version, deviceBytes: total, fraction: fraction,
            budgetBytes: (free * ExactInt(Int((fraction * 1_000_000).rounded()))).floorDivided(by: 1_000_000) ?? .zero,
            weightBytes: weights, activationPeakBytes: .zero, nonTorchBytes: nonTorch, cudagraphBytes: .zero, availableBytes: available,
            blockSize: page, pageBytes: tokenBytes(p, tp: layout.attentionTP) * ExactInt(page), layersPerBlock: layers, groups: 1,
            blocks: tokens.floorDivided(by: ExactInt(page)) ?? .zero, tokens: tokens,
            blocksPerRequest: ExactInt((context + page - 1) / page),
            concurrency: tokens.doubleValue / Double(max(context, 1)), sequences: tokens.floorDivided(by: perRequest) ?? .zero,
            maxRunning: running, longestAccepted: longest, refuses: tokens < perRequest, stage: stage, notes: notes)
    }
}
