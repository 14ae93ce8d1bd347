import Foundation
import Yams

/// Reads `model:`: a preset name, or a mapping that starts from a preset or a Hugging Face config
/// (or from nothing) and sets fields; then checks the result for consistency.
struct ModelReader {
    let reader: SpecReader
    let library: PresetLibrary
    /// The directory relative paths in the spec resolve against.
    let baseDirectory: String
    /// User presets being expanded, to refuse a preset that names itself.
    var expanding: [String] = []

    func read(_ value: YAMLValue) -> ModelSpec? {
        if let name = value.scalarText, !value.isNull {
            return preset(named: name.trimmingWhitespace, at: value)
        }
        guard case .mapping = value.node else {
            reader.report(
                .typeMismatch, "`\(value.path)` must be a preset name or a mapping, found \(value.kindName)",
                at: value, expected: FieldKind.either([.text, .object(SpecShapes.model)]).expectation)
            return nil
        }
        guard let fields = reader.mapping(value, SpecShapes.model) else { return nil }
        var base: ModelSpec? = nil
        let presetName = fields.string("preset")
        let configPath = fields.string("hf_config")
        if presetName != nil, configPath != nil, let at = fields.value("hf_config") {
            reader.report(
                .typeMismatch, "give `model.preset` or `model.hf_config`, not both", at: at,
                expected: "one starting point")
            return nil
        }
        if let presetName, let at = fields.value("preset") {
            guard let found = preset(named: presetName, at: at) else { return nil }
            base = found
        }
        if let configPath, let at = fields.value("hf_config") {
            guard let found = importConfig(configPath, at: at) else { return nil }
            base = found
        }
        return ModelOverrides(fields: fields, reader: reader).apply(to: base)
    }

    /// A catalogue preset, or a user preset file; LC106 with the nearest name otherwise.
    func preset(named name: String, at value: YAMLValue) -> ModelSpec? {
        UserPresetFile.resolve(
            name, kind: "model", builtIn: ModelCatalogue.named(name),
            candidates: ModelCatalogue.names, aliases: ModelCatalogue.aliases, library: library,
            expanding: expanding, at: value, into: reader
        ) { path in userPreset(path: path, name: name, at: value) }
    }

    private func userPreset(path: String, name: String, at value: YAMLValue) -> ModelSpec? {
        UserPresetFile.read(path: path, shown: library.shown(path), key: "model", at: value, into: reader) { presetReader, body in
            var nested = ModelReader(
                reader: presetReader, library: library,
                baseDirectory: LocalPath(path).directory.text)
            nested.expanding = expanding + [name]
            var model = nested.read(body)
            if model?.name == "custom" { model?.name = name }
            model?.source = "user preset \(library.shown(path))"
            return model
        }
    }

    /// `hf_config`: a config.json file, a model directory holding one, or a hub id (`Qwen/Qwen3-8B`) in the
    /// local Hugging Face cache (`PresetLibrary.hubCache`); a hub id found nowhere says where it looked.
    private func importConfig(_ path: String, at value: YAMLValue) -> ModelSpec? {
        var resolved = LocalPath(baseDirectory).appending(path).text
        var shown = resolved
        var status = stat()
        let exists = stat(resolved, &status) == 0
        if exists, FileKind(mode: status.st_mode) == .directory {
            resolved = LocalPath(resolved).appending("config.json").text
            shown = resolved
        } else if !exists, HubCache.isHubID(path) {
            guard let cache = library.hubCache, let found = cache.config(path) else {
                let places = ["./" + path] + (library.hubCache.map { [$0.looked(path)] } ?? [])
                reader.report(
                    .inputUnreadable,
                    "hf_config '\(path)' is neither a file, a model directory nor a model in the local Hugging Face cache (looked in: \(places.joined(separator: ", "))); lcplan never downloads: `huggingface-cli download \(path) config.json` fetches it",
                    at: value, expected: "a config.json, a directory holding one, or OWNER/NAME in the Hugging Face cache")
                return nil
            }
            (resolved, shown) = found
        }
        let text: String
        switch InputFile.read(
            resolved, displayName: shown, keyPath: value.path,
            referencedAt: value.location)
        {
        case .failure(let diagnostic): reader.report(diagnostic); return nil
        case .success(let read): text = read
        }
        let result = HFConfigImporter.importConfig(text, file: shown)
        for diagnostic in result.diagnostics { reader.report(diagnostic) }
        return result.model
    }
}

/// The top level of a user preset file.
enum PresetFileShape {
    static let shape = ObjectShape(
        "preset_file", "A user preset: one model or one device.",
        [
            Field("model", .either([.text, .object(SpecShapes.model)]), "A model mapping."),
            Field("device", .either([.text, .object(SpecShapes.device)]), "A device mapping."),
        ])
}

/// Reads a user preset file: its `model:` or `device:` body is handed to `build` with a reader of its
/// own, whose findings (located in the preset file) are passed on to `reader`.
enum UserPresetFile {
    /// The longest chain of user presets followed (a preset naming another, and so on).
    static let maxDepth = 16

    /// A built-in preset, else a user preset file (refusing one already being expanded, i.e. a cycle),
    /// else LC106 with the nearest name among the built-in and user presets.
    static func resolve<T>(
        _ name: String, kind: String, builtIn: T?, candidates: [String], aliases: [String: String], library: PresetLibrary,
        expanding: [String],
        at value: YAMLValue, into reader: SpecReader, load: (String) -> T?
    ) -> T? {
        // The `local` device measured by `lcplan calibrate` stands in for the built-in figures.
        if kind == "device", name == "local", let path = library.file(named: name), !expanding.contains(name) { return load(path) }
        if let builtIn { return builtIn }
        if let path = library.file(named: name) {
            // A chain of presets each naming the next is read recursively: bounded, so no chain can
            // exhaust the stack.
            guard expanding.count < UserPresetFile.maxDepth else {
                reader.report(
                    .unknownPreset,
                    "user preset '\(name)' is reached through \(expanding.count) presets naming each other, more than lcplan follows",
                    at: value, expected: "a chain of at most \(UserPresetFile.maxDepth) user presets")
                return nil
            }
            guard !expanding.contains(name) else {
                reader.report(
                    .unknownPreset, "user preset '\(name)' refers to itself, directly or through other presets", at: value,
                    expected: "presets that do not name each other in a cycle")
                return nil
            }
            return load(path)
        }
        // Aliases are matched too, and suggested under the preset they stand for, each preset once.
        var suggestions: [String] = []
        for found in NearestName.suggestions(name, among: candidates + aliases.keys.sorted() + library.userPresetNames, limit: 16) {
            let preset = aliases[found] ?? found
            if !suggestions.contains(preset) { suggestions.append(preset) }
        }
        suggestions = Array(suggestions.prefix(5))
        let looked = "built-in presets, " + library.searched(name).joined(separator: ", ")
        reader.report(
            .unknownPreset, "unknown \(kind) preset '\(name)'\(NearestName.hint(suggestions)); looked in: \(looked)", at: value,
            expected: "a \(kind) preset from `lcplan presets`, or a user preset file",
            suggestion: suggestions.first)
        return nil
    }

    static func read<T>(
        path: String, shown: String, key: String, at value: YAMLValue, into reader: SpecReader,
        _ build: (SpecReader, YAMLValue) -> T?
    ) -> T? {
        let text: String
        switch InputFile.read(path, displayName: shown, keyPath: value.path, referencedAt: value.location) {
        case .failure(let diagnostic): reader.report(diagnostic); return nil
        case .success(let read): text = read
        }
        let presetReader = SpecReader(file: shown)
        var result: T? = nil
        switch YAMLDocument.parse(text, file: shown) {
        case .failure(let diagnostic): presetReader.report(diagnostic)
        case .success(let root):
            if let top = presetReader.mapping(presetReader.root(root), PresetFileShape.shape), let body = top.required(key) {
                result = build(presetReader, body)
            }
        }
        for diagnostic in presetReader.diagnostics { reader.report(diagnostic) }
        return presetReader.diagnostics.hasErrors ? nil : result
    }
}
