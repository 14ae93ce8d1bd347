/// The spec language, key by key (`version: 1`). Limits: shapes up to 2^24, token counts up to 2^40.
public enum SpecShapes {
    public static let maxShape = 1 << 24
    public static let maxTokens = 1 << 40
    public static let maxDevices = 1 << 24

    static let positive = FieldKind.integer(minimum: 1, maximum: maxShape)
    static let nonNegative = FieldKind.integer(minimum: 0, maximum: maxShape)
    static let degree = FieldKind.integer(minimum: 1, maximum: maxDevices)
    static let formats = NumberFormat.allCases.map(\.rawValue)
    static let ratio = FieldKind.number(minimum: 0, maximum: 1e6)
    /// A longrope per-pair factor: it divides a pair's frequency, so 1e-6 to 1e6 keeps every phase a
    /// finite number MPFR reduces quickly (published factors lie between 1 and about 100).
    static let pairFactor = FieldKind.number(minimum: 1e-6, maximum: 1e6)

    public static let ropeScaling = ObjectShape(
        "rope_scaling", "A RoPE scaling method and its parameters.",
        [
            Field("type", .choice(RoPEScalingType.allCases.map(\.rawValue)), "Scaling method.", required: true),
            Field("factor", .number(minimum: 1, maximum: 1e6), "Scale factor s (context extension ratio).", required: true),
            Field("original_context", .tokens, "Context before extension (original_max_position_embeddings)."),
            Field("low_freq_factor", ratio, "llama3: low-frequency factor."),
            Field("high_freq_factor", ratio, "llama3: high-frequency factor."),
            Field("beta_fast", ratio, "yarn: beta_fast (default 32)."),
            Field("beta_slow", ratio, "yarn: beta_slow (default 1)."),
            Field("mscale", ratio, "yarn: mscale."),
            Field("mscale_all_dim", ratio, "yarn: mscale_all_dim."),
            Field("attention_factor", ratio, "Explicit attention factor (overrides the method's formula)."),
            Field("truncate", .boolean, "yarn: round correction dims to integers (default true)."),
            Field("short_factor", .list(pairFactor), "longrope: per-pair factors below original_context."),
            Field("long_factor", .list(pairFactor), "longrope: per-pair factors above original_context."),
        ])

    public static let rope = ObjectShape(
        "rope", "Rotary position embedding.",
        [
            Field("theta", .number(minimum: 1, maximum: 1e30), "Base b (rope_theta)."),
            Field("rotary_dim", positive, "Rotated channels per head (default head_dim)."),
            Field("partial_factor", .number(minimum: 0, maximum: 1), "Fraction of head_dim that rotates."),
            Field("trained_context", .tokens, "Context the model was trained at."),
            Field("local_theta", .number(minimum: 1, maximum: 1e30), "Base of sliding-window layers, if different."),
            Field("scaling", .object(ropeScaling), "Scaling method."),
        ])

    public static let attention = ObjectShape(
        "attention", "Attention kind and layer pattern.",
        [
            Field("kind", .choice(AttentionKind.allCases.map(\.rawValue)), "mha, gqa, mqa or mla (default from kv_heads)."),
            Field("window", .tokens, "Sliding-window size of local layers."),
            Field("pattern", .list(.choice(LayerKind.allCases.map(\.rawValue))), "Layer kinds, repeated over the depth."),
            Field("q_lora_rank", positive, "MLA query compression rank (omit for none)."),
            Field("kv_lora_rank", positive, "MLA KV compression rank."),
            Field("qk_nope_head_dim", positive, "MLA non-rotary query/key dims per head."),
            Field("qk_rope_head_dim", positive, "MLA rotary query/key dims per head."),
            Field("v_head_dim", positive, "MLA value dims per head."),
        ])

    public static let moe = ObjectShape(
        "moe", "Mixture of experts.",
        [
            Field("experts", positive, "Routed experts per MoE layer.", required: true),
            Field("active", positive, "Routed experts per token (top-k).", required: true),
            Field("shared", nonNegative, "Shared experts (default 0)."),
            Field("expert_ffn", positive, "FFN inner size of one expert (default ffn)."),
            Field("dense_layers", nonNegative, "Leading layers with a dense FFN (default 0)."),
            Field("every", positive, "MoE on every n-th layer (default 1)."),
            Field("offset", nonNegative, "First MoE layer within each period (default 0)."),
            Field("router_bias", .boolean, "Per-expert routing bias parameters (default false)."),
        ])

    public static let ssm = ObjectShape(
        "ssm", "State-space (Mamba) layers.",
        [
            Field("state", positive, "State size per channel (d_state).", required: true),
            Field("conv", positive, "Convolution width (default 4)."),
            Field("expand", positive, "Inner expansion factor (default 2)."),
            Field("dt_rank", positive, "Time-step projection rank (default ceil(hidden/16))."),
        ])

    public static let model = ObjectShape(
        "model", "A model: a preset with overrides, an imported config, or every field.",
        [
            Field("preset", .text, "Start from this catalogue preset."),
            Field("hf_config", .text, "Start from a Hugging Face config.json (path relative to the spec)."),
            Field("name", .text, "Name shown in reports."),
            Field("layers", positive, "Transformer (or SSM) layers."),
            Field("hidden", positive, "Hidden size."),
            Field("heads", nonNegative, "Query heads."),
            Field("kv_heads", nonNegative, "Key/value heads (default heads)."),
            Field("head_dim", positive, "Dims per head (default hidden / heads)."),
            Field("ffn", nonNegative, "Dense FFN inner size."),
            Field("ffn_kind", .choice(FFNKind.allCases.map(\.rawValue)), "gated (SwiGLU/GeGLU, 3 matrices) or plain (2)."),
            Field("activation", .text, "Activation function name."),
            Field("vocab", positive, "Vocabulary size."),
            Field("tied_embeddings", .boolean, "Output layer shares the embedding matrix."),
            Field("qkv_bias", .boolean, "Biases on Q, K, V projections."),
            Field("linear_bias", .boolean, "Biases on every linear layer and norm."),
            Field("norm", .choice(NormKind.allCases.map(\.rawValue)), "rmsnorm or layernorm."),
            Field("norms_per_layer", .integer(minimum: 0, maximum: 8), "Norms per layer (default 2)."),
            Field("qk_norm", .boolean, "Per-head norms on queries and keys."),
            Field("positions", .choice(PositionKind.allCases.map(\.rawValue)), "rope, learned or none."),
            Field("max_context", .tokens, "Longest context the model supports."),
            Field("attention", .object(attention), "Attention settings."),
            Field("moe", .object(moe), "Mixture of experts."),
            Field("ssm", .object(ssm), "State-space layers."),
            Field("rope", .object(rope), "Rotary embedding."),
        ])

    public static let peakKeys = NumberFormat.allCases.map(\.rawValue)

    public static let device = ObjectShape(
        "device", "A device: a preset with overrides, or every figure.",
        [
            Field("preset", .text, "Start from this device preset."),
            Field("name", .text, "Name shown in reports."),
            Field("kind", .choice(DeviceKind.allCases.map(\.rawValue)), "gpu or cpu."),
            Field("memory", .bytes, "Memory capacity."),
            Field("memory_bandwidth", .bandwidth, "Memory bandwidth."),
            Field("peak", .table(keys: peakKeys, value: .flopRate), "Dense peak per number format."),
            Field("intra_node", .bandwidth, "Per-direction link bandwidth to node peers."),
            Field("inter_node", .bandwidth, "Per-direction network bandwidth per device to other nodes."),
            Field("host_memory", .bytes, "Host memory available to this device."),
            Field("host_link", .bandwidth, "Per-direction host link bandwidth."),
            Field(
                "measured", .text,
                "How peak and memory_bandwidth were measured on this device (lcplan calibrate writes it): the default compute and memory efficiencies are then 1."
            ),
        ])

    public static let efficiency = ObjectShape(
        "efficiency", "Fractions of peak that real kernels reach.",
        [
            Field("compute", .fraction, "Of dense peak FLOP/s (default 0.5; 1 for a device whose peak was measured)."),
            Field("memory", .fraction, "Of memory bandwidth (default 0.5; 1 for a device whose bandwidth was measured)."),
            Field("network", .fraction, "Of link bandwidth (default 0.7)."),
        ])

    public static let hardware = ObjectShape(
        "hardware", "The devices a plan runs on.",
        [
            Field("device", .either([.text, .object(device)]), "A device preset name or a mapping.", required: true),
            Field("count", degree, "Devices in all (default 1)."),
            Field("per_node", degree, "Devices per node (default min(count, 8) for GPUs, 1 for CPUs)."),
            Field("intra_node", .bandwidth, "Per-direction bandwidth between devices of a node."),
            Field(
                "inter_node", .bandwidth,
                "Per-direction bandwidth per device between nodes (default: the device preset's, else 25 GB/s)."),
            Field("efficiency", .object(efficiency), "Efficiency factors."),
            Field("workspace", .bytes, "Memory reserved per device for the runtime (default 1 GiB on GPUs, 256 MiB on CPUs)."),
            Field(
                "attention_kernel", .choice(AttentionKernel.allCases.map(\.rawValue)),
                "Attention kernel family whose measured efficiency prices attention: auto (FlashAttention-2 on A100, FlashAttention-3 on H100 and H200), fa2, fa3 (Hopper only) or cudnn."
            ),
        ])

    public static let kvBudget = ObjectShape(
        "budget", "Tokens each sequence keeps per attention layer (eviction): sink + window, tokens, or ratio.",
        [
            Field("sink", nonNegative, "StreamingLLM: first tokens always kept (with window)."),
            Field("window", positive, "StreamingLLM: most recent tokens kept (with sink)."),
            Field("tokens", .tokens, "A fixed budget of tokens per sequence."),
            Field("ratio", .fraction, "A fraction of each sequence's tokens (H2O: 0.2)."),
        ])

    public static let kvPrefix = ObjectShape(
        "prefix", "A prompt prefix several sequences share; its full blocks are stored once.",
        [
            Field("tokens", .tokens, "Shared prefix length.", required: true),
            Field("sequences", positive, "Sequences of a replica sharing it (default all of them)."),
        ])

    public static let kvTier = ObjectShape(
        "tier", "An offload tier below device memory.",
        [
            Field("kind", .choice(KVTierKind.allCases.map(\.rawValue)), "host, cxl or nvme.", required: true),
            Field("capacity", .bytes, "Bytes of the tier available to each device.", required: true),
            Field(
                "link", .choice(KVTierLink.allCases.map(\.rawValue)),
                "A measured link: pcie-gen5 (35.2 GB/s), pcie-gen4 (25.1 GB/s), nvlink-c2c (346 GB/s) host to device."),
            Field("bandwidth", .bandwidth, "Tier-to-device bandwidth per device (instead of link)."),
            Field("prefetch", .boolean, "Decode prefetches this tier while reading device memory (default false)."),
        ])

    public static let kvCache = ObjectShape(
        "kv_cache", "KV cache layout: format, quantization, paging, budget, prefix sharing, offload tiers.",
        [
            Field("dtype", .choice(formats), "Element format (default the workload dtype)."),
            Field("block_tokens", positive, "Tokens per paged block (default 16)."),
            Field("scheme", .choice(KVQuantScheme.allCases.map(\.rawValue)), "uniform (default), kivi or pq."),
            Field(
                "group_size", positive,
                "Elements per quantization scale (default: one head vector for int formats, 32 for kivi; per-tensor scales for fp formats)."
            ),
            Field("scale_dtype", .choice(formats), "Format of the stored scales, zero points and codebooks (default fp16)."),
            Field("zero_point", .boolean, "Each group keeps a zero point (asymmetric; default true for int formats)."),
            Field("residual", nonNegative, "kivi: recent tokens kept in full precision (default 128)."),
            Field("subvectors", positive, "pq: sub-vectors per head vector."),
            Field("code_bits", .integer(minimum: 1, maximum: 16), "pq: bits per code."),
            Field("budget", .object(kvBudget), "Eviction budget per sequence."),
            Field("prefix", .object(kvPrefix), "Shared prompt prefix."),
            Field("tiers", .list(.object(kvTier)), "Offload tiers, filled in order after device memory."),
        ])

    public static let serving = ObjectShape(
        "serving", "The serving engine whose KV admission rules the report reproduces, and its knobs.",
        [
            Field("engine", .choice(ServingEngine.allCases.map(\.rawValue)), "ideal (default), vllm or sglang."),
            Field("version", .text, "The engine release whose accounting to follow (default: vLLM 0.19, SGLang 0.5.23)."),
            Field("gpu_memory_utilization", .fraction, "vLLM: fraction of device memory the instance uses (default 0.9; 0.92 from 0.33)."),
            Field(
                "max_num_batched_tokens", positive,
                "vLLM: tokens per step and of the profiling pass (default by device: 8192 on H100/H200, 2048 on A100)."),
            Field("max_num_seqs", positive, "vLLM: sequences per step (default by device: 1024 on H100/H200, 256 on A100)."),
            Field("cudagraph_memory", .bytes, "vLLM: the CUDA-graph estimate releases from 0.21 deduct (default 0: not modelled)."),
            Field(
                "mem_fraction_static", .fraction,
                "SGLang: fraction of pre-load free memory for weights and KV pool (default: its reserve rule)."),
            Field("chunked_prefill_size", positive, "SGLang: prefill chunk in tokens (default by device memory: 8192 on 80-160 GiB)."),
            Field("block_size", positive, "Engine block (vLLM) or page (SGLang) size in tokens (default 16 / 1)."),
            Field("non_torch_memory", .bytes, "Memory outside PyTorch (CUDA context, NCCL) the engine deducts."),
        ])

    public static let lengthBucket = ObjectShape(
        "bucket", "Documents shorter than `below` (and at least the previous bucket's bound), and their share.",
        [
            Field("below", .tokens, "Upper bound of the bucket in tokens.", required: true),
            Field("share", .fraction, "Share of the documents (the shares are normalised).", required: true),
        ])

    public static let documents = ObjectShape(
        "documents", "Training: the document lengths packed into each step's sequences (one of distribution, histogram, lengths).",
        [
            Field(
                "distribution", .choice(BuiltInDistribution.allCases.map(\.rawValue)),
                "A published distribution: prolong or wlb (DistCA's data)."),
            Field("histogram", .list(.object(lengthBucket)), "Buckets in increasing order."),
            Field("lengths", .list(.tokens), "Document lengths, repeated to fill the step."),
            Field("chunk", .tokens, "ChunkFlow's chunk (default context / 4)."),
            Field("seed", .integer(minimum: 0, maximum: 1 << 30), "Seed of the deterministic draw (default 1)."),
        ])

    public static let workload = ObjectShape(
        "workload", "What runs.",
        [
            Field("mode", .choice(WorkloadMode.allCases.map(\.rawValue)), "inference or training (default inference)."),
            Field("context", .tokens, "Target context (sequence length) in tokens.", required: true),
            Field(
                "batch", positive,
                "Concurrent sequences over all replicas (default 1; serving with a throughput objective: chosen by the search when absent)."
            ),
            Field("prompt_tokens", .tokens, "Prompt length (default context - output_tokens)."),
            Field(
                "output_tokens", .tokens,
                "Generated tokens per request (default at inference 512, an assumption, at most half the context or the rest after prompt_tokens; 0 in training)."
            ),
            Field("dtype", .choice(formats), "Weight and compute format (default bf16)."),
            Field(
                "prefill_chunk", .tokens,
                "Chunked-prefill step: tokens per prefill step over a replica's sequences (vLLM max_num_batched_tokens); searched when absent."
            ),
            Field(
                "kv_cache", .either([.choice(formats), .object(kvCache)]),
                "KV cache layout, or its element format alone (`kv_cache: fp8` is `{dtype: fp8}`)."),
            Field("global_batch", positive, "Training: sequences per step (default batch)."),
            Field("micro_batch", positive, "Training: sequences per micro-batch (default 1)."),
            Field("optimizer", .choice(Optimizer.allCases.map(\.rawValue)), "Training: optimizer (default adamw)."),
            Field("zero", .integer(minimum: 0, maximum: 3), "Training: ZeRO stage (default 0)."),
            Field("recompute", .choice(Recompute.allCases.map(\.rawValue)), "Training: activation recompute (default none)."),
            Field("grad_dtype", .choice(formats), "Training: gradient format (default bf16; fp32 for Megatron main grads)."),
            Field("documents", .object(documents), "Training: variable-length documents packed into the sequences."),
        ])

    public static let plan = ObjectShape(
        "plan", "Fixed choices of the parallel layout.",
        [
            Field("tp", degree, "Tensor-parallel degree."),
            Field("pp", degree, "Pipeline-parallel degree."),
            Field("vpp", degree, "Virtual pipeline stages per device."),
            Field("dp", degree, "Data-parallel degree."),
            Field("cp", degree, "Context-parallel degree."),
            Field("cp_kind", .choice(ContextParallelKind.allCases.map(\.rawValue)), "ring, ulysses, allgather or hierarchical (a2a+p2p)."),
            Field("ep", degree, "Expert-parallel degree."),
            Field("etp", degree, "Tensor parallelism inside the experts (default tp; 1 or tp)."),
            Field(
                "attention_dp", degree,
                "Serving a mixture of experts: attention data-parallel groups inside the TP group (divides tp; attention runs on tp / attention_dp ranks, each group its own sequences and KV cache)."
            ),
            Field("sequence_parallel", .boolean, "Megatron sequence parallelism with TP."),
            Field("zero", .integer(minimum: 0, maximum: 3), "ZeRO stage."),
            Field("recompute", .choice(Recompute.allCases.map(\.rawValue)), "Activation recompute."),
            Field("micro_batch", positive, "Sequences per micro-batch."),
            Field(
                "schedule", .choice(PipelineSchedule.allCases.map(\.rawValue)),
                "Pipeline schedule: 1f1b, interleaved (vpp > 1) or dualpipe (DeepSeek-V3: even pp and micro-batches, two stages per device); default 1f1b, interleaved when vpp > 1."
            ),
        ])

    public static let search = ObjectShape(
        "search", "How the layout search chooses among the layouts `plan` leaves open.",
        [
            Field(
                "objective", .choice(SearchObjective.allCases.map(\.rawValue)),
                "throughput (default: tokens/s per device meeting the constraints), latency (shortest step or request) or devices (fewest devices)."
            ),
            Field("runners_up", .integer(minimum: 0, maximum: 50), "Layouts reported after the chosen one (default 5)."),
            Field("tp_across_nodes", .boolean, "Let a tensor-parallel group span nodes (default false)."),
            Field("tp_beyond_kv_groups", .boolean, "Let tp exceed the KV heads, replicating them (default true)."),
            Field(
                "cp_kinds", .list(.choice(ContextParallelKind.allCases.map(\.rawValue))),
                "Context-parallel kinds to consider (default all)."),
            Field("disaggregate", .boolean, "Serving: also cost separate prefill and decode pools (default true)."),
            Field(
                "pool_candidates", .integer(minimum: 1, maximum: 1_000_000_000),
                "Serving: the most pool layouts the search of separate prefill and decode pools costs (default 200000); past it the best found stands and LC405 says so."
            ),
            Field(
                "enforce", .list(.choice(EngineRules.allCases.map(\.rawValue))),
                "Engines whose start-up rules every layout must also meet (default none)."),
        ])

    public static let constraints = ObjectShape(
        "constraints", "Limits the plan must meet.",
        [
            Field("memory_headroom", .fraction, "Fraction of device memory kept free (default 0.1)."),
            Field("ttft", .duration, "Largest acceptable time to first token."),
            Field("tpot", .duration, "Largest acceptable time per output token."),
            Field("step_time", .duration, "Largest acceptable training step time."),
        ])

    public static let suppression = ObjectShape(
        "suppression", "A rule suppressed at a key path (and the keys under it), with a reason the report repeats.",
        [
            Field("rule", .text, "A rule id or name.", required: true),
            Field("key", .text, "The key path its findings are about (model.rope.theta).", required: true),
            Field("reason", .text, "Why; repeated in the report."),
        ])

    public static let expectedLayout = ObjectShape(
        "layout", "Layout keys the search is expected to keep choosing.",
        [
            Field("tp", degree, "Tensor-parallel degree."), Field("pp", degree, "Pipeline-parallel degree."),
            Field("vpp", degree, "Virtual stages."), Field("dp", degree, "Data-parallel degree (replicas)."),
            Field("cp", degree, "Context-parallel degree."),
            Field("cp_kind", .choice(ContextParallelKind.allCases.map(\.rawValue)), "Context-parallel kind."),
            Field("ep", degree, "Expert-parallel degree."), Field("etp", degree, "Expert tensor parallelism."),
            Field("attention_dp", degree, "Attention data-parallel groups (MoE serving)."),
            Field("sequence_parallel", .boolean, "Sequence parallelism."), Field("zero", .integer(minimum: 0, maximum: 3), "ZeRO stage."),
            Field("recompute", .choice(Recompute.allCases.map(\.rawValue)), "Recompute."),
            Field("micro_batch", positive, "Micro-batch."),
            Field("schedule", .choice(PipelineSchedule.allCases.map(\.rawValue)), "Pipeline schedule."),
        ])

    public static let expect = ObjectShape(
        "expect", "Assertions: each failed one is a finding with its own rule id at its line (exit 1).",
        [
            Field("fits", .boolean, "The plan fits in device memory (LC210)."),
            Field("rope_feasible", .boolean, "No RoPE hard limit is crossed; at_risk passes (LC310)."),
            Field("min_max_context", .tokens, "The longest context that fits is at least this (LC211)."),
            Field("max_ttft", .duration, "TTFT at most (LC610)."),
            Field("max_tpot", .duration, "TPOT at most (LC611)."),
            Field("max_step_time", .duration, "Training step time at most (LC612)."),
            Field("min_mfu", .fraction, "Training MFU at least (LC613)."),
            Field("max_memory_fraction", .fraction, "The most loaded device uses at most this share of its memory (LC212)."),
            Field("min_sequences", positive, "Requests at the target context held at once over all replicas (LC510)."),
            Field("layout", .object(expectedLayout), "Layout keys the search keeps choosing (LC410)."),
        ])

    public static let checks = ObjectShape(
        "checks", "How findings fail a check.",
        [
            Field("fail_on", .choice(Severity.allCases.map(\.rawValue)), "Lowest severity that fails (default error)."),
            Field(
                "suppress", .list(.either([.text, .object(suppression)])),
                "Rule ids to suppress, or {rule, key, reason} to suppress a rule at one key path."),
            Field("expect", .object(expect), "Assertions that must hold."),
            Field(
                "rope_criteria", .choice(RoPECriteriaLevel.allCases.map(\.rawValue)),
                "Literature RoPE criteria (LC302, LC303, LC306, LC308) that fail: auto (default: a note where a catalogue model documents this configuration at the context, or the criterion was not derived for the scaling in use; a warning otherwise), warning (always) or note."
            ),
        ])

    public static let conventions = ObjectShape(
        "conventions", "Counting conventions where sources disagree.",
        [
            Field(
                "attention_flops", .choice(AttentionFLOPConvention.allCases.map(\.rawValue)),
                "causal (halve QK^T and PV, as Megatron-LM) or full (as PaLM, Korthikanti 2022); default causal."),
            Field("fused_attention", .boolean, "Attention kernels that keep no s^2 scores (FlashAttention); default true."),
            Field("dropout", .boolean, "Training keeps dropout masks (Korthikanti 2022 counts them); default false."),
            Field("rope_phase_dtype", .choice(formats), "Format in which RoPE phases m x theta are formed (default fp32)."),
            Field("rope_position_dtype", .choice(formats), "Format of position ids in the phase computation (default fp32)."),
            Field(
                "rope_eps", .number(minimum: 0.000001, maximum: 0.999999),
                "Coherence threshold eps of the phase-modulation bounds (default 0.5, an assumption)."),
            Field("rope_depth", positive, "Depth N of the depth-tightened bound (default: the model's layers)."),
        ])

    public static let spec = ObjectShape(
        "spec", "An lcplan spec, version 1.",
        [
            Field("version", .integer(minimum: 1, maximum: 1), "Spec language version.", required: true),
            Field("model", .either([.text, .object(model)]), "A model preset name or a mapping.", required: true),
            Field("hardware", .object(hardware), "The hardware.", required: true),
            Field("workload", .object(workload), "The workload.", required: true),
            Field("plan", .object(plan), "Fixed layout choices."),
            Field("search", .object(search), "Layout search settings."),
            Field("serving", .object(serving), "Serving engine whose KV accounting to reproduce."),
            Field("constraints", .object(constraints), "Limits."),
            Field("checks", .object(checks), "Check settings."),
            Field("conventions", .object(conventions), "Counting conventions."),
        ])
}
