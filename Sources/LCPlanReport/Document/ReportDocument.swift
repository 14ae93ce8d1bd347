import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The JSON documents lcplan writes, each from one description that also gives its published schema:
/// the report (`lcplan.report/v1`), `check` (`lcplan.check/v1`), `rope` (`lcplan.rope/v1`) and `presets`
/// (`lcplan.presets/v1`).
///
/// Compatibility: within v1 keys are only added, never renamed or removed; consumers ignore keys they do
/// not know. The published schemas allow additional properties; `lcplan schema NAME --strict` forbids
/// them, and lcplan's tests validate real outputs against the strict variant.
public enum ReportDocument {
    typealias F = JSONField

    public static let diagnostic = JSONShape<Diagnostic>(
        "One finding.",
        [
            F.field("rule", .string, "LC and three digits.") { .string($0.rule.id) },
            F.string("name") { $0.rule.name }, F.choice("severity", Severity.self) { $0.severity },
            F.string("message") { $0.message },
            F.nullable("file", .string) { $0.location.map { .string($0.file) } },
            F.nullable("line", .count) { $0.location?.line.map(JSONValue.int) },
            F.nullable("column", .count) { $0.location?.column.map(JSONValue.int) },
            F.nullable("key_path", .string) { $0.keyPath.map(JSONValue.string) },
            F.nullable("expected", .string) { $0.expected.map(JSONValue.string) },
            F.nullable("suggestion", .string) { $0.suggestion.map(JSONValue.string) },
            F.string("help") { $0.help },
        ])

    static let computedSections = ["model", "hardware", "workload", "layout", "flops", "memory", "time", "rope", "assumptions"]

    /// The report. Sections that need a resolved spec are required unless the verdict is `invalid`.
    public static let report = JSONShape<Report>(
        "An lcplan report.",
        [
            F.field("schema", .constant(Report.schemaName)) { _ in .string(Report.schemaName) },
            F.choice("verdict", Verdict.self, "ok, warnings, infeasible or invalid.") { $0.verdict },
            F.string("lcplan_version") { _ in Report.toolVersion },
            F.string("file", "The spec as named on the command line.") { $0.file },
            F.omittable("summary", AnswerSummary.summary.type, "The answer first (a resolved spec only).") { r in
                r.analysis.map(AnswerSummary.summary.encode)
            },
            F.omittable("capacity", AnswerSummary.capacity.type, "Inference only.") { r in
                r.analysis.flatMap { $0.spec.workload.mode == .inference ? AnswerSummary.capacity.encode($0) : nil }
            },
            F.omittable("model", InputSections.model.type) { r in
                r.spec.map { InputSections.model.encode(($0.model, r.parameters)) }
            },
            F.omittable("hardware", InputSections.hardware.type) { r in
                r.spec.map { InputSections.hardware.encode(($0.hardware, r.analysis?.system)) }
            },
            F.omittable("workload", InputSections.workload.type) { r in r.spec.map { InputSections.workload.encode($0.workload) } },
            F.omittable("plan", InputSections.plan.type) { r in r.spec.map { InputSections.plan.encode($0.plan) } },
            F.omittable("serving", InputSections.serving.type) { r in r.spec.map { InputSections.serving.encode($0.serving) } },
            F.omittable("constraints", InputSections.constraints.type) { r in
                r.spec.map { InputSections.constraints.encode($0.constraints) }
            },
            F.omittable("conventions", InputSections.conventions.type) { r in
                r.spec.map { InputSections.conventions.encode($0.conventions) }
            },
            F.omittable("checks", InputSections.checks.type) { r in
                r.spec.map { InputSections.checks.encode(($0.checks, r.suppress, r.suppressed, r.keySuppressed)) }
            },
            F.omittable("layout", ProfileSections.layout.type) { r in r.analysis.map { ProfileSections.layout.encode(($0, r.timing)) } },
            F.omittable("flops", ProfileSections.flops.type) { $0.analysis.map(ProfileSections.flops.encode) },
            F.omittable("memory", ProfileSections.memory.type) { $0.analysis.map(ProfileSections.memory.encode) },
            F.omittable("time", ProfileSections.time.type) { $0.analysis.map(ProfileSections.time.encode) },
            F.omittable("kv_layout", KVLayoutSection.layout.type, "Inference only.") { r in
                r.analysis?.kvLayout.map(KVLayoutSection.layout.encode)
            },
            F.omittable("varlen", VarlenSection.profile.type, "Training with workload.documents only.") { r in
                r.analysis?.varlen.map(VarlenSection.profile.encode)
            },
            F.omittable("validation", ValidationReport.section.type, "plan --validate and lcplan validate only.") { r in
                r.validation.map(ValidationReport.section.encode)
            },
            F.omittable("rope", RoPESection.byLayerKind.type) { $0.analysis.map { RoPESection.byLayerKind.encode($0.rope) } },
            F.omittable("assumptions", .array(ProfileSections.assumption.type)) { r in
                r.analysis.map { .array($0.assumptions.map(ProfileSections.assumption.encode)) }
            },
            F.list("diagnostics", diagnostic) { $0.diagnostics },
        ],
        conditions: [
            JSONObjectType.Condition(
                field: "verdict", values: [Verdict.ok, .warnings, .infeasible].map(\.rawValue),
                required: ["model", "hardware", "workload", "plan", "constraints", "conventions", "checks"] + computedSections.dropFirst(3))
        ])

    /// `lcplan check --format json`: one entry per spec.
    public static let checkFile = JSONShape<Report>(
        "The findings for one spec.",
        [
            F.string("file") { $0.file }, F.choice("verdict", Verdict.self) { $0.verdict },
            F.list("diagnostics", diagnostic) { $0.diagnostics },
        ])

    public static let checkSchemaName = "lcplan.check/v1"

    /// `lcplan check --format json`, with the exit status it ends with.
    public static let check = JSONShape<(reports: [Report], status: Int32)>(
        "lcplan check output.",
        [
            F.field("schema", .constant(checkSchemaName)) { _ in .string(checkSchemaName) },
            F.string("lcplan_version") { _ in Report.toolVersion },
            F.count("exit_status", "0 clean, 1 a finding at the fail level or an infeasible plan, 2 invalid input.") {
                Int($0.status)
            },
            F.list("files", checkFile) { $0.reports },
        ])

    public static let ropeSchemaName = "lcplan.rope/v1"

    /// `lcplan rope --format json`.
    public static let rope = JSONShape<(model: String, context: Int, analyses: [RoPEAnalysis], findings: [Diagnostic])>(
        "The RoPE analysis of one model at one context.",
        [
            F.field("schema", .constant(ropeSchemaName)) { _ in .string(ropeSchemaName) },
            F.string("model") { $0.model }, F.count("context") { $0.context },
            F.object("rope", RoPESection.byLayerKind) { $0.analyses },
            F.list("diagnostics", diagnostic) { $0.findings },
        ])

    /// The schema documents by name, as `lcplan schema NAME` prints them.
    public static func schema(_ name: String, strict: Bool) -> JSONValue? {
        let writer = JSONSchemaWriter(strict: strict)
        switch name {
        case "report": return writer.document(report.type, id: "lcplan.report.v1.schema.json", title: "lcplan report, version 1")
        case "check": return writer.document(check.type, id: "lcplan.check.v1.schema.json", title: "lcplan check output, version 1")
        case "rope": return writer.document(rope.type, id: "lcplan.rope.v1.schema.json", title: "lcplan rope output, version 1")
        case "validation":
            return writer.document(
                ValidationOutput.document.type, id: "lcplan.validation.v1.schema.json", title: "lcplan validate output, version 1")
        case "sweep":
            return writer.document(SweepReport.document.type, id: "lcplan.sweep.v1.schema.json", title: "lcplan sweep output, version 1")
        case "diff": return writer.document(diff.type, id: "lcplan.diff.v1.schema.json", title: "lcplan diff output, version 1")
        case "presets":
            return writer.document(PresetsDocument.shape.type, id: "lcplan.presets.v1.schema.json", title: "lcplan presets, version 1")
        default: return nil
        }
    }
}
