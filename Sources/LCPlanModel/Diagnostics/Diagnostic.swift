/// One finding about a spec or a plan: data, not text. Reporters decide how it looks.
/// It is an `Error` only so that a stage that cannot go on may return it in a `Result`.
public struct Diagnostic: Error, Sendable, Equatable {
    public let rule: Rule
    public let severity: Severity
    public let message: String
    public let location: SourceLocation?
    /// The spec key the finding is about, dotted: `workload.kv_cache.dtype`, `model.attention.pattern[3]`.
    public let keyPath: String?
    /// What a valid value looks like, when the finding is about a value.
    public let expected: String?
    /// The nearest valid name to a misspelt one.
    public let suggestion: String?

    public init(
        _ rule: Rule, _ message: String, at location: SourceLocation? = nil, keyPath: String? = nil,
        expected: String? = nil, suggestion: String? = nil, severity: Severity? = nil
    ) {
        // Keys, names and file names from input ride in these texts: their controls are escaped here, once,
        // so that no renderer (terminal, JSON, SARIF, markdown) shows them raw.
        self.rule = rule
        self.severity = severity ?? rule.severity
        self.message = DisplayText.escapingControls(message)
        self.location = location.map {
            SourceLocation(file: DisplayText.escapingControls($0.file), line: $0.line, column: $0.column)
        }
        self.keyPath = keyPath.map(DisplayText.escapingControls)
        self.expected = expected.map(DisplayText.escapingControls)
        self.suggestion = suggestion.map(DisplayText.escapingControls)
    }

    /// The rule's long-form advice.
    public var help: String { rule.help }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Findings in a stable order: by file, line, column, then rule and message.
    public func sortedForReport() -> [Diagnostic] {
        enumerated().sorted { lhs, rhs in
            let a = lhs.element, b = rhs.element
            let keyA = (a.location?.file ?? "", a.location?.line ?? Int.max, a.location?.column ?? Int.max)
            let keyB = (b.location?.file ?? "", b.location?.line ?? Int.max, b.location?.column ?? Int.max)
            if keyA != keyB { return keyA < keyB }
            if a.rule.id != b.rule.id { return a.rule.id < b.rule.id }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
