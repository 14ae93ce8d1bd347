import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision
import LCPlanValidation

/// The overall answer of a report: does the plan work, and how sure is it.
public enum Verdict: String, Sendable, CaseIterable {
    /// No finding at warning level or above.
    case ok
    /// The plan works, with warnings.
    case warnings
    /// The plan does not fit or breaks a constraint.
    case infeasible
    /// The input is invalid; nothing could be computed.
    case invalid
}

/// Everything lcplan knows about one spec: the resolved inputs, the computed profiles, the findings.
/// Reporters turn it into text, JSON, markdown or SARIF; it holds no formatting of its own.
public struct Report: Sendable {
    public static let schemaName = "lcplan.report/v1"
    public static let toolVersion = "0.1.0"

    public let file: String
    public let spec: Spec?
    public let parameters: ParameterCount?
    /// The profiles (FLOPs, memory, time) of a resolved spec.
    public let analysis: Analysis?
    /// Findings after `checks.suppress`, in report order.
    public let diagnostics: [Diagnostic]
    /// Rule ids that the spec suppressed and that would otherwise have been reported.
    public let suppressed: [String]
    /// Suppressions at a key path that took effect: the rule, the key, the reason, the findings dropped.
    public let keySuppressed: [(rule: String, key: String, reason: String?, count: Int)]
    /// The report model's sections (resolved inputs and profiles), built once; the text and markdown
    /// renderers read them.
    public let sections: [ReportSection]

    /// The rule ids the spec suppresses (judged against the full registry).
    public var suppress: [String] { analysis?.suppress ?? spec?.checks.suppress ?? [] }
    public let verdict: Verdict
    /// Whether the report shows the search's wall time (the one figure that varies from run to run).
    public let timing: Bool
    /// The validation run (`plan --validate`, `lcplan validate`): the scaled problem and the checks.
    public var validation: (problem: ScaledProblem, checks: [ValidationCheck])? = nil

    /// Builds the report for a loaded spec.
    /// `analyse` computes the profiles of a resolved spec (the fuzzers bound the RoPE analysis' cost).
    public init(file: String, load: LoadResult, timing: Bool = false, analyse: (Spec) -> Analysis = { Analysis($0) }) {
        self.file = file
        self.spec = load.spec
        self.timing = timing
        let analysis = load.spec.map(analyse)
        self.analysis = analysis
        self.sections = ReportSections.build(spec: load.spec, analysis: analysis, timing: timing)
        self.parameters = analysis?.parameters
        let suppress = Set(analysis?.suppress ?? load.spec?.checks.suppress ?? [])
        var kept: [Diagnostic] = []
        var dropped: [String] = []
        let keyed = (load.spec?.checks.keySuppressions ?? []).compactMap { entry in RuleRegistry.resolvedRule(entry).map { ($0, entry) } }
        var keyCounts = [Int](repeating: 0, count: keyed.count)
        for diagnostic in load.diagnostics + (analysis?.diagnostics ?? []) {
            if diagnostic.severity != .error,
                let index = keyed.firstIndex(where: { $0.0 == diagnostic.rule && $0.1.covers(diagnostic.keyPath) })
            {
                keyCounts[index] += 1
                continue
            }
            if suppress.contains(diagnostic.rule.id) && diagnostic.severity != .error {
                if !dropped.contains(diagnostic.rule.id) { dropped.append(diagnostic.rule.id) }
            } else {
                kept.append(diagnostic)
            }
        }
        self.diagnostics = kept.sortedForReport()
        self.suppressed = dropped.sorted()
        self.keySuppressed = zip(keyed, keyCounts).filter { $0.1 > 0 }.map { ($0.0.0.id, $0.0.1.keyPath, $0.0.1.reason, $0.1) }
        if load.spec == nil || kept.hasErrors {
            verdict = load.spec == nil ? .invalid : .infeasible
        } else if kept.contains(where: { $0.severity == .warning }) {
            verdict = .warnings
        } else {
            verdict = .ok
        }
    }

    /// The process exit status for this report when findings at or above `failOn` fail the run:
    /// 2 invalid input, 1 infeasible or a finding at the fail level, 0 otherwise.
    public func exitStatus(failOn: Severity) -> Int32 {
        if verdict == .invalid { return 2 }
        if verdict == .infeasible { return 1 }
        if validation?.checks.contains(where: { $0.status == .fail }) == true { return 1 }
        return diagnostics.contains { $0.severity >= failOn } ? 1 : 0
    }
}
