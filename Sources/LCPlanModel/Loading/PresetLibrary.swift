import Foundation

/// Where presets come from: the built-in catalogue, then user preset files on a search path.
///
/// A user preset is a YAML file `NAME.yaml` in one of the search directories, holding `model:` (a model
/// mapping, as in a spec) or `device:` (a device mapping). Directories come from `--presets DIR` and
/// the `LCPLAN_PRESETS` environment variable (colon-separated), searched in that order.
public struct PresetLibrary: Sendable {
    public let directories: [String]
    /// How reports name each directory: as the flag or variable gave it, and the calibration directory by
    /// the variable it comes from (`$XDG_CONFIG_HOME/lcplan/presets`, `$HOME/.config/lcplan/presets`), so a
    /// report carries no home directory of the machine it ran on.
    public let shownDirectories: [String]

    public static let environmentVariable = "LCPLAN_PRESETS"

    public init(directories: [String] = [], shown: [String]? = nil) {
        self.directories = directories
        self.shownDirectories = shown ?? directories
    }

    /// The library for the command line: explicit directories first, then the environment's, then the
    /// directory `lcplan calibrate` writes this machine's `local` preset to.
    public static func from(flags: [String], environment: [String: String]) -> PresetLibrary {
        let fromEnvironment = (environment[environmentVariable] ?? "").split(separator: ":").map(String.init)
        let configured = environment["XDG_CONFIG_HOME"].map { !$0.isEmpty } ?? false
        let shownCalibration = configured ? "$XDG_CONFIG_HOME/lcplan/presets" : "$HOME/.config/lcplan/presets"
        return PresetLibrary(
            directories: flags + fromEnvironment + [calibrationDirectory(environment)],
            shown: flags + fromEnvironment + [shownCalibration])
    }

    /// A preset file's path as reports show it (`shownDirectories`).
    public func shown(_ path: String) -> String {
        for (directory, shown) in zip(directories, shownDirectories) where path.hasPrefix(directory + "/") {
            return shown + path.dropFirst(directory.count)
        }
        return path
    }

    /// Where `lcplan calibrate` writes `local.yaml`: $XDG_CONFIG_HOME/lcplan/presets, else
    /// $HOME/.config/lcplan/presets.
    public static func calibrationDirectory(_ environment: [String: String]) -> String {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return config + "/lcplan/presets" }
        return (environment["HOME"] ?? ".") + "/.config/lcplan/presets"
    }

    /// The path of a user preset file with this name, if one exists.
    public func file(named name: String) -> String? {
        guard !name.contains("/"), !name.isEmpty else { return nil }
        for directory in directories {
            for suffix in [".yaml", ".yml", ".json"] {
                let path = directory + "/" + name + suffix
                var status = stat()
                if stat(path, &status) == 0, FileKind(mode: status.st_mode) == .regular { return path }
            }
        }
        return nil
    }

    /// Names of all user preset files, for suggestions and `lcplan presets`.
    public var userPresetNames: [String] {
        var names: [String] = []
        for directory in directories {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries.sorted() {
                for suffix in [".yaml", ".yml", ".json"] where entry.hasSuffix(suffix) {
                    names.append(String(entry.dropLast(suffix.count)))
                }
            }
        }
        return names
    }
}
