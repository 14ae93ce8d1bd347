import Foundation
import LCPlanCalculators
import LCPlanPrecision
import Testing

@testable import LCPlanModel

/// Every rule's own description carries a spec that triggers it and one that does not; both are run.
struct RuleCatalogueTests {
    static let rulesWithExamples = RuleRegistry.all

    @Test func idsAreUniqueAndWellFormed() {
        let ids = RuleRegistry.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(Set(RuleRegistry.all.map(\.name)).count == ids.count)
        for rule in RuleRegistry.all {
            #expect(rule.id.count == 5 && rule.id.hasPrefix("LC"))
            let area = Int(String(rule.id.dropFirst(2).prefix(1)))
            let expected: [RuleArea: Int] = [.spec: 1, .memory: 2, .rope: 3, .parallelism: 4, .kvCache: 5, .performance: 6]
            #expect(area == expected[rule.area], "\(rule.id) is in area \(rule.area)")
            #expect(!rule.summary.isEmpty && !rule.help.isEmpty && !rule.triggering.isEmpty && !rule.nonTriggering.isEmpty)
        }
    }

    /// The examples reference files relative to the directory they are loaded from: LC112's config.json is
    /// a T5 config (an unsupported type), LC113's a Llama config with keys lcplan does not use.
    @Test(arguments: rulesWithExamples.map(\.id))
    func triggeringExampleTriggers(id: String) throws {
        let rule = try #require(RuleRegistry.named(id))
        let directory =
            [
                "LC112": Fixtures.path("hf-unsupported"), "LC113": Fixtures.path("hf-llama"),
            ][id] ?? Fixtures.root
        let found = Self.findings(rule.triggering, directory: directory)
        #expect(found.contains { $0.rule == rule }, "\(found.map { "\($0.rule.id) \($0.message)" })")
    }

    @Test(arguments: RuleRegistry.all.map(\.id))
    func nonTriggeringExampleDoesNot(id: String) throws {
        let rule = try #require(RuleRegistry.named(id))
        let result = SpecLoader.load(text: rule.nonTriggering, file: "example.yaml", baseDirectory: Fixtures.root)
        let found = Self.findings(rule.nonTriggering, directory: Fixtures.root)
        #expect(!found.contains { $0.rule == rule }, "\(found.map { "\($0.rule.id) \($0.message)" })")
        #expect(result.spec != nil, "\(result.diagnostics.map(\.message))")
    }

    /// The loader's findings and, for a spec that resolves, the calculators'.
    static func findings(_ text: String, directory: String) -> [Diagnostic] {
        let result = SpecLoader.load(text: text, file: "example.yaml", baseDirectory: directory)
        return result.diagnostics + (result.spec.map { Analysis($0).diagnostics } ?? [])
    }

    @Test func lookupByIdOrName() {
        #expect(RuleRegistry.named("lc102") == .unknownKey)
        #expect(RuleRegistry.named("unknown-key") == .unknownKey)
        #expect(RuleRegistry.named("LC999") == nil)
    }

    /// Suppressions of rules the calculators raise are judged once their rules are at hand: an unknown id
    /// or an error rule is LC117 at its entry, a known warning is suppressed.
    @Test func deferredSuppressionsAreJudgedAgainstTheRegistry() throws {
        let text =
            "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 8k}\nchecks: {suppress: [LC306, LC999, LC307, men-criterion-fails]}\n"
        let result = SpecLoader.load(text: text, file: "t.yaml")
        let spec = try #require(result.spec)
        #expect(result.diagnostics.isEmpty)
        let analysis = Analysis(spec)
        #expect(analysis.suppress == ["LC306"])
        let refused = analysis.diagnostics.filter { $0.rule == .unknownRule }
        #expect(refused.count == 2)
        #expect(refused.contains { $0.message.contains("no rule 'LC999'") && $0.location?.line == 5 })
        #expect(refused.contains { $0.message.contains("LC307 reports invalid input") })
    }

    @Test func suppressingAnErrorRuleIsRefused() {
        let text =
            "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h200}\nworkload: {context: 8k}\nchecks: {suppress: [LC102, LC109]}\n"
        let result = SpecLoader.load(text: text, file: "t.yaml")
        #expect(result.diagnostics.map(\.rule.id) == ["LC117"])
        #expect(result.spec?.checks.suppress == ["LC109"])
    }
}

/// Device memory is what the driver reports (../shared/reference/hardware.md: nvidia-smi totals in MiB and
/// their byte values), not marketing GB read as decimal bytes.
struct DriverReportedMemoryTests {
    @Test(arguments: [
        ("h200", 150_754_820_096), ("h100-sxm", 85_520_809_984), ("h100-pcie", 85_520_809_984),
        ("a100-80gb", 85_899_345_920), ("a100-pcie-80gb", 85_899_345_920), ("a100-40gb", 42_949_672_960),
    ])
    func capacity(device: String, bytes: Int) throws {
        let spec = try #require(DeviceCatalogue.named(device))
        #expect(spec.memory.value == ExactInt(bytes))
        #expect(spec.source.contains("MiB"))
    }
}
