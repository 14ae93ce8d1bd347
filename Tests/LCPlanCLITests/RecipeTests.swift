import Foundation
import Testing
import Yams

/// The CI recipes work as shipped: their lcplan commands run against fixture specs with the built binary
/// on the PATH (the install and upload steps, which need the network, are not run); the pre-commit hook
/// definition parses and its entry runs; completions, the rule docs and `make install` agree with the code.
struct RecipeTests {
    /// A scratch repository with specs/ holding a spec that passes and one that fails its assertions, and
    /// a bin/ with `lcplan` linked to the built binary.
    static func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-recipe-\(UUID().uuidString)")
        let specs = root.appendingPathComponent("specs/serving")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.path("Tests/Fixtures/review/before.yaml"), toPath: specs.appendingPathComponent("good.yaml").path)
        try FileManager.default.copyItem(
            atPath: CLI.path("Tests/Fixtures/review/broken.yaml"), toPath: specs.appendingPathComponent("bad.yaml").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("bin/lcplan").path, withDestinationPath: CLI.binary)
        return root
    }

    static func bash(_ script: String, in root: URL, environment: [String: String] = [:]) throws -> CLI.Result {
        var env = environment
        env["PATH"] = root.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try CLI.run(["-e", "-c", script], environment: env, executable: "/bin/bash", directory: root.path)
    }

    /// The scratch repository as git history: main holds good.yaml and bad.yaml; the branch checked out
    /// changes good.yaml's context and adds new.yaml, as a pull request would.
    static func pullRequest(in root: URL) throws {
        let git = """
            export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
            git init -q -b main . && git add specs && git commit -q -m base
            git checkout -q -b change
            sed -i 's/context: 32k/context: 16k/' specs/serving/good.yaml
            cp specs/serving/good.yaml specs/serving/new.yaml
            git add specs && git commit -q -m change
            """
        let result = try bash(git, in: root)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func githubWorkflowStepsRun() throws {
        let workflow = try Yams.load(yaml: try CLI.read("recipes/github/lcplan.yml")) as? [String: Any]
        let steps = ((workflow?["jobs"] as? [String: Any])?["lcplan"] as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        func run(_ name: String) -> String? { steps.first { $0["name"] as? String == name }?["run"] as? String }
        let check = try #require(run("Check specs")), report = try #require(run("Markdown report"))
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try String(contentsOfFile: root.path + "/specs/serving/good.yaml", encoding: .utf8).contains("context: 32k"))
        try Self.pullRequest(in: root)
        let output = root.appendingPathComponent("github-output")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let checked = try Self.bash(check, in: root, environment: ["GITHUB_OUTPUT": output.path])
        #expect(checked.status == 0, "\(checked.stderr)")
        // bad.yaml fails its assertions: the step records status 1 for the last step to fail the job with.
        #expect(try String(contentsOf: output, encoding: .utf8) == "status=1\n")
        // Annotations: workflow commands at the start of lines, on the spec's lines.
        #expect(checked.stdout.contains("::error file=specs/serving/bad.yaml,line="))
        let sarif = try JSONDocument.parse(try String(contentsOf: root.appendingPathComponent("lcplan.sarif"), encoding: .utf8))
        #expect(sarif["version"]?.string == "2.1.0")
        #expect((sarif["runs"]?[0]?["results"]?.array ?? []).count > 0)
        // The comment: the marker, a table of the changed specs only, and the diff of the one the base has.
        let reported = try Self.bash(report, in: root, environment: ["LCPLAN_BASE": "main"])
        #expect(reported.status == 0, "\(reported.stderr)")
        let comment = try String(contentsOf: root.appendingPathComponent("lcplan-comment.md"), encoding: .utf8)
        #expect(comment.hasPrefix("<!-- lcplan check -->"))
        #expect(comment.contains("`specs/serving/good.yaml`") && comment.contains("`specs/serving/new.yaml`"))
        #expect(!comment.contains("`specs/serving/bad.yaml`"))
        #expect(comment.contains("## lcplan diff:") && comment.contains("→ `specs/serving/good.yaml`"))
        #expect(comment.utf8.count < 65_536)
        #expect(!FileManager.default.fileExists(atPath: root.path + "/specs/serving/.lcplan-base-good.yaml"))
        // Current action majors; the comment is one edited comment, skipped (like the upload) from forks.
        let uses = steps.compactMap { $0["uses"] as? String }
        #expect(uses.contains("actions/checkout@v5") && uses.contains("github/codeql-action/upload-sarif@v4"))
        let permissions = workflow?["permissions"] as? [String: Any]
        #expect(permissions?["actions"] as? String == "read")
        let comment_ = try #require(steps.first { $0["name"] as? String == "Comment on the pull request" })
        #expect((comment_["if"] as? String)?.contains("head.repo.full_name == github.repository") == true)
        #expect((comment_["run"] as? String)?.contains("PATCH") == true)
    }

    @Test func gitlabJobRuns() throws {
        let job = (try Yams.load(yaml: try CLI.read("recipes/gitlab/lcplan.gitlab-ci.yml")) as? [String: Any])?["lcplan"] as? [String: Any]
        let script = try #require(job?["script"] as? [String])
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.bash(script.joined(separator: "\n"), in: root)
        // The last line fails the job: bad.yaml fails its assertions (xargs reports a failed command as 123).
        #expect(result.status != 0, "\(result.stderr)")
        let json = try JSONDocument.parse(try String(contentsOf: root.appendingPathComponent("lcplan.json"), encoding: .utf8))
        #expect(json["exit_status"]?.int == 1 && json["files"]?.array?.count == 2)
        let quality = try JSONDocument.parse(
            try String(contentsOf: root.appendingPathComponent("gl-code-quality-report.json"), encoding: .utf8))
        let issues = quality.array ?? []
        #expect(!issues.isEmpty)
        for issue in issues {
            #expect(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"]?.string ?? ""))
            #expect(issue["location"]?["path"]?.string?.hasPrefix("specs/serving/") == true)
            #expect((issue["fingerprint"]?.string?.count ?? 0) == 32)
        }
        #expect(Set(issues.compactMap { $0["fingerprint"]?.string }).count == issues.count)
        let reports = (job?["artifacts"] as? [String: Any])?["reports"] as? [String: Any]
        #expect(reports?["codequality"] as? String == "gl-code-quality-report.json")
    }

    /// `make dist`'s packing (scripts/dist.sh) on the built binary: the archive holds the binary, the man page,
    /// the completions and the README under lcplan-VERSION-linux-ARCH/, SHA256SUMS verifies it, and packing the
    /// same binary twice gives the same bytes. (`make dist` packs the stripped static binary the same way.)
    @Test func distributionArchiveIsCompleteAndReproducible() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-dist-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var archives: [Data] = []
        for run in ["a", "b"] {
            let out = root.appendingPathComponent(run).path
            let packed = try CLI.run([CLI.path("scripts/dist.sh"), CLI.binary, out], executable: "/bin/sh")
            #expect(packed.status == 0, "\(packed.stderr)")
            let listing = try CLI.run(["-c", "cd \(out) && sha256sum -c SHA256SUMS && tar -tzf lcplan-*.tar.gz"], executable: "/bin/sh")
            #expect(listing.status == 0, "\(listing.stderr)")
            let files = Set(listing.stdout.split(separator: "\n").map { String($0.split(separator: "/", maxSplits: 1).last ?? "") })
            for file in [
                "bin/lcplan", "share/man/man1/lcplan.1", "share/completions/lcplan.bash", "share/completions/_lcplan",
                "share/completions/lcplan.fish", "README.md",
            ] {
                #expect(files.contains(file), "the archive lacks \(file)")
            }
            #expect(listing.stdout.hasPrefix("lcplan-0.1.0-linux-") || listing.stdout.contains("\nlcplan-0.1.0-linux-"))
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasSuffix(".tar.gz") })
            archives.append(try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)))
        }
        #expect(archives.count == 2 && archives[0] == archives[1], "the same binary packs to the same bytes")
    }

    @Test func preCommitHookRuns() throws {
        let hooks = try #require(try Yams.load(yaml: try CLI.read(".pre-commit-hooks.yaml")) as? [[String: Any]])
        let hook = try #require(hooks.first { $0["id"] as? String == "lcplan-check" })
        #expect(hook["language"] as? String == "system" && hook["pass_filenames"] as? Bool == true)
        let pattern = try Regex(try #require(hook["files"] as? String))
        #expect("specs/serving/good.yaml".contains(pattern) && !"README.md".contains(pattern))
        let entry = try #require(hook["entry"] as? String)
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Self.bash("\(entry) specs/serving/good.yaml", in: root).status == 0)
        #expect(try Self.bash("\(entry) specs/serving/good.yaml specs/serving/bad.yaml", in: root).status == 1)
    }

    /// The committed completions are what the binary generates; they name every command and complete
    /// preset names; docs/rules.md is `explain --markdown` and lists every rule.
    @Test func completionsAndRuleDocsAreCurrent() throws {
        for (shell, file) in [("bash", "completions/lcplan.bash"), ("zsh", "completions/_lcplan"), ("fish", "completions/lcplan.fish")] {
            let generated = try CLI.run(["--generate-completion-script", shell]).stdout
            #expect(generated == (try CLI.read(file)), "\(file) is stale: run make generate")
            for command in DocumentationTests.commands { #expect(generated.contains(command), "\(file) completes \(command)") }
            #expect(generated.contains("llama-3.1-8b"), "\(file) completes model presets")
        }
        let rules = try CLI.read("docs/rules.md")
        #expect(rules == (try CLI.run(["explain", "--markdown"]).stdout), "docs/rules.md is stale: run make generate")
        let ids = try CLI.run(["explain"]).stdout.split(separator: "\n").map { String($0.prefix(5)) }
        for id in ids { #expect(rules.contains("<a id=\"\(id.lowercased())\"></a>")) }
    }

    /// `make install` puts the binary, the man page and the completions under PREFIX.
    @Test func makeInstallLaysOutThePrefix() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let make = try CLI.run(
            ["-s", "install", "PREFIX=\(prefix.path)", "LCPLAN_BIN=\(CLI.binary)"], executable: "/usr/bin/make", directory: CLI.packageRoot)
        #expect(make.status == 0, "\(make.stderr)")
        for file in [
            "bin/lcplan", "share/man/man1/lcplan.1", "share/bash-completion/completions/lcplan", "share/zsh/site-functions/_lcplan",
            "share/fish/vendor_completions.d/lcplan.fish",
        ] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try CLI.run(["--version"], executable: prefix.appendingPathComponent("bin/lcplan").path).stdout.hasPrefix("lcplan 0.1.0"))
    }
}
