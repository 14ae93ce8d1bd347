/// The area a rule belongs to; the first digit of its id.
public enum RuleArea: String, Sendable, CaseIterable {
    case spec, memory, rope, parallelism, kvCache = "kv_cache", performance
}

/// A diagnostic rule: its stable id and the one description that `explain`, SARIF `rules[]`,
/// the rule documentation and the rule tests are all derived from.
public struct Rule: Sendable, Equatable, Hashable {
    /// `LC` and three digits: 1xx spec, 2xx memory, 3xx RoPE, 4xx parallelism, 5xx KV cache, 6xx performance.
    public let id: String
    /// A short kebab-case name (`unknown-key`).
    public let name: String
    public let area: RuleArea
    public let severity: Severity
    /// One line: what the finding says.
    public let summary: String
    /// The long form: why it matters and how to fix it.
    public let help: String
    /// A complete spec that triggers the rule, and one close to it that does not.
    public let triggering: String
    public let nonTriggering: String

    public init(
        id: String, name: String, area: RuleArea, severity: Severity, summary: String, help: String, triggering: String,
        nonTriggering: String
    ) {
        self.id = id
        self.name = name
        self.area = area
        self.severity = severity
        self.summary = summary
        self.help = help
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }

    public static func == (lhs: Rule, rhs: Rule) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Whether a spec may suppress this rule (`checks.suppress`). Errors about the input itself cannot be suppressed.
    public var isSuppressible: Bool { severity != .error }
}
