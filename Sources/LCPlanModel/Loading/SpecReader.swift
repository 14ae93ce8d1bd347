import LCPlanPrecision
import Yams

/// Collects diagnostics while typed values are read out of a YAML tree. Reading never throws: a bad
/// value becomes a diagnostic and a nil, and reading goes on so that every finding is reported at once.
public final class SpecReader {
    public let file: String
    /// Where each key read so far was written, by key path.
    public private(set) var keyLocations: [String: SourceLocation] = [:]

    /// The most findings one file keeps; the rest are counted and said in one more finding, so a spec of
    /// a million bad keys costs a million counts, not a million messages in every output.
    public static let maxFindings = 500

    private var kept: [Diagnostic] = []
    private var dropped = 0
    private var droppedErrors = false
    private var firstDroppedRule: Rule? = nil

    public init(file: String) { self.file = file }

    /// The findings so far: the first `maxFindings`, then one that counts the rest.
    public var diagnostics: [Diagnostic] {
        guard dropped > 0 else { return kept }
        return kept + [
            Diagnostic(
                firstDroppedRule ?? .typeMismatch,
                "\(dropped) more finding\(dropped == 1 ? "" : "s") in this file not shown (lcplan shows the first \(Self.maxFindings))",
                at: SourceLocation(file: file), severity: droppedErrors ? .error : .warning)
        ]
    }

    /// True once `maxFindings` are kept: further findings are only counted.
    public var isFull: Bool { kept.count >= Self.maxFindings }

    public func report(_ diagnostic: Diagnostic) {
        guard kept.count < Self.maxFindings else {
            dropped += 1
            if firstDroppedRule == nil { firstDroppedRule = diagnostic.rule }
            if diagnostic.severity == .error { droppedErrors = true }
            return
        }
        kept.append(diagnostic)
    }

    public func report(
        _ rule: Rule, _ message: String, at value: YAMLValue, expected: String? = nil,
        suggestion: String? = nil, severity: Severity? = nil
    ) {
        report(
            Diagnostic(
                rule, message, at: value.location, keyPath: value.path.isEmpty ? nil : value.path,
                expected: expected, suggestion: suggestion, severity: severity))
    }

    public func root(_ node: Node) -> YAMLValue { YAMLValue(node, path: "", file: file) }

    /// Opens a mapping against its shape: reports a non-mapping, duplicate keys and unknown keys.
    public func mapping(_ value: YAMLValue, _ shape: ObjectShape) -> MappingReader? {
        guard case .mapping(let mapping) = value.node else {
            report(
                .typeMismatch, "\(value.path.isEmpty ? "the spec" : "`\(value.path)`") must be a mapping, found \(value.kindName)",
                at: value, expected: FieldKind.object(shape).expectation)
            return nil
        }
        var entries: [(String, YAMLValue)] = []
        var seen = Set<String>()
        for (keyNode, valueNode) in mapping {
            let keyValue = YAMLValue(keyNode, path: value.path, file: file)
            guard let key = keyNode.scalar?.string else {
                report(
                    .typeMismatch, "a key in `\(value.path)` is \(keyValue.kindName), not a name", at: keyValue,
                    expected: "a plain key name")
                continue
            }
            let path = value.path.isEmpty ? key : value.path + "." + key
            let child = YAMLValue(valueNode, path: path, file: file)
            let keyAt = YAMLValue(keyNode, path: path, file: file)
            if seen.contains(key) {
                report(
                    .duplicateKey, "key '\(key)' appears more than once in \(value.path.isEmpty ? "the spec" : "`\(value.path)`")",
                    at: keyAt, expected: "each key once")
                continue
            }
            seen.insert(key)
            if keyLocations[path] == nil { keyLocations[path] = keyAt.location }
            guard shape.field(key) != nil else {
                // Past the findings limit a name is only counted: no suggestion is worked out for it.
                guard !isFull else {
                    report(Diagnostic(.unknownKey, "", at: nil))
                    continue
                }
                let names = shape.fields.map(\.name)
                let suggestion = KeySynonyms.field(for: key, in: shape) ?? NearestName.suggest(key, among: names)
                let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
                report(
                    .unknownKey, "unknown key '\(key)' in \(value.path.isEmpty ? "the spec" : "`\(value.path)`")\(hint)",
                    at: keyAt, expected: "one of: " + names.joined(separator: ", "), suggestion: suggestion)
                continue
            }
            entries.append((key, child))
        }
        return MappingReader(reader: self, value: value, shape: shape, entries: entries)
    }
}

/// Typed access to the keys of one mapping. Every accessor reports what is wrong and returns nil.
public struct MappingReader {
    public let reader: SpecReader
    public let value: YAMLValue
    public let shape: ObjectShape
    let entries: [(String, YAMLValue)]

    /// The value under `key`, if present and not null.
    public func value(_ key: String) -> YAMLValue? {
        assert(shape.field(key) != nil, "key \(key) is not in shape \(shape.name)")
        guard let found = entries.first(where: { $0.0 == key })?.1, !found.isNull else { return nil }
        return found
    }

    public func has(_ key: String) -> Bool { value(key) != nil }

    /// Where a key that is missing would go, for "missing key" findings.
    private func missing(_ key: String) {
        let path = value.path.isEmpty ? key : value.path + "." + key
        let kind = shape.field(key)?.kind.expectation ?? "a value"
        reader.report(
            Diagnostic(
                .missingKey, "missing required key '\(key)' in \(value.path.isEmpty ? "the spec" : "`\(value.path)`")",
                at: value.location, keyPath: path, expected: kind))
    }

    /// The value under `key`, reporting LC104 when it is absent.
    public func required(_ key: String) -> YAMLValue? {
        guard let found = self.value(key) else { missing(key); return nil }
        return found
    }

    /// The scalar under `key`, reporting a type mismatch for a mapping or list.
    public func scalar(_ key: String) -> (String, YAMLValue)? {
        guard let found = value(key) else { return nil }
        guard let text = found.scalarText else {
            reader.report(
                .typeMismatch, "`\(found.path)` must be a single value, found \(found.kindName)", at: found,
                expected: shape.field(key)?.kind.expectation)
            return nil
        }
        return (text.trimmingWhitespace, found)
    }

    /// An integer in the field's declared range. Accepts plain digits and `_` separators, nothing else.
    public func int(_ key: String) -> Int? {
        guard let (text, at) = scalar(key) else { return nil }
        guard case .integer(let minimum, let maximum)? = shape.field(key)?.kind else { return nil }
        let expected = "an integer from \(minimum) to \(maximum)"
        let digits = text.replacingUnderscores
        guard let number = ExactInt(decimal: digits) else {
            reader.report(.typeMismatch, "`\(at.path)` must be an integer, found \(at.kindName)", at: at, expected: expected)
            return nil
        }
        return checkRange(number, minimum: ExactInt(minimum), maximum: ExactInt(maximum), at: at, expected: expected)?.intValue
    }

    private func checkRange(_ number: ExactInt, minimum: ExactInt, maximum: ExactInt, at: YAMLValue, expected: String) -> ExactInt? {
        if number < minimum {
            let what = number.isNegative ? "negative" : (number.isZero ? "zero" : "too small")
            reader.report(.outOfRange, "`\(at.path)` is \(what) (\(Self.shown(number)))", at: at, expected: expected)
            return nil
        }
        if number > maximum {
            reader.report(.outOfRange, "`\(at.path)` is too large (\(Self.shown(number)))", at: at, expected: expected)
            return nil
        }
        return number
    }

    /// A number as a message shows it: grouped when it has at most 30 digits, else by its count of digits
    /// (a million-digit value is reported in linear time, not printed).
    static func shown(_ number: ExactInt) -> String {
        let digits = number.description.utf8.count - (number.isNegative ? 1 : 0)
        return digits <= 30 ? UnitFormat.grouped(number) : "a number of \(UnitFormat.grouped(ExactInt(digits))) digits"
    }

    /// A token count: `131072`, `128k`, `1M`, between `minimum` and 2^40.
    public func tokens(_ key: String, minimum: Int = 1) -> Int? {
        guard let (text, at) = scalar(key) else { return nil }
        let maximum = SpecShapes.maxTokens
        let expected = "a token count from \(minimum) to 2^40 (\(UnitFormat.grouped(ExactInt(maximum)))): e.g. 131072, 128k, 1M"
        switch QuantityParser.tokens(text.replacingUnderscores) {
        case .failure(let problem):
            reader.report(.badUnit, "`\(at.path)`: \(problem.message)", at: at, expected: problem.expected)
            return nil
        case .success(let count):
            return checkRange(count, minimum: ExactInt(minimum), maximum: ExactInt(maximum), at: at, expected: expected)?.intValue
        }
    }

    /// A positive byte size.
    public func bytes(_ key: String) -> ExactInt? {
        guard let (text, at) = scalar(key) else { return nil }
        switch QuantityParser.bytes(text) {
        case .failure(let problem):
            reader.report(.badUnit, "`\(at.path)`: \(problem.message)", at: at, expected: problem.expected)
            return nil
        case .success(let count):
            return checkRange(
                count, minimum: 1, maximum: ExactInt(10).power(24), at: at,
                expected: "a positive byte size up to 1e24 bytes")
        }
    }

    private func positiveReal(_ key: String, _ parse: (String) -> Result<Double, QuantityParser.Problem>, limit: Double) -> Double? {
        guard let (text, at) = scalar(key) else { return nil }
        switch parse(text) {
        case .failure(let problem):
            reader.report(.badUnit, "`\(at.path)`: \(problem.message)", at: at, expected: problem.expected)
            return nil
        case .success(let number):
            guard number > 0, number.isFinite, number <= limit else {
                reader.report(
                    .outOfRange, "`\(at.path)` must be positive and at most \(limit) in base units, found '\(text)'",
                    at: at, expected: shape.field(key)?.kind.expectation)
                return nil
            }
            return number
        }
    }

    public func bandwidth(_ key: String) -> Bandwidth? {
        positiveReal(key, QuantityParser.bandwidth, limit: 1e18).map { Bandwidth(bytesPerSecond: $0) }
    }

    public func flopRate(_ key: String) -> FLOPRate? {
        positiveReal(key, QuantityParser.flopRate, limit: 1e24).map { FLOPRate(flopsPerSecond: $0) }
    }

    public func duration(_ key: String) -> Double? { positiveReal(key, QuantityParser.duration, limit: 1e9) }

    public func fraction(_ key: String) -> Double? {
        guard let (text, at) = scalar(key) else { return nil }
        switch QuantityParser.fraction(text) {
        case .failure(let problem):
            reader.report(.outOfRange, "`\(at.path)`: \(problem.message)", at: at, expected: problem.expected)
            return nil
        case .success(let number): return number
        }
    }

    /// A real number in the field's declared range, with its exact decimal text.
    public func decimal(_ key: String) -> (Double, String)? {
        guard let (text, at) = scalar(key) else { return nil }
        guard case .number(let minimum, let maximum)? = shape.field(key)?.kind else { return nil }
        let expected = "a number from \(minimum) to \(maximum)"
        guard let number = DecimalNumber(Substring(text.replacingUnderscores)) else {
            reader.report(.typeMismatch, "`\(at.path)` must be a number, found \(at.kindName)", at: at, expected: expected)
            return nil
        }
        let double = number.doubleValue
        guard double >= minimum, double <= maximum, double.isFinite else {
            reader.report(.outOfRange, "`\(at.path)` is out of range (\(text))", at: at, expected: expected)
            return nil
        }
        return (double, text.replacingUnderscores)
    }

    public func double(_ key: String) -> Double? { decimal(key)?.0 }

    public func bool(_ key: String) -> Bool? {
        guard let (text, at) = scalar(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            reader.report(.typeMismatch, "`\(at.path)` must be true or false, found \(at.kindName)", at: at, expected: "true or false")
            return nil
        }
    }

    public func string(_ key: String) -> String? {
        guard let (text, at) = scalar(key) else { return nil }
        guard !text.isEmpty else {
            reader.report(.typeMismatch, "`\(at.path)` must not be empty", at: at, expected: "a non-empty string")
            return nil
        }
        // A name or path reaches terminals, reports and launch scripts: no control character may ride in it.
        if let offset = text.unicodeScalars.firstIndex(where: DisplayText.isControl) {
            let scalar = text.unicodeScalars[offset]
            let position = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: offset) + 1
            reader.report(
                .typeMismatch,
                "`\(at.path)` holds a control character (U+\(DisplayText.hex(scalar, digits: 4)) at character \(position))", at: at,
                expected: "text without control characters, line breaks or bidirectional overrides")
            return nil
        }
        return text
    }

    /// One of an enumeration's raw values.
    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let (text, at) = scalar(key) else { return nil }
        if let match = E(rawValue: text.lowercased()) { return match }
        if let spelled = E.self as? any AlternativeSpellings.Type, let match = spelled.value(spelled: text) as? E { return match }
        let names = E.allCases.map(\.rawValue)
        return reportChoice(text, names: names, at: at)
    }

    func reportChoice<T>(_ text: String, names: [String], at: YAMLValue) -> T? {
        let suggestion = NearestName.suggest(text, among: names)
        let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
        reader.report(
            .invalidChoice, "`\(at.path)` cannot be \(DisplayText.echo(text))\(hint)", at: at,
            expected: "one of: " + names.joined(separator: ", "), suggestion: suggestion)
        return nil
    }

    /// A list under `key`, each element with its own path (`key[3]`).
    public func list(_ key: String) -> [YAMLValue]? {
        guard let found = value(key) else { return nil }
        guard case .sequence(let sequence) = found.node else {
            reader.report(
                .typeMismatch, "`\(found.path)` must be a list, found \(found.kindName)", at: found,
                expected: shape.field(key)?.kind.expectation)
            return nil
        }
        return sequence.enumerated().map { YAMLValue($1, path: "\(found.path)[\($0)]", file: reader.file) }
    }

    /// A nested mapping under `key`, opened against its shape.
    public func mapping(_ key: String) -> MappingReader? {
        guard let found = value(key), let field = shape.field(key), case .object(let inner) = field.kind else { return nil }
        return reader.mapping(found, inner)
    }
}

extension String {
    /// `131_072` as `131072`: YAML 1.1 allows underscores in numbers, and lcplan accepts them.
    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}

/// Other spellings people write for a choice's values, accepted as the value they name: `bfloat16` (as
/// PyTorch and Hugging Face configs spell it) for bf16, `serving` for inference.
public protocol AlternativeSpellings {
    /// Lower-case spelling to value.
    static var alternativeSpellings: [String: Self] { get }
}

extension AlternativeSpellings {
    public static func value(spelled text: String) -> Any? { alternativeSpellings[text.lowercased()] }
}

extension NumberFormat: AlternativeSpellings {
    /// PyTorch dtype names (`torch.bfloat16`, `float8_e4m3fn`), NumPy's and C's (`half`, `float`, `double`).
    public static let alternativeSpellings: [String: NumberFormat] = [
        "bfloat16": .bf16, "torch.bfloat16": .bf16, "float16": .fp16, "torch.float16": .fp16, "half": .fp16,
        "float32": .fp32, "torch.float32": .fp32, "float": .fp32, "single": .fp32, "float64": .fp64, "double": .fp64,
        "float8": .fp8, "e4m3": .fp8e4m3, "float8_e4m3fn": .fp8e4m3, "fp8_e4m3fn": .fp8e4m3, "e5m2": .fp8e5m2,
        "float8_e5m2": .fp8e5m2, "int8_t": .int8, "i8": .int8, "i4": .int4,
    ]
}

extension WorkloadMode: AlternativeSpellings {
    /// Serving and generation are inference; fine-tuning and pre-training are training.
    public static let alternativeSpellings: [String: WorkloadMode] = [
        "serving": .inference, "serve": .inference, "infer": .inference, "generation": .inference,
        "generate": .inference, "decode": .inference, "train": .training, "finetune": .training,
        "fine-tune": .training, "fine-tuning": .training, "finetuning": .training, "pretrain": .training,
        "pretraining": .training, "pre-training": .training, "sft": .training,
    ]
}

/// The names other tools give lcplan's keys (vLLM's `max_tokens`, Hugging Face's `max_position_embeddings`,
/// PyTorch's `batch_size`), so an unknown key is answered with the key that means the same, not the one
/// spelt nearest (`max_tokens` is output_tokens, not prompt_tokens).
enum KeySynonyms {
    static let table: [String: String] = [
        "max_tokens": "output_tokens", "max_new_tokens": "output_tokens", "output_len": "output_tokens",
        "output_length": "output_tokens", "generate_tokens": "output_tokens", "decode_tokens": "output_tokens",
        "new_tokens": "output_tokens", "input_tokens": "prompt_tokens", "input_len": "prompt_tokens",
        "input_length": "prompt_tokens", "prompt_len": "prompt_tokens", "prompt_length": "prompt_tokens",
        "seq_len": "context", "seqlen": "context", "sequence_length": "context", "max_seq_len": "context",
        "max_model_len": "context", "context_length": "context", "context_len": "context", "ctx": "context",
        "max_context_length": "context", "max_position_embeddings": "max_context",
        "batch_size": "batch", "bs": "batch", "concurrency": "batch", "num_seqs": "batch", "max_num_seqs": "batch",
        "gpus": "count", "num_gpus": "count", "n_gpus": "count", "gpu_count": "count", "devices": "count",
        "num_devices": "count", "world_size": "count", "gpus_per_node": "per_node", "nproc_per_node": "per_node",
        "gpu": "device", "accelerator": "device", "precision": "dtype", "torch_dtype": "dtype", "weights": "dtype",
        "kv_dtype": "kv_cache", "kv_cache_dtype": "kv_cache", "tensor_parallel_size": "tp", "tensor_parallel": "tp",
        "pipeline_parallel_size": "pp", "pipeline_parallel": "pp", "data_parallel_size": "dp",
        "context_parallel_size": "cp", "expert_parallel_size": "ep", "num_layers": "layers",
        "num_hidden_layers": "layers", "hidden_size": "hidden", "num_attention_heads": "heads",
        "num_key_value_heads": "kv_heads", "intermediate_size": "ffn", "vocab_size": "vocab",
        "rope_theta": "theta", "base": "theta", "rope_scaling": "scaling",
    ]

    /// The key of `shape` that `key` names in another tool, if `shape` has it.
    static func field(for key: String, in shape: ObjectShape) -> String? {
        guard let name = table[key.lowercased()], shape.field(name) != nil else { return nil }
        return name
    }
}
