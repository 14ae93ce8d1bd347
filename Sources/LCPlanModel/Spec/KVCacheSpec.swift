import LCPlanPrecision

/// How quantized KV elements are grouped under their scales.
public enum KVQuantScheme: String, Sendable, CaseIterable {
    /// Groups of `group_size` consecutive channels of one token's head vector (LMDeploy, FlexGen).
    case uniform
    /// KIVI (arXiv 2402.02750): keys grouped per channel across `group_size` tokens, values per token across
    /// `group_size` channels, and the most recent `residual` tokens kept in full precision.
    case kivi
    /// Product quantization (MILLION, arXiv 2504.03661): each head vector split into `subvectors` parts, each
    /// stored as a code of `code_bits` bits into a per-layer codebook.
    case pq
}

/// A cap on the tokens each sequence keeps in its cache (eviction), per attention layer.
public enum KVBudget: Sendable, Equatable {
    /// StreamingLLM: the first `sink` tokens and the most recent `window`.
    case sinkWindow(sink: Int, window: Int)
    /// A fixed number of tokens per sequence (SnapKV, H2O with a token budget).
    case tokens(Int)
    /// A fraction of the sequence's tokens (H2O's 20% heavy hitters: 0.2).
    case ratio(Double)

    /// Tokens kept of a sequence of `tokens` tokens.
    public func kept(_ tokens: Int) -> Int {
        switch self {
        case .sinkWindow(let sink, let window): return min(tokens, sink.saturatingAdding(window))
        case .tokens(let count): return min(tokens, count)
        case .ratio(let r): return min(tokens, Int((Double(tokens) * r).rounded(.up)))
        }
    }

    /// The largest number of tokens the budget keeps of any sequence (nil for a ratio, which grows with it).
    public var cap: Int? {
        switch self {
        case .sinkWindow(let sink, let window): return sink.saturatingAdding(window)
        case .tokens(let count): return count
        case .ratio: return nil
        }
    }
}

/// A prefix shared by several sequences of a replica, whose full blocks are stored once (vLLM, Kwon et al.
/// 2023 sec. 4.4 and 6.3).
public struct KVPrefix: Sendable, Equatable {
    public var tokens: Int
    public var sequences: Int

    public init(tokens: Int, sequences: Int) {
        self.tokens = tokens
        self.sequences = sequences
    }
}

/// Where KV blocks that do not fit on the device go.
public enum KVTierKind: String, Sendable, CaseIterable { case host, cxl, nvme }

/// A measured host link a tier can name instead of a bandwidth (each case names its NVIDIA/nvbandwidth issue).
public enum KVTierLink: String, Sendable, CaseIterable {
    /// H100 over PCIe Gen5 x16: host->device 35.2 GB/s measured (NVIDIA/nvbandwidth issue 24).
    case pcieGen5 = "pcie-gen5"
    /// A100 over PCIe Gen4 x16: host->device 25.1 GB/s measured (NVIDIA/nvbandwidth issue 42).
    case pcieGen4 = "pcie-gen4"
    /// GH200 NVLink-C2C: host->device 346 GB/s measured (NVIDIA/nvbandwidth issue 23).
    case nvlinkC2C = "nvlink-c2c"

    /// The measured host-to-device bandwidth in bytes per second: the direction a decode step reads.
    public var hostToDeviceBytesPerSecond: Double {
        switch self {
        case .pcieGen5: return 35.2e9
        case .pcieGen4: return 25.1e9
        case .nvlinkC2C: return 346e9
        }
    }

    public var source: String {
        switch self {
        case .pcieGen5: return "H100 PCIe Gen5 x16 host->device, measured (NVIDIA/nvbandwidth issue 24)"
        case .pcieGen4: return "A100 PCIe Gen4 x16 host->device, measured (NVIDIA/nvbandwidth issue 42)"
        case .nvlinkC2C: return "GH200 NVLink-C2C host->device, measured (NVIDIA/nvbandwidth issue 23)"
        }
    }
}

/// An offload tier below device memory: its capacity per device and the bandwidth at which a decode step
/// reads it back.
public struct KVTier: Sendable, Equatable {
    public var kind: KVTierKind
    /// Bytes of this tier available to each device.
    public var capacity: ExactInt
    /// Bytes per second per device, tier to device.
    public var bandwidth: Double
    /// The measured link the bandwidth comes from, when the spec named one.
    public var link: KVTierLink?
    /// Whether a decode step prefetches this tier's share while it reads device memory (overlapped), or
    /// waits for it (default).
    public var prefetch: Bool

    public init(kind: KVTierKind, capacity: ExactInt, bandwidth: Double, link: KVTierLink?, prefetch: Bool) {
        self.kind = kind
        self.capacity = capacity
        self.bandwidth = bandwidth
        self.link = link
        self.prefetch = prefetch
    }
}

/// The KV cache layout (`workload.kv_cache`): element format and quantization, paging, budget, prefix
/// sharing and offload tiers.
public struct KVCacheSpec: Sendable, Equatable {
    public var dtype: NumberFormat
    public var blockTokens: Int
    /// Whether the spec wrote `block_tokens` (an engine then uses it instead of its own default).
    public var blockTokensWritten = false
    /// Elements sharing one quantization scale; nil: the format's default (one head vector for integer
    /// formats, per-tensor scales for floating ones).
    public var groupSize: Int?
    public var scaleDtype: NumberFormat?
    /// Whether each group stores a zero point (asymmetric) beside its scale; nil: yes for integer formats.
    public var zeroPoint: Bool?
    public var scheme: KVQuantScheme = .uniform
    /// KIVI: the most recent tokens kept in full precision (default 128).
    public var residual: Int?
    /// Product quantization: sub-vectors per head vector and bits per code.
    public var subvectors: Int?
    public var codeBits: Int?
    public var budget: KVBudget?
    public var prefix: KVPrefix?
    public var tiers: [KVTier] = []

    public init(dtype: NumberFormat, blockTokens: Int, groupSize: Int? = nil, scaleDtype: NumberFormat? = nil) {
        self.dtype = dtype
        self.blockTokens = blockTokens
        self.groupSize = groupSize
        self.scaleDtype = scaleDtype
    }

    /// Whether elements are stored as integers with per-group scales.
    public var isInteger: Bool { dtype == .int8 || dtype == .int4 || dtype == .int2 }

    /// Whether groups keep a zero point.
    public var hasZeroPoint: Bool { zeroPoint ?? isInteger }

    /// The scale format (fp16 unless stated).
    public var scale: NumberFormat { scaleDtype ?? .fp16 }

    /// The tokens KIVI keeps in full precision.
    public var residualTokens: Int { scheme == .kivi ? residual ?? 128 : 0 }
}

/// Whose KV admission rules the report applies besides lcplan's own (`serving.engine`).
public enum ServingEngine: String, Sendable, CaseIterable { case ideal, vllm, sglang }

/// The `serving` section: the engine whose start-up accounting to reproduce, and its knobs.
public struct ServingSpec: Sendable, Equatable {
    public var engine: ServingEngine = .ideal
    /// vLLM: fraction of the device memory the instance may use (default 0.9).
    public var gpuMemoryUtilization: Double?
    /// vLLM: tokens per scheduler step, and the profiling pass's size (default 8192).
    public var maxNumBatchedTokens: Int?
    /// vLLM: sequences per step (default 256).
    public var maxNumSeqs: Int?
    /// SGLang: fraction of the memory free at start-up kept for weights and the KV pool (default by TP).
    public var memFractionStatic: Double?
    /// The engine's block (vLLM) or page (SGLang) size in tokens (default: `kv_cache.block_tokens` when
    /// written, else 16 for vLLM and 1 for SGLang).
    public var blockSize: Int?
    /// Memory outside PyTorch's allocator (CUDA context, NCCL buffers) the engine deducts.
    public var nonTorchMemory: ExactInt?
    /// vLLM: the CUDA-graph memory estimate releases from 0.21 on deduct (engines.md 1.3); lcplan does not
    /// model it, the spec may state it.
    public var cudagraphMemory: ExactInt?
    /// SGLang: tokens per prefill chunk (sets its default `mem_fraction_static`; engines.md 2.2, 2.3).
    public var chunkedPrefillSize: Int?
    /// The engine release whose accounting to follow (`0.10.1`, `0.33.0`; default: vLLM 0.19, SGLang 0.5.23).
    public var version: EngineVersion?

    public init() {}
}

/// An engine release, compared by its numeric parts (`0.10.1` < `0.33.0`).
public struct EngineVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let parts: [Int]

    /// A release from its numeric parts (`EngineVersion(parts: [0, 33])`).
    public init(parts: [Int]) { self.parts = parts }

    public init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !pieces.isEmpty, pieces.count <= 4 else { return nil }
        var parts: [Int] = []
        for piece in pieces {
            guard let n = Int(piece), n >= 0, n < 100_000 else { return nil }
            parts.append(n)
        }
        self.parts = parts
    }

    public static func < (a: EngineVersion, b: EngineVersion) -> Bool {
        for i in 0..<max(a.parts.count, b.parts.count) {
            let x = i < a.parts.count ? a.parts[i] : 0, y = i < b.parts.count ? b.parts[i] : 0
            if x != y { return x < y }
        }
        return false
    }

    public var description: String { parts.map(String.init).joined(separator: ".") }
}
