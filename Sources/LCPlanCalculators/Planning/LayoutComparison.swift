import LCPlanModel

/// In words, what makes one layout rank below another: the constraint it breaks, the memory it lacks, or
/// the part of its time that grows most.
enum LayoutComparison {
    static func why(
        _ rival: Ranked, against chosen: Ranked, objective: SearchObjective, outputTokens: Int, promptTokens: Int
    ) -> String {
        let r = rival.profile, c = chosen.profile
        switch rival.status {
        case .doesNotFit:
            return "does not fit: the most loaded device needs \(bytes(r.memory.total)) of \(bytes(r.usableBytes)) usable"
        case .missesConstraints where chosen.status == .feasible:
            if let t = r.time.ttft, let c = chosen.profile.time.ttft, t.seconds > c.seconds {
                return "misses a constraint: TTFT \(Seconds(t.seconds)), TPOT \(Seconds(r.time.interTokenSeconds ?? 0))"
            }
            if let step = r.time.step { return "misses the step-time constraint: \(Seconds(step.seconds))" }
            return "misses a constraint: TTFT \(Seconds(r.time.ttft?.seconds ?? 0)), TPOT \(Seconds(r.time.interTokenSeconds ?? 0))"
        default: break
        }
        if objective == .devices && r.layout.devices != c.layout.devices {
            return "needs \(r.layout.devices) devices, not \(c.layout.devices)"
        }
        if Ranked.same(rival.primary, chosen.primary) && Ranked.same(rival.secondary, chosen.secondary) {
            if r.layout.prefillChunk != c.layout.prefillChunk {
                // Steps of a replica's prefill: its prompts' tokens over the chunk.
                func steps(_ p: LayoutProfile) -> Int {
                    let tokens = promptTokens.saturatingMultiplied(by: p.sequencesPerReplica)
                    return p.layout.prefillChunk.map { (tokens + $0 - 1) / $0 } ?? 1
                }
                return
                    "as fast; prefills a replica's prompts in \(steps(r)) step\(steps(r) == 1 ? "" : "s") against \(steps(c)) (every step has overheads the model does not count)"
            }
            return r.memory.total > c.memory.total
                ? "as fast; needs more memory (\(bytes(r.memory.total)) against \(bytes(c.memory.total)))"
                : "as fast and as large; listed after it in plan-key order"
        }
        if let step = r.time.step, let base = c.time.step {
            return "step \(Seconds(step.seconds)) against \(Seconds(base.seconds))" + changes(stepParts(r, over: c))
        }
        let tpot = r.time.interTokenSeconds ?? 0, ttft = r.time.ttft?.seconds ?? 0
        let baseTPOT = c.time.interTokenSeconds ?? 0, baseTTFT = c.time.ttft?.seconds ?? 0
        let perDevice = r.time.objectiveTokensPerSecond / Double(max(r.layout.devices, 1))
        let basePerDevice = c.time.objectiveTokensPerSecond / Double(max(c.layout.devices, 1))
        if objective == .latency {
            let latency = SearchState.latency(r.time, outputTokens: outputTokens)
            let baseLatency = SearchState.latency(c.time, outputTokens: outputTokens)
            return "request \(Seconds(latency)) against \(Seconds(baseLatency)) (TTFT \(Seconds(ttft)), TPOT \(Seconds(tpot)))"
                + changes(decodeParts(r, over: c) + prefillParts(r, over: c))
        }
        if perDevice < basePerDevice {
            return "\(UnitFormat.threeDigits(perDevice)) tokens/s per device against \(UnitFormat.threeDigits(basePerDevice)) "
                + "(TTFT \(Seconds(ttft)) against \(Seconds(baseTTFT)), TPOT \(Seconds(tpot)) against \(Seconds(baseTPOT)))"
                + changes(decodeParts(r, over: c) + prefillParts(r, over: c))
        }
        return "as many tokens/s per device; TTFT \(Seconds(ttft)) against \(Seconds(baseTTFT))" + changes(prefillParts(r, over: c))
    }

    /// The part of the time that grows most from `base` to `profile`, and the one that shrinks most:
    /// `: +44.5 s compute (recompute, uneven stages, attention kernels), -38.0 s exposed data-parallel
    /// communication`.
    /// Differences within a relative 1e-9 of the largest part are rounding (a bubble derived as the rest of
    /// a step), not a change.
    static func changes(_ parts: [(String, Double, Double)]) -> String {
        var growth = ("", 0.0), shrink = ("", 0.0)
        let scale = parts.map { max(abs($0.1), abs($0.2)) }.max() ?? 0
        for (name, value, baseValue) in parts {
            let delta = value - baseValue
            guard abs(delta) > 1e-9 * scale else { continue }
            if delta > growth.1 { growth = (name, delta) }
            if delta < shrink.1 { shrink = (name, delta) }
        }
        var pieces: [String] = []
        if growth.1 > 0 { pieces.append("+\(Seconds(growth.1)) \(growth.0)") }
        if shrink.1 < 0 { pieces.append("-\(Seconds(-shrink.1)) \(shrink.0)") }
        return pieces.isEmpty ? "" : ": " + pieces.joined(separator: ", ")
    }

    /// The parts of a training step side by side: (name, in profile, in base).
    static func stepParts(_ profile: LayoutProfile, over base: LayoutProfile) -> [(String, Double, Double)] {
        guard let step = profile.time.step, let baseStep = base.time.step else { return [] }
        let a = profile.communication, b = base.communication
        func bubble(_ p: PhaseTime) -> Double { p.seconds - max(p.compute, p.memory) - p.communication }
        return [
            ("compute (recompute, uneven stages, attention kernels)", step.compute, baseStep.compute),
            ("the pipeline bubble", bubble(step), bubble(baseStep)),
            ("exposed tensor-parallel communication", a.tensor.exposedSeconds, b.tensor.exposedSeconds),
            ("exposed context-parallel communication", a.context.exposedSeconds, b.context.exposedSeconds),
            ("pipeline sends", a.pipeline.exposedSeconds, b.pipeline.exposedSeconds),
            ("exposed data-parallel communication", a.data.exposedSeconds, b.data.exposedSeconds),
            ("expert dispatch", a.expert.exposedSeconds, b.expert.exposedSeconds),
        ]
    }

    /// The parts of a decode step side by side.
    static func decodeParts(_ profile: LayoutProfile, over base: LayoutProfile) -> [(String, Double, Double)] {
        guard let tpot = profile.time.tpot, let baseTPOT = base.time.tpot else { return [] }
        let a = profile.communication, b = base.communication
        return [
            ("decode compute", tpot.compute, baseTPOT.compute),
            ("decode memory reads", tpot.memory, baseTPOT.memory),
            ("decode tensor-parallel all-reduces", a.decodeTensor.exposedSeconds, b.decodeTensor.exposedSeconds),
            ("decode expert dispatch", a.decodeExpert.exposedSeconds, b.decodeExpert.exposedSeconds),
        ]
    }

    /// The parts of a prefill side by side.
    static func prefillParts(_ profile: LayoutProfile, over base: LayoutProfile) -> [(String, Double, Double)] {
        guard let ttft = profile.time.ttft, let baseTTFT = base.time.ttft else { return [] }
        let a = profile.communication, b = base.communication
        return [
            ("prefill compute", ttft.compute, baseTTFT.compute),
            ("prefill memory reads", ttft.memory, baseTTFT.memory),
            ("prefill tensor-parallel all-reduces", a.tensor.exposedSeconds, b.tensor.exposedSeconds),
            ("exposed prefill context-parallel communication", a.context.exposedSeconds, b.context.exposedSeconds),
            ("prefill expert dispatch", a.expert.exposedSeconds, b.expert.exposedSeconds),
        ]
    }

    static func bytes(_ value: Double) -> String { UnitFormat.scaled(value, unit: "B", base: 1000) }
}

extension Layout {
    /// The layout in one line: `tp 8 (sp), pp 16 (vpp 2), cp 16 ring, dp 8, zero 1, recompute full, micro-batch 1`.
    public var summary: String {
        var parts = ["tp \(tp)" + (sequenceParallel ? " (sp)" : ""), "pp \(pp)" + (vpp > 1 ? " (vpp \(vpp))" : "")]
        parts.append(cp > 1 ? "cp \(cp) \(cpKind.rawValue)" : "cp 1")
        if ep > 1 { parts.append("ep \(ep)") }
        if attentionDP > 1 { parts.append("attention dp \(attentionDP)") }
        parts.append("dp \(dp)")
        if let chunk = prefillChunk { parts.append("prefill chunk \(chunk)") }
        if let sequences { parts.append("\(sequences) sequence\(sequences == 1 ? "" : "s") per replica") }
        return parts.joined(separator: ", ")
    }

    /// `summary` with the training-only choices.
    public var trainingSummary: String {
        summary + ", zero \(zero), recompute \(recompute.rawValue), micro-batch \(microBatch)" + (dualPipe ? ", dualpipe" : "")
    }
}
