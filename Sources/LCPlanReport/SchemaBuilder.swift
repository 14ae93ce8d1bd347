/// Small constructors for JSON Schema (draft-07) documents.
enum SchemaBuilder {
    static func object(_ description: String, _ properties: [(String, JSONValue)], required: [String]? = nil) -> JSONValue {
        .object([
            ("type", .string("object")),
            ("description", .string(description)),
            ("properties", .object(properties)),
            ("required", .array((required ?? properties.map(\.0)).map(JSONValue.string))),
            ("additionalProperties", .bool(false)),
        ])
    }

    static func type(_ name: String, _ description: String? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string(name))]
        if let description { pairs.append(("description", .string(description))) }
        return .object(pairs)
    }

    static func integer(_ description: String? = nil, minimum: Int? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string("integer"))]
        if let minimum { pairs.append(("minimum", .int(minimum))) }
        if let description { pairs.append(("description", .string(description))) }
        return .object(pairs)
    }

    static func choice(_ names: [String], _ description: String? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string("string")), ("enum", .array(names.map(JSONValue.string)))]
        if let description { pairs.append(("description", .string(description))) }
        return .object(pairs)
    }

    static func nullable(_ schema: JSONValue) -> JSONValue {
        .object([("anyOf", .array([schema, .object([("type", .string("null"))])]))])
    }

    static func array(_ items: JSONValue) -> JSONValue {
        .object([("type", .string("array")), ("items", items)])
    }

    static func map(_ values: JSONValue) -> JSONValue {
        .object([("type", .string("object")), ("additionalProperties", values)])
    }
}
