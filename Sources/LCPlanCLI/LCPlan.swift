import ArgumentParser
import Foundation
import LCPlanModel
import LCPlanPrecision
import Synchronization

/// The root command. `lcplan SPEC` runs `lcplan plan SPEC`.
public struct LCPlan: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "lcplan",
        abstract: "Plan long-context LLM training and serving: FLOPs, memory, RoPE limits and layouts, exactly.",
        discussion: """
            Exit status: 0 no finding at or above the fail level; 1 the plan is infeasible or a check failed; \
            2 the input is invalid, the command line is wrong, or the output cannot be written (a full disk: \
            one line on standard error; a closed pipe: quietly). Inputs must be regular files (a FIFO or \
            device is refused, never waited on). Outputs (-o, --plot) go to a temporary file renamed over \
            the target: a symbolic link is written through, an existing file keeps its mode, and a \
            directory, FIFO, device, hard-linked file or any input of the run is refused (exit 2); no \
            directory is created for a path given.
            """,
        version: "lcplan 0.1.0 (GMP \(LibraryVersions.gmp), MPFR \(LibraryVersions.mpfr))",
        subcommands: [
            PlanCommand.self, CheckCommand.self, RoPECommand.self, PresetsCommand.self, ImportHFCommand.self,
            ExplainCommand.self, SchemaCommand.self, EmitCommand.self, DiffCommand.self, SweepCommand.self, ValidateCommand.self,
            CalibrateCommand.self, InitCommand.self,
        ],
        defaultSubcommand: PlanCommand.self)

    /// Help text wraps at the terminal width, which argument-parser takes from COLUMNS or the terminal and
    /// traps on when it is below its indent (COLUMNS=0 or a very narrow terminal). The width is therefore
    /// settled here, clamped to 40-1000 columns (80 when neither says), before argument-parser reads it.
    static func saneTerminalWidth() {
        var width = 80
        var given: Int? = nil
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let value = Int(text.trimmingCharacters(in: .whitespaces)) {
            width = value
            given = value
        } else {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
                width = Int(size.ws_col)
                given = width
            }
        }
        let clamped = min(max(width, 40), 1000)
        setenv("COLUMNS", String(clamped), 1)
        reportWidth.withLock { $0 = given.map { _ in clamped } }
    }

    /// The width text reports on standard output wrap to: COLUMNS as the user set it, or the terminal's
    /// (clamped to 40-1000); nil when neither says (a pipe with no COLUMNS: lines stay whole for tools).
    static let reportWidth = Mutex<Int?>(nil)

    /// The width for a text report written to `output` (nil or `-`: standard output); files are not wrapped.
    static func wrapWidth(output: String?) -> Int? {
        guard output == nil || output == "-" else { return nil }
        return reportWidth.withLock { $0 }
    }

    /// Whether `arguments` parse as a command line, and the exit status a parse failure maps to (for the
    /// command-line fuzzer: parsing and validation only, nothing runs).
    public static func parseStatus(_ arguments: [String]) -> Int32 {
        do {
            _ = try parseAsRoot(arguments)
            return 0
        } catch {
            let status = exitCode(for: error)
            return status == .validationFailure ? 2 : status.rawValue
        }
    }

    /// Runs the command line, with argument errors mapped to exit status 2 (argument-parser uses 64).
    public static func runMapped() -> Never {
        OutputFile.installSignalHandlers()
        saneTerminalWidth()
        // Swift decodes arguments with invalid UTF-8 repaired (U+FFFD), so a path of such bytes would name
        // another file than the one given: refused before anything is read or written.
        for index in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index], String(validatingCString: raw) == nil else { continue }
            Output.standardError("lcplan: error: argument \(index) is not valid UTF-8; lcplan takes paths and values as UTF-8 text\n")
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if status == .success {
                Output.standardOutput(message.hasSuffix("\n") ? message : message + "\n")
                Foundation.exit(0)
            }
            // `lcplan chek x.yaml`: the word was taken as plan's spec and the rest did not parse; a word
            // close to a command's name, naming no file, is said to be that command misspelt.
            if let first = CommandLine.arguments.dropFirst().first, !first.hasPrefix("-"),
                let command = PlanCommand.misspeltCommand(first)?.suggestion
            {
                Output.standardError(
                    "lcplan: '\(DisplayText.escapingControls(first))' is neither a command nor a file (did you mean 'lcplan \(command)'?)\n"
                )
                Foundation.exit(2)
            }
            let said = clearerMessage(for: message, arguments: Array(CommandLine.arguments.dropFirst())) ?? message
            Output.standardError(said.hasSuffix("\n") ? said : said + "\n")
            Foundation.exit(status == .validationFailure ? 2 : status.rawValue)
        }
    }

    /// What argument-parser's message misreads, said plainly: a negative number after an option is read as
    /// another option ("Missing value for '--context'"), and an unknown option before any spec is read as
    /// plan's missing spec ("Missing expected argument '<spec>'").
    static func clearerMessage(for message: String, arguments: [String]) -> String? {
        if message.hasPrefix("Error: Missing value for '") {
            for (index, argument) in arguments.enumerated() where argument.hasPrefix("-") && index + 1 < arguments.count {
                let next = arguments[index + 1]
                guard message.contains("'\(argument) "), next.count > 1, next.hasPrefix("-"),
                    next.dropFirst().first.map({ $0.isNumber || $0 == "." }) == true
                else { continue }
                return "Error: \(argument) does not take a negative number (\(DisplayText.escapingControls(next)))\n"
                    + message.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            }
        }
        if message.hasPrefix("Error: Missing expected argument '<spec>'"),
            let unknown = arguments.first(where: { $0.hasPrefix("-") && $0 != "-" && !["--help", "-h", "--version"].contains($0) })
        {
            return "Error: Unknown option '\(DisplayText.escapingControls(unknown))' (and no spec file given)\n"
                + "Usage: lcplan [plan] <spec> [options]; lcplan <command> ...\n  See 'lcplan --help' for the commands.\n"
        }
        return nil
    }
}
