import LCPlanModel
import LCPlanPrecision

/// Bytes one device holds, by part, in a count arithmetic (`ExactInt` for reports, `Double` for search).
public struct MemoryParts<N: CountArithmetic>: Sendable {
    public var weights: N
    public var kvCache: N
    public var activations: N
    public var gradients: N
    public var optimizer: N
    public var workspace: N
    /// KV bytes of this device's share held on offload tiers (not in device memory; not in `total`).
    public var kvOffloaded: N
    /// Parameters the device holds.
    public var parameters: N

    init() {
        weights = N(0)
        kvCache = N(0)
        activations = N(0)
        gradients = N(0)
        optimizer = N(0)
        workspace = N(0)
        kvOffloaded = N(0)
        parameters = N(0)
    }

    public var total: N { weights + kvCache + activations + gradients + optimizer + workspace }
}

/// The memory of one device of one pipeline stage: the one formula behind both `MemoryModel` (exact)
/// and `LayoutEvaluator` (double): activations after Korthikanti et al. 2022 (arXiv 2205.05198) Table 2,
/// model states after ZeRO (arXiv 1910.02054) sec. 3, the KV cache as `KVCacheSize` counts it.
///
/// - Weights: the stage's dense parameters over tp and its expert parameters over etp x ep (planner.md
///   K2, K10), plus the embedding on the first stage and the final norm and output layer on the last
///   (its own copy of a tied output matrix when pp > 1); bits per parameter from the weight format, 4-bit
///   formats with one fp16 scale per group of 128 (the GPTQ/AWQ default, stated).
/// - DualPipe (DeepSeek-V3, arXiv 2412.19437 Table 2): a device holds stages i and pp - 1 - i (twice the
///   parameters, gradients and optimizer state; the ends' embedding and output layer on devices 0 and pp - 1)
///   and the activations of pp + 1 micro-batches of one stage.
/// - Training: activations of the micro-batches in flight under 1F1B (min(pp - stage, m); the first stage
///   of an interleaved schedule (1 + (p - 1)/(p v)) times as many, Korthikanti 2022 sec. 4.2.3), the last
///   stage's final-norm input and fp32 logits over tp; gradients and optimizer state sharded by ZeRO over
///   dp x cp (ZeRO, arXiv 1910.02054 sec. 3).
/// - Inference: the paged KV cache of the replica's sequences (global layers the whole context over cp,
///   local layers their window, SSM and linear-attention layers a constant state) and the working set of
///   one prefill chunk.
enum StageMemory {
    @inline(__always)
    static func compute<N: CountArithmetic>(
        _ p: ModelProfile, _ layout: Layout, stage: Int, sequence: Int, prompt: Int, sequences: Int,
        microBatches: Int, workspace: N
    ) -> MemoryParts<N> {
        let model = p.model
        let workload = p.spec.workload
        let layers = layout.stageLayers(stage, of: model.layers)
        let h = N(model.hidden)
        // DualPipe: a device holds stage i and stage pp - 1 - i (DeepSeek-V3 Table 2: two parameter copies).
        let mirror = layout.dualPipe ? layout.pp - 1 - stage : stage
        let held = mirror == stage ? [layers] : [layers, layout.stageLayers(mirror, of: model.layers)]
        var dense = N(0), experts = N(0), attention = N(0)
        for range in held {
            for k in p.kinds.indices {
                let count = p.layers(ofKind: k, in: range)
                guard count > 0 else { continue }
                dense = dense + N(count) * convert(p.denseParameters[k], N.self)
                experts = experts + N(count) * convert(p.expertParameters[k], N.self)
                if layout.attentionDP > 1 { attention = attention + N(count) * convert(p.attentionParameters[k], N.self) }
            }
        }
        let first = stage == 0 || mirror == 0, last = stage == layout.pp - 1 || mirror == layout.pp - 1
        if first { dense = dense + convert(p.parameters.embedding, N.self) }
        if last {
            dense = dense + N(model.norm == .layernorm ? 2 : 1) * h
            // With tied embeddings and pp > 1 the last stage keeps its own copy of the output matrix.
            dense = dense + (p.parameters.lmHead.isZero && layout.pp > 1 ? N(model.vocab) * h : convert(p.parameters.lmHead, N.self))
        }
        let tp = N(layout.tp)
        var memory = MemoryParts<N>()
        memory.parameters = dense.ceilDiv(tp) + experts.ceilDiv(N(layout.etp) * N(layout.ep))
        if layout.attentionDP > 1 {
            // Attention data parallelism: the attention projections over tp / attention_dp ranks.
            memory.parameters =
                (dense - attention).ceilDiv(tp) + attention.ceilDiv(N(layout.attentionTP)) + experts.ceilDiv(N(layout.etp) * N(layout.ep))
        }
        memory.weights = weightBytes(memory.parameters, bits: workload.dtype.bits)
        memory.workspace = workspace
        let a = N(p.activationBytes)
        if let training = workload.training {
            let sequenceN = N(sequence)
            let tokens = sequenceN.ceilDiv(N(layout.cp)) * N(layout.microBatch)
            var perMicroBatch = N(0)
            for k in p.kinds.indices {
                let count = p.layers(ofKind: k, in: layers)
                guard count > 0 else { continue }
                perMicroBatch =
                    perMicroBatch
                    + N(count)
                    * ActivationMemory.layer(
                        p.activation[k], elementBytes: p.activationBytes, hidden: model.hidden, tokens: tokens,
                        sequence: sequenceN, tp: layout.tp, sequenceParallel: layout.sequenceParallel,
                        recompute: layout.recompute)
            }
            var held = perMicroBatch * N(inFlight(layout, stage: stage, microBatches))
            if layout.vpp > 1 && first {
                // Interleaved 1F1B: the first stage holds (1 + (p - 1)/(p v)) times as much (Korthikanti sec. 4.2.3).
                let pv = layout.pp * layout.vpp
                held = (held * N(pv + layout.pp - 1)).ceilDiv(N(pv))
            }
            if last {
                // The final norm's input and fp32 logits for the loss, split over the vocabulary by TP.
                held = held + a * tokens * h
                held = held + (N(4) * tokens * N(model.vocab)).ceilDiv(tp)
            }
            memory.activations = held
            let shard = N(max(layout.dp * layout.cp, 1))
            // Bits, then whole bytes: a 4-bit gradient format takes half a byte per parameter, not none.
            let gradients = (memory.parameters * N(training.gradDtype.bits)).ceilDiv(N(8))
            let optimizer =
                memory.parameters * N(MemoryModel.optimizerBytesPerParameter(training.optimizer, weights: workload.dtype))
            memory.gradients = layout.zero >= 2 ? gradients.ceilDiv(shard) : gradients
            memory.optimizer = layout.zero >= 1 ? optimizer.ceilDiv(shard) : optimizer
            if layout.zero >= 3 { memory.weights = memory.weights.ceilDiv(shard) }
        } else {
            memory.kvCache = kvBytes(p, layout, layers: layers, tokens: sequence, sequences: sequences)
            memory.activations = inferenceWorkingSet(p, layout, prompt: prompt, sequences: sequences, last: last)
            if !p.kvTierCapacity.isZero {
                // Offload tiers take the blocks device memory cannot (usable capacity less everything else).
                let room = convert(p.usableBytes, N.self) - (memory.weights + memory.activations + memory.workspace)
                let onDevice = room.exceeds(N(0)) ? N.smaller(memory.kvCache, room) : N(0)
                memory.kvOffloaded = memory.kvCache - onDevice
                memory.kvCache = onDevice
            }
        }
        return memory
    }

    /// Micro-batches whose activations stage `stage` holds at once: min(pp - stage, m) under 1F1B, min(pp + 1,
    /// m) on every device under DualPipe (DeepSeek-V3 Table 2).
    @inline(__always) static func inFlight(_ layout: Layout, stage: Int, _ microBatches: Int) -> Int {
        max(1, min(layout.dualPipe ? layout.pp + 1 : layout.pp - stage, microBatches))
    }

    @inline(__always) static func convert<N: CountArithmetic>(_ value: ExactInt, _: N.Type) -> N { N(exact: value) }

    /// Weight bytes: the format's bits per parameter, plus one fp16 scale per group of 128 for 4- and 2-bit formats.
    @inline(__always) static func weightBytes<N: CountArithmetic>(_ parameters: N, bits: Int) -> N {
        var total = parameters * N(bits)
        if bits <= 4 { total = total + parameters.ceilDiv(N(128)) * N(16) }
        return total.ceilDiv(N(8))
    }

    /// Paged KV bytes of a replica's `sequences` sequences of `tokens` tokens on one device for the layers
    /// `layers`, split over cp and (KV heads) tp, in the KV layout's format, budget and prefix sharing, with
    /// the per-layer constants (per-tensor scales, codebooks); see `KVCacheSize`. With attention data
    /// parallelism a device holds its group's share of the sequences (the most loaded group's,
    /// ceil(sequences / attention_dp)), KV heads split over tp / attention_dp.
    @inline(__always)
    static func kvBytes<N: CountArithmetic>(_ p: ModelProfile, _ layout: Layout, layers: Range<Int>, tokens: Int, sequences all: Int) -> N {
        let cache = p.kvCache
        let groups = max(layout.attentionDP, 1)
        let sequences = groups > 1 ? (all + groups - 1) / groups : all
        let tp = layout.attentionTP
        var perSequence = N(0), shared = N(0), constant = N(0)
        for k in p.kinds.indices {
            let count = p.layers(ofKind: k, in: layers)
            guard count > 0 else { continue }
            let kind = p.kinds[k].kind
            let n = N(count)
            perSequence = perSequence + n * cache.layerBytes(kind, tokens: tokens, tp: tp, cp: layout.cp, paged: true, N.self)
            if kind == .global || kind == .local {
                constant = constant + n * N(exact: p.kvConstantBytesPerLayer)
            }
            if kind == .global && p.kvSharesPrefix {
                shared = shared + n * N(exact: cache.prefixSavingPerLayer(sequences: sequences, tp: tp, cp: layout.cp))
            }
        }
        return N(sequences) * perSequence - shared + constant
    }

    /// The transient working set of a prefill step (nothing is kept across layers at inference): the
    /// residual stream and its normed copy (2h), the Q/K/V outputs, and the MLP's intermediate tensors
    /// (gate and up, or the routed experts' share) for every token of the chunk, split by TP and CP; plus
    /// fp32 logits of the last position of each sequence. Attention is taken as fused (no s x s scores).
    @inline(__always)
    static func inferenceWorkingSet<N: CountArithmetic>(
        _ p: ModelProfile, _ layout: Layout, prompt: Int, sequences: Int, last: Bool
    ) -> N {
        let model = p.model
        // The chunk is a step's token budget over the replica's sequences (vLLM's max_num_batched_tokens,
        // SGLang's chunked_prefill_size); without one, every prompt goes through at once.
        let whole = N(prompt) * N(sequences)
        let step = (layout.prefillChunk ?? p.spec.workload.prefillChunk).map { N.smaller(N($0), whole) } ?? whole
        let tokens = step.ceilDiv(N(layout.cp))
        let tp = N(layout.tp)
        let qkv = N(model.heads) * N(model.headDim) + N(2) * N(model.kvHeads) * N(model.headDim)
        let ffnWidth: N
        if let moe = model.moe {
            ffnWidth = N(max(model.ffn, moe.expertFfn * (moe.active + moe.shared)))
        } else {
            ffnWidth = N(model.ffn)
        }
        let perToken = N(2 * model.hidden) + (qkv + N(2) * ffnWidth).ceilDiv(tp)
        var bytes = N(p.activationBytes) * tokens * perToken
        if last { bytes = bytes + (N(4 * sequences) * N(model.vocab)).ceilDiv(tp) }
        return bytes
    }
}
