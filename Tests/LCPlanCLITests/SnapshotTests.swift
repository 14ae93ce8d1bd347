import Foundation
import SnapshotTesting
import Testing

/// Golden outputs, compared byte for byte with the files under `Tests/Snapshots/`: every example's
/// report in every format, its SARIF, and `--help` of every command. Re-record with
/// `SNAPSHOT_TESTING_RECORD=all swift test --filter SnapshotTests` (or `make snapshots`) and review
/// the diff in git; a failure prints a unified diff of what changed.
struct SnapshotTests {
    static let directory = CLI.path("Tests/Snapshots")

    /// Compares `text` with the snapshot `group/name.txt`.
    static func expectSnapshot(_ text: String, group: String, name: String) {
        let failure = verifySnapshot(
            of: text, as: .lines, named: name, snapshotDirectory: directory + "/" + group, testName: group)
        #expect(failure == nil, "\(failure ?? "")")
    }

    /// The snapshot name of an example: its file name without the extension.
    static func stem(_ example: String) -> String {
        URL(fileURLWithPath: example).deletingPathExtension().lastPathComponent
    }

    @Test(arguments: CLI.examples)
    func reports(example: String) throws {
        for format in ["text", "markdown", "json"] {
            let result = try CLI.run(["plan", example, "--format", format, "--color", "never"])
            #expect(result.status != 2, "\(result.stderr)")
            Self.expectSnapshot(result.stdout, group: "plan-\(format)", name: Self.stem(example))
        }
    }

    @Test(arguments: CLI.examples)
    func checks(example: String) throws {
        for format in ["text", "json", "sarif"] {
            let result = try CLI.run(["check", example, "--format", format, "--color", "never"])
            #expect(result.status != 2, "\(result.stderr)")
            Self.expectSnapshot(result.stdout + result.stderr, group: "check-\(format)", name: Self.stem(example))
        }
    }

    /// `diff` and `check` over the review fixtures (before, after, broken): text, JSON, markdown, SARIF.
    @Test func review() throws {
        let before = "Tests/Fixtures/review/before.yaml", after = "Tests/Fixtures/review/after.yaml"
        let broken = "Tests/Fixtures/review/broken.yaml"
        for format in ["text", "json", "markdown"] {
            for (name, new) in [("after", after), ("broken", broken)] {
                let result = try CLI.run(["diff", before, new, "--format", format, "--color", "never"])
                #expect(result.status != 2, "\(result.stderr)")
                Self.expectSnapshot("exit \(result.status)\n" + result.stdout, group: "review", name: "diff-\(name)-\(format)")
            }
        }
        for format in ["text", "json", "sarif"] {
            let result = try CLI.run(["check", before, after, broken, "--format", format, "--color", "never"])
            Self.expectSnapshot("exit \(result.status)\n" + result.stdout, group: "review", name: "check-\(format)")
        }
        let markdown = try CLI.run(["plan", broken, "--format", "markdown", "--color", "never"])
        Self.expectSnapshot("exit \(markdown.status)\n" + markdown.stdout, group: "review", name: "plan-broken-markdown")
    }

    /// `emit` for every example and engine: the script, or the reasons and exit status when the engine
    /// cannot run the plan.
    @Test(arguments: CLI.examples)
    func emits(example: String) throws {
        var text = ""
        for engine in ["vllm", "sglang", "trtllm", "megatron", "torchtitan", "deepspeed"] {
            let result = try CLI.run(["emit", example, "--engine", engine])
            #expect(result.status != 2, "\(result.stderr)")
            text += "== \(engine): exit \(result.status)\n" + result.stdout + result.stderr
        }
        Self.expectSnapshot(text, group: "emit", name: Self.stem(example))
    }

    static let commands = [
        "", "plan", "check", "rope", "presets", "import-hf", "explain", "schema", "emit", "diff", "sweep", "validate", "calibrate", "init",
    ]

    @Test(arguments: commands)
    func help(command: String) throws {
        let result = try CLI.run(command.isEmpty ? ["--help"] : [command, "--help"])
        #expect(result.status == 0)
        Self.expectSnapshot(result.stdout, group: "help", name: command.isEmpty ? "lcplan" : command)
    }

    /// The newcomer's three questions (issue 25), answered by scripts/newcomer.sh with the commands the README
    /// shows (plan from flags, --set, --brief, the devices objective): the whole output is the snapshot.
    @Test func newcomer() throws {
        let result = try CLI.run(["scripts/newcomer.sh"], executable: "/bin/sh")
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        Self.expectSnapshot(result.stdout, group: "newcomer", name: "newcomer")
        let readme = try CLI.read("README.md")
        for usage in ["lcplan plan --model", "--set workload.batch=8", "--brief", "objective: throughput"] {
            #expect(readme.contains(usage), "\(usage)")
        }
    }

    @Test func presetListing() throws {
        for format in ["text", "json"] {
            let result = try CLI.run(["presets", "--format", format])
            #expect(result.status == 0)
            Self.expectSnapshot(result.stdout, group: "presets", name: format)
        }
    }
}
