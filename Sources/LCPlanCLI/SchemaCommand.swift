import ArgumentParser
import LCPlanReport

enum SchemaKind: String, CaseIterable, ExpressibleByArgument { case spec, report, check, rope, presets, diff, sweep, validation }

/// `lcplan schema spec|report|check|rope|presets|diff|sweep`: the JSON Schemas (the same files ship in schemas/).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the spec or of a JSON output (report, check, rope, presets, diff, sweep, validation).",
        discussion: """
            The published schemas allow keys they do not list: within a version lcplan only adds keys, and \
            consumers ignore keys they do not know. --strict forbids unknown keys (what lcplan's own tests \
            validate its outputs against).
            """)

    @Argument(help: ArgumentHelp("spec, report, check, rope, presets, diff, sweep or validation.", valueName: "kind"))
    var kind: SchemaKind

    @Flag(help: "Forbid keys the schema does not list (additionalProperties false).")
    var strict = false

    func run() throws {
        switch kind {
        case .spec: Output.standardOutput(SpecSchema.document().serialized())
        default:
            guard let document = ReportDocument.schema(kind.rawValue, strict: strict) else { throw ExitCode(2) }
            Output.standardOutput(document.serialized())
        }
    }
}
