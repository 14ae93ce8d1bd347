import Foundation
import Testing

/// One validation for every source of a value: a spec, a Hugging Face config, `import-hf` and the
/// `rope` flags hold RoPE settings to the same ranges, so no NaN or infinity reaches a report; numbers
/// are judged in linear time; a plan no framework starts is infeasible in every output.
struct AcceptedValuesTests {
    static func config(_ changes: [String: Any]) throws -> String {
        let fixture = try CLI.read("Tests/Fixtures/hf/llama-3.1-8b.json")
        guard var object = try JSONSerialization.jsonObject(with: Data(fixture.utf8)) as? [String: Any] else { return fixture }
        for (key, value) in changes { object[key] = value }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Settings whose formulas divide by zero or take a logarithm of zero (transformers'
    /// `modeling_rope_utils.py` refuses them too), and bases outside the spec's range.
    nonisolated(unsafe) static let bad: [(String, [String: Any])] = [
        (
            "model.rope.scaling.beta_fast",
            ["rope_scaling": ["rope_type": "yarn", "factor": 4, "beta_fast": 0, "original_max_position_embeddings": 8192]]
        ),
        (
            "model.rope.scaling.beta_fast",
            ["rope_scaling": ["rope_type": "yarn", "factor": 4, "beta_fast": 1, "beta_slow": 1, "original_max_position_embeddings": 8192]]
        ),
        ("model.rope.scaling.factor", ["rope_scaling": ["rope_type": "linear", "factor": 0]]),
        ("model.rope.theta", ["rope_theta": 0.5, "rope_scaling": NSNull()]),
        (
            "model.rope.scaling.high_freq_factor",
            [
                "rope_scaling": [
                    "rope_type": "llama3", "factor": 8, "low_freq_factor": 4, "high_freq_factor": 4,
                    "original_max_position_embeddings": 8192,
                ]
            ]
        ),
        (
            "model.rope.scaling.short_factor[0]",
            [
                "rope_scaling": [
                    "rope_type": "longrope", "factor": 4, "original_max_position_embeddings": 8192,
                    "short_factor": Array(repeating: 1e-308, count: 64), "long_factor": Array(repeating: 1.0, count: 64),
                ]
            ]
        ),
    ]

    @Test func hfConfigsAreHeldToTheSpecRanges() throws {
        for (path, change) in Self.bad {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lcplan-values-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try Data(try Self.config(change).utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
            let spec = "version: 1\nmodel: {hf_config: config.json}\nhardware: {device: h100-sxm}\nworkload: {context: 4k}\n"
            let checked = try CLI.run(["check", "-", "--format", "json"], stdin: spec, directory: directory)
            #expect(checked.status == 2, "\(path): \(checked.stdout.prefix(300))")
            #expect(checked.stdout.contains("\"key\": \"\(path)\"") || checked.stdout.contains(path), "\(path)")
            // import-hf never writes a preset the loader would refuse.
            let imported = try CLI.run(["import-hf", "config.json", "-o", "model.yaml"], directory: directory)
            #expect(imported.status == 2 && !FileManager.default.fileExists(atPath: directory + "/model.yaml"), "\(path)")
        }
    }

    /// The same settings written in a spec.
    @Test(arguments: [
        "{type: yarn, factor: 4, beta_fast: 0, original_context: 8k}", "{type: yarn, factor: 4, beta_slow: 0, original_context: 8k}",
        "{type: llama3, factor: 8, low_freq_factor: 2, high_freq_factor: 1, original_context: 8k}",
    ])
    func specsAreHeldToTheSameRanges(scaling: String) throws {
        let spec =
            "version: 1\nmodel: {preset: llama-3.1-8b, rope: {scaling: \(scaling)}}\nhardware: {device: h100-sxm}\nworkload: {context: 32k}\n"
        let result = try CLI.run(["plan", "-", "--format", "json"], stdin: spec)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stdout.contains("nan") && !result.stdout.contains("inf"))
    }

    @Test(arguments: ["1e309", "inf", "nan", "1e31", "1", "-5"])
    func ropeThetaFlagHasTheSpecRange(theta: String) throws {
        let result = try CLI.run(["rope", "--theta=\(theta)", "--context", "4k"])
        #expect(result.status == 2, "\(theta): \(result.stdout.prefix(200))")
        #expect(!result.stdout.contains("inf"))
    }

    /// A million-digit count is refused at once, by its number of digits.
    @Test func hugeNumbersAreJudgedByTheirLength() throws {
        let spec =
            "version: 1\nmodel: llama-3.1-8b\nhardware: {device: h100-sxm}\nworkload: {context: 4k, batch: \(String(repeating: "9", count: 1_000_000))}\n"
        let result = try CLI.run(["check", "-"], stdin: spec)
        #expect(result.status == 2)
        #expect(result.stdout.contains("a number of 1,000,000 digits"), "\(result.stdout.prefix(300))")
    }

    /// A sweep range longer than the point limit is refused, not cut short.
    @Test func longSweepsAreRefused() throws {
        let result = try CLI.run(["sweep", "examples/llama-3.1-8b-h200-128k.yaml", "--set", "workload.batch=1..100000", "--step", "1"])
        #expect(result.status == 2 && result.stderr.contains("100000 points; at most 10000"), "\(result.stderr)")
    }

    /// A fixed key no legal layout of the devices takes: every output calls the plan infeasible, and
    /// `validate` exits 1 with it (the kernels check arithmetic, not feasibility).
    @Test func unsupportedFixedLayoutsAreInfeasibleEverywhere() throws {
        let spec =
            "version: 1\nmodel: qwen2.5-7b\nhardware: {device: h100-sxm}\nworkload: {context: 4k, batch: 1, output_tokens: 16}\nplan: {vpp: 8}\n"
        let check = try CLI.run(["check", "-"], stdin: spec)
        #expect(check.status == 1 && check.stdout.contains("LC402"), "\(check.stdout)")
        let text = try CLI.run(["plan", "-"], stdin: spec)
        #expect(text.status == 1 && text.stdout.contains("Verdict: INFEASIBLE"))
        let json = try CLI.run(["plan", "-", "--format", "json"], stdin: spec)
        #expect(json.status == 1 && json.stdout.contains("\"verdict\": \"infeasible\""))
        let validate = try CLI.run(["validate", "-", "--quiet"], stdin: spec)
        #expect(validate.status == 1 && validate.stderr.contains("infeasible"), "\(validate.stderr)")
    }
}

/// The search of separate pools stops at its stated budget, between splits, and says so (LC405): a device
/// count with hundreds of divisors (8,648,640 = 2^6 3^3 5 7 11 13: 448 divisors) searched for minutes.
struct SearchBudgetTests {
    @Test func poolSearchStopsAtItsBudget() throws {
        let spec = """
            version: 1
            model: deepseek-v3
            hardware: {device: h200, count: 8648640, per_node: 8}
            workload: {mode: inference, context: 32k, batch: 32, output_tokens: 2048, dtype: fp8}
            search: {pool_candidates: 20000}

            """
        let result = try CLI.run(["check", "-", "--format", "json"], stdin: spec)
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("\"LC405\""), "\(result.stdout.prefix(500))")
    }
}
