import Foundation
import LCPlanModel
import LCPlanReport

/// Where a command's output goes: standard output, or a file written atomically (a temporary file in
/// the same directory, then a rename), so a failed run never leaves a truncated report behind.
///
/// Writes go through write(2) and fail as errors, never as traps (Foundation's `FileHandle.write(_:)`
/// traps on a full disk or a closed pipe): a failed write to standard output ends the run with exit
/// status 2 and one line on standard error (quietly for a closed pipe, whose reader has gone); a failed
/// write to standard error is dropped, since there is nowhere left to say so.
public enum Output {
    /// Everything lcplan prints or writes passes here or through `OutputFile`: lines that a CI runner would
    /// take as a workflow command are made inert (`DisplayText.neutralizingWorkflowCommands`).
    static func standardError(_ text: String) {
        _ = writeAll(STDERR_FILENO, DisplayText.neutralizingWorkflowCommands(text))
    }

    static func standardOutput(_ text: String, workflowCommands: Bool = false) {
        let safe = workflowCommands ? text : DisplayText.neutralizingWorkflowCommands(text)
        guard let failure = writeAll(STDOUT_FILENO, safe) else { return }
        if failure != EPIPE {
            standardError("lcplan: error: cannot write to standard output: \(message(failure))\n")
        }
        Foundation.exit(2)
    }

    /// Writes every byte, retrying on EINTR and partial writes; the errno of a failure, or nil.
    public static func writeAll(_ descriptor: Int32, _ text: String) -> Int32? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                #if canImport(Glibc)
                    return Glibc.write(descriptor, base + offset, buffer.count - offset)
                #else
                    return Darwin.write(descriptor, base + offset, buffer.count - offset)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        bytes.removeAll()
        return nil
    }

    static func message(_ code: Int32) -> String {
        String(validatingCString: strerror(code))?.lowercased() ?? "error \(code)"
    }

    /// Writes `text` to `path` (or standard output when nil). Returns false, after saying why on
    /// standard error, when the file cannot be written.
    static func write(_ text: String, to path: String?, workflowCommands: Bool = false) -> Bool {
        guard let path, path != "-" else {
            standardOutput(text, workflowCommands: workflowCommands)
            return true
        }
        if let problem = OutputFile.write(text, to: path, workflowCommands: workflowCommands) {
            standardError("lcplan: error: \(problem)\n")
            return false
        }
        return true
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
