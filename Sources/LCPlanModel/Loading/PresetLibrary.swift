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

    /// The Hugging Face cache `hf_config: OWNER/NAME` and `import-hf OWNER/NAME` read (nil: none).
    public var hubCache: HubCache?

    public static let environmentVariable = "LCPLAN_PRESETS"

    public init(directories: [String] = [], shown: [String]? = nil, hubCache: HubCache? = nil) {
        self.directories = directories
        self.shownDirectories = shown ?? directories
        self.hubCache = hubCache
    }

    /// Where a preset named by a path (`./presets/gpu.yaml`) is read from: the spec's directory.
    public var relativeTo = "."

    /// The library for a spec in `directory`: its directory searched last (presets next to the spec, never
    /// shadowing the flags', the environment's or the calibrated `local`), and preset paths read from there.
    public func forSpec(in directory: String) -> PresetLibrary {
        var library = self
        if !directories.contains(directory) {
            library = PresetLibrary(directories: directories + [directory], shown: shownDirectories + [directory], hubCache: hubCache)
        }
        library.relativeTo = directory
        return library
    }

    /// A preset named by a path (it holds a `/` or ends in .yaml, .yml or .json) rather than a name.
    public static func isPath(_ name: String) -> Bool {
        name.contains("/") || [".yaml", ".yml", ".json"].contains { name.hasSuffix($0) }
    }

    /// Where a preset lookup went, for the message when nothing holds it.
    public func searched(_ name: String) -> [String] {
        if Self.isPath(name) { return [LocalPath(relativeTo).appending(name).text] }
        return shownDirectories
    }

    /// The library for the command line: explicit directories first, then the environment's, then the
    /// directory `lcplan calibrate` writes this machine's `local` preset to.
    public static func from(flags: [String], environment: [String: String]) -> PresetLibrary {
        let fromEnvironment = (environment[environmentVariable] ?? "").split(separator: ":").map(String.init)
        let configured = environment["XDG_CONFIG_HOME"].map { !$0.isEmpty } ?? false
        let shownCalibration = configured ? "$XDG_CONFIG_HOME/lcplan/presets" : "$HOME/.config/lcplan/presets"
        return PresetLibrary(
            directories: flags + fromEnvironment + [calibrationDirectory(environment)],
            shown: flags + fromEnvironment + [shownCalibration], hubCache: HubCache.from(environment: environment))
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
        guard !name.isEmpty else { return nil }
        if Self.isPath(name) {
            let path = LocalPath(relativeTo).appending(name).text
            var status = stat()
            return stat(path, &status) == 0 && FileKind(mode: status.st_mode) == .regular ? path : nil
        }
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
