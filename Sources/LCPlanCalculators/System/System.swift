import LCPlanModel
import LCPlanPrecision

/// A level of the memory hierarchy a device can keep data in (KV offload tiers stand on these).
public struct MemoryTier: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case hbm, hostDRAM = "host_dram", cxl, nvme }
    public let kind: Kind
    /// Bytes of this tier available to one device.
    public let capacity: ExactInt
    /// Per-direction bytes per second between this tier and the device.
    public let bandwidthBytesPerSecond: Double
}

/// A network a collective can run on: within a node (NVLink, or the host link without one) or across
/// nodes (InfiniBand, RoCE), per-direction bytes per second per device.
public struct NetworkTier: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case intraNode = "intra_node", interNode = "inter_node" }
    public let kind: Kind
    /// The stated per-direction bandwidth, before efficiency.
    public let bandwidthBytesPerSecond: Double
    /// The bandwidth a collective gets: stated x the network efficiency.
    public let effectiveBytesPerSecond: Double
    /// The efficiency applied (the spec's, or the default for this kind of link; `System.networkEfficiency`).
    public let efficiency: Double
    /// Whether the spec and the device preset were silent and the stated fallback is in use.
    public let isFallback: Bool
    /// Per-message latency (alpha): each operation pays `baseLatency` once and each sequential step of its
    /// algorithm `stepLatency` (`NetworkTier.latencies`).
    public let baseLatency: Double
    public let stepLatency: Double

    /// NCCL's own latency model (NVIDIA/nccl `src/graph/tuning.cc` at 5067397, lines 147-176: latency =
    /// baseLat + steps x hwLat), with its lowest-latency protocol, LL, on the ring algorithm: base 6.6 us;
    /// 0.6 us per step over NVLink, 2.7 us over the network. For 8 GPUs of a node this gives 6.6 + 14 x 0.6
    /// = 15 us per all-reduce and 10.8 us per all-gather; measured small-message all-reduces take 5.6-6 us on
    /// 2 H100 with CUDA graphs (NVIDIA/nccl issue 1259), 10-34 us on 2-8 A100 (nccl-tests issue 123), and
    /// 46-48 us across 2 nodes of 8 H20 (NVIDIA/nccl issue 1244). Links inside a node other than NVLink
    /// (PCIe) take the network's step latency: NCCL's PCIe figure is not among lcplan's sources.
    static func latencies(_ kind: Kind, nvlink: Bool) -> (base: Double, step: Double) {
        (6.6e-6, kind == .intraNode && nvlink ? 0.6e-6 : 2.7e-6)
    }
}

/// The machine a plan runs on, described once: devices, how they are grouped into nodes, the networks
/// between them and the memory tiers beside them, and the efficiencies that turn peaks into rates.
///
/// Fallback when neither the spec nor the device preset states a bandwidth: 25 GB/s per direction
/// (InfiniBand HDR, 200 Gb/s; accounting.md convention 6), reported as the effective value in use.
public struct System: Sendable {
    public static let fallbackLinkBytesPerSecond = 25e9

    /// NVLink's share of its stated bandwidth that transfers reach: 371-377 GB/s measured unidirectional on
    /// H100 NVLink 4 against 450 GB/s per direction (NVIDIA/nccl issue 1264), the middle taken: 374/450.
    public static let nvlinkEfficiency = 374.0 / 450.0

    /// The efficiency of each network: the spec's `hardware.efficiency.network` when it sets one; otherwise,
    /// within a node, the measured NVLink figure when the link is the GPU preset's NVLink (faster than its
    /// PCIe host link), and the stated default (0.7, an assumption) for every other link.
    public static func networkEfficiency(_ hardware: HardwareSpec) -> (intraNode: Double, interNode: Double, nvlink: Bool) {
        let e = hardware.efficiency
        if e.stated.contains("network") { return (e.network, e.network, false) }
        let device = hardware.device
        let nvlink =
            hardware.intraNode == nil && device.kind == .gpu
            && (device.intraNode?.bytesPerSecond ?? 0) > (device.hostLink?.bytesPerSecond ?? .infinity)
        return (nvlink ? nvlinkEfficiency : e.network, e.network, nvlink)
    }

    public let device: DeviceSpec
    public let devices: Int
    public let perNode: Int
    public let intraNode: NetworkTier
    public let interNode: NetworkTier
    public let memoryTiers: [MemoryTier]
    public let efficiency: Efficiency
    /// Where each efficiency factor comes from (a cited default for the device class, or the spec).
    public let efficiencySources: EfficiencySources
    /// The dense peak FLOP/s of the compute format used, and that format.
    public let peakFLOPPerSecond: Double
    public let computeFormat: NumberFormat
    /// Peak x compute efficiency, and memory bandwidth x memory efficiency (at least 1, never zero).
    public let flopRate: Double
    public let byteRate: Double
    /// The rates of the kernel classes that differ from the flat ones: attention's format, decode's weight
    /// stream and KV reads.
    public let kernels: KernelRates

    public init(_ hardware: HardwareSpec, computeFormat wanted: NumberFormat) {
        device = hardware.device
        devices = hardware.count
        perNode = max(hardware.perNode, 1)
        efficiency = hardware.efficiency
        efficiencySources = EfficiencySources(hardware.efficiency, device: hardware.device)
        let intra = hardware.intraNode ?? hardware.device.intraNode ?? hardware.device.hostLink
        let networks = Self.networkEfficiency(hardware)
        let overNVLink =
            hardware.device.kind == .gpu
            && (intra?.bytesPerSecond ?? 0) > (hardware.device.hostLink?.bytesPerSecond ?? .infinity)
        let intraLatency = NetworkTier.latencies(.intraNode, nvlink: overNVLink)
        intraNode = NetworkTier(
            kind: .intraNode, bandwidthBytesPerSecond: intra?.bytesPerSecond ?? Self.fallbackLinkBytesPerSecond,
            effectiveBytesPerSecond: (intra?.bytesPerSecond ?? Self.fallbackLinkBytesPerSecond) * networks.intraNode,
            efficiency: networks.intraNode, isFallback: intra == nil, baseLatency: intraLatency.base,
            stepLatency: intraLatency.step)
        let inter = hardware.interNode ?? hardware.device.interNode
        let interLatency = NetworkTier.latencies(.interNode, nvlink: false)
        interNode = NetworkTier(
            kind: .interNode, bandwidthBytesPerSecond: inter?.bytesPerSecond ?? Self.fallbackLinkBytesPerSecond,
            effectiveBytesPerSecond: (inter?.bytesPerSecond ?? Self.fallbackLinkBytesPerSecond) * networks.interNode,
            efficiency: networks.interNode, isFallback: inter == nil, baseLatency: interLatency.base,
            stepLatency: interLatency.step)
        var tiers = [
            MemoryTier(
                kind: .hbm, capacity: hardware.device.memory.value,
                bandwidthBytesPerSecond: hardware.device.memoryBandwidth.bytesPerSecond)
        ]
        if let host = hardware.device.hostMemory, let link = hardware.device.hostLink {
            tiers.append(MemoryTier(kind: .hostDRAM, capacity: host.value, bandwidthBytesPerSecond: link.bytesPerSecond))
        }
        memoryTiers = tiers
        let entry = hardware.device.peakEntry(for: wanted)
        computeFormat = entry?.0 ?? wanted
        peakFLOPPerSecond = entry?.1.flopsPerSecond ?? 0
        flopRate = max(peakFLOPPerSecond * efficiency.compute, 1)
        byteRate = max(hardware.device.memoryBandwidth.bytesPerSecond * efficiency.memory, 1)
        kernels = KernelRates(hardware, computeFormat: computeFormat, flopRate: flopRate, byteRate: byteRate)
    }

    /// The network a group of `span` consecutive ranks uses: within a node when it fits in one.
    @inline(__always) public func network(spanning span: Int) -> NetworkTier { span <= perNode ? intraNode : interNode }
}
