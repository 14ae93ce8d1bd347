import ArgumentParser
import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision
import LCPlanReport

enum ListFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

/// `lcplan presets`: the built-in and user presets.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the model and hardware presets, with their sources.")

    @Option(help: "Output format: text or json.")
    var format: ListFormat = .text

    @OptionGroup var options: SpecOptions

    func run() throws {
        let user = options.library.userPresetNames
        switch format {
        case .json:
            let models = ModelCatalogue.all.map { m -> JSONValue in
                let p = ParameterCount(m)
                return .object([
                    ("name", .string(m.name)), ("parameters", .integer(p.total)), ("active_parameters", .integer(p.active)),
                    ("max_context", .int(m.maxContext)), ("source", .string(m.source)), ("confidence", .string(m.confidence.rawValue)),
                ])
            }
            let devices = DeviceCatalogue.all.map { d -> JSONValue in
                .object([
                    ("name", .string(d.name)), ("kind", .string(d.kind.rawValue)), ("memory", .integer(d.memory.value)),
                    ("memory_bandwidth", .number(d.memoryBandwidth.bytesPerSecond)),
                    ("peak", .object(d.peak.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .number($0.value.flopsPerSecond)) })),
                    ("source", .string(d.source)), ("confidence", .string(d.confidence.rawValue)),
                ])
            }
            let aliases = ModelCatalogue.aliases.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }
            Output.standardOutput(
                JSONValue.object([
                    ("models", .array(models)), ("model_aliases", .object(aliases)), ("devices", .array(devices)),
                    ("user_presets", .array(user.map(JSONValue.string))),
                ]).serialized())
        case .text:
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
            Output.standardOutput(out)
        }
    }
}
