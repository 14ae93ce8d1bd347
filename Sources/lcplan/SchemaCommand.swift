import ArgumentParser
import LCPlanReport

enum SchemaKind: String, CaseIterable, ExpressibleByArgument { case spec, report, rope }

/// `lcplan schema spec|report|rope`: the JSON Schemas (the same files ship in schemas/).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the spec, the JSON report, or `lcplan rope --format json`.")

    @Argument(help: ArgumentHelp("spec, report or rope.", valueName: "kind"))
    var kind: SchemaKind

    func run() throws {
        switch kind {
        case .spec: Output.standardOutput(SpecSchema.document().serialized())
        case .report: Output.standardOutput(ReportSchema.document().serialized())
        case .rope: Output.standardOutput(ReportSchema.ropeDocument().serialized())
        }
    }
}
