import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// `lcplan presets --format json` (`lcplan.presets/v1`): the built-in models and devices with their
/// sources, the model aliases, and the user presets found on the search path.
public enum PresetsDocument {
    typealias F = JSONField
    public static let schemaName = "lcplan.presets/v1"

    static let model = JSONShape<ModelSpec>(
        "A built-in model.",
        [
            F.string("name") { $0.name }, F.exact("parameters") { ParameterCount($0).total },
            F.exact("active_parameters") { ParameterCount($0).active }, F.count("max_context") { $0.maxContext },
            F.string("source") { $0.source }, F.choice("confidence", Confidence.self) { $0.confidence },
        ])

    static let alias = JSONShape<(String, String)>(
        "Another name for a preset.", [F.string("alias") { $0.0 }, F.string("model") { $0.1 }])

    public static let shape = JSONShape<[String]>(
        "The preset catalogue.",
        [
            F.field("schema", .constant(schemaName)) { _ in .string(schemaName) },
            F.list("models", model) { _ in ModelCatalogue.all },
            F.list("model_aliases", alias) { _ in ModelCatalogue.aliases.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } },
            F.list("devices", InputSections.device) { _ in DeviceCatalogue.all },
            F.field("user_presets", .array(.string), "User preset names found on the search path.") { .array($0.map(JSONValue.string)) },
        ])

    /// The catalogue for people: a line per model and device with its source and confidence.
    public static func text(userPresets user: [String]) -> String {
        var out = "Models\n"
        let width = (ModelCatalogue.names + DeviceCatalogue.names).map(\.count).max() ?? 0
        func pad(_ name: String) -> String { name + String(repeating: " ", count: width - name.count) }
        for m in ModelCatalogue.all {
            let p = ParameterCount(m)
            let size = UnitFormat.scaled(p.total.doubleValue, unit: "", base: 1000)
            out +=
                "  \(pad(m.name))  \(size) params, \(UnitFormat.grouped(ExactInt(m.maxContext))) tokens  [\(m.confidence.rawValue)] \(m.source.split(separator: ";").first ?? "")\n"
        }
        out +=
            "  aliases: " + ModelCatalogue.aliases.sorted { $0.key < $1.key }.map { "\($0.key) -> \($0.value)" }.joined(separator: ", ")
            + "\n"
        out += "\nDevices\n"
        for d in DeviceCatalogue.all {
            let peak = d.peak(for: .bf16).map { "\($0) bf16" } ?? ""
            out += "  \(pad(d.name))  \(d.kind.rawValue), \(d.memory), \(d.memoryBandwidth), \(peak)  [\(d.confidence.rawValue)]\n"
        }
        if !user.isEmpty { out += "\nUser presets\n" + user.map { "  \($0)\n" }.joined() }
        return out
    }
}
