/// A strict JSON check (RFC 8259) for input that is JSON, run before the YAML parser reads it: YAML
/// would accept what JSON forbids (trailing commas, comments, single quotes, unquoted keys, NaN,
/// duplicate keys), and a JSON file must be valid JSON. Reports the first violation with its line and
/// column (columns count Unicode scalars, as the YAML parser's do).
enum StrictJSON {
    /// Whether `text` is meant as JSON: its file name ends in `.json`, or it opens with `{` followed by a
    /// quoted key or `}`, or with `[` (a YAML flow mapping `{version: 1}` stays YAML).
    static func isJSON(_ text: String, file: String) -> Bool {
        if file.lowercased().hasSuffix(".json") { return true }
        let scalars = Array(text.unicodeScalars.prefix(4096)).filter { !" \t\r\n\u{FEFF}".unicodeScalars.contains($0) }
        guard let first = scalars.first else { return false }
        if first == "[" { return true }
        return first == "{" && scalars.count > 1 && (scalars[1] == "\"" || scalars[1] == "}")
    }

    struct Violation: Error {
        let message: String
        let line: Int
        let column: Int
        let duplicateKey: Bool
    }

    /// The first violation of strict JSON in `text`, or nil when it is valid JSON.
    static func check(_ text: String) -> Violation? {
        var scanner = Scanner(Array(text.unicodeScalars))
        do {
            scanner.skipWhitespace()
            if scanner.peek == "\u{FEFF}" { scanner.advance() }
            try scanner.value(depth: 0)
            scanner.skipWhitespace()
            if !scanner.atEnd { throw scanner.violation("text after the JSON value" + scanner.hint) }
            return nil
        } catch let violation as Violation {
            return violation
        } catch {
            return nil
        }
    }

    struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var column = 1

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        mutating func advance() {
            guard !atEnd else { return }
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }

        func violation(_ message: String, duplicate: Bool = false) -> Violation {
            Violation(message: message, line: line, column: column, duplicateKey: duplicate)
        }

        /// What the character here most likely is, for the message.
        var hint: String {
            switch peek {
            case "/"?, "#"?: return ": JSON has no comments"
            case "'"?: return ": JSON strings use double quotes"
            default: return ""
            }
        }

        mutating func skipWhitespace() {
            while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
        }

        mutating func value(depth: Int) throws {
            guard depth < 200 else { throw violation("nesting deeper than 200 levels") }
            skipWhitespace()
            guard let c = peek else { throw violation("the JSON value ends too early") }
            switch c {
            case "{": try object(depth: depth)
            case "[": try array(depth: depth)
            case "\"": _ = try string()
            case "-", "0"..."9": try number()
            case "t": try literal("true")
            case "f": try literal("false")
            case "n": try literal("null")
            case "N", "I": throw violation("NaN and Infinity are not JSON numbers")
            case "'": throw violation("JSON strings use double quotes, not single quotes")
            case "/", "#": throw violation("JSON has no comments")
            case "+": throw violation("a JSON number has no leading '+'")
            default: throw violation("'\(c)' cannot start a JSON value")
            }
        }

        mutating func object(depth: Int) throws {
            advance()
            var keys = Set<String>()
            skipWhitespace()
            if peek == "}" {
                advance()
                return
            }
            while true {
                skipWhitespace()
                guard peek == "\"" else {
                    if peek == "}" { throw violation("JSON does not allow a trailing comma before '}'") }
                    throw violation("a JSON key is a double-quoted string" + hint)
                }
                let (keyLine, keyColumn) = (line, column)
                let key = try string()
                if !keys.insert(key).inserted {
                    throw Violation(
                        message: "key '\(key)' appears more than once in the same object", line: keyLine, column: keyColumn,
                        duplicateKey: true)
                }
                skipWhitespace()
                guard peek == ":" else { throw violation("expected ':' after the key '\(key)'" + hint) }
                advance()
                try value(depth: depth + 1)
                skipWhitespace()
                if peek == "," {
                    advance()
                    continue
                }
                if peek == "}" {
                    advance()
                    return
                }
                throw violation("expected ',' or '}' in the object" + hint)
            }
        }

        mutating func array(depth: Int) throws {
            advance()
            skipWhitespace()
            if peek == "]" {
                advance()
                return
            }
            while true {
                skipWhitespace()
                if peek == "]" { throw violation("JSON does not allow a trailing comma before ']'") }
                try value(depth: depth + 1)
                skipWhitespace()
                if peek == "," {
                    advance()
                    continue
                }
                if peek == "]" {
                    advance()
                    return
                }
                throw violation("expected ',' or ']' in the array" + hint)
            }
        }

        /// A double-quoted string, its escapes decoded (for duplicate-key checks).
        mutating func string() throws -> String {
            advance()
            var out = String.UnicodeScalarView()
            while let c = peek {
                switch c {
                case "\"":
                    advance()
                    return String(out)
                case "\\":
                    advance()
                    guard let e = peek else { throw violation("the string ends inside an escape") }
                    switch e {
                    case "\"", "\\", "/": out.append(e)
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "t": out.append("\t")
                    case "u":
                        var code: UInt32 = 0
                        for _ in 0..<4 {
                            advance()
                            guard let h = peek, let digit = h.properties.numericType != nil ? UInt32(String(h)) : hexValue(h) else {
                                throw violation("\\u needs four hexadecimal digits")
                            }
                            code = code * 16 + digit
                        }
                        out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: throw violation("'\\\(e)' is not a JSON escape")
                    }
                    advance()
                default:
                    if c.value < 0x20 { throw violation("a control character must be escaped in a JSON string") }
                    out.append(c)
                    advance()
                }
            }
            throw violation("the string is not closed")
        }

        func hexValue(_ c: Unicode.Scalar) -> UInt32? {
            switch c {
            case "a"..."f": return c.value - 97 + 10
            case "A"..."F": return c.value - 65 + 10
            default: return nil
            }
        }

        mutating func digits() -> Int {
            var count = 0
            while let c = peek, ("0"..."9").contains(c) {
                advance()
                count += 1
            }
            return count
        }

        mutating func number() throws {
            if peek == "-" { advance() }
            guard let first = peek, ("0"..."9").contains(first) else {
                if peek == "I" || peek == "N" { throw violation("NaN and Infinity are not JSON numbers") }
                throw violation("a digit must follow '-'")
            }
            if first == "0" {
                advance()
                if let next = peek, ("0"..."9").contains(next) { throw violation("a JSON number has no leading zeros") }
            } else {
                _ = digits()
            }
            if peek == "." {
                advance()
                guard digits() > 0 else { throw violation("a digit must follow the decimal point") }
            }
            if peek == "e" || peek == "E" {
                advance()
                if peek == "+" || peek == "-" { advance() }
                guard digits() > 0 else { throw violation("the exponent needs digits") }
            }
        }

        mutating func literal(_ word: String) throws {
            for expected in word.unicodeScalars {
                guard peek == expected else { throw violation("expected '\(word)'") }
                advance()
            }
        }
    }
}
