import Foundation
import Testing

@testable import LCPlanModel

/// JSON is parsed as JSON: what YAML would accept but JSON forbids is an error with its line and column;
/// YAML stays YAML.
struct StrictJSONTests {
    static let spec =
        #"{"version": 1, "model": "llama-3.1-8b", "hardware": {"device": "h200"}, "workload": {"context": "8k"}}"#

    @Test func validJSONLoads() {
        #expect(SpecLoader.load(text: Self.spec, file: "spec.json").spec != nil)
        // Tabs, CRLF and escapes are JSON whitespace and strings.
        let tabbed =
            "{\r\n\t\"version\": 1,\r\n\t\"model\": \"llama-3.1-8b\",\r\n\t\"hardware\": {\"device\": \"h\\u0032\\u00300\"},\r\n\t\"workload\": {\"context\": \"8k\"}\r\n}\r\n"
        let loaded = SpecLoader.load(text: tabbed, file: "spec.json")
        #expect(loaded.spec?.hardware.device.name == "h200", "\(loaded.diagnostics.map(\.message))")
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, 1, 9, "trailing comma"), (#"[1, 2,]"#, 1, 7, "trailing comma"),
        ("{\"a\": 1 /* c */}", 1, 9, "no comments"), (#"{'a': 1}"#, 1, 2, "double quotes"),
        (#"{"a": NaN}"#, 1, 7, "NaN"), (#"{"a": -Infinity}"#, 1, 8, "NaN"), (#"{"a": +1}"#, 1, 7, "leading '+'"),
        (#"{"a": 01}"#, 1, 8, "leading zeros"), (#"{a: 1}"#, 1, 2, "double-quoted"), (#"{"a": "x\q"}"#, 1, 10, "escape"),
        ("{\"a\": 1}\n{\"b\": 2}", 2, 1, "after the JSON value"),
    ])
    func violations(text: String, line: Int, column: Int, words: String) {
        let violation = StrictJSON.check(text)
        #expect(violation?.line == line && violation?.column == column, "\(text): \(String(describing: violation))")
        #expect(violation?.message.contains(words) == true, "\(violation?.message ?? "none")")
    }

    @Test func duplicateKeysAfterDecodingEscapes() {
        let violation = StrictJSON.check(#"{"ab": 1, "a\u0062": 2}"#)
        #expect(violation?.duplicateKey == true && violation?.column == 11)
    }

    /// A `.json` file is JSON even when it does not look like it; a YAML flow mapping stays YAML.
    @Test func whatCountsAsJSON() {
        #expect(StrictJSON.isJSON("version: 1", file: "x.json"))
        #expect(StrictJSON.isJSON("  {\"version\": 1}", file: "x.yaml"))
        #expect(!StrictJSON.isJSON("{version: 1, model: llama-3.1-8b}", file: "x.yaml"))
        let yaml = "{version: 1, model: llama-3.1-8b, hardware: {device: h200,}, workload: {context: 8k}}"
        #expect(SpecLoader.load(text: yaml, file: "flow.yaml").spec != nil)
        let result = SpecLoader.load(text: yaml, file: "flow.json")
        #expect(result.spec == nil && result.diagnostics.first?.rule == .yamlSyntax)
    }

    /// Hugging Face configs are JSON: a trailing comma is an error at its line and column.
    @Test func hfConfigIsStrict() {
        let config = "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,\n}\n"
        let result = HFConfigImporter.importConfig(config, file: "config.json")
        let diagnostic = result.diagnostics.first { $0.rule == .yamlSyntax }
        #expect(diagnostic?.location?.line == 4 && diagnostic?.location?.column == 1)
    }
}
