/// Writes JSON Schema (draft-07) documents from `JSONType` descriptions.
///
/// Two variants: the published one lets consumers meet keys added later within a version
/// (`additionalProperties` true), the strict one forbids unknown keys, so lcplan's own tests fail as soon
/// as an output and its description drift.
public struct JSONSchemaWriter: Sendable {
    public let strict: Bool

    public init(strict: Bool) { self.strict = strict }

    /// A whole schema document with its `$id` and title.
    public func document(_ type: JSONType, id: String, title: String) -> JSONValue {
        guard case .object(var pairs) = schema(type) else { return schema(type) }
        pairs.insert(("$schema", .string("http://json-schema.org/draft-07/schema#")), at: 0)
        pairs.insert(("$id", .string(id)), at: 1)
        pairs.insert(("title", .string(title)), at: 2)
        return .object(pairs)
    }

    public func schema(_ type: JSONType, description: String? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)]
        switch type {
        case .count: pairs = [("type", .string("integer")), ("minimum", .int(0))]
        case .exactBytes: pairs = [("type", .string("integer"))]
        case .quantity, .ratio, .number: pairs = [("type", .string("number"))]
        case .string: pairs = [("type", .string("string"))]
        case .boolean: pairs = [("type", .string("boolean"))]
        case .choice(let names): pairs = [("type", .string("string")), ("enum", .array(names.map(JSONValue.string)))]
        case .constant(let value): pairs = [("type", .string("string")), ("enum", .array([.string(value)]))]
        case .array(let items): pairs = [("type", .string("array")), ("items", schema(items))]
        case .nullable(let inner):
            pairs = [("anyOf", .array([schema(inner), .object([("type", .string("null"))])]))]
        case .object(let object):
            pairs = [
                ("type", .string("object")),
                ("description", .string(object.description)),
                ("properties", .object(object.fields.map { ($0.name, schema($0.type, description: $0.description)) })),
                ("required", .array(object.required.map(JSONValue.string))),
                ("additionalProperties", .bool(!strict)),
            ]
            if !object.conditions.isEmpty {
                pairs.append(("allOf", .array(object.conditions.map(condition))))
            }
            return .object(pairs)
        }
        if let description { pairs.append(("description", .string(description))) }
        return .object(pairs)
    }

    func condition(_ c: JSONObjectType.Condition) -> JSONValue {
        .object([
            (
                "if",
                .object([
                    ("properties", .object([(c.field, .object([("enum", .array(c.values.map(JSONValue.string)))]))])),
                    ("required", .array([.string(c.field)])),
                ])
            ),
            ("then", .object([("required", .array(c.required.map(JSONValue.string)))])),
        ])
    }
}
