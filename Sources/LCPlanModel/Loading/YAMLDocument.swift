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
            return DisplayText.echo(scalar.string)
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
        if let problem = characterProblem(text, file: file) { return .failure(problem) }
        if let problem = valueCountProblem(text, file: file) { return .failure(problem) }
        if let problem = nestingProblem(text, file: file) { return .failure(problem) }
        if let anchor = anchorOrAlias(text, file: file) { return .failure(anchor) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error, let key = duplicates.sorted().first {
                let position = duplicateKeyPosition(key, in: text, after: context.mark)
                return .failure(
                    Diagnostic(
                        .duplicateKey, "key '\(key)' appears more than once in the same mapping",
                        at: SourceLocation(file: file, line: position?.0 ?? context.mark.line, column: position?.1 ?? context.mark.column),
                        keyPath: nil, expected: "each key once"))
            }
            return .failure(diagnostic(for: error, text: text, file: file))
        } catch {
            return .failure(Diagnostic(.yamlSyntax, "cannot parse: \(error)", at: SourceLocation(file: file)))
        }
        if let root, let problem = nodeCountProblem(root, textLength: text.utf8.count, file: file) { return .failure(problem) }
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
    /// comments, is one. (Yams resolves aliases while composing and keeps no trace of them.) The text is
    /// read as YAML reads it: by Unicode scalars, with CR LF, CR, LF, NEL, LS and PS as line breaks (YAML
    /// 1.1 sec. 5.4, as libyaml), and backslash escapes inside double quotes. This is the friendly message;
    /// the bound that holds whatever the text is `nodeCountProblem`.
    private static func anchorOrAlias(_ text: String, file: String) -> Diagnostic? {
        var line = 1
        var column = 0
        var quote: Unicode.Scalar? = nil
        var escaped = false
        var inComment = false
        var previousSignificant: Unicode.Scalar? = nil
        var previousRaw: Unicode.Scalar = "\n"
        for scalar in text.unicodeScalars {
            defer { previousRaw = scalar }
            if isLineBreak(scalar) {
                if !(scalar == "\n" && previousRaw == "\r") { line += 1 }
                column = 0; inComment = false; previousSignificant = nil; escaped = false
                continue
            }
            column += 1
            if inComment { continue }
            if let open = quote {
                if escaped {
                    escaped = false
                } else if open == "\"" && scalar == "\\" {
                    escaped = true
                } else if scalar == open {
                    quote = nil
                    previousSignificant = scalar
                }
                continue
            }
            switch scalar {
            case "\"", "'":
                if startsNode(previousSignificant) { quote = scalar }
                previousSignificant = scalar
            case "#" where previousRaw == " " || previousRaw == "\t" || isLineBreak(previousRaw): inComment = true
            case " ", "\t": continue
            case "&", "*":
                if startsNode(previousSignificant) {
                    return Diagnostic(
                        .unsupportedYAML, "YAML \(scalar == "&" ? "anchors" : "aliases") are not accepted in lcplan input",
                        at: SourceLocation(file: file, line: line, column: column),
                        expected: "plain values written out")
                }
                previousSignificant = scalar
            default:
                previousSignificant = scalar
            }
        }
        return nil
    }

    /// The most values a document may hold: far above any spec or Hugging Face config (a config has a few
    /// hundred keys and lists of at most a few thousand numbers), and low enough that the parser's node
    /// tree stays within a few hundred megabytes and a second.
    public static let maxValues = 1 << 20

    /// A document with more values than `maxValues`, refused before parsing. Every value after the first
    /// is preceded by a separator (`,` in flow collections, a line break, `- ` or `: ` in block ones), so
    /// counting those characters anywhere (quoted text included) bounds the values from above, in one
    /// pass over the bytes.
    static func valueCountProblem(_ text: String, file: String) -> Diagnostic? {
        var separators = 0
        for byte in text.utf8
        where byte == UInt8(ascii: ",") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == 0x0A || byte == 0x0D {
            separators += 1
        }
        guard separators > maxValues else { return nil }
        return Diagnostic(
            .yamlSyntax, "the document has more than \(maxValues) separators (`,` `:` `-` or line breaks), more values than lcplan reads",
            at: SourceLocation(file: file, line: 1, column: 1),
            expected: "at most \(maxValues) values (a document length histogram instead of a long list of lengths)")
    }

    /// The first character YAML does not allow in a document (YAML 1.2 sec. 5.1: the C0 controls but tab,
    /// line feed and carriage return; DEL; the C1 controls but NEL; U+FFFE and U+FFFF), located by line
    /// and column, as the parser would not say where.
    static func characterProblem(_ text: String, file: String) -> Diagnostic? {
        var line = 1
        var column = 0
        var previous: Unicode.Scalar = "\n"
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            if isLineBreak(scalar) {
                if !(scalar == "\n" && previous == "\r") { line += 1 }
                column = 0
                continue
            }
            column += 1
            let value = scalar.value
            let allowed =
                scalar == "\t" || (value >= 0x20 && value < 0x7F) || (value >= 0xA0 && value != 0xFFFE && value != 0xFFFF)
            if !allowed {
                return Diagnostic(
                    .yamlSyntax, "a control character (U+\(DisplayText.hex(scalar, digits: 4))) at line \(line), column \(column)",
                    at: SourceLocation(file: file, line: line, column: column),
                    expected: "printable text (YAML allows no control characters but tab and line breaks)")
            }
        }
        return nil
    }

    /// The line of a parse error, or the one before it, begins with a tab: the likely cause, said
    /// plainly (YAML 1.2 sec. 6.1: tabs never indent).
    static func tabIndentation(_ text: String, near line: Int) -> Int? {
        var number = 1
        for lineText in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            if number > line { break }
            if number >= line - 1, lineText.first == "\t" { return number }
            number += 1
        }
        return nil
    }

    /// The line breaks of YAML 1.1 (which libyaml reads): LF, CR, NEL, LS, PS.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// More nodes than the text could spell out without aliases (each node takes at least one character,
    /// an implicit null at least its `:` or `-`; twice the length plus a margin is a bound no alias-free
    /// text reaches). Counted without recursion, stopping at the bound: an alias bomb (a billion nodes from
    /// a few hundred bytes) is refused in time linear in the text, whatever got past `anchorOrAlias`.
    static func nodeCountProblem(_ root: Node, textLength: Int, file: String) -> Diagnostic? {
        let limit = 2 * textLength + 64
        var count = 0
        var stack = [root]
        while let node = stack.popLast() {
            count += 1
            if count > limit {
                return Diagnostic(
                    .unsupportedYAML, "the document expands to more values than its text holds (YAML aliases)",
                    at: SourceLocation(file: file, line: 1, column: 1), expected: "plain values written out")
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping { stack.append(key); stack.append(value) }
            case .sequence(let sequence): stack.append(contentsOf: sequence)
            case .scalar, .alias: break
            }
        }
        return nil
    }

    /// True when a character after `previous` (nil at the start of a line) begins a YAML node.
    private static func startsNode(_ previous: Unicode.Scalar?) -> Bool {
        guard let previous else { return true }
        return ":-?[{,".unicodeScalars.contains(previous)
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
        var quote: Unicode.Scalar? = nil
        var lineStart = true
        var indent = 0
        var previous: Unicode.Scalar = "\n"
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            if isLineBreak(scalar) {
                if !(scalar == "\n" && previous == "\r") { line += 1 }
                column = 0; lineStart = true; indent = 0; quote = nil
                continue
            }
            column += 1
            if lineStart {
                if scalar == " " { indent += 1; continue }
                lineStart = false
                if indent > maxDepth * 4 {
                    return Diagnostic(
                        .yamlSyntax, "indentation deeper than lcplan accepts (\(indent) columns)",
                        at: SourceLocation(file: file, line: line, column: column),
                        expected: "at most \(maxDepth) levels of nesting")
                }
            }
            if let open = quote {
                if scalar == open { quote = nil }
                continue
            }
            switch scalar {
            case "\"", "'": quote = scalar
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

    static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if let tabbed = tabIndentation(text, near: mark.line) {
                return Diagnostic(
                    .yamlSyntax, "malformed YAML: line \(tabbed) is indented with a tab; YAML indents with spaces only",
                    at: SourceLocation(file: file, line: tabbed, column: 1), expected: "spaces for indentation")
            }
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
