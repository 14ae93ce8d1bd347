/// Start-up rules of particular engines, beyond `LayoutRules` (Megatron-LM's, which every layout meets),
/// for `search.enforce` (../shared/reference/planner.md K13-K15, engines.md).
///
/// - torchtitan: with context parallelism the sequence splits into tp x 2 x cp equal parts
///   (`torchtitan/distributed/parallel_dims.py`, K13);
/// - DeepSpeed: sequence parallelism is DeepSpeed-Ulysses (an all-to-all); the sequence and the heads divide
///   by its degree (`deepspeed/sequence/layer.py`, K14);
/// - vLLM: the query heads divide by tp, and a tp at or above the KV heads is a multiple of them (K15); its
///   prefill context parallelism adds ranks as lcplan's does (`--prefill-context-parallel-size`);
/// - SGLang: attention context parallelism runs inside the tensor-parallel group (`--attn-cp-size`), so a
///   layout whose context-parallel ranks are extra devices cannot be launched;
/// - Megatron-LM: `LayoutRules` is its rule set.
public enum EngineLayoutRules {
    /// Why `layout` cannot start on `engine`, or nil when it can.
    public static func violation(
        _ engine: EngineRules, _ layout: Layout, model: ModelSpec, context: Int
    ) -> String? {
        switch engine {
        case .megatron:
            return nil
        case .torchtitan:
            guard layout.cp > 1 else { return nil }
            let parts = layout.tp * 2 * layout.cp
            return context % parts == 0 ? nil : "torchtitan splits the context into tp x 2 x cp = \(parts) parts"
        case .deepspeed:
            guard layout.cp > 1 else { return nil }
            if layout.cpKind != .ulysses { return "DeepSpeed's sequence parallelism is Ulysses (all-to-all) only" }
            if context % layout.cp != 0 || model.heads % layout.cp != 0 {
                return "DeepSpeed-Ulysses needs the context and the \(model.heads) heads divisible by \(layout.cp)"
            }
            return nil
        case .vllm:
            if model.heads % layout.tp != 0 { return "vLLM needs tp dividing the \(model.heads) query heads" }
            if model.attention.kind != .mla, model.kvHeads > 0, layout.tp >= model.kvHeads, layout.tp % model.kvHeads != 0 {
                return "vLLM needs tp a multiple of the \(model.kvHeads) KV heads when it is at least as large"
            }
            return nil
        case .sglang:
            return layout.cp > 1 ? "SGLang's attention context parallelism runs inside the tensor-parallel group" : nil
        }
    }
}
