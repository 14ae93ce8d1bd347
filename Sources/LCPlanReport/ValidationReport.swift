import Foundation
import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision
import LCPlanValidation

/// The validation section: the scaled-down problem and each check with predicted, measured, tolerance and
/// status.
enum ValidationReport {
    typealias F = JSONField<ValidationCheck>

    static let check = JSONShape<ValidationCheck>(
        "One check: what the plan predicted, what the kernels measured.",
        [
            F.string("id") { $0.id }, F.string("title") { $0.title },
            F.field("predicted", .number) { .number($0.predicted) }, F.field("measured", .number) { .number($0.measured) },
            F.field("comparison", .choice(["exact", "at_most", "info"])) { .string($0.comparison) },
            F.field("tolerance", .number) { .number($0.tolerance) },
            F.choice("status", ValidationCheck.Status.self) { $0.status }, F.string("note") { $0.note },
        ])

    static let section = JSONShape<(problem: ScaledProblem, checks: [ValidationCheck])>(
        "Validation by scaled-down reference kernels on this machine.",
        [
            JSONField.string("problem", "The scaled-down problem the kernels ran.") { $0.problem.description },
            JSONField.list("checks", check) { $0.checks },
            JSONField.bool("passed", "No check failed.") { !$0.checks.contains { $0.status == .fail } },
        ])

    static func text(_ v: (problem: ScaledProblem, checks: [ValidationCheck])) -> ReportSection {
        var section = ReportSection("Validation", v.problem.description, [.left, .left, .right, .right, .left])
        section.header = ["check", "status", "predicted", "measured", "how"]
        func number(_ x: Double) -> String {
            if x == x.rounded() && abs(x) < 1e15 { return UnitFormat.grouped(ExactInt(Int(x))) }
            if x != 0 && abs(x) < 0.01 {
                let exponent = Int((log10(abs(x))).rounded(.down))
                let mantissa = x / pow(10, Double(exponent))
                return UnitFormat.fixed(mantissa, decimals: 2) + "e\(exponent)"
            }
            return UnitFormat.threeDigits(x)
        }
        for c in v.checks {
            section.add(c.id, .text(c.status.rawValue), .text(number(c.predicted)), .text(number(c.measured)), .text(c.comparison))
        }
        section.notes = v.checks.map { "\($0.id): \($0.title); \($0.note)" }
        section.notesAreItems = true
        return section
    }
}

/// `lcplan validate`'s outputs.
public enum ValidationOutput {
    public static let schemaName = "lcplan.validation/v1"

    public static let document = JSONShape<Report>(
        "lcplan validate output.",
        [
            JSONField.field("schema", .constant(schemaName)) { _ in .string(schemaName) },
            JSONField.string("lcplan_version") { _ in Report.toolVersion }, JSONField.string("file") { $0.file },
            JSONField.omittable("validation", ValidationReport.section.type) { r in r.validation.map(ValidationReport.section.encode) },
        ])

    public static func text(_ report: Report, style: TextStyle) -> String {
        guard let validation = report.validation else { return "" }
        let failed = validation.checks.filter { $0.status == .fail }.count
        var out = style.bold("lcplan validate") + " — \(report.file)\n"
        // What validate checks is lcplan's arithmetic on this plan, not whether the plan fits: say so.
        out +=
            failed == 0
            ? "lcplan's figures for this plan agree with reference kernels run here: every check passed\n"
            : "lcplan's figures for this plan disagree with reference kernels run here: \(failed) check\(failed == 1 ? "" : "s") failed\n"
        out += "(whether the plan fits and meets its constraints is lcplan plan's verdict)\n"
        return out + "\n" + TextReporter.render(ValidationReport.text(validation), style)
    }
}
