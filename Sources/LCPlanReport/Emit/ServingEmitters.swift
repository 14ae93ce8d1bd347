import LCPlanCalculators
import LCPlanModel

/// Launch scripts for the serving engines, from their own argument definitions (vLLM 0.33.0
/// `vllm/engine/arg_utils.py` and `vllm/config/*.py`; SGLang 0.5.23 `python/sglang/srt/server_args.py`;
/// TensorRT-LLM 1.x `tensorrt_llm/commands/serve.py` and `llmapi/llm_args.py`): only flags and keys read
/// there, and the layout rules each engine enforces at start-up.
enum ServingEmitters {
    /// vLLM (`vllm serve`): TP, PP, replicas (`--data-parallel-size`), prefill context parallelism (adds
    /// ranks, as lcplan's cp does), expert parallelism (its size is implied: TP x PCP x DP, so lcplan's ep
    /// must span every replica and context-parallel rank). With separate pools, one server per pool, joined
    /// by a KV connector (`--kv-transfer-config`).
    static func vllm(_ a: Analysis, pools: DisaggregatedServing?, connector: String) -> EmitOutcome {
        let w = a.spec.workload
        let servers = Server.all(a, pools: pools)
        var problems = servers.flatMap { $0.problems(a, .vllm) }
        let kvCacheDtype = kvFlag(w.kvCache.dtype, weights: w.dtype, fp8: "fp8", engine: "vLLM", problems: &problems)
        // --nnodes: the world (DP x PP x TP x PCP) must divide evenly over the nodes (engines.md part 2, 2.2).
        let perNode = max(a.spec.hardware.perNode, 1)
        if servers.count == 1, let l = servers.first?.layout, l.devices > perNode, l.devices % ((l.devices + perNode - 1) / perNode) != 0 {
            problems.append(
                "vLLM spreads one server's \(l.devices) ranks evenly over its nodes; \((l.devices + perNode - 1) / perNode) nodes of \(perNode) do not divide them"
            )
        }
        guard problems.isEmpty else { return .unsupported(problems) }
        var s = EngineScript(engine: .vllm, analysis: a, pools: pools)
        for server in servers {
            let l = server.layout, prefix = server.pool.map { "The \($0.rawValue) pool: " } ?? ""
            if l.ep > 1 {
                s.comment(
                    prefix
                        + "vLLM spreads the experts over all tp x dp = \(l.tp * l.dp * l.cp) ranks without expert tensor parallelism; the plan's ep \(l.ep) x expert tp \(l.etp) holds the same expert bytes per device."
                )
            }
            // Attention data parallelism (engines.md part 4): vLLM runs each data-parallel rank's attention with
            // its own tensor parallelism and spreads the experts over every rank (--enable-expert-parallel).
            if l.attentionDP > 1 {
                s.comment(
                    prefix
                        + "Attention data parallelism \(l.attentionDP): vLLM's data-parallel ranks of tp \(l.attentionTP) run attention on their own requests, and --enable-expert-parallel spreads the experts over all \(l.tp * l.dp) ranks; its other dense layers (embeddings, output, any dense MLP) are split over tp \(l.attentionTP) rather than the plan's \(l.tp)."
                )
            }
        }
        if pools != nil {
            s.comment(
                connector == Emitter.defaultConnector
                    ? "KV connector NixlConnector (--kv-transfer-config, role kv_both on both servers, as vLLM's disaggregated-prefill guide starts them): the connector name is unverified, as lcplan's engines reference lists the config's keys and roles but no connector; `lcplan emit --kv-connector NAME` names another."
                    : "KV connector \(connector) (named by --kv-connector): the prefill server takes the role kv_producer, the decode server kv_consumer (--kv-transfer-config)."
            )
        }
        preamble(&s, a, engine: "vLLM", longContextVariable: "VLLM_ALLOW_LONG_MAX_MODEL_LEN")
        // With `serving.engine: vllm` the knobs whose accounting the report reproduced; otherwise the plan's.
        let serving = a.spec.serving.engine == .vllm ? a.spec.serving : nil
        let engine = a.kvLayout?.engine
        s.servers(servers, multiNode: .vllm) { server in
            let l = server.layout, groups = l.attentionDP
            var args: [(String, String?)] = [
                ("--tensor-parallel-size", "\(l.attentionTP)"), ("--pipeline-parallel-size", "\(l.pp)"),
            ]
            if l.dp * groups > 1 { args.append(("--data-parallel-size", "\(l.dp * groups)")) }
            if l.cp > 1 { args.append(("--prefill-context-parallel-size", "\(l.cp)")) }
            if l.ep > 1 || groups > 1 { args.append(("--enable-expert-parallel", nil)) }
            args += [("--max-model-len", "\(w.context)"), ("--dtype", torchDtype(w.dtype))]
            if let kvCacheDtype { args.append(("--kv-cache-dtype", kvCacheDtype)) }
            // Per data-parallel rank: a replica's sequences over its attention groups (the aggregated server
            // takes the spec's max_num_seqs when it names one).
            let sequences = (server.pool == nil ? serving?.maxNumSeqs : nil) ?? (server.sequencesPerReplica + groups - 1) / groups
            args += [
                ("--block-size", "\(serving != nil ? engine?.blockSize ?? w.kvCache.blockTokens : w.kvCache.blockTokens)"),
                (
                    "--gpu-memory-utilization",
                    EngineScript.fraction(serving != nil ? engine?.fraction ?? 0.9 : 1 - a.spec.constraints.memoryHeadroom)
                ),
                ("--max-num-seqs", "\(sequences)"),
            ]
            if let chunk = serving?.maxNumBatchedTokens ?? l.prefillChunk { args.append(("--max-num-batched-tokens", "\(chunk)")) }
            if let pool = server.pool {
                let role = connector == Emitter.defaultConnector ? "kv_both" : (pool == .prefill ? "kv_producer" : "kv_consumer")
                args.append(("--kv-transfer-config", "{\"kv_connector\":\"\(connector)\",\"kv_role\":\"\(role)\"}"))
            }
            args.append((ShellWord.passThrough, nil))
            return ("vllm serve \"$MODEL\"", args)
        }
        return .script(s.text)
    }

    /// SGLang (`python -m sglang.launch_server`): TP, PP and replicas (`--dp-size`). Its attention context
    /// parallelism and expert parallelism subdivide the TP group, so a plan whose context- or
    /// expert-parallel ranks are further devices cannot be launched as planned. With separate pools, one
    /// server per pool started in its disaggregation mode.
    static func sglang(_ a: Analysis, pools: DisaggregatedServing?) -> EmitOutcome {
        let w = a.spec.workload
        let servers = Server.all(a, pools: pools)
        var problems = servers.flatMap { $0.problems(a, .sglang) }
        let kvCacheDtype = kvFlag(w.kvCache.dtype, weights: w.dtype, fp8: "fp8_e4m3", engine: "SGLang", problems: &problems)
        // A multi-node server is one replica, its tp x pp divisible by the nodes (engines.md part 2, 3.2); SGLang
        // rejects data-parallel replicas across nodes, so replicas that each fit a node run as one server per
        // node with that node's replicas.
        let perNode = max(a.spec.hardware.perNode, 1)
        var multiNode = EngineScript.MultiNode.sglang
        var localReplicas: Int? = nil
        if servers.count == 1, let l = servers.first?.layout, l.devices > perNode {
            let nodes = (l.devices + perNode - 1) / perNode, replica = l.devices / max(l.dp, 1)
            if l.dp > 1 {
                if replica <= perNode, perNode % replica == 0, l.devices % perNode == 0 {
                    localReplicas = perNode / replica
                    multiNode = .replicasPerNode(perNode / replica)
                } else {
                    problems.append(
                        "SGLang 0.5.23 rejects data-parallel replicas across nodes (use attention DP, --attn-dp-size); the plan's dp \(l.dp) replicas of \(replica) devices do not fill whole nodes of \(perNode)"
                    )
                }
            } else if (l.tp * l.pp) % nodes != 0 {
                problems.append("SGLang needs tp x pp (\(l.tp * l.pp)) divisible by the \(nodes) nodes")
            }
        }
        guard problems.isEmpty else { return .unsupported(problems) }
        var s = EngineScript(engine: .sglang, analysis: a, pools: pools)
        if pools != nil {
            s.comment(
                "--disaggregation-mode prefill|decode: unverified, as lcplan's engines reference lists no disaggregation flags for SGLang 0.5.23; the KV transfer backend is SGLang's default (set --disaggregation-transfer-backend after the pool name to choose another)."
            )
        }
        preamble(&s, a, engine: "SGLang", longContextVariable: "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN")
        // With `serving.engine: sglang` the knobs whose accounting the report reproduced; otherwise the plan's.
        let serving = a.spec.serving.engine == .sglang ? a.spec.serving : nil
        let page = serving != nil ? a.kvLayout?.engine?.blockSize ?? w.kvCache.blockTokens : w.kvCache.blockTokens
        s.servers(servers, multiNode: multiNode) { server in
            let l = server.layout
            var args: [(String, String?)] = [("--model-path", ShellWord.model), ("--tp-size", "\(l.tp)"), ("--pp-size", "\(l.pp)")]
            let replicas = servers.count == 1 ? localReplicas ?? l.dp : l.dp
            if replicas > 1 { args.append(("--dp-size", "\(replicas)")) }
            // 0.5.23 spells attention data parallelism --attn-dp-size (--enable-dp-attention is deprecated; engines.md 2).
            if l.attentionDP > 1 { args.append(("--attn-dp-size", "\(l.attentionDP)")) }
            args += [("--context-length", "\(w.context)"), ("--dtype", torchDtype(w.dtype))]
            if let kvCacheDtype { args.append(("--kv-cache-dtype", kvCacheDtype)) }
            args += [("--page-size", "\(page)"), ("--max-running-requests", "\(server.sequencesPerReplica)")]
            if let fraction = serving?.memFractionStatic { args.append(("--mem-fraction-static", UnitFormat.fixed(fraction, decimals: 3))) }
            if let chunk = serving?.chunkedPrefillSize ?? l.prefillChunk { args.append(("--chunked-prefill-size", "\(chunk)")) }
            if let pool = server.pool { args.append(("--disaggregation-mode", pool.rawValue)) }
            args.append((ShellWord.passThrough, nil))
            return ("python -m sglang.launch_server", args)
        }
        return .script(s.text)
    }

    /// TensorRT-LLM (`trtllm-serve` with an `--extra_llm_api_options` YAML): TP, PP, CP (ring or Ulysses),
    /// one server per replica. The YAML's `kv_cache_config` replaces the one the flags build, so the memory
    /// fraction goes there; with context parallelism the engine skips its KV profiling, so the plan's KV
    /// tokens per device are set as `max_tokens`.
    static func trtllm(_ a: Analysis, pools: DisaggregatedServing?) -> EmitOutcome {
        let l = a.layout, w = a.spec.workload
        if pools != nil {
            return .unsupported([
                "the plan's separate prefill and decode pools need TensorRT-LLM's disaggregated serving, whose launch (trtllm-serve disaggregated and its context and generation server config) lcplan's engines reference does not list; `lcplan emit --aggregated` launches the aggregated layout"
            ])
        }
        var problems = EngineScript.layoutProblems(a, .trtllm)
        if w.context > a.spec.model.maxContext {
            problems.append(
                "TensorRT-LLM clamps max_seq_len to the model's max_position_embeddings (\(a.spec.model.maxContext)); the plan's context is \(w.context)"
            )
        }
        // kv_cache_config.dtype: auto (the checkpoint's format) or fp8.
        var kvDtype: String? = nil
        switch w.kvCache.dtype {
        case .fp8, .fp8e4m3: kvDtype = "fp8"
        case .bf16, .fp16: kvDtype = nil
        default:
            problems.append("TensorRT-LLM's kv_cache_config.dtype takes auto or fp8; the plan's KV cache is \(w.kvCache.dtype.rawValue)")
        }
        guard problems.isEmpty else { return .unsupported(problems) }
        var s = EngineScript(engine: .trtllm, analysis: a)
        weightsComment(w.dtype, into: &s)
        if l.dp > 1 { s.comment("The plan has \(l.dp) replicas: run this script once per replica (TensorRT-LLM has no replica flag).") }
        s.modelVariable(a.spec.model)
        var yaml = ["kv_cache_config:", "  free_gpu_memory_fraction: \(EngineScript.fraction(1 - a.spec.constraints.memoryHeadroom))"]
        if let kvDtype { yaml.append("  dtype: \(kvDtype)") }
        yaml.append("  tokens_per_block: \(w.kvCache.blockTokens)")
        if l.cp > 1 {
            let tokens = ((w.context + l.cp - 1) / l.cp).saturatingMultiplied(by: a.evaluation.sequencesPerReplica)
            yaml.append("  max_tokens: \(tokens)")
        }
        let budget = l.prefillChunk ?? 8192
        if w.promptTokens > budget { yaml.append("enable_chunked_prefill: true") }
        if l.cp > 1 {
            yaml += ["context_parallel_size: \(l.cp)", "cp_config:", "  cp_type: \(l.cpKind == .ulysses ? "ULYSSES" : "RING")"]
        }
        if l.attentionDP > 1 { yaml.append("enable_attention_dp: true") }
        s.file("lcplan-trtllm.yaml", yaml)
        var args: [(String, String?)] = [("--backend", "pytorch"), ("--tp_size", "\(l.tp)"), ("--pp_size", "\(l.pp)")]
        if l.cp > 1 { args.append(("--cp_size", "\(l.cp)")) }
        args += [("--max_seq_len", "\(w.context)"), ("--max_batch_size", "\(a.evaluation.sequencesPerReplica)")]
        if let chunk = l.prefillChunk { args.append(("--max_num_tokens", "\(chunk)")) }
        args += [("--extra_llm_api_options", "lcplan-trtllm.yaml"), (ShellWord.passThrough, nil)]
        s.command("trtllm-serve \"$MODEL\"", args)
        return .script(s.text)
    }

    /// What a serving script states before its command: how quantized weights load, the variable that lets
    /// the engine serve past the model's max_position_embeddings when the plan does (engines.md 1.4, 2.4),
    /// and the checkpoint.
    static func preamble(_ s: inout EngineScript, _ a: Analysis, engine: String, longContextVariable: String) {
        weightsComment(a.spec.workload.dtype, into: &s)
        if a.spec.workload.context > a.spec.model.maxContext {
            s.comment(
                "The context exceeds the model's max_position_embeddings (\(a.spec.model.maxContext)); \(engine) refuses it unless told otherwise."
            )
            s.export(longContextVariable, "1")
        }
        s.modelVariable(a.spec.model)
    }

    /// The `--dtype` value for a weight format: the 16- and 32-bit formats by name; quantized formats load
    /// from a quantized checkpoint (`auto`).
    static func torchDtype(_ format: NumberFormat) -> String {
        switch format {
        case .bf16: return "bfloat16"
        case .fp16: return "float16"
        case .fp32, .tf32: return "float32"
        default: return "auto"
        }
    }

    static func weightsComment(_ format: NumberFormat, into s: inout EngineScript) {
        guard format.bits < 16 else { return }
        s.comment(
            "Weights in \(format.rawValue): load a checkpoint quantized to \(format.rawValue); its quantization_config names the method (no --quantization flag is set here)."
        )
    }

    /// The KV-cache dtype flag value: nil when the cache is stored in the model's 16-bit format (`auto`), the
    /// engine's fp8 spelling for fp8, a problem otherwise.
    static func kvFlag(
        _ cache: NumberFormat, weights: NumberFormat, fp8: String, engine: String, problems: inout [String]
    ) -> String? {
        switch cache {
        case .fp8, .fp8e4m3: return fp8
        case .fp8e5m2: return "fp8_e5m2"
        case .bf16, .fp16:
            if weights == cache || weights.bits < 16 { return nil }
            problems.append(
                "\(engine) stores a 16-bit KV cache in the model's dtype (\(weights.rawValue)); the plan's is \(cache.rawValue)")
            return nil
        default:
            problems.append("\(engine) has no portable \(cache.rawValue) KV-cache dtype in the release lcplan follows")
            return nil
        }
    }
}
