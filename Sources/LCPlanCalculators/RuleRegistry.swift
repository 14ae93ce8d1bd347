import LCPlanModel

/// Every rule lcplan can report, in id order: the loader's and the layout rules (LCPlanModel) and those
/// the calculators raise, each declared beside the code that raises it. `explain`, SARIF `rules[]` and
/// the rule tests read this one list.
public enum RuleRegistry {
    public static let all: [Rule] =
        (Rule.loaderRules + Rule.profileRules + Rule.ropeRules + Rule.plannerRules + Rule.kvCacheRules + Rule.expectRules).sorted {
            $0.id < $1.id
        }

    /// The rule with this id or name (case-insensitive), or nil.
    public static func named(_ id: String) -> Rule? {
        let wanted = id.uppercased()
        return all.first { $0.id == wanted || $0.name == id.lowercased() }
    }

    /// The rule a key suppression names, when it exists and may be suppressed.
    public static func resolvedRule(_ entry: KeySuppression) -> Rule? {
        guard let rule = named(entry.rule), rule.isSuppressible else { return nil }
        return rule
    }

    /// The rule ids a spec suppresses, with findings (LC117, at the entry) for the deferred entries that
    /// name no rule or a rule about invalid input, which cannot be suppressed.
    public static func resolve(_ checks: ChecksSpec) -> (suppress: [String], findings: [Diagnostic]) {
        var ids = checks.suppress
        var findings: [Diagnostic] = []
        for entry in checks.keySuppressions where resolvedRule(entry) == nil {
            let known = named(entry.rule)
            findings.append(
                Diagnostic(
                    .unknownRule,
                    known == nil
                        ? "`\(entry.entryPath).rule`: there is no rule '\(entry.rule)'"
                        : "`\(entry.entryPath).rule`: \(known?.id ?? "") reports invalid input and cannot be suppressed",
                    at: entry.location, keyPath: entry.entryPath + ".rule", expected: "a warning or note rule from `lcplan explain`",
                    suggestion: known == nil ? NearestName.suggest(entry.rule, among: all.map(\.id)) : nil))
        }
        for entry in checks.deferred {
            guard let rule = named(entry.text) else {
                findings.append(
                    Diagnostic(
                        .unknownRule, "`\(entry.keyPath)`: there is no rule '\(entry.text)'", at: entry.location,
                        keyPath: entry.keyPath, expected: "a rule id from `lcplan explain`",
                        suggestion: NearestName.suggest(entry.text, among: all.map(\.id))))
                continue
            }
            guard rule.isSuppressible else {
                findings.append(
                    Diagnostic(
                        .unknownRule, "`\(entry.keyPath)`: \(rule.id) reports invalid input and cannot be suppressed",
                        at: entry.location, keyPath: entry.keyPath, expected: "a warning or note rule"))
                continue
            }
            if !ids.contains(rule.id) { ids.append(rule.id) }
        }
        return (ids, findings)
    }
}
