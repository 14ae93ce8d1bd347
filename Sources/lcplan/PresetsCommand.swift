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
            Output.standardOutput(PresetsDocument.shape.encode(user).serialized())
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
