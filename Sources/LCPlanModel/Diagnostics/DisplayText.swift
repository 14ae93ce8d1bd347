/// Text from input (names, keys, file names, values) made safe to show where a reader or a program
/// takes characters as commands: terminals (escape sequences), CI logs (a line that starts with `::` is a
/// GitHub Actions workflow command), scripts and one-line formats.
///
/// What is escaped: the C0 controls and DEL, the C1 controls (U+0080-U+009F, NEL among them), the Unicode
/// line and paragraph separators (U+2028, U+2029), and the bidirectional embeddings, overrides and
/// isolates (U+202A-U+202E, U+2066-U+2069: text that displays in another order than it reads, CVE-2021-42574).
/// Each becomes `\u{HEX}`, so what is shown can be read back and nothing is lost.
public enum DisplayText {
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// True when the text holds a character `isControl` escapes.
    public static func hasControls(_ text: String) -> Bool { text.unicodeScalars.contains(where: isControl) }

    /// The text with every control escaped as `\u{HEX}` (one line, nothing a terminal acts on).
    public static func escapingControls(_ text: String) -> String {
        guard hasControls(text) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + hex(scalar, digits: 1) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text whose lines a CI runner could read as workflow commands made inert: a line whose first
    /// characters after blanks are `::` (GitHub Actions' `::error ...::`, `::add-mask::`, `::stop-commands::`;
    /// the runner trims leading blanks) has that first colon written `\u{3A}`. Only input can start a
    /// line so (a file name, a key, a value): lcplan's own lines never do.
    public static func neutralizingWorkflowCommands(_ text: String) -> String {
        guard text.contains("::") else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices {
            let line = lines[index]
            guard let start = line.firstIndex(where: { $0 != " " && $0 != "\t" }), line[start...].hasPrefix("::") else { continue }
            lines[index] = String(line[..<start]) + "\\u{3A}" + String(line[line.index(after: start)...])
        }
        return lines.joined(separator: "\n")
    }

    /// A value from input as a message may quote it: a short plain word (at most 24 letters, digits,
    /// `_`, `.`, `+`, `-`) in quotes, which is what a typo looks like; anything longer or with other
    /// characters is described by its length only, so a message never repeats a file's contents (a
    /// path pointed at `/etc/passwd` or a secrets file must not print them) or text a terminal acts on.
    public static func echo(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "+", "-": return true
            default: return false
            }
        }
        if plain && !text.isEmpty && text.unicodeScalars.count <= 24 { return "'\(text)'" }
        let count = text.unicodeScalars.count
        return "a value of \(count) character\(count == 1 ? "" : "s")"
    }

    /// The scalar's code in upper-case hexadecimal, zero-padded to at least `digits` digits.
    public static func hex(_ scalar: Unicode.Scalar, digits: Int) -> String {
        let text = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
