import Foundation

/// Where presets come from: the built-in catalogue, then user preset files on a search path.
///
/// A user preset is a YAML file `NAME.yaml` in one of the search directories, holding `model:` (a model
/// mapping, as in a spec) or `device:` (a device mapping). Directories come from `--presets DIR` and
/// the `LCPLAN_PRESETS` environment variable (colon-separated), searched in that order.
public struct PresetLibrary: Sendable {
    public let directories: [String]

    public static let environmentVariable = "LCPLAN_PRESETS"

    public init(directories: [String] = []) { self.directories = directories }

    /// The library for the command line: explicit directories first, then the environment's, then the
    /// directory `lcplan calibrate` writes this machine's `local` preset to.
    public static func from(flags: [String], environment: [String: String]) -> PresetLibrary {
        let fromEnvironment = (environment[environmentVariable] ?? "").split(separator: ":").map(String.init)
        return PresetLibrary(directories: flags + fromEnvironment + [calibrationDirectory(environment)])
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
