import Foundation

/// Reads an input file (or standard input for `-`) as UTF-8 text, with the checks every input gets:
/// it exists, is a regular file, is at most `limit` bytes, and is valid UTF-8.
public enum InputFile {
    /// Specs and preset files are small; 16 MiB covers any config.json with per-pair factor lists.
    public static let defaultLimit = 16 << 20

    /// The text of the file, or an LC100 diagnostic. `displayName` is how findings name the file.
    public static func read(
        _ path: String, displayName: String? = nil, limit: Int = defaultLimit,
        keyPath: String? = nil, referencedAt: SourceLocation? = nil
    ) -> Result<String, Diagnostic> {
        let name = displayName ?? (path == "-" ? "<stdin>" : path)
        func failure(_ message: String) -> Result<String, Diagnostic> {
            .failure(
                Diagnostic(
                    .inputUnreadable, message, at: referencedAt ?? SourceLocation(file: name), keyPath: keyPath,
                    expected: "a readable UTF-8 text file of at most \(limit >> 20) MiB"))
        }
        let data: Data
        if path == "-" {
            var collected = Data()
            while collected.count <= limit, let chunk = try? FileHandle.standardInput.read(upToCount: 1 << 16), !chunk.isEmpty {
                collected.append(chunk)
            }
            data = collected
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                return failure("cannot read '\(path)': no such file")
            }
            if isDirectory.boolValue { return failure("cannot read '\(path)': it is a directory, not a file") }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                return failure("cannot read '\(path)': permission denied or not a regular file")
            }
            defer { try? handle.close() }
            do {
                data = try handle.read(upToCount: limit + 1) ?? Data()
            } catch {
                return failure("cannot read '\(path)': read error")
            }
        }
        if data.count > limit { return failure("'\(name)' is larger than \(limit >> 20) MiB") }
        guard let text = String(data: data, encoding: .utf8) else {
            return failure("'\(name)' is not valid UTF-8 text")
        }
        return .success(text)
    }
}
