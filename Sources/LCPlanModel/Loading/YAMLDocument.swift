import Yams

/// A node of a parsed spec with where it came from: its key path and its line and column.
public struct YAMLValue {
    public let node: Node
    public let path: String
    public let location: SourceLocation

    init(_ node: Node, path: String, file: String) {
        self.node = node
        self.path = path
        self.location = SourceLocation(file: file, line: node.mark?.line, column: node.mark?.column)
    }

    /// The scalar's text, or nil for a mapping or sequence.
    public var scalarText: String? { node.scalar?.string }

    /// True for an explicit or implicit YAML null (`~`, `null`, nothing).
    public var isNull: Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// What kind of YAML value this is, for "expected X, found Y" messages.
    public var kindName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull { return "null" }
            return "'\(scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "..." : scalar.string)'"
        }
    }
}

/// Parses YAML (and JSON, as YAML) into a node tree, turning every parser error into a diagnostic.
public enum YAMLDocument {
    /// Deepest nesting of brackets or indentation levels accepted; deeper input is refused before
    /// parsing so that no input can exhaust the stack of the recursive composer.
    static let maxDepth = 200

    public static func parse(_ text: String, file: String) -> Result<Node, Diagnostic> {
        if StrictJSON.isJSON(text, file: file), let violation = StrictJSON.check(text) {
            let at = SourceLocation(file: file, line: violation.line, column: violation.column)
            if violation.duplicateKey {
                return .failure(Diagnostic(.duplicateKey, violation.message, at: at, keyPath: nil, expected: "each key once"))
            }
            return .failure(
                Diagnostic(.yamlSyntax, "malformed JSON: \(violation.message)", at: at, keyPath: nil, expected: "strict JSON (RFC 8259)"))
        }
        if let problem = nestingProblem(text, file: file) { return .failure(problem) }
        if let anchor = anchorOrAlias(text, file: file) { return .failure(anchor) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error, let key = duplicates.sorted().first {
                let position = duplicateKeyPosition(key, in: text, after: context.mark)
                return .failure(
                    Diagnostic(
                        .duplicateKey, "key '\(key)' appears more than once in the same mapping",
                        at: SourceLocation(file: file, line: position?.0 ?? context.mark.line, column: position?.1 ?? context.mark.column),
                        keyPath: nil, expected: "each key once"))
            }
            return .failure(diagnostic(for: error, file: file))
        } catch {
            return .failure(Diagnostic(.yamlSyntax, "cannot parse: \(error)", at: SourceLocation(file: file)))
        }
        guard let root else {
            return .failure(
                Diagnostic(
                    .missingKey, "the file is empty", at: SourceLocation(file: file, line: 1, column: 1),
                    expected: "a mapping starting with `version: 1`"))
        }
        return .success(root)
    }

    /// The first anchor (`&name`) or alias (`*name`) in the text. Both can only begin a node, so a `&` or
    /// `*` right after line start, `:`, `-`, `?`, `[`, `{` or `,` (and spaces), outside quotes and
    /// comments, is one. (Yams resolves aliases while composing and keeps no trace of them.)
    private static func anchorOrAlias(_ text: String, file: String) -> Diagnostic? {
        var line = 1
        var column = 0
        var quote: Character? = nil
        var inComment = false
        var previousSignificant: Character? = nil
        var previousRaw: Character = "\n"
        for character in text {
            defer { previousRaw = character }
            column += 1
            if character == "\n" {
                line += 1; column = 0; quote = nil; inComment = false; previousSignificant = nil
                continue
            }
            if inComment { continue }
            if let open = quote {
                if character == open { quote = nil; previousSignificant = character }
                continue
            }
            switch character {
            case "\"", "'":
                if startsNode(previousSignificant) { quote = character }
                previousSignificant = character
            case "#" where previousRaw == " " || previousRaw == "\t" || previousRaw == "\n": inComment = true
            case " ", "\t": continue
            case "&", "*":
                if startsNode(previousSignificant) {
                    return Diagnostic(
                        .unsupportedYAML, "YAML \(character == "&" ? "anchors" : "aliases") are not accepted in lcplan input",
                        at: SourceLocation(file: file, line: line, column: column),
                        expected: "plain values written out")
                }
                previousSignificant = character
            default:
                previousSignificant = character
            }
        }
        return nil
    }

    /// True when a character after `previous` (nil at the start of a line) begins a YAML node.
    private static func startsNode(_ previous: Character?) -> Bool {
        guard let previous else { return true }
        return ":-?[{,".contains(previous)
    }

    /// The position of the second occurrence of `key` as a key of the mapping that starts at `mark`.
    private static func duplicateKeyPosition(_ key: String, in text: String, after mark: Mark) -> (Int, Int)? {
        var seen = 0
        for (offset, lineText) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            guard number >= mark.line else { continue }
            let characters = Array(lineText)
            var index = 0
            while index < characters.count {
                let startsKey = index == 0 ? true : " {,".contains(characters[index - 1])
                if startsKey, characters[index...].starts(with: Array(key + ":")) {
                    let column = index + 1
                    if number > mark.line || column >= mark.column {
                        seen += 1
                        if seen == 2 { return (number, column) }
                    }
                    index += key.count
                }
                index += 1
            }
        }
        return nil
    }

    private static func nestingProblem(_ text: String, file: String) -> Diagnostic? {
        var depth = 0
        var line = 1
        var column = 0
        var quote: Character? = nil
        var lineStart = true
        var indent = 0
        for character in text {
            column += 1
            if character == "\n" { line += 1; column = 0; lineStart = true; indent = 0; quote = nil; continue }
            if lineStart {
                if character == " " { indent += 1; continue }
                lineStart = false
                if indent > maxDepth * 4 {
                    return Diagnostic(
                        .yamlSyntax, "indentation deeper than lcplan accepts (\(indent) columns)",
                        at: SourceLocation(file: file, line: line, column: column),
                        expected: "at most \(maxDepth) levels of nesting")
                }
            }
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "[", "{":
                depth += 1
                if depth > maxDepth {
                    return Diagnostic(
                        .yamlSyntax, "brackets nested deeper than lcplan accepts",
                        at: SourceLocation(file: file, line: line, column: column),
                        expected: "at most \(maxDepth) levels of nesting")
                }
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text), " } ?? ""
            return Diagnostic(
                .yamlSyntax, "malformed YAML: \(detail)\(problem)",
                at: SourceLocation(file: file, line: mark.line, column: mark.column),
                expected: "well-formed YAML or JSON")
        case .reader(let problem, _, _, _):
            return Diagnostic(.yamlSyntax, "cannot read the text: \(problem)", at: SourceLocation(file: file))
        default:
            return Diagnostic(.yamlSyntax, "malformed YAML: \(error)", at: SourceLocation(file: file))
        }
    }
}
