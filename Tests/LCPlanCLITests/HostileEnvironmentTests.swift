import Foundation
import Testing

/// No environment makes lcplan trap: terminal widths argument-parser cannot wrap at, an empty environment,
/// unreadable preset paths.
struct HostileEnvironmentTests {
    @Test(arguments: ["0", "-1", "5", "abc", "99999999999999999999", "", "100000"])
    func anyTerminalWidth(columns: String) throws {
        for arguments in [["--help"], ["plan", "--help"], ["rope", "--theta"], ["check", "--format", "nope", "x"]] {
            let result = try CLI.run(arguments, environment: ["COLUMNS": columns])
            #expect(result.status == 0 || result.status == 2, "COLUMNS=\(columns) \(arguments): \(result.status)")
            #expect(!result.stderr.contains("Fatal error") && !result.stdout.contains("Fatal error"))
        }
    }

    @Test func presetPathsThatAreNotPresetDirectories() throws {
        for presets in [":::", "/dev/null", "/proc/self", "/nonexistent:/etc", String(repeating: "a/", count: 3000)] {
            let result = try CLI.run(["examples/llama-3.1-8b-h200-128k.yaml"], environment: ["LCPLAN_PRESETS": presets])
            #expect(result.status == 0, "LCPLAN_PRESETS=\(presets.prefix(40)): \(result.stderr)")
        }
    }
}
