import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an input file (or standard input for `-`) as UTF-8 text, with the checks every input gets:
/// it exists, is a regular file (a FIFO, device, socket or directory is refused before anything waits
/// on it: the file is opened non-blocking and checked with fstat), is at most `limit` bytes, and is valid
/// UTF-8. Reads go through open(2) and read(2): no Foundation path helper, nothing that traps.
///
/// Every file read is remembered by identity (device and inode), so that an output can refuse to replace
/// an input however it is named (`OutputFile`).
public enum InputFile {
    /// Specs and preset files are small; 16 MiB covers any config.json with per-pair factor lists.
    public static let defaultLimit = 16 << 20

    private static let identities = Mutex<Set<FileIdentity>>([])

    /// Forgets the files read so far: for a long-lived process (the file-system fuzzer) whose cases are
    /// separate runs.
    public static func forgetIdentities() { identities.withLock { $0.removeAll() } }

    /// The files read so far in this process.
    public static var identitiesRead: Set<FileIdentity> { identities.withLock { $0 } }

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
        let descriptor: Int32
        if path == "-" {
            descriptor = STDIN_FILENO
        } else {
            guard !path.isEmpty else { return failure("cannot read '': an empty file name") }
            descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else {
                let code = errno
                switch code {
                case ENOENT: return failure("cannot read '\(path)': no such file")
                case ENOTDIR: return failure("cannot read '\(path)': a component of the path is not a directory")
                case ENAMETOOLONG: return failure("cannot read '\(path)': the name is too long")
                case EACCES: return failure("cannot read '\(path)': permission denied")
                default: return failure("cannot read '\(path)': \(describe(code))")
                }
            }
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var status = stat()
        if fstat(descriptor, &status) == 0 {
            let kind = FileKind(mode: status.st_mode)
            if path != "-" && kind != .regular {
                return failure("cannot read '\(path)': it is \(kind.phrase), not a regular file")
            }
            if kind == .regular { _ = identities.withLock { $0.insert(FileIdentity(status)) } }
        } else if path != "-" {
            return failure("cannot read '\(path)': \(describe(errno))")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN && path == "-" {
                    // A non-blocking standard input with nothing yet: wait for it to be readable.
                    var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&poller, 1, -1)
                    continue
                }
                return failure("cannot read '\(name)': \(describe(errno))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        if bytes.count > limit { return failure("'\(name)' is larger than \(limit >> 20) MiB") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return failure("'\(name)' is not valid UTF-8 text")
        }
        return .success(text)
    }

    static func describe(_ code: Int32) -> String {
        String(validatingCString: strerror(code))?.lowercased() ?? "error \(code)"
    }
}

/// read(2) by the C library's own name on Linux (Glibc) and macOS (Darwin): `read` alone would resolve to a
/// method in some scopes.
@inline(__always) func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.read(descriptor, buffer, count)
    #else
        return Darwin.read(descriptor, buffer, count)
    #endif
}
