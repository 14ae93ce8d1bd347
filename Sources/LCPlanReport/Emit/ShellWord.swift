import LCPlanModel

/// Text written into an emitted shell script so that the shell reads back exactly that text and runs
/// nothing of it: every value from input is one single-quoted word, comments hold one line with no
/// control characters, here-documents are quoted (no expansion) and end at a line their contents never
/// hold.
///
/// POSIX (XCU 2.2.2): within single quotes every character is literal, and a single quote cannot occur;
/// a quote in the value is closed, written escaped (`\'`), and reopened.
public enum ShellWord {
    /// The script's own references, written by lcplan, that the shell must expand: the checkpoint and the
    /// arguments passed through. Only these are written unquoted with a `$`.
    public static let model = "\"$MODEL\""
    public static let passThrough = "\"$@\""
    /// A multi-node script's own variables, set by its preamble (`EngineScript.nodes`) from the scheduler's.
    public static let nodeRank = "\"$NODE_RANK\""
    public static let masterAddress = "\"$MASTER_ADDR\""
    public static let masterPort = "\"$MASTER_PORT\""
    public static let masterEndpoint = "\"$MASTER_ADDR:$MASTER_PORT\""
    static let references: Set<String> = [model, passThrough, nodeRank, masterAddress, masterPort, masterEndpoint]

    /// Characters that stand for themselves anywhere in an unquoted word of a POSIX shell (no expansion,
    /// globbing, splitting or operator): a word made only of them is written bare, as engines' flags
    /// and numbers are; anything else is single-quoted.
    static let bare = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,+@-".unicodeScalars)

    /// `text` as one shell word: bare when every character is plain, else single-quoted; the two
    /// references above pass through as written.
    public static func quoted(_ text: String) -> String {
        if references.contains(text) { return text }
        if !text.isEmpty, text.unicodeScalars.allSatisfy({ bare.contains($0) }) { return text }
        return "'" + text.replacing("'", with: "'\\''") + "'"
    }

    /// A word or a line of prose from input made safe for one comment line: control characters and
    /// Unicode line separators (which a shell, an editor or a terminal could take as a line break or a
    /// command) are written as `\u{...}` escapes.
    public static func commentText(_ text: String) -> String {
        DisplayText.escapingControls(text)
    }

    /// A here-document terminator that is not a line of `contents`: `LCPLAN_EOF`, with `_` added until
    /// it is unique (a quoted terminator makes the shell expand nothing inside).
    static func terminator(for contents: [String]) -> String {
        var word = "LCPLAN_EOF"
        while contents.contains(word) { word += "_" }
        return word
    }

    /// A TOML basic string (TOML 1.0, "Basic strings"): quotes, backslashes and control characters escaped.
    public static func tomlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if DisplayText.isControl(scalar) {
                    out += "\\u" + DisplayText.hex(scalar, digits: scalar.value > 0xFFFF ? 8 : 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
