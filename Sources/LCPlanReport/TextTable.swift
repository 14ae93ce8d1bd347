/// A table of text cells with aligned columns: left-aligned text, right-aligned numbers.
struct TextTable {
    enum Alignment { case left, right }

    var rows: [[String]] = []
    let alignments: [Alignment]

    init(_ alignments: [Alignment]) { self.alignments = alignments }

    func render(indent: Int = 2) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var out = ""
        for row in rows {
            var line = String(repeating: " ", count: indent)
            for (index, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                let alignment = index < alignments.count ? alignments[index] : .left
                let isLast = index == row.count - 1
                line += alignment == .right ? pad + cell : cell + (isLast ? "" : pad)
                if !isLast { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
