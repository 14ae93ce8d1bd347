import Foundation
import Testing

/// `lcplan emit`: every flag and key it writes is one the engine has, at the release engines.md read
/// (the lists below are copied from ../shared/reference/engines.md's flag and key tables, and checked
/// against that file when it is beside the clone); plans an engine cannot run exit 1 with the reason.
struct EmitTests {
    /// engines.md 1.1 (vLLM 0.33.0 `vllm serve` flags).
    static let vllm: Set<String> = [
        "--tensor-parallel-size", "--pipeline-parallel-size", "--data-parallel-size", "--enable-expert-parallel",
        "--decode-context-parallel-size", "--prefill-context-parallel-size", "--max-model-len", "--dtype", "--quantization",
        "--kv-cache-dtype", "--block-size", "--gpu-memory-utilization", "--max-num-seqs", "--max-num-batched-tokens",
        "--enable-chunked-prefill", "--enable-prefix-caching", "--hf-overrides", "--kv-transfer-config",
        // engines.md part 2, 2.1: the mp backend's multi-node flags.
        "--nnodes", "--node-rank", "--master-addr", "--master-port", "--headless",
    ]
    /// engines.md 2.1 (SGLang 0.5.23 `python -m sglang.launch_server` flags).
    static let sglang: Set<String> = [
        "--model-path", "--tp-size", "--pp-size", "--dp-size", "--attn-dp-size", "--ep-size", "--attn-cp-size", "--dcp-size",
        "--context-length", "--dtype", "--quantization", "--kv-cache-dtype", "--page-size", "--mem-fraction-static",
        "--chunked-prefill-size", "--max-prefill-tokens", "--max-running-requests", "--max-total-tokens",
        // engines.md part 2, 3.1: multi-node flags.
        "--nnodes", "--node-rank", "--dist-init-addr",
    ]
    /// engines.md 3.1 (`trtllm-serve` flags) and 3.2 (the `--extra_llm_api_options` YAML keys, top level
    /// and under kv_cache_config / cp_config).
    static let trtllm: Set<String> = [
        "--backend", "--tp_size", "--pp_size", "--cp_size", "--ep_size", "--max_seq_len", "--max_num_tokens", "--max_batch_size",
        "--kv_cache_free_gpu_memory_fraction", "--enable_chunked_prefill", "--extra_llm_api_options",
    ]
    static let trtllmYAML: Set<String> = [
        "kv_cache_config", "free_gpu_memory_fraction", "max_tokens", "dtype", "tokens_per_block", "enable_block_reuse",
        "enable_chunked_prefill", "context_parallel_size", "cp_config", "cp_type", "enable_attention_dp",
    ]
    /// engines.md part 2, 1.1 (Megatron-LM core_v0.19.0 flags), and torchrun's process grid.
    static let megatron: Set<String> = [
        "--nproc_per_node", "--nnodes", "--node_rank", "--master_addr", "--master_port", "--tensor-model-parallel-size",
        "--pipeline-model-parallel-size",
        "--num-virtual-stages-per-pipeline-rank", "--decoder-first-pipeline-num-layers", "--decoder-last-pipeline-num-layers",
        "--context-parallel-size", "--cp-comm-type", "--hierarchical-context-parallel-sizes", "--sequence-parallel",
        "--expert-model-parallel-size",
        "--expert-tensor-parallel-size", "--recompute-granularity", "--recompute-method", "--recompute-num-layers",
        "--use-distributed-optimizer", "--seq-length", "--max-position-embeddings", "--micro-batch-size", "--global-batch-size",
        "--position-embedding-type", "--rotary-base", "--rotary-percent", "--rotary-seq-len-interpolation-factor",
        "--use-rope-scaling", "--rope-scaling-factor", "--bf16", "--fp16", "--fp8-format", "--num-layers", "--hidden-size",
        "--ffn-hidden-size", "--num-attention-heads", "--group-query-attention", "--num-query-groups", "--kv-channels",
        "--untie-embeddings-and-output-weights", "--swiglu", "--normalization", "--disable-bias-linear", "--num-experts",
        "--moe-router-topk", "--moe-ffn-hidden-size", "--multi-latent-attention", "--q-lora-rank", "--kv-lora-rank",
        "--qk-head-dim", "--qk-pos-emb-head-dim", "--v-head-dim",
        // engines.md part 2, 5.1: the overlap and dispatcher flags.
        "--overlap-grad-reduce", "--overlap-param-gather", "--moe-token-dispatcher-type",
    ]
    /// engines.md part 2, 2.1 (torchtitan v0.2.2 TOML keys, as section.key).
    static let torchtitan: Set<String> = [
        "model.name", "model.flavor", "model.hf_assets_path", "model.converters", "training.local_batch_size",
        "training.global_batch_size", "training.seq_len", "training.mixed_precision_param", "training.mixed_precision_reduce",
        "parallelism.data_parallel_replicate_degree", "parallelism.data_parallel_shard_degree",
        "parallelism.fsdp_reshard_after_forward", "parallelism.tensor_parallel_degree", "parallelism.pipeline_parallel_degree",
        "parallelism.pipeline_parallel_schedule", "parallelism.pipeline_parallel_layers_per_stage",
        "parallelism.pipeline_parallel_first_stage_less_layers", "parallelism.pipeline_parallel_last_stage_less_layers",
        "parallelism.pipeline_parallel_microbatch_size", "parallelism.context_parallel_degree",
        "parallelism.context_parallel_rotate_method", "parallelism.expert_parallel_degree",
        "parallelism.expert_tensor_parallel_degree", "activation_checkpoint.mode", "activation_checkpoint.selective_ac_option",
    ]
    /// engines.md part 2, 3.1 (DeepSpeed JSON keys).
    static let deepspeed: Set<String> = [
        "train_batch_size", "train_micro_batch_size_per_gpu", "gradient_accumulation_steps", "zero_optimization", "stage",
        "bf16", "fp16", "enabled", "sequence_parallel_size", "data_parallel_size",
    ]

    static let reference = CLI.packageRoot + "/../shared/reference/engines.md"

    /// The `--flags` of a script's command (not its comments or here-documents).
    static func flags(_ script: String) -> [String] {
        var inFile = false
        var found: [String] = []
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("cat > ") { inFile = true; continue }
            if line == "LCPLAN_EOF" { inFile = false; continue }
            if inFile || line.hasPrefix("#") { continue }
            for word in line.split(separator: " ") where word.hasPrefix("--") { found.append(String(word)) }
        }
        return found
    }

    /// The lines of the here-document that writes `file`.
    static func file(_ script: String, _ name: String) -> [String] {
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "cat > \(name) <<'LCPLAN_EOF'"),
            let end = lines[start...].firstIndex(of: "LCPLAN_EOF")
        else { return [] }
        return Array(lines[(start + 1)..<end])
    }

    static func emit(_ spec: String, _ engine: String) throws -> CLI.Result {
        try CLI.run(["emit", "-", "--engine", engine], stdin: spec)
    }

    static let serving = """
        version: 1
        model: llama-3.1-70b
        hardware: {device: h200, count: 16, per_node: 8}
        workload: {mode: inference, context: 128k, batch: 8, output_tokens: 1024, kv_cache: {dtype: fp8}}

        """
    static let training = """
        version: 1
        model: llama-3.1-70b
        hardware: {device: h100-sxm, count: 64, per_node: 8}
        workload: {mode: training, context: 32k, global_batch: 64}

        """

    @Test func vllmFlagsExist() throws {
        let result = try Self.emit(Self.serving, "vllm")
        #expect(result.status == 0, "\(result.stderr)")
        let flags = Self.flags(result.stdout)
        #expect(flags.contains("--tensor-parallel-size") && flags.contains("--max-model-len"))
        for flag in flags { #expect(Self.vllm.contains(flag), "vLLM 0.33.0 has no \(flag)") }
        #expect(result.stdout.contains("vLLM 0.33.0"))
        #expect(result.stdout.contains("--kv-cache-dtype fp8 "))
        #expect(result.stdout.contains("--max-model-len 131072 "))
    }

    /// With `serving.engine` naming the engine, the script carries the knobs whose accounting the report
    /// reproduced, not the plan's defaults.
    @Test func servingKnobsCarryIntoTheScript() throws {
        let vllm = try Self.emit(
            Self.serving
                + "serving: {engine: vllm, gpu_memory_utilization: 0.85, max_num_batched_tokens: 4096, max_num_seqs: 64, block_size: 32}\n",
            "vllm")
        #expect(vllm.status == 0, "\(vllm.stderr)")
        for flag in ["--gpu-memory-utilization 0.85 ", "--max-num-batched-tokens 4096 ", "--max-num-seqs 64 ", "--block-size 32 "] {
            #expect(vllm.stdout.contains(flag), "\(flag)")
        }
        let sglang = try Self.emit(
            Self.serving + "serving: {engine: sglang, mem_fraction_static: 0.8, chunked_prefill_size: 4096, block_size: 16}\n", "sglang")
        #expect(sglang.status == 0, "\(sglang.stderr)")
        for flag in ["--mem-fraction-static 0.800 ", "--chunked-prefill-size 4096 ", "--page-size 16 "] {
            #expect(sglang.stdout.contains(flag), "\(flag)")
        }
        for flag in Self.flags(sglang.stdout) { #expect(Self.sglang.contains(flag), "SGLang 0.5.23 has no \(flag)") }
    }

    @Test func sglangFlagsExist() throws {
        let result = try Self.emit(Self.serving, "sglang")
        #expect(result.status == 0, "\(result.stderr)")
        for flag in Self.flags(result.stdout) { #expect(Self.sglang.contains(flag), "SGLang 0.5.23 has no \(flag)") }
        // SGLang has no plain `fp8` KV dtype (engines.md 2.5).
        #expect(result.stdout.contains("--kv-cache-dtype fp8_e4m3 "))
    }

    @Test func trtllmFlagsAndKeysExist() throws {
        let result = try Self.emit(Self.serving, "trtllm")
        #expect(result.status == 0, "\(result.stderr)")
        for flag in Self.flags(result.stdout) { #expect(Self.trtllm.contains(flag), "trtllm-serve has no \(flag)") }
        let yaml = Self.file(result.stdout, "lcplan-trtllm.yaml")
        #expect(!yaml.isEmpty)
        for line in yaml {
            let key = line.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init) ?? ""
            #expect(Self.trtllmYAML.contains(key), "no LLM-API key \(key)")
        }
        // The YAML's kv_cache_config replaces the flag's (engines.md 3.5): the fraction is inside it.
        #expect(yaml.contains("  free_gpu_memory_fraction: 0.90"))
        #expect(!result.stdout.contains("--kv_cache_free_gpu_memory_fraction"))
    }

    @Test func megatronFlagsExist() throws {
        let spec = Self.training + "plan: {zero: 1, cp: 2, cp_kind: ring}\n"
        let result = try Self.emit(spec, "megatron")
        #expect(result.status == 0, "\(result.stderr)")
        for flag in Self.flags(result.stdout) { #expect(Self.megatron.contains(flag), "Megatron-LM has no \(flag)") }
        // Megatron passes --cp-comm-type to TransformerEngine, which accepts p2p, all_gather, a2a (engines.md 1.3).
        #expect(result.stdout.contains("--cp-comm-type p2p "))
        #expect(result.stdout.contains("--group-query-attention \\\n  --num-query-groups 8 "))
        #expect(result.stdout.contains("--rotary-base 500000 "))
        #expect(result.stdout.contains("export CUDA_DEVICE_MAX_CONNECTIONS=1"))
    }

    /// Llama 3.1 405B's 126 layers on 16 stages: Megatron-LM's first and last stages take 7, the middle 8
    /// (planner.md K7; Llama 3 sec. 3.3.2), the same largest stage lcplan costs.
    @Test func megatronUnevenStages() throws {
        let spec = """
            version: 1
            model: llama-3.1-405b
            hardware: {device: h100-sxm, count: 1024, per_node: 8}
            workload: {mode: training, context: 8k, global_batch: 1024}
            plan: {tp: 8, pp: 16, cp: 1, vpp: 1, zero: 1, recompute: full, micro_batch: 1, sequence_parallel: true}
            """
        let result = try Self.emit(spec, "megatron")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("--decoder-first-pipeline-num-layers 7 "))
        #expect(result.stdout.contains("--decoder-last-pipeline-num-layers 7 "))
    }

    @Test func torchtitanKeysExist() throws {
        let spec = Self.training + "plan: {cp_kind: ring}\n"
        let result = try Self.emit(spec, "torchtitan")
        #expect(result.status == 0, "\(result.stderr)")
        var section = ""
        let toml = Self.file(result.stdout, "lcplan-torchtitan.toml")
        #expect(toml.contains("flavor = \"70B\""))
        for line in toml where !line.isEmpty {
            if line.hasPrefix("[") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            let key = line.split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            #expect(Self.torchtitan.contains("\(section).\(key)"), "torchtitan v0.2.2 has no \(section).\(key)")
        }
    }

    @Test func deepspeedKeysExist() throws {
        let spec =
            Self.training.replacingOccurrences(of: "llama-3.1-70b", with: "llama-3.1-8b")
            + "plan: {tp: 1, pp: 1, cp: 4, cp_kind: ulysses, zero: 3, recompute: full, micro_batch: 1}\n"
        let result = try Self.emit(spec, "deepspeed")
        #expect(result.status == 0, "\(result.stderr)")
        let json = Self.file(result.stdout, "lcplan-deepspeed.json").joined(separator: "\n")
        let document = try JSONDocument.parse(json)
        guard case .object(let pairs) = document else {
            Issue.record("not a JSON object")
            return
        }
        for (key, value) in pairs {
            #expect(Self.deepspeed.contains(key), "DeepSpeed has no key \(key)")
            if case .object(let inner) = value { for (k, _) in inner { #expect(Self.deepspeed.contains(k)) } }
        }
        #expect(json.contains("\"sequence_parallel_size\": 4"))
        // train = micro x accumulation x (world / sp): 64 = 1 x 4 x 16.
        #expect(json.contains("\"gradient_accumulation_steps\": 4"))
    }

    /// A plan the engine cannot run: exit 1, the reason on standard error, nothing on standard output.
    @Test func unsupportedPlansExitOne() throws {
        let cases: [(String, String, String)] = [
            (Self.serving + "plan: {tp: 8, cp: 2}\n", "sglang", "attention context parallelism"),
            (Self.training, "vllm", "serves models"),
            (Self.serving, "megatron", "trains models"),
            (Self.training + "plan: {zero: 3}\n", "megatron", "ZeRO-3"),
            (Self.training + "plan: {tp: 8}\n", "deepspeed", "Megatron-DeepSpeed"),
            (Self.training.replacingOccurrences(of: "llama-3.1-70b", with: "mistral-7b"), "torchtitan", "registered flavors"),
        ]
        for (spec, engine, reason) in cases {
            let result = try Self.emit(spec, engine)
            #expect(result.status == 1, "\(engine): \(result.stdout)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(reason), "\(result.stderr)")
        }
        let invalid = try CLI.run(["emit", "-", "--engine", "vllm"], stdin: "version: 1\nmodel: nope\n")
        #expect(invalid.status == 2)
        let badEngine = try CLI.run(["emit", "examples/llama-3.1-8b-h200-128k.yaml", "--engine", "ollama"])
        #expect(badEngine.status == 2)
    }

    /// `search.enforce` and `emit` share one set of engine rules: a search told to enforce an engine's
    /// rules picks a layout that engine can launch.
    @Test func enforcedSearchEmits() throws {
        for engine in ["megatron", "torchtitan"] {
            let result = try Self.emit(Self.training + "search: {enforce: [\(engine)]}\n", engine)
            #expect(result.status == 0, "\(engine): \(result.stderr)")
        }
        let deepspeed = Self.training.replacingOccurrences(of: "llama-3.1-70b", with: "llama-3.1-8b")
        let result = try Self.emit(deepspeed + "search: {enforce: [deepspeed]}\n", "deepspeed")
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The flag lists above are engines.md's: each appears in it (when ../shared is beside the clone).
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: reference),
            "skipped: ../shared/reference/engines.md is not beside this clone (it is in CI)"))
    func listsComeFromTheReference() throws {
        let text = try String(contentsOfFile: Self.reference, encoding: .utf8)
        let all = Self.vllm.union(Self.sglang).union(Self.trtllm).union(Self.megatron).subtracting(["--nproc_per_node", "--nnodes"])
        for flag in all { #expect(text.contains("`\(flag)"), "engines.md does not list \(flag)") }
        for key in Self.torchtitan {
            // The table abbreviates the second of a pair: `..._last_stage_less_layers`.
            let abbreviated = "`..." + key.replacingOccurrences(of: "parallelism.pipeline_parallel", with: "") + "`"
            #expect(text.contains("`\(key)`") || text.contains(abbreviated), "engines.md does not list \(key)")
        }
        for key in Self.trtllmYAML.union(Self.deepspeed) { #expect(text.contains(key), "engines.md does not list \(key)") }
    }
}

/// The interleaved schedule on uneven stages (Llama 3 405B: 126 layers on 16 stages, 7, fourteen of 8, 7).
struct UnevenInterleavedEmitTests {
    static let spec = """
        version: 1
        model: llama-3.1-405b
        hardware: {device: h100-sxm, count: 1024, per_node: 8}
        workload: {mode: training, context: 8k, global_batch: 1024}
        plan: {tp: 8, pp: 16, cp: 1, vpp: 2, zero: 1, recompute: full, micro_batch: 1, sequence_parallel: true}
        """

    /// torchtitan: chunks of 4 layers, the first and last one short; engines.md part 2, 2.2: ceil((126 + 1 +
    /// 1) / 4) = 32 stages, a multiple of pp 16 (2 per rank, as Interleaved1F1B needs).
    @Test func torchtitanCutsChunks() throws {
        let result = try EmitTests.emit(Self.spec.replacingOccurrences(of: "zero: 1", with: "zero: 2"), "torchtitan")
        #expect(result.status == 0, "\(result.stderr)")
        let toml = EmitTests.file(result.stdout, "lcplan-torchtitan.toml")
        #expect(toml.contains("pipeline_parallel_schedule = \"Interleaved1F1B\""))
        #expect(toml.contains("pipeline_parallel_layers_per_stage = 4"))
        #expect(toml.contains("pipeline_parallel_first_stage_less_layers = 1"))
        #expect(toml.contains("pipeline_parallel_last_stage_less_layers = 1"))
        let stages = (126 + 1 + 1 + 3) / 4
        #expect(stages == 16 * 2)
    }

    /// Megatron-LM: with virtual stages the first (7), last (7) and middle (8) stages' layers must each
    /// divide by vpp (engines.md part 2, 1.2): exit 1 with the reason.
    @Test func megatronRefuses() throws {
        let result = try EmitTests.emit(Self.spec, "megatron")
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("divisible by vpp 2"), "\(result.stderr)")
    }
}
