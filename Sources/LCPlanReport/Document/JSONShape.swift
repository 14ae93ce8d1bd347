import LCPlanPrecision

/// The unit a non-count quantity carries, and the suffix its key must end with (design: "every non-count
/// quantity carries its unit in its name").
public enum QuantityUnit: String, Sendable, CaseIterable {
    case bytes = "_bytes"
    case seconds = "_s"
    case flopPerSecond = "_flop_per_s"
    case bytesPerSecond = "_bytes_per_s"
    case radians = "_rad"
    /// A rate of counts (tokens per second).
    case perSecond = "_per_s"

    /// Whether `key` names this unit: it ends with the suffix, or the suffix is followed by `_per_...`
    /// (`kv_cache_bytes_per_token`).
    public func named(by key: String) -> Bool {
        key.hasSuffix(rawValue) || key.contains(rawValue + "_per_")
    }
}

/// What a JSON value is, for its schema.
public indirect enum JSONType: Sendable {
    /// A non-negative exact integer (tokens, parameters, FLOPs, layers): any length, never through a double.
    case count
    /// An exact integer number of bytes (the key ends with `_bytes`).
    case exactBytes
    /// A real quantity with a unit in its key.
    case quantity(QuantityUnit)
    /// A dimensionless real (a fraction, a share, a factor).
    case ratio
    /// A real whose unit is stated beside it (an assumption's `value` with its `unit`).
    case number
    case string
    case boolean
    case choice([String])
    case constant(String)
    case object(JSONObjectType)
    case array(JSONType)
    case nullable(JSONType)
}

/// The schema side of an object: its fields, which are required, and requirements that depend on another
/// field's value (JSON Schema `if`/`then`).
public struct JSONObjectType: Sendable {
    public struct Field: Sendable {
        public let name: String
        public let type: JSONType
        public let description: String?
    }

    /// When `field` has one of `values`, the `required` fields must be present.
    public struct Condition: Sendable {
        public let field: String
        public let values: [String]
        public let required: [String]
    }

    public let description: String
    public let fields: [Field]
    public let required: [String]
    public let conditions: [Condition]
}

/// One key of a JSON object: its name, type and meaning, and how its value is read from a `Source`.
public struct JSONField<Source>: Sendable {
    public let name: String
    public let type: JSONType
    public let description: String?
    /// Whether the key is always present (otherwise it is omitted when `value` gives nil).
    public let required: Bool
    let value: @Sendable (Source) -> JSONValue?

    public init(
        _ name: String, _ type: JSONType, _ description: String? = nil, required: Bool = true,
        _ value: @escaping @Sendable (Source) -> JSONValue?
    ) {
        self.name = name
        self.type = type
        self.description = description
        self.required = required
        self.value = value
    }
}

/// An object's one description: the encoder's output and the schema both come from it, so they cannot drift.
public struct JSONShape<Source>: Sendable {
    public let description: String
    public let fields: [JSONField<Source>]
    public let conditions: [JSONObjectType.Condition]

    public init(_ description: String, _ fields: [JSONField<Source>], conditions: [JSONObjectType.Condition] = []) {
        self.description = description
        self.fields = fields
        self.conditions = conditions
    }

    /// The object for `source`, keys in declaration order; optional keys without a value are left out.
    public func encode(_ source: Source) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        pairs.reserveCapacity(fields.count)
        for field in fields {
            if let value = field.value(source) {
                pairs.append((field.name, value))
            } else if field.required {
                pairs.append((field.name, .null))
            }
        }
        return .object(pairs)
    }

    public var type: JSONType {
        .object(
            JSONObjectType(
                description: description,
                fields: fields.map { JSONObjectType.Field(name: $0.name, type: $0.type, description: $0.description) },
                required: fields.filter(\.required).map(\.name), conditions: conditions))
    }
}

// Constructors for the common kinds of field.
extension JSONField {
    /// A field of any type; `get` gives its value (nil writes null).
    public static func field(
        _ name: String, _ type: JSONType, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> JSONValue?
    ) -> Self {
        Self(name, type, description, get)
    }

    /// A field written only when `get` gives a value.
    public static func omittable(
        _ name: String, _ type: JSONType, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> JSONValue?
    ) -> Self {
        Self(name, type, description, required: false, get)
    }

    public static func count(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> Int) -> Self {
        Self(name, .count, description) { .int(get($0)) }
    }

    public static func exact(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> ExactInt) -> Self {
        Self(name, .count, description) { .integer(get($0)) }
    }

    public static func bytes(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> ExactInt) -> Self {
        Self(name, .exactBytes, description) { .integer(get($0)) }
    }

    public static func quantity(
        _ name: String, _ unit: QuantityUnit, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> Double
    ) -> Self {
        Self(name, .quantity(unit), description) { .number(get($0)) }
    }

    public static func ratio(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> Double) -> Self {
        Self(name, .ratio, description) { .number(get($0)) }
    }

    public static func string(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> String) -> Self {
        Self(name, .string, description) { .string(get($0)) }
    }

    public static func bool(_ name: String, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> Bool) -> Self {
        Self(name, .boolean, description) { .bool(get($0)) }
    }

    public static func choice<E: RawRepresentable & CaseIterable>(
        _ name: String, _: E.Type, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> E
    ) -> Self where E.RawValue == String {
        Self(name, .choice(E.allCases.map(\.rawValue)), description) { .string(get($0).rawValue) }
    }

    /// A nested object.
    public static func object<T>(
        _ name: String, _ shape: JSONShape<T>, _ get: @escaping @Sendable (Source) -> T
    ) -> Self {
        Self(name, shape.type, nil) { shape.encode(get($0)) }
    }

    /// A nested object, or null.
    public static func optional<T>(
        _ name: String, _ shape: JSONShape<T>, _ get: @escaping @Sendable (Source) -> T?
    ) -> Self {
        Self(name, .nullable(shape.type), nil) { get($0).map(shape.encode) ?? .null }
    }

    /// A list of objects.
    public static func list<T>(
        _ name: String, _ shape: JSONShape<T>, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> [T]
    ) -> Self {
        Self(name, .array(shape.type), description) { .array(get($0).map(shape.encode)) }
    }

    /// A value of the given type, or null when `get` gives nil.
    public static func nullable(
        _ name: String, _ type: JSONType, _ description: String? = nil, _ get: @escaping @Sendable (Source) -> JSONValue?
    ) -> Self {
        Self(name, .nullable(type), description) { get($0) ?? .null }
    }
}
