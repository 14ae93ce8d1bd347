import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// What changed between two specs' reports (`lcplan diff OLD NEW`): each figure with its sign and
/// percentage, the layout, the RoPE verdict, the verdict, and the findings that came and went.
public struct ReportDiff: Sendable {
    public static let schemaName = "lcplan.diff/v1"

    /// One figure of both reports; nil where a report has none (training has no TTFT).
    public struct Figure: Sendable {
        public let name: String
        /// `bytes`, `s`, `tokens`, `per_s`, `ratio`, `count`.
        public let unit: String
        public let old: Double?
        public let new: Double?
        /// Whether a larger value is better (tokens/s, max context), for the markdown's arrows.
        public let largerIsBetter: Bool

        public var delta: Double? { old.flatMap { o in new.map { $0 - o } } }
        public var percent: Double? {
            guard let old, let delta, old != 0 else { return nil }
            return delta / abs(old) * 100
        }
        public var changed: Bool { old != new }
    }

    public let old: Report
    public let new: Report
    public let figures: [Figure]
    /// Words that changed: the verdict, the layout, the RoPE verdict.
    public let texts: [(name: String, old: String, new: String)]
    /// Findings by `RULE key` present in one report only.
    public let added: [Diagnostic]
    public let removed: [Diagnostic]

    public init(old: Report, new: Report) {
        self.old = old
        self.new = new
        func figure(_ name: String, _ unit: String, larger: Bool = false, _ get: (Analysis) -> Double?) -> Figure {
            Figure(name: name, unit: unit, old: old.analysis.flatMap(get), new: new.analysis.flatMap(get), largerIsBetter: larger)
        }
        figures = [
            figure("memory per device", "bytes") { $0.memory.total.doubleValue },
            figure("weights", "bytes") { $0.memory.device.weights.doubleValue },
            figure("kv cache", "bytes") { $0.memory.device.kvCache.doubleValue },
            figure("activations", "bytes") { $0.memory.device.activations.doubleValue },
            figure("headroom", "bytes", larger: true) { $0.memory.headroom.doubleValue },
            figure("max context", "tokens", larger: true) { $0.maxContext.map(Double.init) },
            figure("ttft", "s") { $0.time.ttft?.seconds },
            figure("tpot", "s") { $0.time.tpot?.seconds },
            figure("step time", "s") { $0.time.step?.seconds },
            figure("tokens/s", "per_s", larger: true) { $0.time.tokensPerSecond },
            figure("mfu", "ratio", larger: true) { $0.time.mfu },
            figure("sequences at the context", "count", larger: true) { a in
                a.kvLayout.map { Double($0.ideal.sequences) * Double(a.layout.dp) }
            },
            figure("devices", "count") { Double($0.layout.devices) },
        ]
        func layout(_ r: Report) -> String {
            guard let a = r.analysis else { return "-" }
            return a.spec.workload.training != nil ? a.layout.trainingSummary : a.layout.summary
        }
        func rope(_ r: Report) -> String {
            guard let a = r.analysis, !a.rope.isEmpty else { return "-" }
            return a.rope.map { "\($0.verdict.rawValue) (\($0.layers.rawValue))" }.joined(separator: ", ")
        }
        texts = [
            ("verdict", old.verdict.rawValue, new.verdict.rawValue), ("layout", layout(old), layout(new)),
            ("rope", rope(old), rope(new)),
        ]
        func key(_ d: Diagnostic) -> String { "\(d.rule.id) \(d.keyPath ?? "")" }
        let oldKeys = Set(old.diagnostics.map(key)), newKeys = Set(new.diagnostics.map(key))
        added = new.diagnostics.filter { !oldKeys.contains(key($0)) }
        removed = old.diagnostics.filter { !newKeys.contains(key($0)) }
    }

    /// A figure's value in its unit, scaled for people.
    static func format(_ value: Double?, _ unit: String) -> String {
        guard let value else { return "-" }
        switch unit {
        case "bytes": return (value < 0 ? "-" : "") + UnitFormat.scaled(abs(value), unit: "B", base: 1000)
        case "s": return Seconds(value).description
        case "tokens", "count":
            // Counts past a machine integer (a hostile spec's) are written scaled rather than converted.
            return abs(value) < 1e18 ? UnitFormat.grouped(ExactInt(Int(value.rounded()))) : UnitFormat.scaled(value, unit: "", base: 1000)
        case "per_s": return UnitFormat.threeDigits(value)
        default: return UnitFormat.fixed(value * 100, decimals: 1) + "%"
        }
    }

    /// A change with its sign and percentage: `+2.20 GB (+5.1%)`, `0`, `new`.
    static func change(_ f: Figure) -> String {
        guard let delta = f.delta else { return f.old == nil && f.new == nil ? "" : (f.old == nil ? "new" : "gone") }
        if delta == 0 { return "0" }
        let sign = delta > 0 ? "+" : "-"
        let magnitude = format(abs(delta), f.unit)
        return sign + magnitude + (f.percent.map { " (\($0 > 0 ? "+" : "")\(UnitFormat.fixed($0, decimals: 1))%)" } ?? "")
    }

    public func text() -> String {
        var out = "lcplan diff: \(old.file) -> \(new.file)\n"
        var table = TextTable([.left, .right, .right, .right])
        table.rows.append(["figure", "old", "new", "change"])
        for f in figures where f.old != nil || f.new != nil {
            table.rows.append([f.name, Self.format(f.old, f.unit), Self.format(f.new, f.unit), Self.change(f)])
        }
        out += table.render()
        for t in texts where t.old != t.new { out += "  \(t.name): \(t.old) -> \(t.new)\n" }
        if texts.allSatisfy({ $0.old == $0.new }) { out += "  verdict, layout and RoPE verdict unchanged\n" }
        for d in added { out += "  + [\(d.rule.id)] \(d.severity.rawValue): \(d.message)\n" }
        for d in removed { out += "  - [\(d.rule.id)] \(d.severity.rawValue): \(d.message)\n" }
        return out
    }

    public func markdown() -> String {
        var out = "## lcplan diff: `\(old.file)` → `\(new.file)`\n\n"
        out += "**Verdict: \(old.verdict.rawValue) → \(new.verdict.rawValue)**\n\n"
        out += "| figure | old | new | change |\n|---|---:|---:|---:|\n"
        for f in figures where f.old != nil || f.new != nil {
            var mark = ""
            if let delta = f.delta, delta != 0 { mark = (delta > 0) == f.largerIsBetter ? " ✅" : " ⚠️" }
            out += "| \(f.name) | \(Self.format(f.old, f.unit)) | \(Self.format(f.new, f.unit)) | \(Self.change(f))\(mark) |\n"
        }
        for t in texts where t.old != t.new {
            out += "\n**\(t.name)**: \(MarkdownReporter.escape(t.old)) → \(MarkdownReporter.escape(t.new))\n"
        }
        if !added.isEmpty || !removed.isEmpty {
            out += "\n| | rule | severity | message |\n|---|---|---|---|\n"
            for d in added {
                out += "| new | \(MarkdownReporter.ruleLink(d.rule)) | \(d.severity.rawValue) | \(MarkdownReporter.escape(d.message)) |\n"
            }
            for d in removed {
                out += "| gone | \(MarkdownReporter.ruleLink(d.rule)) | \(d.severity.rawValue) | \(MarkdownReporter.escape(d.message)) |\n"
            }
        }
        return out
    }

    /// The exit status: the new spec's (2 when either is invalid).
    public func exitStatus(failOn: Severity) -> Int32 {
        if old.verdict == .invalid || new.verdict == .invalid { return 2 }
        return new.exitStatus(failOn: failOn)
    }
}

extension ReportDocument {

    static let diffFigure = JSONShape<ReportDiff.Figure>(
        "One figure of both reports.",
        [
            JSONField.string("name") { $0.name },
            JSONField.field("unit", .choice(["bytes", "s", "tokens", "per_s", "ratio", "count"])) { .string($0.unit) },
            JSONField.nullable("old", .number) { $0.old.map(JSONValue.number) },
            JSONField.nullable("new", .number) { $0.new.map(JSONValue.number) },
            JSONField.nullable("delta", .number) { $0.delta.map(JSONValue.number) },
            JSONField.nullable("percent", .number, "delta / |old| x 100; null when old is 0 or either is missing.") {
                $0.percent.map(JSONValue.number)
            },
            JSONField.bool("larger_is_better") { $0.largerIsBetter },
        ])

    static let diffText = JSONShape<(name: String, old: String, new: String)>(
        "A value in words in both reports.",
        [JSONField.string("name") { $0.name }, JSONField.string("old") { $0.old }, JSONField.string("new") { $0.new }])

    /// `lcplan diff --format json`.
    public static let diff = JSONShape<ReportDiff>(
        "What changed between two specs' reports.",
        [
            JSONField.field("schema", .constant(ReportDiff.schemaName)) { _ in .string(ReportDiff.schemaName) },
            JSONField.string("lcplan_version") { _ in Report.toolVersion },
            JSONField.string("old") { $0.old.file }, JSONField.string("new") { $0.new.file },
            JSONField.list("figures", diffFigure) { $0.figures },
            JSONField.list("texts", diffText) { $0.texts },
            JSONField.list("added", diagnostic, "Findings only the new report has.") { $0.added },
            JSONField.list("removed", diagnostic, "Findings only the old report has.") { $0.removed },
        ])
}
