/// Reads `workload:`.
struct WorkloadReader {
    let reader: SpecReader

    static let trainingKeys = ["global_batch", "micro_batch", "optimizer", "zero", "recompute", "grad_dtype"]

    func read(_ fields: MappingReader) -> WorkloadSpec? {
        let mode = fields.choice("mode", WorkloadMode.self) ?? .inference
        let context = fields.required("context").flatMap { _ in fields.tokens("context") }
        let batch = fields.int("batch") ?? 1
        let output = fields.tokens("output_tokens", minimum: 0) ?? 0
        let promptGiven = fields.tokens("prompt_tokens")
        let dtype = fields.choice("dtype", NumberFormat.self) ?? .bf16
        let chunk = fields.tokens("prefill_chunk")
        let kv = KVCacheReader(reader: reader).read(fields.mapping("kv_cache"), dtype: dtype)
        var training: TrainingSpec? = nil
        if mode == .training {
            training = TrainingSpec(
                globalBatch: fields.int("global_batch") ?? batch, microBatch: fields.int("micro_batch") ?? 1,
                optimizer: fields.choice("optimizer", Optimizer.self) ?? .adamw, zero: fields.int("zero") ?? 0,
                recompute: fields.choice("recompute", Recompute.self) ?? .none,
                gradDtype: fields.choice("grad_dtype", NumberFormat.self) ?? .bf16)
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
        return WorkloadSpec(
            mode: mode, context: context, batch: batch, promptTokens: prompt, outputTokens: output,
            dtype: dtype, kvCache: kv, prefillChunk: chunk, training: training)
    }
}
