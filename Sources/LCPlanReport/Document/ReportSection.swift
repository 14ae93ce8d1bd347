import LCPlanModel
import LCPlanPrecision

/// A value shown in a report section, with its unit; each renderer formats it.
public enum ReportValue: Sendable, Equatable {
    /// Words (a description, a choice, a sentence).
    case text(String)
    /// An exact count written with grouped digits (405,853,388,800).
    case count(ExactInt)
    /// The same count scaled with an SI prefix (406 G).
    case scaledCount(ExactInt)
    /// Bytes, scaled (6.90 GB); negative values keep their sign.
    case bytes(ExactInt)
    /// FLOPs, scaled (22.6 EFLOP); zero is 0.
    case flops(ExactInt)
    case seconds(Double)
    /// A fraction shown as a percentage (40.1%).
    case percent(Double)

    /// The value as text, the same for every renderer.
    public var formatted: String {
        switch self {
        case .text(let text): return text
        case .count(let value): return UnitFormat.grouped(value)
        case .scaledCount(let value): return UnitFormat.scaled(value.doubleValue, unit: "", base: 1000)
        case .bytes(let value): return value.isNegative ? "-" + Bytes(-value).description : Bytes(value).description
        case .flops(let value): return value.isZero ? "0" : FLOPs(value).description
        case .seconds(let value): return Seconds(value).description
        case .percent(let value): return UnitFormat.fixed(value * 100, decimals: 1) + "%"
        }
    }
}

/// One section of the report model: a title, a table of labelled values (a header row when the columns
/// need names), and notes. Built once per report (`ReportSections`); the text and markdown renderers
/// read it.
public struct ReportSection: Sendable {
    public enum Alignment: Sendable { case left, right }

    public let title: String
    public let detail: String
    public let alignments: [Alignment]
    public var header: [String]? = nil
    public private(set) var rows: [[ReportValue]] = []
    public var notes: [String] = []
    /// Notes that form a list (assumptions) rather than sentences under the table.
    public var notesAreItems = false

    public init(_ title: String, _ detail: String = "", _ alignments: [Alignment] = [.left, .left]) {
        self.title = title
        self.detail = detail
        self.alignments = alignments
    }

    /// A row: a label and its values.
    public mutating func add(_ label: String, _ values: ReportValue...) { rows.append([.text(label)] + values) }

    /// A row of a label and words.
    public mutating func add(_ label: String, _ text: String) { rows.append([.text(label), .text(text)]) }
}
