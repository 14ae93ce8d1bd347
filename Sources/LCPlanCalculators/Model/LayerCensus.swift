import LCPlanModel

/// How many layers of each kind a model (or one pipeline stage of it) has, with and without experts.
public struct LayerCensus: Sendable, Equatable {
    public struct Kind: Hashable, Sendable, Comparable {
        public let kind: LayerKind
        public let moe: Bool
        public static func < (a: Kind, b: Kind) -> Bool {
            let order = LayerKind.allCases
            let ia = order.firstIndex(of: a.kind) ?? 0, ib = order.firstIndex(of: b.kind) ?? 0
            return ia != ib ? ia < ib : (!a.moe && b.moe)
        }
    }

    /// Layer counts by kind, in a fixed order.
    public let counts: [(Kind, Int)]

    public static func == (a: LayerCensus, b: LayerCensus) -> Bool {
        a.counts.map { "\($0.0.kind)\($0.0.moe)\($0.1)" } == b.counts.map { "\($0.0.kind)\($0.0.moe)\($0.1)" }
    }

    /// The census of layers `range` (0-based indices) of `model`.
    public init(_ model: ModelSpec, layers range: Range<Int>? = nil) {
        let range = range ?? 0..<model.layers
        let pattern = model.attention.pattern ?? []
        let fallback = model.layerKinds.first ?? .global
        var tally: [Kind: Int] = [:]
        for index in range {
            let kind = pattern.isEmpty ? fallback : pattern[index % pattern.count]
            tally[Kind(kind: kind, moe: model.isMoELayer(index)), default: 0] += 1
        }
        counts = tally.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public func count(where predicate: (Kind) -> Bool) -> Int {
        counts.filter { predicate($0.0) }.reduce(0) { $0 + $1.1 }
    }

    public var attentionLayers: Int { count { $0.kind == .global || $0.kind == .local } }
}
