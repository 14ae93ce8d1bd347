import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The report as GitHub-flavoured markdown: a heading with the verdict, then one table per section.
public enum MarkdownReporter {
    public static func render(_ report: Report) -> String {
        var out = "# lcplan report: `\(escape(report.file))`\n\n"
        out += "**Verdict: \(report.verdict.rawValue)** (\(TextReporter.summary(report)))\n"
        if let spec = report.spec {
            let m = spec.model
            out +=
                "\n## Model: \(escape(m.name))\n\n"
                + table([
                    ("source", "\(m.source) (\(m.confidence.rawValue))"),
                    ("layers", "\(m.layers)"), ("hidden", "\(m.hidden)"),
                    ("heads / KV heads", "\(m.heads) / \(m.kvHeads) (\(m.attention.kind.rawValue))"),
                    ("head_dim", "\(m.headDim)"), ("ffn", "\(m.ffn) \(m.ffnKind.rawValue)"), ("vocab", "\(m.vocab)"),
                    ("max context", UnitFormat.grouped(ExactInt(m.maxContext))),
                    (
                        "rope",
                        m.rope.map {
                            "theta \($0.theta), \($0.rotaryDim) dims"
                                + ($0.scaling.map { ", \($0.type.rawValue) x\(UnitFormat.threeDigits($0.factor))" } ?? "")
                        } ?? m.positions.rawValue
                    ),
                ])
            if let p = report.parameters {
                out += "\n## Parameters\n\n| part | count |\n|---|---:|\n"
                for (name, value) in [
                    ("total", p.total), ("active", p.active), ("embedding", p.embedding), ("lm head", p.lmHead),
                    ("attention", p.attention), ("mlp", p.mlp), ("experts", p.experts), ("norms", p.norms),
                ] {
                    out += "| \(name) | \(UnitFormat.grouped(value)) |\n"
                }
            }
            let h = spec.hardware
            out +=
                "\n## Hardware: \(h.count) x \(escape(h.device.name))\n\n"
                + table(
                    [
                        ("source", "\(h.device.source) (\(h.device.confidence.rawValue))"),
                        ("memory per device", "\(h.device.memory)"), ("memory bandwidth", "\(h.device.memoryBandwidth)"),
                        ("devices per node", "\(h.perNode)"),
                    ] + h.device.peak.sorted { $0.key < $1.key }.map { ("peak \($0.key.rawValue) (dense)", "\($0.value)") })
            let w = spec.workload
            out +=
                "\n## Workload: \(w.mode.rawValue)\n\n"
                + table([
                    ("context", UnitFormat.grouped(ExactInt(w.context)) + " tokens"),
                    ("prompt / output", "\(w.promptTokens) / \(w.outputTokens)"), ("batch", "\(w.batch)"),
                    ("dtype", w.dtype.rawValue), ("KV cache", "\(w.kvCache.dtype.rawValue), blocks of \(w.kvCache.blockTokens)"),
                    ("attention FLOPs convention", spec.conventions.attentionFLOPs.rawValue),
                ])
        }
        if let a = report.analysis {
            out += "\n" + profiles(a)
        }
        if !report.diagnostics.isEmpty {
            out += "\n## Findings\n\n| rule | severity | where | message |\n|---|---|---|---|\n"
            for d in report.diagnostics {
                let location = [d.location?.description, d.keyPath.map { "`\($0)`" }].compactMap { $0 }.joined(separator: " ")
                out += "| \(d.rule.id) | \(d.severity.rawValue) | \(escape(location)) | \(escape(d.message)) |\n"
            }
        }
        return out
    }

    static func profiles(_ a: Analysis) -> String {
        var out = "## FLOPs (\(a.spec.conventions.attentionFLOPs.rawValue) attention)\n\n"
        out += "| phase | total | attention core | attention projections | mlp/experts | lm head | other | attention share |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        func row(_ name: String, _ f: FLOPBreakdown) {
            out +=
                "| \(name) | \(UnitFormat.grouped(f.total)) | \(UnitFormat.grouped(f.attentionCore)) | "
                + "\(UnitFormat.grouped(f.attentionProjections)) | \(UnitFormat.grouped(f.mlp + f.experts)) | "
                + "\(UnitFormat.grouped(f.lmHead)) | \(UnitFormat.grouped(f.other)) | \(ProfileText.percent(f.attentionShare)) |\n"
        }
        if a.spec.workload.mode == .inference {
            row("prefill", a.flops.prefill)
            row("decode per token", a.flops.decodePerToken)
            row("decode total", a.flops.decodeTotal)
        } else if let forward = a.flops.trainingForward {
            row("training forward", forward)
        }
        let m = a.memory
        out +=
            "\n## Memory (per device, stage \(m.stage))\n\n"
            + table([
                ("weights", ProfileText.bytes(m.device.weights)), ("kv cache", ProfileText.bytes(m.device.kvCache)),
                ("activations", ProfileText.bytes(m.device.activations)), ("gradients", ProfileText.bytes(m.device.gradients)),
                ("optimizer", ProfileText.bytes(m.device.optimizer)), ("workspace", ProfileText.bytes(m.device.workspace)),
                ("total", ProfileText.bytes(m.total)), ("usable", "\(ProfileText.bytes(m.usable)) of \(ProfileText.bytes(m.capacity))"),
                ("fits", m.fits ? "yes" : "no"),
                ("kv cache bytes per token", UnitFormat.grouped(m.kvCacheBytesPerToken)),
                ("max context", a.maxContext.map { UnitFormat.grouped(ExactInt($0)) } ?? "none"),
            ])
        let t = a.time
        var rows: [(String, String)] = []
        for (name, phase) in [("ttft", t.ttft), ("tpot", t.tpot), ("step", t.step)] {
            if let phase { rows.append((name, "\(Seconds(phase.seconds)) (\(phase.bound.rawValue)-bound)")) }
        }
        rows.append(("tokens/s", UnitFormat.threeDigits(t.tokensPerSecond)))
        if let mfu = t.mfu { rows.append(("MFU", ProfileText.percent(mfu))) }
        out += "\n## Time (roofline, \(t.computeFormat.rawValue) dense peak)\n\n" + table(rows)
        out += "\n## Assumptions\n\n" + a.assumptions.map { "- \(escape($0.text))\n" }.joined()
        return out
    }

    static func table(_ rows: [(String, String)]) -> String {
        "| | |\n|---|---|\n" + rows.map { "| \($0.0) | \(escape($0.1)) |\n" }.joined()
    }

    static func escape(_ text: String) -> String {
        text.replacingPipes
    }
}

extension String {
    var replacingPipes: String {
        var out = ""
        for character in self {
            switch character {
            case "|": out += "\\|"
            case "\n": out += " "
            default: out.append(character)
            }
        }
        return out
    }
}
