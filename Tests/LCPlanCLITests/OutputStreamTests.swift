import Foundation
import Testing

/// Writes that fail are errors, not traps: a full disk ends with one line and exit status 2, a closed
/// pipe (SIGPIPE ignored) ends quietly with exit status 2, and no stack trace either way.
struct OutputStreamTests {
    /// Runs `script` under /bin/sh in the package root, returning its exit status and standard error.
    static func shell(_ script: String) throws -> (status: Int32, stderr: String) {
        let result = try CLI.run(["-c", script], executable: "/bin/sh")
        return (result.status, result.stderr)
    }

    static let commands = [
        "plan examples/llama-3.1-8b-h200-128k.yaml", "plan examples/deepseek-v3-serving.yaml --format json",
        "check examples/llama-3.1-405b-train-h100-128k.yaml --format sarif", "presets --format json", "--help",
        "explain", "schema report", "emit examples/llama-3.1-70b-8xh200-128k.yaml --engine vllm",
    ]

    @Test(arguments: commands)
    func fullDiskIsAnError(command: String) throws {
        let result = try Self.shell("\"$LCPLAN\" \(command) > /dev/full")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("lcplan: error: cannot write to standard output: no space left on device"))
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrace"))
    }

    @Test(arguments: commands)
    func closedPipeEndsQuietly(command: String) throws {
        // `true` exits at once; with SIGPIPE ignored, lcplan's writes fail with EPIPE.
        let result = try Self.shell("trap '' PIPE; (\"$LCPLAN\" \(command) 2>&1; echo \"status $?\" >&2) | true")
        #expect(result.stderr.contains("status 2"), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("cannot write"))
    }
}
