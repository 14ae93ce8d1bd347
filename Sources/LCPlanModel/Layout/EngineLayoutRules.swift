/// Start-up rules of particular engines beyond `LayoutRules` (Megatron-LM's degree rules, which every layout
/// meets), for `search.enforce` and `lcplan emit` (torchtitan `torchtitan/distributed/parallel_dims.py`;
/// DeepSpeed `deepspeed/sequence/layer.py` and PR 6392; vLLM `model_executor/layers/linear.py`; NeMo
/// `performance_long_sequence.md`; the engines' argument files as `EngineScript` names them):
///
/// - Megatron-LM: its flags shard the optimizer state only (`--use-distributed-optimizer`, ZeRO-1); with
///   sequence parallelism the per-rank sequence divides by tp (`tensor_parallel/mappings.py`); uneven
///   stages differ only at the first and last (`--decoder-first/last-pipeline-num-layers`);
/// - torchtitan: context parallelism is PyTorch's ring attention, the sequence splits into tp x 2 x cp
///   parts (`parallel_dims.py`), expert tensor parallelism is 1 or tp, the per-rank batch divides into
///   pipeline micro-batches;
/// - DeepSpeed: its config sets ZeRO and Ulysses sequence parallelism only, which does not combine with
///   tensor or pipeline parallelism; the heads and the sequence divide by its degree
///   (`deepspeed/sequence/layer.py`); no expert parallelism or selective recompute among its keys;
/// - vLLM: tp divides the query heads, and a tp at or above the KV heads is a multiple of them
///   (`QKVParallelLinear`); expert parallelism spans every tp x pcp x dp rank;
/// - SGLang: attention context parallelism and expert parallelism subdivide the tensor-parallel group;
/// - TensorRT-LLM: expert parallelism lives inside one server's ranks; context parallelism is Ulysses,
///   ring, STAR or Helix.
public enum EngineLayoutRules {
    /// Why `layout` cannot start on `engine`: empty when it can.
    public static func violations(
        _ engine: EngineRules, _ layout: Layout, model: ModelSpec, context: Int, globalBatch: Int?
    ) -> [String] {
        var found: [String] = []
        let l = layout
        if l.dualPipe {
            switch engine {
            case .megatron, .deepspeed:
                found.append(
                    "\(engine == .megatron ? "Megatron-LM" : "DeepSpeed") has no DualPipe schedule among the flags and keys lcplan follows")
            case .torchtitan:
                found.append(
                    "torchtitan's DualPipeV is the V-shaped variant (2 pp stages, one copy of the parameters), not DeepSeek-V3's DualPipe with two copies that the plan costs"
                )
            case .vllm, .sglang, .trtllm: break
            }
        }
        switch engine {
        case .megatron:
            if l.zero >= 2 {
                found.append(
                    "Megatron-LM's flags shard the optimizer state only (--use-distributed-optimizer, ZeRO-1); the layout uses ZeRO-\(l.zero)"
                )
            }
            if l.sequenceParallel && l.tp > 1 && (context / max(l.cp, 1)) % l.tp != 0 {
                found.append(
                    "with sequence parallelism Megatron-LM needs the per-rank sequence \(context / max(l.cp, 1)) divisible by tp \(l.tp)")
            }
            if l.pp > 1 && model.layers % l.pp != 0 {
                if let (first, last) = megatronStages(layers: model.layers, pp: l.pp) {
                    let middle = Layout.largestStage(layers: model.layers, pp: l.pp)
                    if l.vpp > 1 && (first % l.vpp != 0 || last % l.vpp != 0 || middle % l.vpp != 0) {
                        found.append(
                            "Megatron-LM's uneven stages with virtual stages need the first (\(first)), last (\(last)) and middle (\(middle)) stages' layers each divisible by vpp \(l.vpp); --pipeline-model-parallel-layout could place them, but lcplan does not write it"
                        )
                    }
                } else {
                    found.append(
                        "Megatron-LM's uneven stages differ only at the first and last; \(model.layers) layers on \(l.pp) stages cannot be split so"
                    )
                }
            }
        case .torchtitan:
            if l.cp > 1 && l.cpKind != .ring {
                found.append("torchtitan's context parallelism is a ring (PyTorch's ring attention); the layout uses \(l.cpKind.rawValue)")
            }
            if context % (l.tp * 2 * l.cp) != 0 {
                found.append("torchtitan needs the sequence divisible by tp x 2 x cp = \(l.tp * 2 * l.cp)")
            }
            if l.ep > 1 && l.etp != 1 && l.etp != l.tp { found.append("torchtitan's expert tensor parallelism is 1 or tp") }
            if let batch = globalBatch, batch % l.dp != 0 || (batch / l.dp) % l.microBatch != 0 {
                found.append("torchtitan needs the per-rank batch divisible by the pipeline micro-batch")
            }
        case .deepspeed:
            if l.tp > 1 || l.pp > 1 {
                found.append(
                    "DeepSpeed's config sets ZeRO and Ulysses sequence parallelism; tensor and pipeline parallelism (tp \(l.tp), pp \(l.pp)) need Megatron-DeepSpeed, and Ulysses does not combine with them"
                )
            }
            if l.cp > 1 && l.cpKind != .ulysses {
                found.append("DeepSpeed's sequence parallelism is Ulysses (all-to-all); the layout uses \(l.cpKind.rawValue)")
            }
            if l.cp > 1 && (model.heads % l.cp != 0 || context % l.cp != 0) {
                found.append("DeepSpeed-Ulysses needs the \(model.heads) heads and the sequence divisible by \(l.cp)")
            }
            if l.ep > 1 { found.append("DeepSpeed's expert parallelism is not among the config keys lcplan follows") }
            if l.recompute == .selective { found.append("DeepSpeed's config has no selective recompute") }
        case .vllm:
            if model.heads % l.tp != 0 { found.append("vLLM needs tp dividing the \(model.heads) query heads") }
            if model.attention.kind != .mla, model.kvHeads > 0, l.tp >= model.kvHeads, l.tp % model.kvHeads != 0 {
                found.append("vLLM needs tp a multiple of the \(model.kvHeads) KV heads when it is at least as large")
            }
            if l.ep > 1 && l.ep != l.dp * l.cp {
                found.append(
                    "vLLM's expert parallelism spans every tp x pcp x dp rank (there is no --expert-parallel-size); the layout's ep \(l.ep) with expert tp \(l.etp) does not"
                )
            }
        case .sglang:
            if l.cp > 1 {
                found.append(
                    "SGLang's attention context parallelism (--attn-cp-size) runs inside the tensor-parallel group; the layout's cp \(l.cp) adds devices"
                )
            }
            if l.ep > 1 {
                found.append(
                    "SGLang's expert parallelism (--ep-size) subdivides the tensor-parallel group; the layout spreads experts over \(l.ep) data- or context-parallel ranks"
                )
            }
        case .trtllm:
            if l.ep > 1 {
                found.append(
                    "TensorRT-LLM's expert parallelism (--ep_size) lives inside one server's tp x cp ranks; the layout spreads experts over \(l.ep) replicas or context-parallel ranks"
                )
            }
            if l.cp > 1 && (l.cpKind == .allgather || l.cpKind == .hierarchical) {
                found.append(
                    "TensorRT-LLM's context parallelism is ULYSSES, STAR, RING or HELIX; the layout's \(l.cpKind.rawValue) kind is none of them"
                )
            }
            if l.attentionDP > 1 && l.attentionDP != l.tp {
                found.append(
                    "TensorRT-LLM's attention data parallelism (enable_attention_dp) spans the whole tp group (attention tp 1); the layout's attention_dp \(l.attentionDP) leaves attention on \(l.attentionTP) ranks"
                )
            }
        }
        return found
    }

    /// Uneven pipeline stages as Megatron-LM expresses them, and as lcplan costs them (`Layout.stageLayers`):
    /// (first, last) layers with the middle stages holding ceil(layers / pp) each (126 layers on 16 stages: 7,
    /// 14 x 8, 7).
    public static func megatronStages(layers: Int, pp: Int) -> (first: Int, last: Int)? {
        guard pp > 1 else { return nil }
        let largest = Layout.largestStage(layers: layers, pp: pp)
        if pp == 2 { return (largest, layers - largest) }
        let rest = layers - (pp - 2) * largest
        guard rest >= 2 else { return nil }
        let first = rest / 2, last = rest - first
        return first <= largest && last <= largest ? (first, last) : nil
    }
}
