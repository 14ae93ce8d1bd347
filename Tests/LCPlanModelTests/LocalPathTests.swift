import Testing

@testable import LCPlanModel

/// `LocalPath` against POSIX `dirname` and `basename` (XCU, "dirname" and "basename": the examples in
/// their APPLICATION USAGE and the algorithm's steps), and the joining rules of spec-relative paths.
struct LocalPathTests {
    @Test(arguments: [
        ("/", "/"), ("//", "/"), ("/a/b/", "/a"), ("//a//b//", "//a"), ("a", "."), ("", "."), ("a/b", "a"), ("/a", "/"),
        ("h", "."), (".", "."), ("..", "."), ("x/", "."), ("~", "."), ("a//b", "a"), ("./spec.yaml", "."),
    ])
    func directoryIsDirname(path: String, expected: String) {
        #expect(LocalPath(path).directory.text == expected, "dirname \(path.debugDescription)")
    }

    @Test(arguments: [("/", "/"), ("/a/b/", "b"), ("a", "a"), ("a//", "a"), ("/usr/lib", "lib"), ("h", "h")])
    func lastComponentIsBasename(path: String, expected: String) {
        #expect(LocalPath(path).lastComponent == expected, "basename \(path.debugDescription)")
    }

    @Test func joiningKeepsWhatWasWritten() {
        #expect(LocalPath(".").appending("./hf/c.json").text == "./hf/c.json")
        #expect(LocalPath("examples").appending("./hf/c.json").text == "examples/hf/c.json")
        #expect(LocalPath("examples/").appending("../c.json").text == "examples/../c.json")
        #expect(LocalPath("examples").appending("/abs/c.json").text == "/abs/c.json")
        #expect(LocalPath("/").appending("c.json").text == "/c.json")
    }

    /// A chart linked from a report written elsewhere: the path as seen from the report's directory.
    @Test func relativeFromAnotherDirectory() {
        func rel(_ path: String, _ from: String) -> String {
            LocalPath(path).relative(from: LocalPath(from), workingDirectory: "/work/repo").text
        }
        #expect(rel("out/c.svg", "out") == "c.svg")
        #expect(rel("out/c.svg", "reports") == "../out/c.svg")
        #expect(rel("c.svg", ".") == "c.svg")
        #expect(rel("/tmp/c.svg", "reports/pr") == "../../../../tmp/c.svg")
        #expect(rel("out/c.svg", "/work/repo/out") == "c.svg")
        #expect(rel("./out//c.svg", "out/.") == "c.svg")
    }
}
