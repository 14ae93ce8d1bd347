import LCPlanCalculators
import LCPlanModel

/// Findings as SARIF 2.1.0 (OASIS, errata 01), so code-scanning services can show them on the spec's lines.
/// `rules[]` is derived from the rule catalogue; each result points at its file, line and column.
public enum SARIFReporter {
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    public static func render(_ reports: [Report]) -> JSONValue {
        let rules = RuleRegistry.all
        var results: [JSONValue] = []
        for report in reports {
            for d in report.diagnostics {
                var result: [(String, JSONValue)] = [
                    ("ruleId", .string(d.rule.id)),
                    ("ruleIndex", .int(rules.firstIndex(of: d.rule) ?? 0)),
                    ("level", .string(level(d.severity))),
                    ("message", .object([("text", .string(message(d)))])),
                ]
                let file = d.location?.file ?? report.file
                var region: [(String, JSONValue)] = []
                if let line = d.location?.line, line >= 1 { region.append(("startLine", .int(line))) }
                if let column = d.location?.column, column >= 1, !region.isEmpty { region.append(("startColumn", .int(column))) }
                var physical: [(String, JSONValue)] = [("artifactLocation", .object([("uri", .string(uri(file)))]))]
                if !region.isEmpty { physical.append(("region", .object(region))) }
                var location: [(String, JSONValue)] = [("physicalLocation", .object(physical))]
                if let path = d.keyPath {
                    location.append(
                        ("logicalLocations", .array([.object([("fullyQualifiedName", .string(path)), ("kind", .string("member"))])])))
                }
                result.append(("locations", .array([.object(location)])))
                results.append(.object(result))
            }
        }
        let driver: JSONValue = .object([
            ("name", .string("lcplan")),
            ("version", .string(Report.toolVersion)),
            ("rules", .array(rules.map(rule))),
        ])
        return .object([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([("tool", .object([("driver", driver)])), ("results", .array(results))])])),
        ])
    }

    static func rule(_ r: Rule) -> JSONValue {
        .object([
            ("id", .string(r.id)),
            ("name", .string(r.name)),
            ("shortDescription", .object([("text", .string(r.summary))])),
            ("fullDescription", .object([("text", .string(r.help))])),
            ("help", .object([("text", .string(r.help))])),
            ("defaultConfiguration", .object([("level", .string(level(r.severity)))])),
            ("properties", .object([("area", .string(r.area.rawValue))])),
        ])
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .note: return "note"
        }
    }

    static func message(_ d: Diagnostic) -> String {
        var text = d.message
        if let expected = d.expected { text += " Expected: \(expected)." }
        return text
    }

    /// A relative URI reference for a file path: every byte but the unreserved characters and `/`
    /// percent-encoded (RFC 3986 sec. 2), so no name reads as a scheme (`a:b`), query or fragment.
    static func uri(_ path: String) -> String { MarkdownReporter.linkDestination(path) }
}
