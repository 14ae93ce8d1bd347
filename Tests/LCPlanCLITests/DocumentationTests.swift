import Foundation
import Testing

/// README, man page and --help must not drift from the commands and examples that exist.
struct DocumentationTests {
    static let commands = [
        "plan", "check", "rope", "presets", "import-hf", "explain", "schema", "emit", "diff", "sweep", "validate", "calibrate", "init",
    ]

    /// Citations stay in the repository: no source file points at `../shared`, which a clone does not have
    /// (docs/references.md lists the primary sources instead), and every file the time model's classes live
    /// in is named there.
    @Test func citationsStayInTheRepository() throws {
        let root = CLI.path("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }.filter {
            $0.hasSuffix(".swift")
        }
        #expect(files.count > 50)
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            #expect(!text.contains("../shared") && !text.contains("shared/reference") && !text.contains("shared/notes"), "\(file)")
        }
        let references = try String(contentsOfFile: CLI.path("docs/references.md"), encoding: .utf8)
        for name in ["AttentionKernels.swift", "KernelRates.swift", "EngineKVCapacity.swift", "LayoutRules.swift", "KVCacheSize.swift"] {
            #expect(references.contains(name), "\(name)")
        }
    }

    /// The man page has the sections a reader looks for beside the generated ones, with lcplan's own exit
    /// statuses rather than the generic one.
    @Test func manPageHasItsOwnSections() throws {
        let page = try CLI.read("man/lcplan.1")
        for section in [".Sh ENVIRONMENT", ".Sh FILES", ".Sh \"EXIT STATUS\"", ".Sh EXAMPLES", "LCPLAN_PRESETS", "lcplan init"] {
            #expect(page.contains(section), "\(section)")
        }
        #expect(!page.contains(".Ex -std"))
    }

    /// The README opens with Install and a quick start of at most ten lines, from download to an answer, whose
    /// lcplan commands parse.
    @Test func readmeOpensWithAShortQuickStart() throws {
        let readme = try CLI.read("README.md")
        let headings = readme.split(separator: "\n").filter { $0.hasPrefix("## ") }
        #expect(headings.first == "## Install and quick start")
        let section = try #require(readme.components(separatedBy: "## Install and quick start").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        let lines = block.split(separator: "\n")
        #expect(lines.count <= 10 && lines.first?.hasPrefix("curl") == true)
        #expect(lines.contains { $0.contains("sha256sum -c") })
        let plan = try #require(lines.first { $0.hasPrefix("lcplan plan --model") })
        let arguments = plan.split(separator: "#").first!.split(separator: " ").dropFirst().map(String.init)
        let result = try CLI.run(arguments)
        #expect(result.status == 0 && result.stdout.contains("Summary"), "\(result.stderr)")
    }

    @Test func readmeNamesEveryCommandAndExample() throws {
        let readme = try CLI.read("README.md")
        for command in Self.commands { #expect(readme.contains("lcplan \(command)"), "README shows lcplan \(command)") }
        for example in CLI.examples { #expect(readme.contains(example), "README lists \(example)") }
        #expect(readme.contains("make run") && readme.contains("make test"))
    }

    @Test func manPageDocumentsEveryCommandAndOption() throws {
        let man = try CLI.read("man/lcplan.1")
        for command in Self.commands { #expect(man.contains(".It Em \(command)"), "man page documents \(command)") }
        for option in ["format", "presets", "color", "fail-on", "output"] {
            #expect(man.contains("-\(option)"), "man page documents --\(option)")
        }
    }

    @Test func validatorRejectsWhatTheSchemaForbids() throws {
        let validator = try CLI.strictSchema("report")
        let good = try CLI.run(["plan", "examples/llama-3.1-8b-h200-128k.yaml", "--format", "json"]).stdout
        #expect(validator.validate(try JSONDocument.parse(good)).isEmpty)
        let extraKey = good.replacingOccurrences(of: "\"schema\":", with: "\"surprise\": 1,\n  \"schema\":")
        #expect(!validator.validate(try JSONDocument.parse(extraKey)).isEmpty)
        let wrongType = good.replacingOccurrences(of: "\"layers\": 32", with: "\"layers\": \"32\"")
        #expect(!validator.validate(try JSONDocument.parse(wrongType)).isEmpty)
        let badVerdict = good.replacingOccurrences(of: "\"verdict\": \"", with: "\"verdict\": \"not-")
        #expect(!validator.validate(try JSONDocument.parse(badVerdict)).isEmpty)
    }
}
