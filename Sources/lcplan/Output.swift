import Foundation
import LCPlanModel
import LCPlanReport

/// Where a command's output goes: standard output, or a file written atomically (a temporary file in
/// the same directory, then a rename), so a failed run never leaves a truncated report behind.
enum Output {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes `text` to `path` (or standard output when nil). Returns false, after saying why on
    /// standard error, when the file cannot be written.
    static func write(_ text: String, to path: String?) -> Bool {
        guard let path, path != "-" else {
            standardOutput(text)
            return true
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return true
        } catch {
            standardError("lcplan: error: cannot write '\(path)': \(describe(error))\n")
            return false
        }
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
            let text = String(validatingCString: strerror(Int32(underlying.code)))
        {
            return text.lowercased()
        }
        return ns.localizedDescription
    }
}

/// Whether to colour text output.
enum ColorChoice: String, CaseIterable {
    case auto, always, never

    /// Colour on a terminal unless NO_COLOR is set or TERM is dumb; never when writing to a file.
    func style(toFile: Bool) -> TextStyle {
        switch self {
        case .always: return TextStyle(color: true)
        case .never: return .plain
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            let terminal = isatty(STDOUT_FILENO) != 0 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
            return TextStyle(color: terminal && !toFile)
        }
    }

    var forStandardError: TextStyle {
        switch self {
        case .always: return TextStyle(color: true)
        case .never: return .plain
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            return TextStyle(color: isatty(STDERR_FILENO) != 0 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb")
        }
    }
}
