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
}
