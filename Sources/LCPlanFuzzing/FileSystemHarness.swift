import Foundation
import LCPlanCLI
import LCPlanModel

/// The file-system fuzzer's case: bytes decoded into a small tree in a sandbox directory (regular files,
/// directories, FIFOs, hard links, symbolic links to entries, to devices, to nothing and to themselves,
/// names of every awkward shape) and a few operations on its paths (read as an input, load as a spec,
/// write as an output, write under a file-size limit, write to a pipe whose reader has gone), with the
/// invariants of lcplan's file handling checked after each:
/// - every call returns (a hang is libFuzzer's timeout, a trap its crash);
/// - an output never replaces a directory, FIFO, device, link target that is not a regular file, a
///   hard-linked file or an input read in the same case: after a refusal the path is what it was;
/// - a successful write leaves a regular file with exactly the text (a symbolic link stays a link);
/// - no temporary file is left, no directory is created.
/// A broken invariant traps, which libFuzzer saves as a finding.
public enum FileSystemHarness {
    /// Names a case may give an entry: short, dotted, slashed, blank, control, non-ASCII, long.
    static let names = [
        "a", "h", "spec.yaml", "b.json", ".", "..", "x/", "~", "-o", "a b", "::error::x", "\u{1B}[1m", "é", "'q", "$(x)",
        String(repeating: "n", count: 250), "d/inner", "nowhere/out",
    ]

    static let spec = "version: 1\nmodel: llama-3.2-3b\nhardware: {device: h100-sxm}\nworkload: {context: 4k}\n"

    enum Entry {
        case regular(String), directory, fifo, hardLink(Int), symbolicLink(String), loop
    }

    static let sandbox: String = {
        let path = NSTemporaryDirectory() + "lcplan-fuzz-fs-\(getpid())"
        mkdir(path, 0o755)
        return path
    }()

    /// One case. Returns the number of operations run. `limits` allows the case that lowers the process's
    /// file-size limit around one write (libFuzzer's target; a test process running other tests beside it
    /// passes false, since the limit is the whole process's).
    @discardableResult
    public static func run(_ bytes: [UInt8], limits: Bool = true) -> Int {
        OutputFile.ignoreStreamSignals()
        clear()
        var reader = ByteReader(bytes: bytes)
        var paths: [String] = []
        // The tree: up to 8 entries, each a kind and a name.
        for _ in 0..<min(8, Int(reader.next() % 9)) {
            let name = names[Int(reader.next()) % names.count]
            let path = sandbox + "/" + name
            paths.append(path)
            switch reader.next() % 7 {
            case 0: create(path, .regular(reader.next() % 2 == 0 ? spec : "garbage: [\n"))
            case 1: create(path, .directory)
            case 2: create(path, .fifo)
            case 3: create(path, .hardLink(Int(reader.next())))
            case 4:
                let targets = ["/dev/null", "/dev/zero", "missing", "spec.yaml", "d", "a"]
                create(path, .symbolicLink(targets[Int(reader.next()) % targets.count]))
            case 5: create(path, .loop)
            default: create(path, .regular(String(repeating: "k: 1\n", count: Int(reader.next()))))
            }
        }
        if paths.isEmpty { paths.append(sandbox + "/a") }
        var inputs = Set<FileIdentity>()
        var operations = 0
        for _ in 0..<min(4, Int(reader.next() % 5) + 1) {
            let path = paths[Int(reader.next()) % paths.count]
            operations += 1
            switch reader.next() % 5 {
            case 0:
                if case .success = InputFile.read(path), let identity = identity(path, follow: true) { inputs.insert(identity) }
            case 1:
                _ = SpecLoader.load(path: path)
                if let identity = identity(path, follow: true), kind(path, follow: true) == S_IFREG { inputs.insert(identity) }
            case 2: checkedWrite("report\n", to: path, inputs: inputs)
            case 3 where limits:
                // A file-size limit below the text: the write fails (EFBIG), nothing is left half-written.
                var limit = rlimit()
                getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
                var small = limit
                small.rlim_cur = 16
                setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &small)
                let before = snapshot(path)
                let failure = OutputFile.write(String(repeating: "x", count: 4096), to: path)
                setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
                guard failure != nil, snapshot(path) == before else { fatalError("a write past the file-size limit changed \(path)") }
            case 3: checkedWrite("", to: path, inputs: inputs)
            default:
                // A pipe whose reader has gone: EPIPE, not SIGPIPE.
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { break }
                close(ends[0])
                let code = Output.writeAll(ends[1], "x")
                close(ends[1])
                guard code == EPIPE else { fatalError("a write to a closed pipe gave \(String(describing: code))") }
            }
            guard leftovers().isEmpty else { fatalError("temporary files left: \(leftovers())") }
        }
        guard kind("/dev/null", follow: false) == S_IFCHR else { fatalError("/dev/null was replaced") }
        InputFile.forgetIdentities()
        OutputFile.forgetWritten()
        return operations
    }

    /// A write, and what it must and must not have done.
    static func checkedWrite(_ text: String, to path: String, inputs: Set<FileIdentity>) {
        let linkBefore = kind(path, follow: false)
        let targetBefore = kind(path, follow: true)
        let before = snapshot(path)
        var links = stat()
        let hardLinked = stat(path, &links) == 0 && links.st_nlink > 1
        let isInput = identity(path, follow: true).map(inputs.contains) ?? false
        let parentExisted = kind(LocalPath(path).directory.text, follow: true) != 0
        let failure = OutputFile.write(text, to: path)
        let allowed =
            (linkBefore == 0 || linkBefore == S_IFREG || (linkBefore == S_IFLNK && targetBefore == S_IFREG)) && !hardLinked && !isInput
        if failure == nil {
            guard allowed else { fatalError("wrote over \(path) (kind \(linkBefore), target \(targetBefore), input \(isInput))") }
            guard (try? String(contentsOfFile: path, encoding: .utf8)) == text else { fatalError("\(path) does not hold the text") }
            guard linkBefore != S_IFLNK || kind(path, follow: false) == S_IFLNK else { fatalError("the link \(path) was replaced") }
        } else {
            guard snapshot(path) == before else { fatalError("a refused write changed \(path)") }
        }
        guard parentExisted || kind(LocalPath(path).directory.text, follow: true) == 0 else {
            fatalError("a directory was created for \(path)")
        }
    }

    static func create(_ path: String, _ entry: Entry) {
        switch entry {
        case .regular(let text): FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        case .directory: mkdir(path, 0o755)
        case .fifo: mkfifo(path, 0o600)
        case .hardLink(let index):
            let source = sandbox + "/" + names[index % names.count]
            if kind(source, follow: false) == S_IFREG {
                link(source, path)
            } else {
                FileManager.default.createFile(atPath: path, contents: nil)
            }
        case .symbolicLink(let target): symlink(target, path)
        case .loop: symlink(LocalPath(path).lastComponent, path)
        }
    }

    static func clear() {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: sandbox)) ?? [] {
            try? FileManager.default.removeItem(atPath: sandbox + "/" + entry)
        }
    }

    static func leftovers() -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: sandbox)) ?? []).filter { $0.contains(".lcplan-") }
    }

    static func kind(_ path: String, follow: Bool) -> mode_t {
        var status = stat()
        return (follow ? stat(path, &status) : lstat(path, &status)) == 0 ? status.st_mode & S_IFMT : 0
    }

    static func identity(_ path: String, follow: Bool) -> FileIdentity? {
        var status = stat()
        return (follow ? stat(path, &status) : lstat(path, &status)) == 0 ? FileIdentity(status) : nil
    }

    /// What a path is: its kind, identity, mode and (for a regular file) contents.
    static func snapshot(_ path: String) -> String {
        var status = stat()
        guard lstat(path, &status) == 0 else { return "missing" }
        var text = "\(status.st_mode) \(status.st_ino) \(status.st_nlink)"
        if status.st_mode & S_IFMT == S_IFREG { text += " " + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "?") }
        if status.st_mode & S_IFMT == S_IFLNK, stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
            text += " -> " + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "?")
        }
        return text
    }
}

/// Bytes read one at a time, zero past the end.
struct ByteReader {
    let bytes: [UInt8]
    var index = 0

    mutating func next() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }
}
