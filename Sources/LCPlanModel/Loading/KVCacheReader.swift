import LCPlanPrecision

/// Reads `workload.kv_cache` (the KV layout) and the `serving` section, and checks them against each other
/// and the model.
struct KVCacheReader {
    let reader: SpecReader

    /// The KV layout; its format defaults to the activations' (`NumberFormat.activationFormat`: bf16 for
    /// fp8, int8 and int4 weights, as engines store it).
    func read(_ cache: MappingReader?, dtype: NumberFormat) -> KVCacheSpec {
        var kv = KVCacheSpec(dtype: dtype.activationFormat, blockTokens: 16)
        guard let cache else { return kv }
        kv.dtype = cache.choice("dtype", NumberFormat.self) ?? dtype.activationFormat
        if let block = cache.int("block_tokens") {
            kv.blockTokens = block
            kv.blockTokensWritten = true
        }
        kv.scheme = cache.choice("scheme", KVQuantScheme.self) ?? .uniform
        kv.groupSize = cache.int("group_size")
        kv.scaleDtype = cache.choice("scale_dtype", NumberFormat.self)
        kv.zeroPoint = cache.bool("zero_point")
        kv.residual = cache.int("residual")
        kv.subvectors = cache.int("subvectors")
        kv.codeBits = cache.int("code_bits")
        if kv.groupSize != nil && kv.scaleDtype == nil { kv.scaleDtype = .fp16 }
        checkScheme(kv, cache)
        kv.budget = cache.mapping("budget").flatMap(readBudget)
        if let prefix = cache.mapping("prefix"), let tokens = prefix.tokens("tokens") {
            kv.prefix = KVPrefix(tokens: tokens, sequences: prefix.int("sequences") ?? SpecShapes.maxShape)
        }
        if let tiers = cache.list("tiers") {
            kv.tiers = tiers.compactMap { reader.mapping($0, SpecShapes.kvTier).flatMap(readTier) }
        }
        return kv
    }

    /// Keys that belong to another scheme, and the keys a scheme needs.
    private func checkScheme(_ kv: KVCacheSpec, _ cache: MappingReader) {
        let misplaced: [(String, Bool)] = [
            ("residual", kv.scheme != .kivi), ("subvectors", kv.scheme != .pq), ("code_bits", kv.scheme != .pq),
        ]
        for (key, wrong) in misplaced where wrong {
            if let at = cache.value(key) {
                reader.report(
                    .outOfRange,
                    "`\(at.path)` applies only to scheme \(key == "residual" ? "kivi" : "pq"); the scheme is \(kv.scheme.rawValue)",
                    at: at, expected: "scheme: \(key == "residual" ? "kivi" : "pq"), or remove the key")
            }
        }
        switch kv.scheme {
        case .kivi where !kv.isInteger:
            if let at = cache.value("scheme") {
                reader.report(
                    .outOfRange, "KIVI quantizes to integers; the KV dtype is \(kv.dtype.rawValue)", at: at,
                    expected: "dtype int2, int4 or int8 with scheme kivi")
            }
        case .pq:
            for key in ["subvectors", "code_bits"] where cache.value(key) == nil {
                if let at = cache.value("scheme") {
                    reader.report(
                        .missingKey, "scheme pq needs `workload.kv_cache.\(key)`", at: at,
                        expected: "subvectors and code_bits (MILLION: subvectors 64, code_bits 8 for head_dim 128)")
                }
            }
        default: break
        }
    }

    private func readBudget(_ b: MappingReader) -> KVBudget? {
        let written = ["sink", "window", "tokens", "ratio"].filter { b.value($0) != nil }
        let forms = Set(written.map { $0 == "sink" ? "window" : $0 })
        if forms.count != 1 {
            let at = b.value(written.last ?? "") ?? b.value("tokens")
            if let at {
                reader.report(
                    .outOfRange, "a budget takes one form; found \(written.joined(separator: ", "))", at: at,
                    expected: "sink and window, or tokens, or ratio")
            }
            return nil
        }
        if let ratio = b.fraction("ratio") {
            if ratio == 0, let at = b.value("ratio") {
                reader.report(.outOfRange, "a ratio of 0 keeps no tokens", at: at, expected: "a fraction above 0, such as 0.2")
                return nil
            }
            return .ratio(ratio)
        }
        if let tokens = b.tokens("tokens") { return .tokens(tokens) }
        if let window = b.int("window") { return .sinkWindow(sink: b.int("sink") ?? 0, window: window) }
        if b.value("sink") != nil, b.value("window") == nil, let at = b.value("sink") {
            reader.report(.missingKey, "a sink budget needs a window", at: at, expected: "window: the recent tokens kept")
        }
        return nil
    }

    private func readTier(_ t: MappingReader) -> KVTier? {
        let kind = t.choice("kind", KVTierKind.self)
        let capacity = t.bytes("capacity")
        _ = t.required("kind")
        _ = t.required("capacity")
        let link = t.choice("link", KVTierLink.self)
        let bandwidth = t.bandwidth("bandwidth")
        if link != nil && bandwidth != nil, let at = t.value("bandwidth") {
            reader.report(.outOfRange, "a tier takes a link or a bandwidth, not both", at: at, expected: "link or bandwidth")
            return nil
        }
        guard let kind, let capacity else { return nil }
        guard let rate = bandwidth?.bytesPerSecond ?? link?.hostToDeviceBytesPerSecond else {
            if let at = t.value("kind") {
                reader.report(
                    .missingKey, "the \(kind.rawValue) tier needs a link or a bandwidth", at: at,
                    expected: "link: pcie-gen5, pcie-gen4 or nvlink-c2c, or bandwidth: e.g. 7GB/s")
            }
            return nil
        }
        return KVTier(
            kind: kind, capacity: capacity, bandwidth: rate, link: bandwidth == nil ? link : nil, prefetch: t.bool("prefetch") ?? false)
    }

    func readServing(_ s: MappingReader) -> ServingSpec {
        var serving = ServingSpec()
        serving.engine = s.choice("engine", ServingEngine.self) ?? .ideal
        serving.gpuMemoryUtilization = s.fraction("gpu_memory_utilization")
        serving.maxNumBatchedTokens = s.int("max_num_batched_tokens")
        serving.maxNumSeqs = s.int("max_num_seqs")
        serving.memFractionStatic = s.fraction("mem_fraction_static")
        serving.blockSize = s.int("block_size")
        serving.nonTorchMemory = s.bytes("non_torch_memory")
        serving.cudagraphMemory = s.bytes("cudagraph_memory")
        serving.chunkedPrefillSize = s.int("chunked_prefill_size")
        if let (text, at) = s.scalar("version") {
            serving.version = EngineVersion(text)
            if serving.version == nil {
                reader.report(
                    .typeMismatch, "`\(at.path)` must be a release number such as 0.10.1, found '\(text)'", at: at,
                    expected: "digits separated by dots")
            }
        }
        let owners: [(String, ServingEngine)] = [
            ("gpu_memory_utilization", .vllm), ("max_num_batched_tokens", .vllm), ("max_num_seqs", .vllm), ("cudagraph_memory", .vllm),
            ("mem_fraction_static", .sglang), ("chunked_prefill_size", .sglang),
        ]
        if serving.engine == .ideal, let at = s.value("version") {
            reader.report(
                .outOfRange, "`\(at.path)` names an engine release; serving.engine is ideal", at: at,
                expected: "engine: vllm or sglang, or remove the key")
        }
        for (key, owner) in owners where owner != serving.engine {
            if let at = s.value(key) {
                reader.report(
                    .outOfRange, "`\(at.path)` is a knob of \(owner.rawValue); serving.engine is \(serving.engine.rawValue)", at: at,
                    expected: "engine: \(owner.rawValue), or remove the key")
            }
        }
        for key in ["gpu_memory_utilization", "mem_fraction_static"] {
            if let value = s.fraction(key), value <= 0, let at = s.value(key) {
                reader.report(.outOfRange, "`\(at.path)` must be above 0", at: at, expected: "a fraction in (0, 1], such as 0.9")
            }
        }
        return serving
    }

    /// The first of `paths` the spec wrote, with its location.
    private func written(_ paths: String...) -> (String, SourceLocation)? {
        for path in paths { if let at = reader.keyLocations[path] { return (path, at) } }
        return nil
    }

    /// Checks the layout against the engine and the model: the engine stores the KV cache only in the
    /// model's format or fp8 (vLLM `--kv-cache-dtype` auto, fp8, fp8_e4m3, fp8_e5m2; SGLang the same), so
    /// another format, or a grouped, KIVI or PQ scheme, cannot be reproduced; PQ sub-vectors split a head
    /// vector evenly; a shared prefix lies within the prompt.
    func check(_ serving: ServingSpec, workload: WorkloadSpec, model: ModelSpec) {
        let kv = workload.kvCache
        if serving.engine != .ideal {
            let floating: Set<NumberFormat> = [.fp8, .fp8e4m3, .fp8e5m2]
            let model = workload.dtype.activationFormat
            let plain = kv.dtype == model || floating.contains(kv.dtype)
            let grouped = kv.scheme != .uniform || kv.groupSize != nil
            if !plain || grouped,
                let (path, at) = written(
                    "workload.kv_cache.dtype", "workload.kv_cache.scheme", "workload.kv_cache.group_size", "serving.engine")
            {
                reader.report(
                    Diagnostic(
                        .engineKVFormatUnsupported,
                        "\(serving.engine.rawValue) stores the KV cache in the model's activation format (\(model.rawValue)) or fp8; this layout is \(kv.dtype.rawValue)\(grouped ? " in \(kv.scheme.rawValue) groups" : "")",
                        at: at, keyPath: path,
                        expected:
                            "kv_cache.dtype \(model.rawValue), fp8, fp8_e4m3 or fp8_e5m2 without group scales, or serving.engine: ideal"
                    ))
            }
        }
        if kv.scheme == .pq, let m = kv.subvectors {
            let vector = model.attention.kind == .mla ? (model.attention.mla.map { $0.kvLoraRank + $0.qkRopeHeadDim } ?? 0) : model.headDim
            if vector % m != 0, let (path, at) = written("workload.kv_cache.subvectors") {
                reader.report(
                    Diagnostic(
                        .outOfRange, "\(m) sub-vectors do not split a head vector of \(vector) elements evenly", at: at, keyPath: path,
                        expected: "a divisor of \(vector)"))
            }
        }
        if let prefix = kv.prefix, prefix.tokens > workload.promptTokens, let (path, at) = written("workload.kv_cache.prefix.tokens") {
            reader.report(
                Diagnostic(
                    .outOfRange, "a shared prefix of \(prefix.tokens) tokens is longer than the prompt (\(workload.promptTokens))", at: at,
                    keyPath: path, expected: "at most the prompt's tokens"))
        }
    }
}

extension Rule {
    public static let engineKVFormatUnsupported = Rule(
        id: "LC505", name: "engine-kv-format-unsupported", area: .kvCache, severity: .error,
        summary: "`serving.engine` names an engine that cannot store the KV layout the spec asks for.",
        help: """
            vLLM and SGLang keep the KV cache in the model's dtype or in fp8 (e4m3 or e5m2, per-tensor scales); \
            grouped integer formats, KIVI and product quantization are research formats their start-up accounting \
            does not know. Choose a format the engine stores, or `serving.engine: ideal` for lcplan's own count.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k, kv_cache: {dtype: int4}}
            serving: {engine: vllm}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h200, count: 1}
            workload: {mode: inference, context: 8k, kv_cache: {dtype: fp8}}
            serving: {engine: vllm}
            """)

    static let kvRules: [Rule] = [engineKVFormatUnsupported]
}
