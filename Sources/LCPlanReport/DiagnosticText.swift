import LCPlanModel

/// Diagnostics as compilers print them: `file:line:col: severity: [LC102] message`, then indented
/// `key`, `expected`, `did you mean` and `help` lines.
public enum DiagnosticText {
    public static func render(_ d: Diagnostic, style: TextStyle = .plain) -> String {
        var head = d.location.map { "\($0.description): " } ?? ""
        head += style.severity(d.severity, d.severity.rawValue) + ": "
        head += style.bold("[\(d.rule.id)]") + " " + d.message
        var lines = [head]
        if let path = d.keyPath { lines.append("  key: \(path)") }
        if let expected = d.expected { lines.append("  expected: \(expected)") }
        if let suggestion = d.suggestion { lines.append("  did you mean: \(suggestion)") }
        lines.append(style.dim("  help: lcplan explain \(d.rule.id) (\(d.rule.name))"))
        return lines.joined(separator: "\n") + "\n"
    }

    public static func render(_ diagnostics: [Diagnostic], style: TextStyle = .plain) -> String {
        diagnostics.map { render($0, style: style) }.joined()
    }
}
