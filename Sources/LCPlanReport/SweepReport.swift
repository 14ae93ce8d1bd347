import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// A sweep's outputs: a text table, CSV, JSON (`lcplan.sweep/v1`) and the SVG figure.
public enum SweepReport {
    public static let schemaName = "lcplan.sweep/v1"

    /// Keys whose values are token counts (written 4k, 1M on the axis).
    static func isTokens(_ key: String) -> Bool {
        ["workload.context", "workload.prompt_tokens", "workload.output_tokens", "workload.prefill_chunk"].contains(key)
    }

    static func label(_ key: String, _ value: Double) -> String {
        let n = Int(value.rounded())
        if isTokens(key) {
            if n >= 1 << 30 && n % (1 << 30) == 0 { return "\(n >> 30)G" }
            if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20)M" }
            if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10)k" }
        }
        return UnitFormat.grouped(ExactInt(n))
    }

    /// A point's value as the table shows it: names as written, counts as `label(_:_:)` writes them.
    static func shown(_ sweep: Sweep, _ p: SweepPoint) -> String {
        sweep.categorical ? p.label : label(sweep.key, Double(p.value))
    }

    static func ropeState(_ p: SweepPoint) -> String {
        guard let base = p.ropeBase, let lower = p.ropeLower, let upper = p.ropeUpper else { return "-" }
        return base < lower ? "below" : base >= upper ? "above" : "in zone"
    }

    public static func text(_ sweep: Sweep) -> String {
        var table = TextTable([.right, .right, .left, .right, .right, .right, .right, .right, .left, .left])
        table.rows.append([
            sweep.key, "memory/device", "fits", "max context", "ttft", "tpot/step", "tokens/s", "sequences", "rope", "layout",
        ])
        for p in sweep.points {
            guard let memory = p.memory, let time = p.time, let layout = p.layout else {
                table.rows.append([shown(sweep, p), "-", "-", "-", "-", "-", "-", "-", "-", p.problem ?? ""])
                continue
            }
            let phase = time.tpot ?? time.step
            table.rows.append([
                shown(sweep, p), Bytes(memory.total).description, memory.fits ? "yes" : "no",
                p.maxContext.map { UnitFormat.grouped(ExactInt($0)) } ?? "none", time.ttft.map { Seconds($0.seconds).description } ?? "-",
                phase.map { Seconds($0.seconds).description } ?? "-", UnitFormat.threeDigits(time.tokensPerSecond),
                p.sequences.map { "\($0)" } ?? "-", ropeState(p), time.step != nil ? layout.trainingSummary : layout.summary,
            ])
        }
        let count = sweep.points.count
        return "lcplan sweep over \(sweep.key) (\(count) \(count == 1 ? "point" : "points"))\n" + table.render()
    }

    static let csvHeader = [
        "value", "memory_total_bytes", "kv_cache_bytes", "weights_bytes", "activations_bytes", "usable_bytes", "capacity_bytes", "fits",
        "max_context", "ttft_s", "tpot_s", "step_s", "tokens_per_s", "sequences", "rope_lower_base", "rope_ceiling_base",
        "rope_effective_base", "tp", "pp", "dp", "cp", "problem", "label",
    ]

    public static func csv(_ sweep: Sweep) -> String {
        func number(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        func quoted(_ s: String) -> String { s.isEmpty ? "" : "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var out = csvHeader.joined(separator: ",") + "\n"
        for p in sweep.points {
            let m = p.memory, t = p.time, l = p.layout
            let fields: [String] = [
                "\(p.value)", m.map { "\($0.total)" } ?? "", m.map { "\($0.device.kvCache)" } ?? "", m.map { "\($0.device.weights)" } ?? "",
                m.map { "\($0.device.activations)" } ?? "", m.map { "\($0.usable)" } ?? "", m.map { "\($0.capacity)" } ?? "",
                m.map { $0.fits ? "true" : "false" } ?? "", p.maxContext.map { "\($0)" } ?? "", number(t?.ttft?.seconds),
                number(t?.tpot?.seconds), number(t?.step?.seconds), number(t?.tokensPerSecond), p.sequences.map { "\($0)" } ?? "",
                number(p.ropeLower), number(p.ropeUpper), number(p.ropeBase), l.map { "\($0.tp)" } ?? "", l.map { "\($0.pp)" } ?? "",
                l.map { "\($0.dp)" } ?? "", l.map { "\($0.cp)" } ?? "", quoted(p.problem ?? ""), quoted(p.label),
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    typealias F = JSONField<SweepPoint>

    static let point = JSONShape<SweepPoint>(
        "One point of the sweep; figures are null where the point's spec is invalid.",
        [
            F.count("value", "The value's count; in a sweep over names (categorical), the point's position from 1.") { $0.value },
            F.string("label", "The value as written (h200, fp8, 4096).") { $0.label },
            F.nullable("memory_total_bytes", .exactBytes) { $0.memory.map { .integer($0.total) } },
            F.nullable("kv_cache_bytes", .exactBytes) { $0.memory.map { .integer($0.device.kvCache) } },
            F.nullable("usable_bytes", .exactBytes) { $0.memory.map { .integer($0.usable) } },
            F.nullable("fits", .boolean) { $0.memory.map { .bool($0.fits) } },
            F.nullable("max_context", .count) { $0.maxContext.map(JSONValue.int) },
            F.nullable("ttft_s", .quantity(.seconds)) { $0.time?.ttft.map { .number($0.seconds) } },
            F.nullable("tpot_s", .quantity(.seconds)) { $0.time?.tpot.map { .number($0.seconds) } },
            F.nullable("step_s", .quantity(.seconds)) { $0.time?.step.map { .number($0.seconds) } },
            F.nullable("tokens_per_s", .quantity(.perSecond)) { $0.time.map { .number($0.tokensPerSecond) } },
            F.nullable("sequences", .count, "Requests at the target context held at once over all replicas.") {
                $0.sequences.map(JSONValue.int)
            },
            F.nullable("rope_lower_base", .number, "The least base every lower bound allows at this context.") {
                $0.ropeLower.map(JSONValue.number)
            },
            F.nullable("rope_ceiling_base", .number, "The precision ceiling on the base.") { $0.ropeUpper.map(JSONValue.number) },
            F.nullable("rope_effective_base", .number) { $0.ropeBase.map(JSONValue.number) },
            F.optional("layout", ProfileSections.degrees) { $0.layout },
            F.nullable("problem", .string, "Why the point's spec is invalid.") { $0.problem.map(JSONValue.string) },
        ])

    public static let document = JSONShape<Sweep>(
        "lcplan sweep output.",
        [
            JSONField.field("schema", .constant(schemaName)) { _ in .string(schemaName) },
            JSONField.string("lcplan_version") { _ in Report.toolVersion },
            JSONField.string("key") { $0.key },
            JSONField.bool("categorical", "Whether the values are names (a list such as h100-sxm,h200), placed by position.") {
                $0.categorical
            },
            JSONField.quantity("capacity_bytes", .bytes) { $0.capacityBytes },
            JSONField.quantity("usable_bytes", .bytes) { $0.usableBytes },
            JSONField.list("points", point) { $0.points },
        ])

    /// The figure: memory per device with the usable capacity and the max-context marker; times; tokens
    /// per second; the RoPE zone; the requests served.
    public static func svg(_ sweep: Sweep, title: String) -> String {
        let key = sweep.key
        let valid = sweep.points.filter { $0.memory != nil }
        func series(_ name: String, _ get: (SweepPoint) -> Double?) -> SVGChart.Series {
            SVGChart.Series(name: name, points: sweep.points.map { (Double($0.value), get($0)) })
        }
        let xs = sweep.points.map { Double($0.value) }
        let logX = !sweep.categorical && ((xs.max() ?? 1) / max(xs.min() ?? 1, 1) >= 20 || Self.isGeometric(xs))
        // A hardware key changes the capacity from point to point: drawn as series, not as rules.
        let capacityVaries = key.hasPrefix("hardware.")
        var panels: [SVGChart.Panel] = []
        var memory = SVGChart.Panel(
            title: "Memory per device", unit: "GB",
            series: [
                series("total") { $0.memory.map { $0.total.doubleValue / 1e9 } },
                series("KV cache") { $0.memory.map { $0.device.kvCache.doubleValue / 1e9 } },
                series("weights") { $0.memory.map { $0.device.weights.doubleValue / 1e9 } },
            ]
                + (capacityVaries
                    ? [
                        series("capacity") { $0.memory.map { $0.capacity.doubleValue / 1e9 } },
                        series("usable (less headroom)") { $0.memory.map { $0.usable.doubleValue / 1e9 } },
                    ] : []))
        memory.logarithmic = false
        if !capacityVaries {
            memory.horizontal = [
                SVGChart.Rule(label: "capacity \(Bytes(sweep.capacity))", value: sweep.capacityBytes / 1e9),
                SVGChart.Rule(label: "usable (less headroom)", value: sweep.usableBytes / 1e9),
            ]
        }
        // A context sweep marks the longest context that fits, the spec's own and the model's max_context.
        var contexts: [SVGChart.Rule] = []
        if key == "workload.context" {
            if let maxContext = valid.first?.maxContext {
                contexts.append(SVGChart.Rule(label: "max context \(label(key, Double(maxContext)))", value: Double(maxContext)))
            }
            contexts.append(SVGChart.Rule(label: "spec \(label(key, Double(sweep.specContext)))", value: Double(sweep.specContext)))
            if sweep.modelContext != sweep.specContext {
                contexts.append(
                    SVGChart.Rule(label: "model max \(label(key, Double(sweep.modelContext)))", value: Double(sweep.modelContext)))
            }
        }
        memory.vertical = contexts
        panels.append(memory)
        let training = valid.first?.time?.step != nil
        var time = SVGChart.Panel(
            title: "Time per phase", unit: "seconds",
            series: training
                ? [series("step") { $0.time?.step?.seconds }]
                : [
                    series("TTFT") { $0.time?.ttft?.seconds }, series("TPOT") { $0.time?.tpot?.seconds },
                ])
        time.format = { SVGChart.seconds($0) }
        time.fromZero = false
        time.vertical = contexts
        panels.append(time)
        var rate = SVGChart.Panel(
            title: training ? "Training tokens per second" : "Decode tokens per second", unit: "tokens/s",
            series: [series("all devices") { $0.time?.tokensPerSecond }])
        rate.fromZero = true
        panels.append(rate)
        if valid.contains(where: { $0.ropeLower != nil }) {
            var rope = SVGChart.Panel(
                title: "RoPE base zone at each context (phase-modulation bounds, exact-dimension forms)", unit: "base",
                series: [
                    series("lower bound") { $0.ropeLower }, series("precision ceiling") { $0.ropeUpper },
                    series("model's base") { $0.ropeBase },
                ])
            rope.logarithmic = true
            panels.append(rope)
        }
        if valid.contains(where: { $0.sequences != nil }) {
            var sequences = SVGChart.Panel(
                title: "Requests at the target context held at once", unit: "sequences",
                series: [series("lcplan's count") { $0.sequences.map(Double.init) }])
            sequences.logarithmic = false
            panels.append(sequences)
        }
        // A panel each of whose series keeps one value over the sweep says a few numbers: written under the
        // title, not drawn (memory always drawn: its capacity lines carry the verdict).
        var constants: [String] = []
        panels.removeAll { panel in
            let values = panel.series.map { $0.points.compactMap(\.1).filter(\.isFinite) }
            guard panel.title != "Memory per device", values.contains(where: { $0.count > 1 }),
                values.allSatisfy({ v in v.allSatisfy { abs($0 - (v.first ?? 0)) <= 1e-9 * max(abs(v.first ?? 0), 1e-300) } })
            else { return false }
            let named = zip(panel.series, values).compactMap { series, v in
                v.first.map { "\(series.name) \(panel.format($0))" }
            }
            constants.append("\(panel.title.components(separatedBy: " (").first ?? panel.title): " + named.joined(separator: ", "))
            return true
        }
        let names = sweep.points.map(\.label)
        var chart = SVGChart(
            title: title, xLabel: isTokens(key) && !sweep.categorical ? "\(key) (tokens)" : key,
            xFormat: { x in
                guard sweep.categorical else { return label(key, x) }
                let index = Int(x.rounded()) - 1
                return names.indices.contains(index) ? names[index] : ""
            }, xLogarithmic: logX, panels: panels)
        // Powers of two on the axis for token counts and for any doubling sweep (batch 1, 2, 4, ... 64).
        chart.xBinary = !sweep.categorical && (isTokens(key) || Self.isGeometric(xs, factor: 2))
        if sweep.categorical { chart.xCategories = names.count }
        if !constants.isEmpty { chart.subtitle = "constant over the sweep: " + constants.joined(separator: "; ") }
        return chart.render()
    }

    /// Values growing by one factor (at least 1.5) from point to point: a doubling sweep, drawn on a
    /// logarithmic axis so its points are evenly spaced. `factor` asks for that factor exactly.
    static func isGeometric(_ xs: [Double], factor: Double? = nil) -> Bool {
        guard xs.count >= 3, xs.allSatisfy({ $0 > 0 }) else { return false }
        let ratios = zip(xs.dropFirst(), xs).map { $0 / $1 }
        let first = ratios[0]
        guard first >= 1.5, ratios.dropLast().allSatisfy({ abs($0 / first - 1) < 1e-6 }) else { return false }
        // The last step may be shorter (the range's end is always included).
        guard let last = ratios.last, last > 1, last <= first * (1 + 1e-6) else { return false }
        return factor.map { abs(first - $0) < 1e-9 } ?? true
    }
}
