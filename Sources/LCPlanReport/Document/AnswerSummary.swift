import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The answer a reader came for, first: the devices and layout, whether it fits, what one request sees
/// (longest context, time to first token, time per output token, its tokens per second), how many requests
/// fit at once, and the batch the plan serves with its aggregate throughput. The text report opens with
/// it, `--brief` prints only it, the markdown report leads with it, and JSON carries it as `summary` and
/// `capacity`.
enum AnswerSummary {
    typealias F = JSONField

    static func tokens(_ n: Int) -> String { UnitFormat.grouped(ExactInt(n)) }

    /// Label and value rows, the same for text and markdown.
    static func rows(_ a: Analysis) -> [(String, String)] {
        let spec = a.spec
        var rows: [(String, String)] = []
        let training = spec.workload.mode == .training
        rows.append(
            ("plan", "\(a.layout.devices) x \(spec.hardware.device.name): " + (training ? a.layout.trainingSummary : a.layout.summary)))
        let m = a.memory
        rows.append(
            ("fits", (m.fits ? "yes, " : "no: needs ") + "\(Bytes(m.total)) of \(Bytes(m.usable)) usable per device"))
        if training {
            rows.append(("max context", a.maxContext.map { longest($0, a, per: " per sequence") } ?? "none fits"))
            if let step = a.time.step {
                var text = "\(Seconds(step.seconds)), \(UnitFormat.threeDigits(a.time.tokensPerSecond)) tokens/s"
                if let mfu = a.time.mfu { text += ", MFU " + UnitFormat.fixed(mfu * 100, decimals: 1) + "%" }
                rows.append(("step", text))
            }
        } else if let one = a.oneRequest {
            var text = "max context " + (one.maxContext.map { longest($0, a) } ?? "none fits")
            if let ttft = one.ttft { text += "; TTFT \(Seconds(ttft))" }
            if let tpot = one.tpot, let rate = one.tokensPerSecond {
                text += "; TPOT \(Seconds(tpot)), \(UnitFormat.threeDigits(rate)) tokens/s"
            }
            rows.append(("one request", text))
            rows.append(("concurrent", concurrent(a)))
            rows.append(("batch served", batch(a)))
        }
        if !a.rope.isEmpty {
            rows.append(("RoPE", a.rope.map { "\($0.verdict.rawValue) (\($0.layers.rawValue) layers)" }.joined(separator: ", ")))
        }
        return rows
    }

    /// The longest context memory allows, with the model's own limit beside it when memory allows more.
    static func longest(_ n: Int, _ a: Analysis, per: String = "") -> String {
        let model = a.spec.model.maxContext
        return "\(tokens(n)) tokens\(per)" + (n > model ? " by memory (the model's max_context is \(tokens(model)))" : "")
    }

    /// How many requests at the target context fit at once, lcplan's count and the engine's.
    static func concurrent(_ a: Analysis) -> String {
        guard let kv = a.kvLayout, let count = a.concurrentRequests else { return "not computed" }
        var text = "\(UnitFormat.grouped(ExactInt(count))) request\(count == 1 ? "" : "s") at \(tokens(kv.sequenceTokens)) tokens"
        if let e = kv.engine {
            text += "; \(e.engine.rawValue) admits \(UnitFormat.grouped(e.tokens)) tokens, \(UnitFormat.fixed(e.concurrency, decimals: 2))x"
        }
        return text
    }

    /// The batch served and its aggregate throughput.
    static func batch(_ a: Analysis) -> String {
        let t = a.time
        var text =
            "\(a.spec.workload.batch)" + (a.batchSearched ? " (searched for throughput)" : "") + ": "
            + "\(UnitFormat.threeDigits(t.tokensPerSecond)) tokens/s in all"
        if let served = t.servedTokensPerSecond { text += ", \(UnitFormat.threeDigits(served)) sustained with prefill" }
        return text
    }

    /// Inference: how many requests fit at once and what the batch served sees, each figure labelled per
    /// request or in all.
    static func capacitySection(_ a: Analysis) -> ReportSection? {
        guard a.spec.workload.mode == .inference, let kv = a.kvLayout else { return nil }
        var section = ReportSection("Capacity", "requests at \(tokens(kv.sequenceTokens)) tokens")
        let replicas = max(a.layout.dp, 1), perReplica = kv.ideal.sequences
        var concurrent =
            "\(UnitFormat.grouped(ExactInt(perReplica.saturatingMultiplied(by: replicas)))) (\(perReplica) per replica x \(replicas) replica\(replicas == 1 ? "" : "s")), lcplan's count"
        if let e = kv.engine {
            concurrent +=
                "; \(e.engine.rawValue) admits \(UnitFormat.grouped(e.tokens)) tokens, \(UnitFormat.fixed(e.concurrency, decimals: 2))x"
        }
        section.add("concurrent", concurrent)
        let batch = a.spec.workload.batch
        section.add(
            "batch served",
            "\(batch)" + (a.batchSearched ? ", searched for the best throughput" : ", as the spec writes it"))
        let t = a.time
        if let step = t.interTokenSeconds {
            var each = "TPOT \(Seconds(step))" + (t.batchStep != nil ? " with continuous batching" : "")
            if let alone = a.oneRequest?.tpot { each += " (\(Seconds(alone)) alone)" }
            each += ", \(UnitFormat.threeDigits(1 / max(step, 1e-300))) tokens/s each"
            section.add("per request", each)
        }
        var all = "\(UnitFormat.threeDigits(t.tokensPerSecond)) tokens/s decoding"
        if let served = t.servedTokensPerSecond { all += ", \(UnitFormat.threeDigits(served)) sustained with prefill" }
        section.add("in all", all)
        return section
    }

    static func section(_ a: Analysis) -> ReportSection {
        var section = ReportSection("Summary")
        for (label, value) in rows(a) { section.add(label, value) }
        return section
    }

    /// JSON `summary`: the answer's figures.
    static let summary = JSONShape<Analysis>(
        "The answer first: devices, fit, and what one request sees (inference) or a step takes (training).",
        [
            F.count("devices") { $0.layout.devices },
            F.bool("fits") { $0.memory.fits },
            F.nullable("max_context", .count, "Inference: one request alone; training: per sequence.") {
                ($0.oneRequest?.maxContext ?? ($0.spec.workload.mode == .training ? $0.maxContext : nil)).map(JSONValue.int)
            },
            F.nullable("ttft_s", .quantity(.seconds), "One request alone.") { $0.oneRequest?.ttft.map(JSONValue.number) },
            F.nullable("tpot_s", .quantity(.seconds), "One request alone.") { $0.oneRequest?.tpot.map(JSONValue.number) },
            F.nullable("request_tokens_per_s", .quantity(.perSecond), "Decoded tokens per second one request sees, 1 / TPOT.") {
                $0.oneRequest?.tokensPerSecond.map(JSONValue.number)
            },
            F.nullable("step_s", .quantity(.seconds), "Training.") { $0.time.step.map { .number($0.seconds) } },
            F.quantity("tokens_per_s", .perSecond, "The plan's aggregate: every sequence it serves or trains.") {
                $0.time.tokensPerSecond
            },
        ])

    /// JSON `capacity` (inference): how many requests fit, the batch served and its throughput.
    static let capacity = JSONShape<Analysis>(
        "Inference: requests at the target context held at once, and the batch the plan serves.",
        [
            F.nullable("concurrent_requests", .count, "lcplan's KV capacity over all replicas.") {
                $0.concurrentRequests.map(JSONValue.int)
            },
            F.count("context", "The target context of those requests.") { $0.spec.workload.context },
            F.nullable("engine", .string, "The serving engine whose admission is counted.") {
                $0.kvLayout?.engine.map { .string($0.engine.rawValue) }
            },
            F.nullable("engine_concurrency", .ratio, "The engine's logged maximum concurrency at the context.") {
                $0.kvLayout?.engine.map { .number($0.concurrency) }
            },
            F.count("batch", "Sequences the plan serves at once over all replicas.") { $0.spec.workload.batch },
            F.bool("batch_searched", "The throughput search chose the batch.") { $0.batchSearched },
            F.quantity("tokens_per_s", .perSecond, "Aggregate decode tokens per second at that batch.") { $0.time.tokensPerSecond },
            F.nullable("sustained_tokens_per_s", .quantity(.perSecond), "With each request's prefill in continuous batches.") {
                $0.time.servedTokensPerSecond.map(JSONValue.number)
            },
        ])
}
