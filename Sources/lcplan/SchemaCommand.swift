import ArgumentParser
import LCPlanReport

enum SchemaKind: String, CaseIterable, ExpressibleByArgument { case spec, report }

/// `lcplan schema spec|report`: the JSON Schemas (the same files ship in schemas/).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the spec or of the JSON report.")

    @Argument(help: ArgumentHelp("spec or report.", valueName: "kind"))
    var kind: SchemaKind

    func run() throws {
        switch kind {
        case .spec: Output.standardOutput(SpecSchema.document().serialized())
        case .report: Output.standardOutput(ReportSchema.document().serialized())
        }
    }
}
