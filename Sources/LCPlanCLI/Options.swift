import ArgumentParser
import Foundation
import LCPlanModel

extension ColorChoice: ExpressibleByArgument {}

/// Options every spec-reading command shares.
struct SpecOptions: ParsableArguments {
    @Option(
        name: .customLong("presets"),
        help: ArgumentHelp(
            "A directory of user preset files (NAME.yaml holding `model:` or `device:`); repeatable. Searched before $LCPLAN_PRESETS.",
            valueName: "dir"))
    var presetDirectories: [String] = []

    @Option(help: "Colour in text output: auto (on a terminal), always or never.")
    var color: ColorChoice = .auto

    var library: PresetLibrary {
        PresetLibrary.from(flags: presetDirectories, environment: ProcessInfo.processInfo.environment)
    }
}
