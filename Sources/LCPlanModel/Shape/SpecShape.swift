/// The kind of value a spec key takes. One description drives both the loader (which keys exist,
/// what each expects) and the published JSON Schema (`lcplan schema spec`), so the two cannot drift.
public indirect enum FieldKind: Sendable {
    case integer(minimum: Int, maximum: Int)
    case number(minimum: Double, maximum: Double)
    case boolean
    case text
    case tokens
    case bytes
    case bandwidth
    case flopRate
    case duration
    case fraction
    case choice([String])
    case object(ObjectShape)
    case list(FieldKind)
    /// A mapping from names (of the given choices) to values of one kind.
    case table(keys: [String], value: FieldKind)
    /// One of several kinds (a preset name or a mapping).
    case either([FieldKind])

    /// A short description of what a value of this kind looks like, for diagnostics.
    public var expectation: String {
        switch self {
        case .integer(let minimum, let maximum): return "an integer from \(minimum) to \(maximum)"
        case .number(let minimum, let maximum): return "a number from \(minimum) to \(maximum)"
        case .boolean: return "true or false"
        case .text: return "a string"
        case .tokens: return QuantityParser.tokensExpected
        case .bytes: return QuantityParser.bytesExpected
        case .bandwidth: return QuantityParser.bandwidthExpected
        case .flopRate: return QuantityParser.flopRateExpected
        case .duration: return QuantityParser.durationExpected
        case .fraction: return QuantityParser.fractionExpected
        case .choice(let names): return "one of: " + names.joined(separator: ", ")
        case .object(let shape): return "a mapping with keys " + shape.fields.map(\.name).joined(separator: ", ")
        case .list(let element): return "a list of " + element.expectation
        case .table(let keys, _): return "a mapping from " + keys.joined(separator: ", ") + " to values"
        case .either(let kinds): return kinds.map(\.expectation).joined(separator: ", or ")
        }
    }
}

/// One key of a mapping: its name, what it takes, and a one-line description.
public struct Field: Sendable {
    public let name: String
    public let kind: FieldKind
    public let summary: String
    public let required: Bool

    public init(_ name: String, _ kind: FieldKind, _ summary: String, required: Bool = false) {
        self.name = name
        self.kind = kind
        self.summary = summary
        self.required = required
    }
}

/// The keys a mapping may hold.
public struct ObjectShape: Sendable {
    public let name: String
    public let summary: String
    public let fields: [Field]

    public init(_ name: String, _ summary: String, _ fields: [Field]) {
        self.name = name
        self.summary = summary
        self.fields = fields
    }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}
