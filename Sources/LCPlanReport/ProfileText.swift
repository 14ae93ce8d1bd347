import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The FLOPs, Memory and Time sections of the text report.
enum ProfileText {
    static func flopsValue(_ value: ExactInt) -> String { ReportValue.flops(value).formatted }
    static func bytes(_ value: ExactInt) -> String { ReportValue.bytes(value).formatted }
    static func percent(_ value: Double) -> String { ReportValue.percent(value).formatted }

    /// One line under the verdict: does it fit, and what binds.
    static func headline(_ a: Analysis) -> String {
        let m = a.memory
        var parts: [String] = []
        parts.append((m.fits ? "fits: " : "does not fit: ") + "\(bytes(m.total)) of \(bytes(m.usable)) usable per device")
        // At inference the longest context is one request's: a batch the search chose shares the memory.
        let longest = a.oneRequest?.maxContext ?? a.maxContext
        parts.append(
            (a.oneRequest != nil ? "max context per request " : "max context ")
                + (longest.map { UnitFormat.grouped(ExactInt($0)) + " tokens" } ?? "none"))
        if let tpot = a.time.tpot { parts.append("decode \(tpot.bound.rawValue)-bound") }
        if let step = a.time.step { parts.append("step \(step.bound.rawValue)-bound") }
        return parts.joined(separator: "; ")
    }

    static func flops(_ a: Analysis) -> ReportSection {
        var table = ReportSection(
            "FLOPs", "\(a.spec.conventions.attentionFLOPs.rawValue) attention convention",
            [.left, .right, .right, .right, .right, .right, .right, .right])
        table.header = ["phase", "total", "attn core", "attn proj", "mlp/experts", "lm head", "other", "attn share"]
        func row(_ name: String, _ f: FLOPBreakdown) {
            table.add(
                name, .flops(f.total), .flops(f.attentionCore), .flops(f.attentionProjections), .flops(f.mlp + f.experts),
                .flops(f.lmHead), .flops(f.other), .percent(f.attentionShare))
        }
        if a.spec.workload.mode == .inference {
            row("prefill", a.flops.prefill)
            row("decode/token", a.flops.decodePerToken)
            row("decode total", a.flops.decodeTotal)
        } else if let forward = a.flops.trainingForward {
            row("forward", forward)
        }
        if let model = a.flops.trainingModel, let hardware = a.flops.trainingHardware(recompute: a.layout.recompute) {
            table.notes.append(
                "training step: model \(flopsValue(model)) (3 x forward), hardware \(flopsValue(hardware)) (recompute \(a.layout.recompute.rawValue))"
            )
        }
        table.notes.append(
            "attention core exceeds the rest of a prefill above "
                + (a.flops.attentionCrossoverContext.map { UnitFormat.grouped(ExactInt($0)) + " tokens" } ?? "no context (never)"))
        return table
    }

    static func memory(_ a: Analysis) -> ReportSection {
        let m = a.memory
        var detail = "per device"
        if a.layout.pp > 1 { detail += ", pipeline stage \(m.stage) (the most loaded)" }
        var table = ReportSection("Memory", detail, [.left, .right])
        table.add("weights", .bytes(m.device.weights))
        if a.spec.workload.mode == .inference { table.add("kv cache", .bytes(m.device.kvCache)) }
        table.add("activations", .bytes(m.device.activations))
        if a.spec.workload.mode == .training {
            table.add("gradients", .bytes(m.device.gradients))
            table.add("optimizer", .bytes(m.device.optimizer))
        }
        table.add("workspace", .bytes(m.device.workspace))
        table.add("total", .bytes(m.total))
        table.add("usable", "\(bytes(m.usable)) of \(bytes(m.capacity))")
        table.add("headroom", .bytes(m.headroom))
        table.notes.append(
            "kv cache \(UnitFormat.grouped(m.kvCacheBytesPerToken)) bytes per token (all layers); max context "
                + (a.maxContext.map { UnitFormat.grouped(ExactInt($0)) + " tokens" } ?? "none: nothing fits")
                + (a.layoutMaxContext.map {
                    " (with a smaller prefill chunk; the chosen layout's own: \(UnitFormat.grouped(ExactInt($0))) tokens)"
                } ?? ""))
        table.notes.append(
            "parameters per device \(UnitFormat.grouped(m.parametersPerDevice))"
                + (a.spec.workload.mode == .inference
                    ? ", \(m.sequencesPerReplica) sequence\(m.sequencesPerReplica == 1 ? "" : "s") per replica"
                    : ", \(m.inFlightMicroBatches) micro-batch\(m.inFlightMicroBatches == 1 ? "" : "es") in flight"))
        return table
    }

    static func time(_ a: Analysis) -> ReportSection {
        let t = a.time
        var table = ReportSection(
            "Time", "roofline at \(FLOPRate(flopsPerSecond: t.peak)) \(t.computeFormat.rawValue) dense peak",
            [.left, .right, .right, .right, .right, .left])
        table.header = ["phase", "time", "compute", "memory", "comm", "bound"]
        func row(_ name: String, _ p: PhaseTime?) {
            guard let p else { return }
            table.add(
                name, .seconds(p.seconds), .seconds(p.compute), .seconds(p.memory), .seconds(p.communication), .text(p.bound.rawValue))
        }
        row("ttft", t.ttft)
        row("tpot", t.tpot)
        row("batched", t.batchStep)
        row("step", t.step)
        var note = "\(UnitFormat.threeDigits(t.tokensPerSecond)) tokens/s"
        if let served = t.servedTokensPerSecond {
            note =
                "\(UnitFormat.threeDigits(t.tokensPerSecond)) tokens/s decoding, \(UnitFormat.threeDigits(served)) sustained with prefill in continuous batches"
        }
        if let mfu = t.mfu, let hfu = t.hfu { note += ", MFU \(percent(mfu)), HFU \(percent(hfu))" }
        if let bubble = t.bubbleFraction { note += ", pipeline bubble \(percent(bubble)) of ideal" }
        table.notes.append(note)
        return table
    }

    static func layout(_ a: Analysis) -> String {
        let l = a.layout
        var text =
            "tp \(l.tp), pp \(l.pp)" + (l.vpp > 1 ? " (vpp \(l.vpp))" : "") + ", cp \(l.cp)" + (l.cp > 1 ? " \(l.cpKind.rawValue)" : "")
        text += ", ep \(l.ep), dp \(l.dp) = \(l.devices) devices"
        if a.spec.workload.mode == .training {
            text +=
                "; sp \(l.sequenceParallel ? "on" : "off"), ZeRO \(l.zero), recompute \(l.recompute.rawValue), micro-batch \(l.microBatch)"
        }
        return text
    }
}
