import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The FLOPs, Memory and Time sections of the text report.
enum ProfileText {
    static func flopsValue(_ value: ExactInt) -> String { value.isZero ? "0" : FLOPs(value).description }
    static func bytes(_ value: ExactInt) -> String { Bytes(value).description }
    static func percent(_ value: Double) -> String { UnitFormat.fixed(value * 100, decimals: 1) + "%" }

    /// One line under the verdict: does it fit, and what binds.
    static func headline(_ a: Analysis) -> String {
        let m = a.memory
        var parts: [String] = []
        parts.append((m.fits ? "fits: " : "does not fit: ") + "\(bytes(m.total)) of \(bytes(m.usable)) usable per device")
        parts.append("max context " + (a.maxContext.map { UnitFormat.grouped(ExactInt($0)) + " tokens" } ?? "none"))
        if let tpot = a.time.tpot { parts.append("decode \(tpot.bound.rawValue)-bound") }
        if let step = a.time.step { parts.append("step \(step.bound.rawValue)-bound") }
        return parts.joined(separator: "; ")
    }

    static func flops(_ a: Analysis, _ style: TextStyle) -> String {
        var table = TextTable([.left, .right, .right, .right, .right, .right, .right, .right])
        table.add("phase", "total", "attn core", "attn proj", "mlp/experts", "lm head", "other", "attn share")
        func row(_ name: String, _ f: FLOPBreakdown) {
            table.add(
                name, flopsValue(f.total), flopsValue(f.attentionCore), flopsValue(f.attentionProjections),
                flopsValue(f.mlp + f.experts), flopsValue(f.lmHead), flopsValue(f.other), percent(f.attentionShare))
        }
        if a.spec.workload.mode == .inference {
            row("prefill", a.flops.prefill)
            row("decode/token", a.flops.decodePerToken)
            row("decode total", a.flops.decodeTotal)
        } else if let forward = a.flops.trainingForward {
            row("forward", forward)
        }
        var out =
            TextReporter.section("FLOPs", style, "\(a.spec.conventions.attentionFLOPs.rawValue) attention convention") + table.render()
        if let model = a.flops.trainingModel, let hardware = a.flops.trainingHardware(recompute: a.layout.recompute) {
            out +=
                "  training step: model \(flopsValue(model)) (3 x forward), hardware \(flopsValue(hardware)) (recompute \(a.layout.recompute.rawValue))\n"
        }
        out +=
            "  attention core exceeds the rest of a prefill above "
            + (a.flops.attentionCrossoverContext.map { UnitFormat.grouped(ExactInt($0)) + " tokens" } ?? "no context (never)") + "\n"
        return out
    }

    static func memory(_ a: Analysis, _ style: TextStyle) -> String {
        let m = a.memory
        var table = TextTable([.left, .right])
        table.add("weights", bytes(m.device.weights))
        if a.spec.workload.mode == .inference { table.add("kv cache", bytes(m.device.kvCache)) }
        table.add("activations", bytes(m.device.activations))
        if a.spec.workload.mode == .training {
            table.add("gradients", bytes(m.device.gradients))
            table.add("optimizer", bytes(m.device.optimizer))
        }
        table.add("workspace", bytes(m.device.workspace))
        table.add("total", bytes(m.total))
        table.add("usable", "\(bytes(m.usable)) of \(bytes(m.capacity))")
        table.add("headroom", m.headroom.isNegative ? "-" + bytes(-m.headroom) : bytes(m.headroom))
        var detail = "per device"
        if a.layout.pp > 1 { detail += ", pipeline stage \(m.stage) (the most loaded)" }
        var out = TextReporter.section("Memory", style, detail) + table.render()
        out += "  kv cache \(UnitFormat.grouped(m.kvCacheBytesPerToken)) bytes per token (all layers); "
        out += "max context " + (a.maxContext.map { UnitFormat.grouped(ExactInt($0)) + " tokens" } ?? "none: nothing fits") + "\n"
        out += "  parameters per device \(UnitFormat.grouped(m.parametersPerDevice))"
        out +=
            a.spec.workload.mode == .inference
            ? ", \(m.sequencesPerReplica) sequence\(m.sequencesPerReplica == 1 ? "" : "s") per replica\n"
            : ", \(m.inFlightMicroBatches) micro-batch\(m.inFlightMicroBatches == 1 ? "" : "es") in flight\n"
        return out
    }

    static func time(_ a: Analysis, _ style: TextStyle) -> String {
        let t = a.time
        var table = TextTable([.left, .right, .right, .right, .right, .left])
        table.add("phase", "time", "compute", "memory", "comm", "bound")
        func row(_ name: String, _ p: PhaseTime?) {
            guard let p else { return }
            table.add(
                name, Seconds(p.seconds).description, Seconds(p.compute).description, Seconds(p.memory).description,
                Seconds(p.communication).description, p.bound.rawValue)
        }
        row("ttft", t.ttft)
        row("tpot", t.tpot)
        row("step", t.step)
        var out =
            TextReporter.section("Time", style, "roofline at \(FLOPRate(flopsPerSecond: t.peak)) \(t.computeFormat.rawValue) dense peak")
            + table.render()
        out += "  \(UnitFormat.threeDigits(t.tokensPerSecond)) tokens/s"
        if let mfu = t.mfu, let hfu = t.hfu { out += ", MFU \(percent(mfu)), HFU \(percent(hfu))" }
        if let bubble = t.bubbleFraction { out += ", pipeline bubble \(percent(bubble)) of ideal" }
        return out + "\n"
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
