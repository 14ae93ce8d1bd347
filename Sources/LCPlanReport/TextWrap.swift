/// Wraps text reports to a terminal's width: a line longer than the width breaks at spaces, and its
/// continuation lines are indented to where the line's value column starts (after the first gap of two or
/// more spaces past its indent: the label column of a table row, the text after "key:"), so a wrapped row
/// still reads as one. A word longer than the room left is cut. Colour escape sequences (ESC [ ... m) take
/// no columns and are never split.
public enum TextWrap {
    public static func wrap(_ text: String, width: Int) -> String {
        guard width >= 20 else { return text }
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            out += wrapLine(Array(line), width: width)
        }
        return out.joined(separator: "\n")
    }

    /// Visible columns of characters, escape sequences excluded.
    static func columns(_ characters: ArraySlice<Character>) -> Int {
        var count = 0, escaping = false
        for c in characters {
            if escaping {
                if c.isLetter { escaping = false }
            } else if c == "\u{1B}" {
                escaping = true
            } else {
                count += 1
            }
        }
        return count
    }

    static func wrapLine(_ line: [Character], width: Int) -> [String] {
        guard columns(line[...]) > width else { return [String(line)] }
        let hanging = min(hangingIndent(line), width / 2)
        var lines: [String] = []
        var rest = line[...]
        var prefix = ""
        var room = width
        while columns(rest) > room {
            // The last space within the room, past the indent; else cut at the room.
            var visible = 0, index = rest.startIndex, lastSpace: Int? = nil, escaping = false
            while index < rest.endIndex {
                let c = rest[index]
                if escaping {
                    if c.isLetter { escaping = false }
                } else if c == "\u{1B}" {
                    escaping = true
                } else {
                    if visible == room { break }
                    if c == " ", visible > 0 { lastSpace = index }
                    visible += 1
                }
                index = rest.index(after: index)
            }
            let cut = lastSpace ?? index
            lines.append(prefix + String(rest[..<cut]).trimmingTrailingSpaces)
            rest = rest[cut...].drop { $0 == " " }
            prefix = String(repeating: " ", count: hanging)
            room = width - hanging
            if rest.isEmpty { break }
        }
        if !rest.isEmpty { lines.append(prefix + String(rest)) }
        return lines
    }

    /// Where continuation lines start: after the first run of two or more spaces past the line's own
    /// indent, else after "key: ", else the line's indent plus two.
    static func hangingIndent(_ line: [Character]) -> Int {
        let indent = line.prefix { $0 == " " }.count
        var index = indent
        var visible = indent
        while index < line.count - 1 {
            if line[index] == " ", line[index + 1] == " " {
                var end = index
                while end < line.count, line[end] == " " { end += 1 }
                return visible + (end - index)
            }
            if line[index] != "\u{1B}" { visible += 1 }
            index += 1
        }
        if let colon = line.firstIndex(of: ":"), colon + 1 < line.count, line[colon + 1] == " ", colon < 40 { return colon + 2 }
        return indent + 2
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
