/// A published document-length distribution: shares of documents by length bucket
/// (DistCA, arXiv 2510.18121, and its repository
/// `distca/simulator/data/dist_prolong.json` and `dist_wlbllm.json`).
public enum BuiltInDistribution: String, Sendable, CaseIterable {
    case prolong, wlb

    /// Document shares (percent) of the buckets [0, 1K), [1K, 2K), ... [128K, 256K), [256K, 512K).
    public var documentShares: [Double] {
        switch self {
        case .prolong: return [14.94, 38.43, 26.96, 14.41, 4.27, 0.779, 0.146, 0.038, 0.017, 0.005]
        case .wlb: return [15.95, 15.78, 31.96, 33.94, 1.04, 0.451, 0.355, 0.531, 0, 0]
        }
    }

    /// The buckets' upper bounds in tokens; the last (serving.md's open ">= 256K") is closed at 512K, an
    /// assumption stated in the report.
    public static let bounds: [Int] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map { $0 * 1024 }
}

/// One bucket of a document-length histogram: documents shorter than `below` (and at least the previous
/// bucket's bound), and their share of the documents.
public struct LengthBucket: Sendable, Equatable {
    public var below: Int
    public var share: Double

    public init(below: Int, share: Double) {
        self.below = below
        self.share = share
    }
}

/// The documents a training step packs (`workload.documents`).
public struct DocumentSpec: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case builtIn(BuiltInDistribution)
        case histogram([LengthBucket])
        /// Document lengths, repeated in order until the step's tokens are filled.
        case lengths([Int])
    }

    public var source: Source
    /// ChunkFlow's chunk in tokens (default: the context / 4, at least 16).
    public var chunk: Int?
    /// The seed of the deterministic draw from a distribution.
    public var seed: Int

    public init(source: Source, chunk: Int? = nil, seed: Int = 1) {
        self.source = source
        self.chunk = chunk
        self.seed = seed
    }

    /// The histogram's buckets (built-in or given), in increasing order of bound.
    public var buckets: [LengthBucket]? {
        switch source {
        case .builtIn(let d): return zip(BuiltInDistribution.bounds, d.documentShares).map { LengthBucket(below: $0, share: $1) }
        case .histogram(let buckets): return buckets
        case .lengths: return nil
        }
    }

    /// A name for reports.
    public var name: String {
        switch source {
        case .builtIn(let d): return d.rawValue
        case .histogram(let b): return "histogram of \(b.count) buckets"
        case .lengths(let l): return "\(l.count) given lengths"
        }
    }
}
