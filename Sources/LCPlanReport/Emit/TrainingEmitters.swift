import LCPlanCalculators
import LCPlanModel

/// Launch scripts for the training frameworks, from their own argument definitions (Megatron-LM core_v0.19.0
/// `megatron/training/arguments.py`; torchtitan v0.2.2 `torchtitan/config/job_config.py`; DeepSpeed 0.19.5
/// `deepspeed/runtime/config.py`; torchrun's `torch/distributed/run.py`): only flags and keys read there, and the rules each
/// checks at start-up. Every script ends its command with "$@", so a run's own arguments (data, tokenizer,
/// optimizer, checkpoints: not part of a plan) follow on the command line.
enum TrainingEmitters {
    /// Megatron-LM (`pretrain_gpt.py` under torchrun): the model's shape and the whole layout as flags.
    static func megatron(_ a: Analysis) -> EmitOutcome {
        let l = a.layout, w = a.spec.workload, m = a.spec.model
        guard let training = w.training else { return .unsupported(["Megatron-LM trains; the spec plans inference"]) }
        var problems = EngineScript.layoutProblems(a, .megatron) + modelProblems(m, engine: "Megatron-LM")
        if let rope = m.rope, m.positions == .rope, Int(rope.theta) == nil {
            problems.append("Megatron-LM's --rotary-base is an integer; the model's base is \(rope.theta)")
        }
        if let scaling = m.rope?.scaling, m.positions == .rope {
            switch scaling.type {
            case .llama3:
                // --use-rope-scaling applies Llama 3.1's low and high frequency factors, 1 and 4, from 8,192
                // tokens (Megatron-LM `apply_rope_scaling` defaults); other settings need flags it lacks.
                if (scaling.lowFreqFactor ?? 1) != 1 || (scaling.highFreqFactor ?? 4) != 4 || (scaling.originalContext ?? 8192) != 8192 {
                    problems.append(
                        "Megatron-LM's --use-rope-scaling takes only the factor (low/high frequency factors 1 and 4 from 8,192 tokens); the model's llama3 scaling differs"
                    )
                }
            case .linear where scaling.factor == scaling.factor.rounded(): break
            default:
                problems.append(
                    "Megatron-LM's flags in this release express llama3 and integer linear RoPE scaling; the model uses \(scaling.type.rawValue)"
                )
            }
        }
        let stages = EngineLayoutRules.megatronStages(layers: m.layers, pp: l.pp)
        guard problems.isEmpty else { return .unsupported(problems) }
        var s = EngineScript(engine: .megatron, analysis: a)
        s.comment("Data, tokenizer, optimizer and checkpoint arguments are the run's own: pass them after this script's name.")
        if l.tp > 1 || l.cp > 1 { s.export("CUDA_DEVICE_MAX_CONNECTIONS", "1") }
        var args: [(String, String?)] = launch(a, &s)
        args.append(("pretrain_gpt.py", nil))
        args += [
            ("--num-layers", "\(m.layers)"), ("--hidden-size", "\(m.hidden)"),
            ("--ffn-hidden-size", "\(m.ffn > 0 ? m.ffn : m.moe?.expertFfn ?? 4 * m.hidden)"),
            ("--num-attention-heads", "\(m.heads)"),
        ]
        if m.attention.kind == .mla, let mla = m.attention.mla {
            args.append(("--multi-latent-attention", nil))
            if let q = mla.qLoraRank { args.append(("--q-lora-rank", "\(q)")) }
            args += [
                ("--kv-lora-rank", "\(mla.kvLoraRank)"), ("--qk-head-dim", "\(mla.qkNopeHeadDim)"),
                ("--qk-pos-emb-head-dim", "\(mla.qkRopeHeadDim)"), ("--v-head-dim", "\(mla.vHeadDim)"),
            ]
        } else {
            if m.kvHeads < m.heads { args += [("--group-query-attention", nil), ("--num-query-groups", "\(m.kvHeads)")] }
            args.append(("--kv-channels", "\(m.headDim)"))
        }
        args += [("--seq-length", "\(w.context)"), ("--max-position-embeddings", "\(max(w.context, m.maxContext))")]
        if m.ffnKind == .gated { args.append(("--swiglu", nil)) }
        args.append(("--normalization", m.norm == .layernorm ? "LayerNorm" : "RMSNorm"))
        if !m.linearBias { args.append(("--disable-bias-linear", nil)) }
        if !m.tiedEmbeddings { args.append(("--untie-embeddings-and-output-weights", nil)) }
        if m.positions == .rope, let rope = m.rope {
            args += [("--position-embedding-type", "rope"), ("--rotary-base", rope.theta)]
            if rope.rotaryDim != m.headDim {
                args.append(("--rotary-percent", String(Double(rope.rotaryDim) / Double(m.headDim))))
            }
            if let scaling = rope.scaling {
                if scaling.type == .llama3 {
                    args += [("--use-rope-scaling", nil), ("--rope-scaling-factor", String(scaling.factor))]
                } else {
                    args.append(("--rotary-seq-len-interpolation-factor", "\(Int(scaling.factor))"))
                }
            }
        } else {
            args.append(("--position-embedding-type", m.positions == .learned ? "learned_absolute" : "none"))
        }
        if let moe = m.moe {
            args += [
                ("--num-experts", "\(moe.experts)"), ("--moe-router-topk", "\(moe.active)"), ("--moe-ffn-hidden-size", "\(moe.expertFfn)"),
            ]
        }
        args += [("--tensor-model-parallel-size", "\(l.tp)"), ("--pipeline-model-parallel-size", "\(l.pp)")]
        if l.vpp > 1 { args.append(("--num-virtual-stages-per-pipeline-rank", "\(l.vpp)")) }
        if let (first, last) = stages, m.layers % l.pp != 0 {
            args += [("--decoder-first-pipeline-num-layers", "\(first)"), ("--decoder-last-pipeline-num-layers", "\(last)")]
        }
        if l.cp > 1 {
            // TransformerEngine accepts p2p, all_gather, a2a and a2a+p2p (engines.md part 2, 1.3).
            let kinds: [ContextParallelKind: String] = [.ring: "p2p", .ulysses: "a2a", .allgather: "all_gather", .hierarchical: "a2a+p2p"]
            args += [("--context-parallel-size", "\(l.cp)"), ("--cp-comm-type", kinds[l.cpKind] ?? "p2p")]
            if l.cpKind == .hierarchical, let split = ContextParallelKind.hierarchicalSplit(cp: l.cp, tp: l.tp, model: m) {
                args.append(("--hierarchical-context-parallel-sizes", "\(split.a2a) \(split.p2p)"))
            }
        }
        // The user guide asks for sequence parallelism whenever TP and EP combine.
        if l.tp > 1 && (l.sequenceParallel || l.ep > 1) { args.append(("--sequence-parallel", nil)) }
        if l.ep > 1 {
            args += [("--expert-model-parallel-size", "\(l.ep)"), ("--expert-tensor-parallel-size", "\(l.etp)")]
            // The expert dispatch the plan costs is an all-to-all (engines.md part 2, 5.1: the usual EP choice).
            args.append(("--moe-token-dispatcher-type", "alltoall"))
        }
        if l.zero == 1 { args.append(("--use-distributed-optimizer", nil)) }
        // The plan hides the data-parallel gradient reduction behind the backward pass, and the distributed
        // optimizer's parameter all-gather behind the forward: the flags that do so (engines.md part 2, 5.1;
        // --overlap-param-gather needs the distributed optimizer and --overlap-grad-reduce).
        if l.dp * l.cp > 1 {
            args.append(("--overlap-grad-reduce", nil))
            if l.zero == 1 { args.append(("--overlap-param-gather", nil)) }
        }
        switch l.recompute {
        case .full:
            args += [("--recompute-granularity", "full"), ("--recompute-method", "uniform"), ("--recompute-num-layers", "1")]
        case .selective: args.append(("--recompute-granularity", "selective"))
        case .none: break
        }
        args += [("--micro-batch-size", "\(l.microBatch)"), ("--global-batch-size", "\(training.globalBatch)")]
        switch w.dtype {
        case .fp16: args.append(("--fp16", nil))
        case .fp8, .fp8e4m3, .fp8e5m2: args += [("--bf16", nil), ("--fp8-format", "hybrid")]
        default: args.append(("--bf16", nil))
        }
        args.append((ShellWord.passThrough, nil))
        s.command("torchrun", args)
        return .script(s.text)
    }

    /// torchtitan v0.2.2: a TOML job file and the torchrun line that reads it. Models are registered
    /// flavors, so only the Llama 3 family's 8B, 70B and 405B map.
    static func torchtitan(_ a: Analysis) -> EmitOutcome {
        let l = a.layout, w = a.spec.workload, m = a.spec.model
        guard let training = w.training else { return .unsupported(["torchtitan trains; the spec plans inference"]) }
        var problems = EngineScript.layoutProblems(a, .torchtitan)
        let flavor = llama3Flavor(m)
        if flavor == nil {
            problems.append(
                "torchtitan builds models from registered flavors; lcplan maps the Llama 3 family's 8B, 70B and 405B, not \(m.name)")
        }
        guard problems.isEmpty, let flavor else { return .unsupported(problems) }
        var s = EngineScript(engine: .torchtitan, analysis: a)
        if l.zero == 1 || l.zero == 2 {
            s.comment(
                "ZeRO-\(l.zero) maps to FSDP2 sharding without resharding after forward (ZeRO-2-like): torchtitan has no optimizer-only sharding, so memory is at or below the plan's."
            )
        }
        if l.tp > 1 && !l.sequenceParallel {
            s.comment("torchtitan's tensor parallelism always shards norms by sequence: memory is at or below the plan's.")
        }
        let repository = EngineScript.huggingFaceRepository(m) ?? m.name
        let assets = "./assets/hf/" + (repository.split(separator: "/").last.map(String.init) ?? repository)
        var toml = ["[model]", "name = \"llama3\"", "flavor = \"\(flavor)\"", "hf_assets_path = " + ShellWord.tomlString(assets)]
        if w.dtype.bits == 8 { toml.append("converters = [\"quantize.linear.float8\"]") }
        toml += [
            // Without pipelining a rank's local batch is one micro-batch (the rest is gradient accumulation);
            // with it, the local batch is split into pipeline micro-batches.
            "", "[training]", "local_batch_size = \(l.pp > 1 ? training.globalBatch / l.dp : l.microBatch)",
            "global_batch_size = \(training.globalBatch)",
            "seq_len = \(w.context)", "mixed_precision_param = \"\(w.dtype == .fp32 ? "float32" : "bfloat16")\"",
            "mixed_precision_reduce = \"float32\"",
        ]
        let replicate = l.zero == 0 ? l.dp : 1, shard = l.zero == 0 ? 1 : l.dp
        toml += [
            "", "[parallelism]", "data_parallel_replicate_degree = \(replicate)", "data_parallel_shard_degree = \(shard)",
        ]
        if l.zero == 1 || l.zero == 2 { toml.append("fsdp_reshard_after_forward = \"never\"") }
        toml += ["tensor_parallel_degree = \(l.tp)", "pipeline_parallel_degree = \(l.pp)"]
        if l.pp > 1 {
            toml.append("pipeline_parallel_schedule = \"\(l.vpp > 1 ? "Interleaved1F1B" : "1F1B")\"")
            if l.vpp > 1, let chunk = Layout.virtualStageLayers(layers: m.layers, pp: l.pp, vpp: l.vpp) {
                // Chunks of the largest stage's layers / vpp; the ends' shortfall (uneven stages) comes out of the
                // first and last chunk: ceil((layers + first_less + last_less) / chunk) = pp x vpp stages.
                let largest = Layout.largestStage(layers: m.layers, pp: l.pp)
                let first = l.stageLayers(0, of: m.layers).count, last = l.stageLayers(l.pp - 1, of: m.layers).count
                toml += [
                    "pipeline_parallel_layers_per_stage = \(chunk)",
                    "pipeline_parallel_first_stage_less_layers = \(largest - first)",
                    "pipeline_parallel_last_stage_less_layers = \(largest - last)",
                ]
            }
            toml.append("pipeline_parallel_microbatch_size = \(l.microBatch)")
        }
        toml.append("context_parallel_degree = \(l.cp)")
        if l.cp > 1 {
            // PyTorch's names are the other way round from lcplan's: "alltoall" passes K/V shards to the next
            // rank (the ring), "allgather" gathers every rank's K/V at once (engines.md part 2, 6.1).
            toml.append("context_parallel_rotate_method = \"\(l.cpKind == .allgather ? "allgather" : "alltoall")\"")
        }
        if l.ep > 1 { toml += ["expert_parallel_degree = \(l.ep)", "expert_tensor_parallel_degree = \(l.etp)"] }
        toml += ["", "[activation_checkpoint]", "mode = \"\(l.recompute.rawValue)\""]
        if l.recompute == .selective { toml.append("selective_ac_option = \"op\"") }
        s.file("lcplan-torchtitan.toml", toml)
        var args = launch(a, &s)
        args += [("-m", "torchtitan.train"), ("--job.config_file", "lcplan-torchtitan.toml"), (ShellWord.passThrough, nil)]
        s.command("torchrun", args)
        return .script(s.text)
    }

    /// DeepSpeed: the JSON config for ZeRO data parallelism and DeepSpeed-Ulysses sequence parallelism.
    /// Tensor and pipeline parallelism need Megatron-DeepSpeed's own flags (and Ulysses does not combine
    /// with them), so layouts with tp or pp above 1 are refused.
    static func deepspeed(_ a: Analysis) -> EmitOutcome {
        let l = a.layout, w = a.spec.workload
        guard let training = w.training else { return .unsupported(["DeepSpeed trains; the spec plans inference"]) }
        let problems = EngineScript.layoutProblems(a, .deepspeed)
        guard problems.isEmpty else { return .unsupported(problems) }
        var s = EngineScript(engine: .deepspeed, analysis: a)
        s.comment("Pass the config to the training script: --deepspeed --deepspeed_config lcplan-deepspeed.json")
        if l.recompute == .full {
            s.comment(
                "Full recompute: the model must checkpoint its layers (deepspeed.checkpointing.checkpoint, or Hugging Face gradient_checkpointing_enable()); the config alone does not turn it on."
            )
        }
        var json = [
            "{", "  \"train_batch_size\": \(training.globalBatch),",
            "  \"train_micro_batch_size_per_gpu\": \(l.microBatch),",
            "  \"gradient_accumulation_steps\": \(training.globalBatch / (l.microBatch * l.dp)),",
            "  \"zero_optimization\": {\"stage\": \(l.zero)},",
        ]
        json.append(w.dtype == .fp16 ? "  \"fp16\": {\"enabled\": true}" : "  \"bf16\": {\"enabled\": true}")
        if l.cp > 1 {
            json[json.count - 1] += ","
            json += ["  \"sequence_parallel_size\": \(l.cp),", "  \"data_parallel_size\": \(l.dp)"]
        }
        json.append("}")
        s.file("lcplan-deepspeed.json", json)
        return .script(s.text)
    }

    /// torchrun's process grid: devices per node and nodes. Over several nodes, the static rendezvous
    /// (torchrun's default, engines.md part 2, 1.2): the same node count, workers per node and master
    /// address and port on every node, and each node's own rank, from the script's node preamble; torchrun
    /// reads none of NNODES, NODE_RANK, MASTER_ADDR or MASTER_PORT itself, so they are passed as flags.
    static func launch(_ a: Analysis, _ s: inout EngineScript) -> [(String, String?)] {
        let devices = a.layout.devices, perNode = min(a.spec.hardware.perNode, devices)
        let nodes = (devices + perNode - 1) / perNode
        guard nodes > 1 else { return [("--nproc_per_node", "\(perNode)"), ("--nnodes", "1")] }
        s.nodes(nodes, port: 29500)
        return [
            ("--nproc_per_node", "\(perNode)"), ("--nnodes", "\(nodes)"), ("--node_rank", ShellWord.nodeRank),
            ("--master_addr", ShellWord.masterAddress), ("--master_port", ShellWord.masterPort),
        ]
    }

    /// Model features the framework's flags in engines.md cannot express.
    static func modelProblems(_ m: ModelSpec, engine: String) -> [String] {
        var problems: [String] = []
        if m.attention.window != nil || m.attention.pattern != nil {
            problems.append("\(engine)'s flags in this release have no sliding-window or per-layer attention pattern")
        }
        if m.ssm != nil { problems.append("\(engine)'s GPT model has no state-space layers") }
        if m.qkvBias { problems.append("\(engine)'s flags lcplan follows have no QKV bias") }
        if m.qkNorm { problems.append("\(engine)'s flags lcplan follows have no QK norm") }
        if m.ffnKind == .gated && m.activation != "silu" {
            problems.append("\(engine)'s gated MLP is SwiGLU; the model's activation is \(m.activation)")
        }
        if let moe = m.moe, moe.shared > 0 || moe.denseLayers > 0 || moe.every > 1 {
            problems.append("\(engine)'s MoE flags lcplan follows have no shared experts, dense layers or MoE interleaving")
        }
        return problems
    }

    /// torchtitan's llama3 flavor of a Llama 3 model, by shape (torchtitan `models/llama3/__init__.py`).
    static func llama3Flavor(_ m: ModelSpec) -> String? {
        guard m.vocab == 128_256, m.ffnKind == .gated, m.positions == .rope, m.kvHeads == 8, !m.tiedEmbeddings else { return nil }
        switch (m.layers, m.hidden, m.heads) {
        case (32, 4096, 32): return "8B"
        case (80, 8192, 64): return "70B"
        case (126, 16384, 128): return "405B"
        default: return nil
        }
    }
}
