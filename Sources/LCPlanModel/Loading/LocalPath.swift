#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A path as the command line or a spec wrote it, handled by plain text rules (POSIX basename and
/// dirname) rather than Foundation's path helpers, which trap on some short names on Linux (`h`, `.`,
/// `x/`). Nothing here touches the filesystem: `~` is a name like any other (the shell expands it, a
/// spec does not), `..` stays as written.
public struct LocalPath: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }

    /// The directory holding the path's last component, as POSIX `dirname` (XCU): trailing slashes
    /// dropped, then everything before the last slash (`/` for `/x`, `.` for `x`, `x/`, `.`, `..` and
    /// the empty path).
    public var directory: LocalPath {
        var scalars = Array(text.unicodeScalars)
        while scalars.count > 1, scalars.last == "/" { scalars.removeLast() }
        if scalars == ["/"] { return LocalPath("/") }
        guard let slash = scalars.lastIndex(of: "/") else { return LocalPath(".") }
        var head = Array(scalars[..<slash])
        while head.count > 1, head.last == "/" { head.removeLast() }
        if head.isEmpty { return LocalPath("/") }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: head)
        return LocalPath(String(out))
    }

    /// The last component, as POSIX `basename` (trailing slashes dropped; `/` for the root).
    public var lastComponent: String {
        var scalars = Array(text.unicodeScalars)
        while scalars.count > 1, scalars.last == "/" { scalars.removeLast() }
        if scalars == ["/"] { return "/" }
        let start = scalars.lastIndex(of: "/").map { $0 + 1 } ?? 0
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start...])
        return String(out)
    }

    /// `relative` read from this directory: as written when absolute or when this is `.`, else joined
    /// with one slash with `.` components and repeated slashes dropped (`..` is kept: through a symbolic
    /// link it need not mean the textual parent).
    public func appending(_ relative: String) -> LocalPath {
        if relative.hasPrefix("/") || text == "." || text.isEmpty { return LocalPath(relative) }
        return LocalPath(text + "/" + relative).tidied
    }

    /// This path as seen from `directory` (both taken from `workingDirectory` when relative): the common
    /// leading components dropped, `..` for each of the directory's that remain (`out/chart.svg` from
    /// `out` is `chart.svg`; from `reports` it is `../out/chart.svg`). Textual: a `..` or a symbolic link in
    /// either path is taken as written.
    public func relative(from directory: LocalPath, workingDirectory: String) -> LocalPath {
        func absolute(_ p: LocalPath) -> [Substring] {
            let full = p.text.hasPrefix("/") ? p : LocalPath(workingDirectory).appending(p.text)
            return full.tidied.text.split(separator: "/")
        }
        let target = absolute(self), base = absolute(directory)
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        let up = Array(repeating: "..", count: base.count - common)
        let parts = up + target[common...].map(String.init)
        return LocalPath(parts.isEmpty ? "." : parts.joined(separator: "/"))
    }

    /// The path without `.` components and repeated slashes (`./a//b/.` is `a/b`; `.` stays `.`).
    public var tidied: LocalPath {
        let absolute = text.hasPrefix("/")
        let parts = text.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let body = parts.joined(separator: "/")
        if absolute { return LocalPath("/" + body) }
        return LocalPath(body.isEmpty ? "." : body)
    }
}

/// What a path names on the filesystem (lstat or stat): the kinds lcplan reads, writes or refuses.
public enum FileKind: Sendable, Equatable {
    case regular, directory, symbolicLink, fifo, characterDevice, blockDevice, socket, other

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// How a message names the kind: "a FIFO", "a directory".
    public var phrase: String {
        switch self {
        case .regular: return "a regular file"
        case .directory: return "a directory"
        case .symbolicLink: return "a symbolic link"
        case .fifo: return "a FIFO (named pipe)"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .socket: return "a socket"
        case .other: return "not a regular file"
        }
    }
}

/// A file's identity (device and inode): the same file whatever path names it, links included.
public struct FileIdentity: Sendable, Hashable {
    public let device: UInt64
    public let inode: UInt64

    public init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
