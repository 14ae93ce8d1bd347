/// Where a finding points in an input file: the file as the user named it, and a 1-based line and
/// column (columns count Unicode scalars, as libyaml does).
public struct SourceLocation: Sendable, Equatable, Hashable {
    public let file: String
    public let line: Int?
    public let column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, or as much of it as is known.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if line != nil, let column { text += ":\(column)" }
        return text
    }
}
