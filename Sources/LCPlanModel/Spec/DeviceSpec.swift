import LCPlanPrecision

/// One accelerator or CPU: its memory, bandwidths and peak rates. Peaks are DENSE (no 2:4 sparsity),
/// capacities and bandwidths decimal (GB = 1e9), as the vendors' datasheets state them.
public struct DeviceSpec: Sendable, Equatable {
    public var name: String
    public var kind: DeviceKind
    public var memory: Bytes
    public var memoryBandwidth: Bandwidth
    /// Dense peak per number format (`bf16`, `fp16`, `fp8`, `tf32`, `fp32`, `int8`).
    public var peak: [NumberFormat: FLOPRate]
    /// Per-direction bandwidth of the device's link to its node peers (NVLink: half the bidirectional figure).
    public var intraNode: Bandwidth?
    /// Per-direction bandwidth per device to other nodes: the network port the reference system gives each
    /// device (DGX H100: one 400 Gb/s InfiniBand port per GPU, 50 GB/s).
    public var interNode: Bandwidth?
    public var hostMemory: Bytes?
    /// Per-direction bandwidth of the host link (PCIe).
    public var hostLink: Bandwidth?
    public var source: String
    public var confidence: Confidence
    /// How the device's peak and memory bandwidth were measured on the device itself (`lcplan calibrate`
    /// writes it): they are then rates a real kernel reached, and the default compute and memory
    /// efficiencies are 1 rather than a discount for kernels that fall short of a datasheet peak.
    public var measured: String? = nil
    /// The GPU architecture of a built-in preset (and of devices derived from one), which names the attention
    /// kernels' measured efficiencies; nil for CPUs and devices described from scratch.
    public var architecture: GPUArchitecture? = nil
    /// The total CUDA reports to a process (PyTorch's `torch.cuda.mem_get_info()[1]`), which vLLM budgets
    /// from; below the driver's figure by what the CUDA context holds. Known for the presets whose logs show
    /// it; nil elsewhere (the driver's figure is used).
    public var cudaVisibleMemory: Bytes? = nil
    /// Efficiencies measured (or assumed) for this device class where the general defaults do not fit it,
    /// with what they rest on; a spec's `hardware.efficiency` still overrides each.
    public var defaultEfficiency: DeviceEfficiency? = nil

    public init(
        name: String, kind: DeviceKind, memory: Bytes, memoryBandwidth: Bandwidth, peak: [NumberFormat: FLOPRate],
        intraNode: Bandwidth? = nil, interNode: Bandwidth? = nil, hostMemory: Bytes? = nil, hostLink: Bandwidth? = nil,
        source: String, confidence: Confidence
    ) {
        self.name = name
        self.kind = kind
        self.memory = memory
        self.memoryBandwidth = memoryBandwidth
        self.peak = peak
        self.intraNode = intraNode
        self.interNode = interNode
        self.hostMemory = hostMemory
        self.hostLink = hostLink
        self.source = source
        self.confidence = confidence
    }

    /// Peak for a format, falling back to the nearest wider format the device has (fp8 on A100 runs at bf16 rate).
    public func peak(for format: NumberFormat) -> FLOPRate? { peakEntry(for: format)?.1 }

    /// The format whose peak applies to `format` on this device, and that peak.
    public func peakEntry(for format: NumberFormat) -> (NumberFormat, FLOPRate)? {
        if let exact = peak[format] { return (format, exact) }
        for fallback in format.computeFallbacks { if let rate = peak[fallback] { return (fallback, rate) } }
        return nil
    }
}

public enum DeviceKind: String, Sendable, CaseIterable { case gpu, cpu }

/// A device class's own default efficiencies and what they rest on.
public struct DeviceEfficiency: Sendable, Equatable {
    public let compute: Double
    public let memory: Double
    public let computeSource: String
    public let memorySource: String
}

/// GPU architectures whose kernels have published measurements lcplan uses.
public enum GPUArchitecture: String, Sendable, CaseIterable { case ampere, hopper }

/// The attention kernel family a plan runs (`hardware.attention_kernel`): FlashAttention-2, FlashAttention-3
/// (Hopper only), cuDNN's fused attention (Transformer Engine's default on Hopper), or `auto`, the default per
/// architecture (FlashAttention-2 on Ampere, FlashAttention-3 on Hopper). With `conventions.fused_attention:
/// false` no fused kernel runs and none applies.
public enum AttentionKernel: String, Sendable, CaseIterable { case auto, fa2, fa3, cudnn }

/// Number formats for weights, activations, caches and phases.
public enum NumberFormat: String, Sendable, CaseIterable, Comparable {
    case fp64, fp32, tf32, bf16, fp16, fp8, fp8e4m3 = "fp8_e4m3", fp8e5m2 = "fp8_e5m2", int8, int4, int2, fp4

    /// Storage bits per element.
    public var bits: Int {
        switch self {
        case .fp64: return 64
        case .fp32, .tf32: return 32
        case .bf16, .fp16: return 16
        case .fp8, .fp8e4m3, .fp8e5m2, .int8: return 8
        case .int4, .fp4: return 4
        case .int2: return 2
        }
    }

    /// Significand bits including the implicit bit (rope.md sec. 5); nil for integer formats.
    public var significandBits: Int? {
        switch self {
        case .fp64: return 53
        case .fp32: return 24
        case .tf32, .fp16: return 11
        case .bf16: return 8
        case .fp8, .fp8e4m3: return 4
        case .fp8e5m2: return 3
        case .fp4: return 2
        case .int8, .int4, .int2: return nil
        }
    }

    var computeFallbacks: [NumberFormat] {
        switch self {
        // Floating formats fall back to floating peaks (an fp8 matmul on an A100 runs in bf16, not at the
        // int8 tensor-core rate); integer formats to bf16 too, since the int8 rate needs int8 activations.
        case .fp8, .fp8e4m3, .fp8e5m2, .fp4: return [.fp8, .bf16, .fp16, .fp32]
        case .int8, .int4, .int2: return [.bf16, .fp16, .fp32]
        case .bf16: return [.fp16, .fp32]
        case .fp16: return [.bf16, .fp32]
        case .tf32: return [.fp32]
        case .fp32: return [.tf32]
        case .fp64: return [.fp32]
        }
    }

    public static func < (a: NumberFormat, b: NumberFormat) -> Bool { a.rawValue < b.rawValue }

    /// The format that does the arithmetic for weights in this format: weight-only formats (int8, int4, fp4)
    /// dequantize and compute in bf16.
    public var computeFormat: NumberFormat {
        switch self {
        case .int8, .int4, .int2, .fp4: return .bf16
        default: return self
        }
    }

    /// The format activations (and so attention and, by default, the KV cache) are in for weights in this
    /// format: bf16 for 8-bit and 4-bit weights, the format itself otherwise. fp8 checkpoints declare bf16
    /// activations, and vLLM's `kv_cache_dtype=auto` means that model dtype (`kv_cache_dtype_str_to_dtype`,
    /// `vllm/utils/torch_utils.py`; `CacheConfig.cache_dtype`: "If 'auto', will use model data type");
    /// Transformer Engine and torchao keep attention in bf16 under fp8 training.
    public var activationFormat: NumberFormat {
        switch self {
        case .fp8, .fp8e4m3, .fp8e5m2, .fp4, .int8, .int4, .int2: return .bf16
        default: return self
        }
    }
}

/// The hardware a plan runs on: a number of identical devices, grouped into nodes.
public struct HardwareSpec: Sendable, Equatable {
    public var device: DeviceSpec
    public var count: Int
    public var perNode: Int
    /// Per-direction bandwidth between devices of one node; defaults to the device's own link.
    public var intraNode: Bandwidth?
    /// Per-direction bandwidth per device between nodes (InfiniBand NDR 400 Gb/s = 50 GB/s).
    public var interNode: Bandwidth?
    public var efficiency: Efficiency
    /// Memory reserved per device for the runtime (CUDA context, library workspaces).
    public var workspace: Bytes
    /// The attention kernel family (`auto`: the architecture's default).
    public var attentionKernel: AttentionKernel = .auto

    /// The default reserve: 1 GiB on a GPU (CUDA context and cuBLAS/NCCL workspaces are several hundred MB),
    /// 256 MiB on a CPU. An assumption, reported and overridable with `hardware.workspace`.
    public static func defaultWorkspace(for kind: DeviceKind) -> Bytes {
        Bytes(kind == .gpu ? 1 << 30 : 1 << 28)
    }

    public init(
        device: DeviceSpec, count: Int, perNode: Int, intraNode: Bandwidth?, interNode: Bandwidth?, efficiency: Efficiency,
        workspace: Bytes? = nil
    ) {
        self.workspace = workspace ?? HardwareSpec.defaultWorkspace(for: device.kind)
        self.device = device
        self.count = count
        self.perNode = perNode
        self.intraNode = intraNode
        self.interNode = interNode
        self.efficiency = efficiency
    }
}

/// Fractions of the peak rates that real kernels reach, before the pipeline bubble and communication that
/// lcplan costs apart. Defaults, assumptions that `EfficiencySources` reports with what they rest on:
/// compute 0.5 (published training runs reach 38-52% of dense peak with the bubble and communication
/// included: Llama 3, arXiv 2407.21783 Table 4; Narayanan et al. 2021, arXiv 2104.04473 Table 1), memory 0.5
/// (the flat factor where no kernel class applies; `KernelRates` has decode's measured ones), network 0.7 (an assumption; NVLink's measured 0.83 is `System.nvlinkEfficiency`). Reported, and a
/// spec overrides them (`EfficiencySources` says which).
public struct Efficiency: Sendable, Equatable {
    public var compute: Double
    public var memory: Double
    public var network: Double
    /// The factors the spec set (`compute`, `memory`, `network`); the others are the defaults.
    public var stated: Set<String> = []

    public static let defaults = Efficiency(compute: 0.5, memory: 0.5, network: 0.7)

    public init(compute: Double, memory: Double, network: Double) {
        self.compute = compute
        self.memory = memory
        self.network = network
    }
}
