import LCPlanModel

/// Whether text output carries ANSI colour, and the few styles lcplan uses.
public struct TextStyle: Sendable {
    public let color: Bool

    public init(color: Bool) { self.color = color }

    public static let plain = TextStyle(color: false)

    private func wrap(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }

    public func severity(_ severity: Severity, _ text: String) -> String {
        switch severity {
        case .error: return wrap(text, "1;31")
        case .warning: return wrap(text, "1;33")
        case .note: return wrap(text, "1;36")
        }
    }

    public func verdict(_ verdict: Verdict, _ text: String) -> String {
        switch verdict {
        case .ok: return wrap(text, "1;32")
        case .warnings: return wrap(text, "1;33")
        case .infeasible, .invalid: return wrap(text, "1;31")
        }
    }
}
