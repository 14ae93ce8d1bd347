import LCPlanModel
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes an output file (`-o`, `--plot`, `calibrate`) atomically and without harm to what the path
/// names: the text goes to a new temporary file beside the target (mkstemp, mode 0600), then is renamed
/// over it, so a failed run leaves the old file as it was and no half-written one.
///
/// What the path may name, and what happens:
/// - nothing: a new file, with the mode a new file gets (0666 less the umask); its directory must exist
///   (no directory is ever created for an output);
/// - a regular file: replaced, keeping its mode (and, as root, its owner);
/// - a symbolic link: the file it points to is written (the link stays a link); a link to nothing or to
///   anything but a regular file is refused;
/// - a directory, FIFO, device or socket: refused (writing would replace a device node as root, or block);
/// - a file with other hard links: refused (the rename would split it from its other names);
/// - a file this run read (the spec, a config, a preset) or already wrote: refused, whatever path names it.
///
/// SIGINT, SIGTERM and SIGHUP remove the temporary file before the process ends (`installSignalHandlers`).
public enum OutputFile {
    /// Why the text could not be written, as one line for standard error; nil when it was.
    /// `workflowCommands`: the text is GitHub workflow commands built with every value escaped
    /// (`GitHubAnnotations`), whose lines must start with `::`; everything else is neutralized.
    public static func write(_ text: String, to path: String, workflowCommands: Bool = false) -> String? {
        guard !path.isEmpty else { return "cannot write '': an empty file name" }
        let shown = DisplayText.escapingControls(path)
        switch target(of: path) {
        case .failure(let refusal): return "cannot write '\(shown)': \(refusal.reason)"
        case .success(let (target, existing)):
            let safe = workflowCommands ? text : DisplayText.neutralizingWorkflowCommands(text)
            if let reason = replace(target, with: safe, keeping: existing) { return "cannot write '\(shown)': \(reason)" }
            var status = stat()
            if stat(target, &status) == 0 { _ = written.withLock { $0.insert(FileIdentity(status)) } }
            return nil
        }
    }

    struct Refusal: Error { let reason: String }

    /// The file a write to `path` replaces (the path itself, or a symbolic link's target) and its status
    /// when it exists, or why lcplan will not write there.
    static func target(of path: String) -> Result<(String, stat?), Refusal> {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            return errno == ENOENT ? .success((path, nil)) : .failure(Refusal(reason: Output.message(errno)))
        }
        var target = path
        var kind = FileKind(mode: status.st_mode)
        if kind == .symbolicLink {
            guard let resolved = realpath(path, nil) else {
                return .failure(Refusal(reason: "it is a symbolic link to nothing that exists"))
            }
            target = String(cString: resolved)
            free(resolved)
            guard stat(target, &status) == 0 else { return .failure(Refusal(reason: Output.message(errno))) }
            kind = FileKind(mode: status.st_mode)
            guard kind == .regular else {
                return .failure(Refusal(reason: "it is a symbolic link to \(kind.phrase); lcplan writes only regular files"))
            }
        }
        guard kind == .regular else {
            return .failure(Refusal(reason: "it is \(kind.phrase); lcplan writes only regular files (use standard output instead)"))
        }
        if status.st_nlink > 1 {
            return .failure(Refusal(reason: "it has \(status.st_nlink) hard links, which replacing it would split"))
        }
        let identity = FileIdentity(status)
        if InputFile.identitiesRead.contains(identity) {
            return .failure(Refusal(reason: "it is an input of this run; lcplan never replaces its input"))
        }
        if written.withLock({ $0.contains(identity) }) { return .failure(Refusal(reason: "this run already wrote it")) }
        return .success((target, status))
    }

    /// Writes `text` to a new temporary file beside `target` and renames it over `target`, with the mode
    /// (and, as root, the owner) of the file it replaces; the reason on failure, the temporary file gone.
    static func replace(_ target: String, with text: String, keeping existing: stat?) -> String? {
        var template = Array(LocalPath(target).directory.appending(".lcplan-XXXXXX").text.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else {
            return errno == ENOENT ? "its directory does not exist (lcplan creates none)" : Output.message(errno)
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        Pending.set(temporary)
        defer { Pending.clear() }
        func fail(_ code: Int32, open: Bool = true) -> String {
            if open { close(descriptor) }
            unlink(temporary)
            return code == EFBIG ? "the file size limit (ulimit -f) is reached" : Output.message(code)
        }
        if let failure = Output.writeAll(descriptor, text) { return fail(failure) }
        if let existing {
            if getuid() == 0 { _ = fchown(descriptor, existing.st_uid, existing.st_gid) }
            if fchmod(descriptor, existing.st_mode & 0o7777) != 0 { return fail(errno) }
        } else {
            let mask = umask(0)
            umask(mask)
            if fchmod(descriptor, 0o666 & ~mask) != 0 { return fail(errno) }
        }
        guard close(descriptor) == 0 else { return fail(errno, open: false) }
        guard rename(temporary, target) == 0 else { return fail(errno, open: false) }
        return nil
    }

    /// Makes `directory` and its missing parents (mode 0777 less the umask): only for lcplan's own
    /// configuration directory, never for a path the user gave.
    static func makeDirectories(_ directory: LocalPath) {
        var status = stat()
        guard directory.text != "." && directory.text != "/" && stat(directory.text, &status) != 0 else { return }
        makeDirectories(directory.directory)
        _ = mkdir(directory.text, 0o777)
    }

    /// Ignores SIGPIPE and SIGXFSZ (a write then fails with EPIPE or EFBIG, which lcplan reports, instead of
    /// killing the process), and removes a pending temporary file on SIGINT, SIGTERM and SIGHUP before
    /// ending as the signal would.
    public static func installSignalHandlers() {
        ignoreStreamSignals()
        for name in [SIGINT, SIGTERM, SIGHUP] {
            signal(name) { received in
                Pending.removeFromSignalHandler()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    /// SIGPIPE and SIGXFSZ ignored: a write then fails with EPIPE or EFBIG, which the caller reports.
    public static func ignoreStreamSignals() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
    }

    /// Forgets the files written so far: for a long-lived process (the file-system fuzzer) whose cases
    /// are separate runs.
    public static func forgetWritten() { written.withLock { $0.removeAll() } }

    private static let written = Mutex<Set<FileIdentity>>([])
}

/// The temporary file being written, kept where a signal handler can reach it with async-signal-safe
/// calls only (a fixed C buffer and unlink(2)).
enum Pending {
    nonisolated(unsafe) private static let buffer: UnsafeMutablePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
        pointer.initialize(repeating: 0, count: Int(PATH_MAX) + 1)
        return pointer
    }()

    /// Stores the path with its first byte written last, so a handler sees either no path or a whole one.
    static func set(_ path: String) {
        let bytes = Array(path.utf8.prefix(Int(PATH_MAX)))
        guard let first = bytes.first else { return }
        buffer[0] = 0
        for index in 1..<bytes.count { buffer[index] = CChar(bitPattern: bytes[index]) }
        buffer[bytes.count] = 0
        buffer[0] = CChar(bitPattern: first)
    }

    static func clear() { buffer[0] = 0 }

    static func removeFromSignalHandler() {
        if buffer[0] != 0 { unlink(buffer) }
    }
}
