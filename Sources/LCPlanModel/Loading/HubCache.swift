import Foundation

/// A Hugging Face model named by its hub id (`Qwen/Qwen3-8B`), found in the local Hugging Face cache and
/// never downloaded. The cache root is the one `huggingface_hub` uses: `$HF_HUB_CACHE`, else
/// `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`; a repository
/// lives in `models--OWNER--NAME`, its files in `snapshots/REVISION/`, the revision `main` points at in
/// `refs/main` (huggingface_hub's cache layout, "Understand caching" in its documentation).
public struct HubCache: Sendable {
    /// The cache root, and how reports name it (the variable it came from, never a home directory).
    public let root: String
    public let shown: String

    public init(root: String, shown: String) {
        self.root = root
        self.shown = shown
    }

    /// The cache `huggingface_hub` would use in this environment.
    public static func from(environment: [String: String]) -> HubCache {
        func set(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let cache = set("HF_HUB_CACHE") { return HubCache(root: cache, shown: "$HF_HUB_CACHE") }
        if let home = set("HF_HOME") { return HubCache(root: home + "/hub", shown: "$HF_HOME/hub") }
        if let xdg = set("XDG_CACHE_HOME") {
            return HubCache(root: xdg + "/huggingface/hub", shown: "$XDG_CACHE_HOME/huggingface/hub")
        }
        return HubCache(root: (environment["HOME"] ?? ".") + "/.cache/huggingface/hub", shown: "~/.cache/huggingface/hub")
    }

    /// `OWNER/NAME` as the hub allows it: letters, digits, `-`, `_` and `.`, neither part `.` or `..` nor
    /// starting with a dot; nothing else can reach a path.
    public static func isHubID(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 96 && !part.hasPrefix(".")
                && part.unicodeScalars.allSatisfy {
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
                }
        }
    }

    /// The repository's directory in the cache.
    public func repository(_ id: String) -> String { root + "/models--" + id.replacingOccurrences(of: "/", with: "--") }

    /// `config.json` of the revision `refs/main` names (or the only snapshot when there is no ref), with
    /// the name reports give it; nil when the cache does not hold it.
    public func config(_ id: String) -> (path: String, shown: String)? {
        guard Self.isHubID(id) else { return nil }
        let repository = repository(id)
        var revision: String? = nil
        if case .success(let text) = InputFile.read(repository + "/refs/main", limit: 4096) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty, !trimmed.contains("/"), !trimmed.hasPrefix(".") { revision = trimmed }
        } else {
            let snapshots = ((try? FileManager.default.contentsOfDirectory(atPath: repository + "/snapshots")) ?? [])
                .filter { !$0.hasPrefix(".") }
            if snapshots.count == 1 { revision = snapshots[0] }
        }
        guard let revision else { return nil }
        let path = repository + "/snapshots/" + revision + "/config.json"
        var status = stat()
        guard stat(path, &status) == 0, FileKind(mode: status.st_mode) == .regular else { return nil }
        return (path, "hf:\(id)@\(revision.prefix(12))/config.json")
    }

    /// Where a `hf_config` value was looked for, for the message when none holds it.
    public func looked(_ id: String) -> String {
        shown + "/models--" + id.replacingOccurrences(of: "/", with: "--")
    }
}
