import Foundation
import Yams

/// A JSON value read from text with integers kept exact (as digit strings), for schema checks.
indirect enum JSONDocument {
    case null, bool(Bool), integer(String), number(Double), string(String)
    case array([JSONDocument]), object([(String, JSONDocument)])

    /// Parses JSON through the YAML parser (JSON is YAML): quoted scalars are strings, plain ones
    /// numbers, booleans or null.
    static func parse(_ text: String) throws -> JSONDocument {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return convert(node)
    }

    private static func convert(_ node: Node) -> JSONDocument {
        switch node {
        case .mapping(let mapping):
            return .object(mapping.map { (($0.key.scalar?.string ?? ""), convert($0.value)) })
        case .sequence(let sequence): return .array(sequence.map(convert))
        case .alias: return .null
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            switch scalar.string {
            case "null": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                let text = scalar.string
                if text.allSatisfy({ $0.isNumber || $0 == "-" }), text.contains(where: \.isNumber) { return .integer(text) }
                if let number = Double(text) { return .number(number) }
                return .string(text)
            }
        }
    }

    subscript(key: String) -> JSONDocument? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    var isNull: Bool { if case .null = self { return true } else { return false } }

    /// A number's value (integers as written, decimals as parsed).
    var doubleValue: Double? {
        switch self {
        case .number(let x): return x
        case .integer(let digits): return Double(digits)
        default: return nil
        }
    }
}

/// A validator for the JSON Schema keywords lcplan's schemas and the SARIF 2.1.0 schema use (drafts 04
/// and 07): type, properties, required, additionalProperties, items, enum, minimum, maximum,
/// exclusiveMinimum, minLength, minItems, uniqueItems, pattern, anyOf, oneOf, allOf, $ref (local).
struct JSONSchemaValidator {
    let root: JSONDocument

    func validate(_ value: JSONDocument) -> [String] {
        var errors: [String] = []
        check(value, against: root, path: "$", errors: &errors)
        return errors
    }

    private func resolve(_ schema: JSONDocument) -> JSONDocument {
        guard let ref = schema["$ref"]?.stringValue, ref.hasPrefix("#/") else { return schema }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") { node = node[String(part)] ?? .null }
        return resolve(node)
    }

    private func typeName(_ value: JSONDocument) -> [String] {
        switch value {
        case .null: return ["null"]
        case .bool: return ["boolean"]
        case .integer: return ["integer", "number"]
        case .number(let d): return d == d.rounded() ? ["number", "integer"] : ["number"]
        case .string: return ["string"]
        case .array: return ["array"]
        case .object: return ["object"]
        }
    }

    private func numeric(_ value: JSONDocument) -> Double? {
        switch value {
        case .integer(let text): return Double(text)
        case .number(let d): return d
        default: return nil
        }
    }

    private func check(_ value: JSONDocument, against raw: JSONDocument, path: String, errors: inout [String]) {
        let schema = resolve(raw)
        if let type = schema["type"] {
            let allowed: [String]
            switch type {
            case .string(let name): allowed = [name]
            case .array(let names): allowed = names.compactMap(\.stringValue)
            default: allowed = []
            }
            if !allowed.isEmpty && Set(allowed).isDisjoint(with: typeName(value)) {
                errors.append("\(path): expected \(allowed), found \(typeName(value).first ?? "?")")
                return
            }
        }
        if case .array(let options)? = schema["enum"] {
            let rendered = options.map(render)
            if !rendered.contains(render(value)) { errors.append("\(path): \(render(value)) not in enum \(rendered)") }
        }
        if let number = numeric(value) {
            if let minimum = schema["minimum"].flatMap(numeric), number < minimum { errors.append("\(path): \(number) < \(minimum)") }
            if let maximum = schema["maximum"].flatMap(numeric), number > maximum { errors.append("\(path): \(number) > \(maximum)") }
            if let minimum = schema["exclusiveMinimum"].flatMap(numeric), number <= minimum {
                errors.append("\(path): \(number) <= \(minimum)")
            }
        }
        if case .string(let text) = value {
            if let minimum = schema["minLength"].flatMap(numeric), Double(text.count) < minimum { errors.append("\(path): too short") }
            if let pattern = schema["pattern"]?.stringValue, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
                errors.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        if case .array(let items) = value {
            if let minimum = schema["minItems"].flatMap(numeric), Double(items.count) < minimum { errors.append("\(path): too few items") }
            if case .bool(true)? = schema["uniqueItems"], Set(items.map(render)).count != items.count {
                errors.append("\(path): items not unique")
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { check(item, against: itemSchema, path: "\(path)[\(index)]", errors: &errors) }
            }
        }
        if case .object(let pairs) = value {
            let properties = schema["properties"]
            if case .array(let required)? = schema["required"] {
                for key in required.compactMap(\.stringValue) where !pairs.contains(where: { $0.0 == key }) {
                    errors.append("\(path): missing required '\(key)'")
                }
            }
            for (key, child) in pairs {
                if let propertySchema = properties?[key] {
                    check(child, against: propertySchema, path: "\(path).\(key)", errors: &errors)
                } else if let additional = schema["additionalProperties"] {
                    if case .bool(false) = additional {
                        errors.append("\(path): unexpected key '\(key)'")
                    } else if case .object = additional {
                        check(child, against: additional, path: "\(path).\(key)", errors: &errors)
                    }
                }
            }
        }
        if case .array(let options)? = schema["anyOf"] {
            let passing = options.filter { option in
                var e: [String] = []; check(value, against: option, path: path, errors: &e); return e.isEmpty
            }
            if passing.isEmpty { errors.append("\(path): matches none of anyOf") }
        }
        if case .array(let options)? = schema["oneOf"] {
            let passing = options.filter { option in
                var e: [String] = []; check(value, against: option, path: path, errors: &e); return e.isEmpty
            }
            if passing.count != 1 { errors.append("\(path): matches \(passing.count) of oneOf") }
        }
        if case .array(let options)? = schema["allOf"] {
            for option in options { check(value, against: option, path: path, errors: &errors) }
        }
        if let condition = schema["if"] {
            var e: [String] = []
            check(value, against: condition, path: path, errors: &e)
            if e.isEmpty, let then = schema["then"] {
                check(value, against: then, path: path, errors: &errors)
            } else if !e.isEmpty, let otherwise = schema["else"] {
                check(value, against: otherwise, path: path, errors: &errors)
            }
        }
    }

    private func render(_ value: JSONDocument) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .integer(let s): return s
        case .number(let d): return String(d)
        case .string(let s): return "\"\(s)\""
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let pairs): return "{" + pairs.map { "\($0.0):\(render($0.1))" }.joined(separator: ",") + "}"
        }
    }
}
