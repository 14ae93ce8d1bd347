import LCPlanModel

/// The JSON Schema of a spec, generated from `SpecShapes`: the same description the loader checks keys
/// against, so the published schema and the loader cannot disagree. Quantities with units are strings
/// whose patterns mirror `QuantityParser`; the loader remains the authority on their values.
public enum SpecSchema {
    public static func document() -> JSONValue {
        var root = schema(for: .object(SpecShapes.spec), summary: SpecShapes.spec.summary)
        if case .object(var pairs) = root {
            pairs.insert(("$schema", .string("http://json-schema.org/draft-07/schema#")), at: 0)
            pairs.insert(("$id", .string("lcplan.spec.v1.schema.json")), at: 1)
            pairs.insert(("title", .string("lcplan spec, version 1")), at: 2)
            root = .object(pairs)
        }
        return root
    }

    static let number = "[-+]?[0-9][0-9_]*(\\.[0-9]+)?([eE][-+]?[0-9]+)?"

    static func pattern(_ regex: String, _ description: String) -> JSONValue {
        .object([("type", .string("string")), ("pattern", .string(regex)), ("description", .string(description))])
    }

    static func schema(for kind: FieldKind, summary: String) -> JSONValue {
        let describe: (JSONValue) -> JSONValue = { value in
            guard case .object(var pairs) = value, !summary.isEmpty, value["description"] == nil else { return value }
            pairs.append(("description", .string(summary)))
            return .object(pairs)
        }
        switch kind {
        case .integer(let minimum, let maximum):
            return describe(.object([("type", .string("integer")), ("minimum", .int(minimum)), ("maximum", .int(maximum))]))
        case .number(let minimum, let maximum):
            return describe(
                .object([
                    (
                        "anyOf",
                        .array([
                            .object([("type", .string("number")), ("minimum", .number(minimum)), ("maximum", .number(maximum))]),
                            pattern("^\(number)$", "a decimal number written as a string"),
                        ])
                    )
                ]))
        case .boolean: return describe(.object([("type", .string("boolean"))]))
        case .text: return describe(.object([("type", .string("string")), ("minLength", .int(1))]))
        case .tokens:
            return describe(
                .object([
                    (
                        "anyOf",
                        .array([
                            .object([("type", .string("integer")), ("minimum", .int(0))]),
                            pattern("^\\s*[0-9][0-9_]*(\\.[0-9]+)?\\s*[kKMG]?\\s*$", QuantityParser.tokensExpected),
                        ])
                    )
                ]))
        case .bytes:
            return describe(
                .object([
                    (
                        "anyOf",
                        .array([
                            .object([("type", .string("integer")), ("minimum", .int(1))]),
                            pattern(
                                "^\\s*\(number)\\s*(B|kB|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)?\\s*$", QuantityParser.bytesExpected),
                        ])
                    )
                ]))
        case .bandwidth:
            return describe(pattern("^\\s*\(number)\\s*(([kKMGTPE]i?)?[Bb]/s|([kKMGTPE])?bps)\\s*$", QuantityParser.bandwidthExpected))
        case .flopRate:
            return describe(
                pattern(
                    "^\\s*\(number)\\s*[kKmMgGtTpPeE]?([Ff][Ll][Oo][Pp][Ss]|[Ff][Ll][Oo][Pp]/[sS])\\s*$",
                    QuantityParser.flopRateExpected))
        case .duration:
            return describe(
                .object([
                    (
                        "anyOf",
                        .array([
                            .object([("type", .string("number")), ("exclusiveMinimum", .int(0))]),
                            pattern("^\\s*\(number)\\s*(ns|us|µs|ms|s|min|h)?\\s*$", QuantityParser.durationExpected),
                        ])
                    )
                ]))
        case .fraction:
            return describe(
                .object([
                    (
                        "anyOf",
                        .array([
                            .object([("type", .string("number")), ("minimum", .int(0)), ("maximum", .int(1))]),
                            pattern("^\\s*\(number)\\s*%?\\s*$", QuantityParser.fractionExpected),
                        ])
                    )
                ]))
        case .choice(let names):
            return describe(.object([("type", .string("string")), ("enum", .array(names.map(JSONValue.string)))]))
        case .object(let shape):
            return .object([
                ("type", .string("object")),
                ("description", .string(summary.isEmpty ? shape.summary : summary)),
                ("properties", .object(shape.fields.map { ($0.name, schema(for: $0.kind, summary: $0.summary)) })),
                ("required", .array(shape.fields.filter(\.required).map { JSONValue.string($0.name) })),
                ("additionalProperties", .bool(false)),
            ])
        case .list(let element):
            return describe(.object([("type", .string("array")), ("items", schema(for: element, summary: ""))]))
        case .table(let keys, let value):
            return describe(
                .object([
                    ("type", .string("object")),
                    ("properties", .object(keys.map { ($0, schema(for: value, summary: "")) })),
                    ("additionalProperties", .bool(false)),
                ]))
        case .either(let kinds):
            return describe(.object([("anyOf", .array(kinds.map { schema(for: $0, summary: "") }))]))
        }
    }
}
