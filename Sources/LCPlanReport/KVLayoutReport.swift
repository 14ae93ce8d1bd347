import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The report's KV layout section: storage with metadata, lcplan's capacity count, the named engine's
/// count deduction by deduction (with the lines it would log), the difference in one line, and the tiers.
enum KVLayoutReport {
    static func section(_ a: Analysis) -> ReportSection? {
        guard let kv = a.kvLayout else { return nil }
        let c = kv.cache
        func tokens(_ n: Int) -> String { UnitFormat.grouped(ExactInt(n)) }
        var format = "\(c.dtype.rawValue)"
        switch c.scheme {
        case .uniform where c.isInteger || c.groupSize != nil:
            format += ", groups of \(kv.groupDescription) with an \(c.scale.rawValue) scale\(c.hasZeroPoint ? " and zero point" : "")"
        case .kivi:
            format +=
                ", KIVI (keys per channel, values per token, groups of \(c.groupSize ?? 32), residual \(c.residualTokens) fp16 tokens)"
        case .pq:
            format +=
                ", product quantization (\(c.subvectors ?? 0) sub-vectors of \(c.codeBits ?? 0)-bit codes, \(c.scale.rawValue) codebooks)"
        default: break
        }
        var section = ReportSection("KV layout", "\(format), blocks of \(c.blockTokens) tokens")
        let bits = UnitFormat.fixed(kv.bitsPerElement, decimals: kv.bitsPerElement.rounded() == kv.bitsPerElement ? 0 : 3)
        section.add(
            "storage",
            "\(bits) bits per element with metadata; \(UnitFormat.grouped(kv.bytesPerTokenPerLayer)) B per token and \(Bytes(kv.bytesPerBlockPerLayer)) per block per layer on a device"
        )
        var device = "\(kv.attentionLayers) attention layers (stage \(kv.stage)): \(Bytes(kv.bytesPerBlock)) per block"
        if !kv.constantBytes.isZero { device += ", \(Bytes(kv.constantBytes)) of scales or codebooks" }
        section.add("device", device)
        var request = "\(tokens(kv.sequenceTokens)) tokens: \(Bytes(kv.bytesPerSequence)) per device"
        if kv.keptTokens < kv.sequenceTokens { request += " (the budget keeps \(tokens(kv.keptTokens)) per layer)" }
        section.add("one request", request)
        if let prefix = c.prefix {
            let sharing = prefix.sequences >= SpecShapes.maxShape ? "all sequences of a replica" : "\(prefix.sequences) sequences"
            section.add(
                "prefix", "\(tokens(prefix.tokens)) tokens shared by \(sharing)\(c.budget != nil ? " (not shared under a budget)" : "")")
        }
        let ideal = kv.ideal
        var capacity =
            "\(Bytes(ideal.deviceBytes)) left for KV: \(UnitFormat.grouped(ideal.blocks)) blocks, \(UnitFormat.grouped(ideal.tokens)) tokens; \(ideal.sequences) request\(ideal.sequences == 1 ? "" : "s") at the target context per replica"
        if !ideal.tierBytes.isZero { capacity += " (\(ideal.sequencesOnDevice) without the tiers)" }
        section.add("ideal", capacity)
        if let e = kv.engine {
            section.add(e.engine.rawValue, engineLine(e))
            section.add("logs", logLine(e, context: a.spec.workload.context))
            section.notes.append(difference(e, kv, a))
            section.notes += e.notes
        } else if let reason = kv.engineUnavailable, !reason.isEmpty {
            section.notes.append(reason)
        }
        for use in kv.tiers {
            let link = use.tier.link.map { " (\($0.rawValue))" } ?? ""
            section.add(
                use.tier.kind.rawValue,
                "\(Bytes(use.bytes)) of \(Bytes(use.tier.capacity)) per device at \(Bandwidth(bytesPerSecond: use.tier.bandwidth))\(link): \(Seconds(use.readSeconds)) to read per decode step, \(use.tier.prefetch ? "prefetched (overlapped)" : "waited for")"
            )
        }
        return section
    }

    /// What the engine prints at start-up, as its release prints it (engines.md 1.3 item 6, 2.3).
    static func logLine(_ e: EngineKVCapacity, context: Int) -> String {
        let length = UnitFormat.grouped(ExactInt(context))
        if e.engine == .vllm {
            let size = "GPU KV cache size: \(UnitFormat.grouped(e.tokens)) tokens"
            let concurrency = "Maximum concurrency for \(length) tokens per request: \(UnitFormat.fixed(e.concurrency, decimals: 2))x"
            return e.version >= EngineVersion(parts: [0, 33]) ? "\"\(size), \(concurrency)\"" : "\"\(size)\"; \"\(concurrency)\""
        }
        return "\"max_total_num_tokens=\(e.tokens), max_running_requests=\(e.maxRunning), context_len=\(context)\""
    }

    static func engineLine(_ e: EngineKVCapacity) -> String {
        if e.engine == .vllm {
            return
                "\(UnitFormat.fixed(e.fraction, decimals: 2)) x \(Bytes(e.deviceBytes)) = \(Bytes(e.budgetBytes)), less weights \(Bytes(e.weightBytes)), activation peak \(Bytes(e.activationPeakBytes)), non-torch \(Bytes(e.nonTorchBytes)): \(signed(e.availableBytes)) (\(binary(e.availableBytes))) = \(UnitFormat.grouped(e.blocks)) blocks of \(e.blockSize) tokens"
        }
        return
            "\(UnitFormat.fixed(e.fraction, decimals: 2)) x \(Bytes(e.deviceBytes - e.nonTorchBytes)) free at start-up, less weights \(Bytes(e.weightBytes)) and the \(UnitFormat.fixed(1 - e.fraction, decimals: 3)) kept out: \(signed(e.availableBytes)) = \(UnitFormat.grouped(e.tokens)) tokens in pages of \(e.blockSize)"
    }

    static func signed(_ b: ExactInt) -> String { ReportValue.bytes(b).formatted }
    static func binary(_ b: ExactInt) -> String { b.isNegative ? "-" + Bytes(-b).binaryDescription : Bytes(b).binaryDescription }

    /// The engine's count against the ideal one, and what makes them differ, in one line.
    static func difference(_ e: EngineKVCapacity, _ kv: KVLayoutProfile, _ a: Analysis) -> String {
        let name = e.engine == .vllm ? "vLLM" : "SGLang"
        let ideal = kv.ideal.tokens.doubleValue
        let change = ideal > 0 ? (e.tokens.doubleValue / ideal - 1) * 100 : 0
        let relation =
            ideal <= 0
            ? "where the ideal count has none"
            : abs(change) < 0.05
                ? "as many as the ideal count"
                : "\(UnitFormat.fixed(abs(change), decimals: 1))% \(change > 0 ? "more" : "fewer") than the ideal \(UnitFormat.grouped(kv.ideal.tokens))"
        let headroom = UnitFormat.fixed(1 - a.spec.constraints.memoryHeadroom, decimals: 2)
        let deducted =
            e.engine == .vllm
            ? "a profiling pass (\(Bytes(e.activationPeakBytes))) and non-torch memory (\(Bytes(e.nonTorchBytes)))"
            : "non-torch memory (\(Bytes(e.nonTorchBytes))) and nothing for activations"
        let fraction = UnitFormat.fixed(e.fraction, decimals: e.engine == .vllm ? 2 : 3)
        let budget =
            fraction == headroom && e.engine == .vllm
            ? "with the same \(fraction) of the device as lcplan (1 - memory_headroom) it"
            : "it budgets \(fraction) of \(e.engine == .vllm ? "the device" : "the free memory") where lcplan keeps \(headroom) of the device (1 - memory_headroom), and"
        return
            "\(name) admits \(UnitFormat.grouped(e.tokens)) tokens, \(relation): \(budget) deducts \(deducted) where lcplan deducts the plan's working set (\(Bytes(a.memory.device.activations))) and workspace (\(Bytes(a.memory.device.workspace)))"
    }
}

extension KVLayoutProfile {
    /// The group a uniform format's scales cover, in words.
    var groupDescription: String {
        if let g = cache.groupSize { return "\(g) elements" }
        return "one head vector"
    }
}
