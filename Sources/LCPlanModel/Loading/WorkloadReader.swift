/// Reads `workload:`.
struct WorkloadReader {
    let reader: SpecReader

    static let trainingKeys = ["global_batch", "micro_batch", "optimizer", "zero", "recompute", "grad_dtype", "documents"]

    /// `kv_cache:` as a mapping, or a format alone (`kv_cache: fp8`), short for `{dtype: fp8}`.
    private func readKVCache(_ fields: MappingReader, dtype: NumberFormat) -> KVCacheSpec {
        let cacheReader = KVCacheReader(reader: reader)
        guard let written = fields.value("kv_cache") else { return cacheReader.read(nil, dtype: dtype) }
        guard case .scalar = written.node, let text = written.scalarText?.trimmingWhitespace else {
            return cacheReader.read(reader.mapping(written, SpecShapes.kvCache), dtype: dtype)
        }
        var kv = cacheReader.read(nil, dtype: dtype)
        if let format = NumberFormat(rawValue: text.lowercased()) ?? NumberFormat.value(spelled: text) as? NumberFormat {
            kv.dtype = format
        } else {
            let _: NumberFormat? = fields.reportChoice(text, names: NumberFormat.allCases.map(\.rawValue), at: written)
        }
        return kv
    }

    /// Generated tokens when `output_tokens` is not written: at inference a request answers, so
    /// `WorkloadSpec.assumedOutputTokens` (an assumption the report states), at most half the context;
    /// with `prompt_tokens` written, the rest of the context (at most the same). Training generates none.
    static func defaultOutput(mode: WorkloadMode, context: Int, prompt: Int?) -> Int {
        guard mode == .inference else { return 0 }
        let assumed = min(WorkloadSpec.assumedOutputTokens, context / 2)
        guard let prompt else { return assumed }
        return max(0, min(context - prompt, WorkloadSpec.assumedOutputTokens))
    }

    func read(_ fields: MappingReader) -> WorkloadSpec? {
        let mode = fields.choice("mode", WorkloadMode.self) ?? .inference
        let context = fields.required("context").flatMap { _ in fields.tokens("context") }
        let batch = fields.int("batch") ?? 1
        let outputGiven = fields.tokens("output_tokens", minimum: 0)
        let promptGiven = fields.tokens("prompt_tokens")
        let dtype = fields.choice("dtype", NumberFormat.self) ?? .bf16
        let chunk = fields.tokens("prefill_chunk")
        let kv = readKVCache(fields, dtype: dtype)
        var training: TrainingSpec? = nil
        if mode == .training {
            training = TrainingSpec(
                globalBatch: fields.int("global_batch") ?? batch, microBatch: fields.int("micro_batch") ?? 1,
                optimizer: fields.choice("optimizer", Optimizer.self) ?? .adamw, zero: fields.int("zero") ?? 0,
                recompute: fields.choice("recompute", Recompute.self) ?? .none,
                gradDtype: fields.choice("grad_dtype", NumberFormat.self) ?? .bf16)
            training?.gradDtypeWritten = fields.has("grad_dtype")
            if let documents = fields.mapping("documents") { training?.documents = readDocuments(documents, context: context) }
            if let training, training.globalBatch % training.microBatch != 0, let at = fields.value("micro_batch") {
                reader.report(
                    .planNotDivisible, "micro_batch (\(training.microBatch)) does not divide global_batch (\(training.globalBatch))",
                    at: at, expected: "a micro_batch dividing global_batch")
            }
        } else {
            for key in Self.trainingKeys {
                if let at = fields.value(key) {
                    reader.report(
                        .unknownKey, "`\(at.path)` applies only to training; workload.mode is inference", at: at,
                        expected: "mode: training, or remove the key")
                }
            }
        }
        guard let context else { return nil }
        let output = outputGiven ?? Self.defaultOutput(mode: mode, context: context, prompt: promptGiven)
        if output > context, let at = fields.value("output_tokens") {
            reader.report(
                .outOfRange, "output_tokens (\(output)) exceeds the context (\(context))", at: at,
                expected: "output_tokens <= context")
            return nil
        }
        let prompt = promptGiven ?? max(context - output, 1)
        if prompt + output > context, let at = fields.value("prompt_tokens") {
            reader.report(
                .outOfRange, "prompt_tokens + output_tokens (\(prompt + output)) exceeds the context (\(context))",
                at: at, expected: "prompt_tokens + output_tokens <= context")
            return nil
        }
        if let chunk, chunk > prompt, let at = fields.value("prefill_chunk") {
            reader.report(
                .outOfRange, "prefill_chunk (\(chunk)) exceeds the prompt (\(prompt) tokens)", at: at,
                expected: "a chunk no longer than the prompt", severity: .warning)
        }
        var workload = WorkloadSpec(
            mode: mode, context: context, batch: batch, promptTokens: prompt, outputTokens: output,
            dtype: dtype, kvCache: kv, prefillChunk: chunk, training: training)
        workload.outputAssumed = outputGiven == nil && mode == .inference
        return workload
    }

    /// `workload.documents`: exactly one of distribution, histogram, lengths.
    func readDocuments(_ d: MappingReader, context: Int?) -> DocumentSpec? {
        let forms = ["distribution", "histogram", "lengths"].filter { d.value($0) != nil }
        guard forms.count == 1 else {
            if let at = d.value(forms.last ?? "") ?? d.value("chunk") ?? d.value("seed") {
                reader.report(
                    forms.isEmpty ? .missingKey : .outOfRange,
                    forms.isEmpty
                        ? "`workload.documents` needs distribution, histogram or lengths"
                        : "`workload.documents` takes one form; found \(forms.joined(separator: ", "))",
                    at: at, expected: "one of distribution (prolong, wlb), histogram, lengths")
            }
            return nil
        }
        var source: DocumentSpec.Source? = nil
        if let builtIn = d.choice("distribution", BuiltInDistribution.self) { source = .builtIn(builtIn) }
        if let items = d.list("histogram") {
            var buckets: [LengthBucket] = []
            for item in items {
                guard let bucket = reader.mapping(item, SpecShapes.lengthBucket) else { continue }
                guard let below = bucket.tokens("below"), let share = bucket.fraction("share") else {
                    _ = bucket.required("below")
                    _ = bucket.required("share")
                    continue
                }
                if let last = buckets.last, below <= last.below, let at = bucket.value("below") {
                    reader.report(
                        .outOfRange, "bucket bounds must increase; \(below) follows \(last.below)", at: at,
                        expected: "a bound above \(last.below)")
                }
                buckets.append(LengthBucket(below: below, share: share))
            }
            if buckets.reduce(0, { $0 + $1.share }) <= 0, let at = d.value("histogram") {
                reader.report(.outOfRange, "the histogram's shares add up to nothing", at: at, expected: "at least one positive share")
            } else if buckets.count == items.count {
                source = .histogram(buckets)
            }
        }
        if let items = d.list("lengths") {
            var lengths: [Int] = []
            for (index, item) in items.enumerated() {
                let text = item.scalarText?.trimmingWhitespace ?? ""
                switch QuantityParser.tokens(text.replacingUnderscores) {
                case .success(let n) where n.intValue.map({ $0 >= 1 && $0 <= SpecShapes.maxTokens }) == true:
                    lengths.append(n.intValue ?? 1)
                default:
                    reader.report(
                        .badUnit, "`workload.documents.lengths[\(index)]` is not a token count", at: item,
                        expected: QuantityParser.tokensExpected)
                }
            }
            if lengths.count == items.count && !lengths.isEmpty { source = .lengths(lengths) }
        }
        guard let source else { return nil }
        var spec = DocumentSpec(source: source)
        spec.chunk = d.tokens("chunk")
        if let seed = d.int("seed") { spec.seed = seed }
        if let chunk = spec.chunk, let context, chunk > context, let at = d.value("chunk") {
            reader.report(
                .outOfRange, "a chunk of \(chunk) tokens exceeds the context (\(context))", at: at,
                expected: "a chunk no longer than the context")
            return nil
        }
        return spec
    }
}
