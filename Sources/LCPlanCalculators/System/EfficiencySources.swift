import LCPlanModel

/// Where each efficiency factor in force comes from, per device class and phase: the published
/// measurement a default rests on, or the spec that overrides it.
///
/// The defaults (0.5 of dense peak for compute, 0.5 of memory bandwidth, 0.7 of link bandwidth) come from
/// ../shared/reference/hardware.md ("efficiency defaults seen in practice"): compute from the 2x gap between
/// formulas at peak and measured prefill kernels (the end-to-end MFU of training runs, 38-56%, already
/// holds the bubble and communication that lcplan adds itself, so it is the outcome checked, not the input),
/// memory from the middle of decode's 45-57% of the HBM bound; the network's 0.7 is an assumption.
/// What they rest on differs by factor and device class, and the report says which.
public struct EfficiencySources: Sendable, Equatable {
    /// Compute efficiency of prefill and training steps.
    public let compute: String
    /// Memory-bandwidth efficiency (decode, weight and KV reads).
    public let memory: String
    /// Link-bandwidth efficiency of collectives.
    public let network: String

    public init(_ efficiency: Efficiency, device: DeviceSpec) {
        func stated(_ key: String) -> String? {
            efficiency.stated.contains(key) ? "set by the spec (hardware.efficiency.\(key)), a user override" : nil
        }
        if let measured = device.measured {
            let source = "default 1: \(device.name)'s figures are rates measured on the device itself (\(measured)), no further discount"
            compute = stated("compute") ?? source
            memory = stated("memory") ?? source
            network = stated("network") ?? "default: an assumption, not a measurement"
            return
        }
        switch device.kind {
        case .gpu:
            compute =
                stated("compute")
                ?? "default: what kernels reach, applied to compute alone (pipeline bubble and exposed communication are costed apart): formulas at 100% of peak come out about 2x optimistic on prefill against measured kernel data (../shared/reference/hardware.md); training MFU (38-56% in published runs) is an outcome that adds the bubble and communication, not this factor"
            memory =
                stated("memory")
                ?? "default: the middle of the 45-57% of the HBM bound decode reaches in practice (../shared/reference/hardware.md); no single engine's figure"
            network =
                stated("network")
                ?? "default: within a node over the GPU's NVLink 0.83, measured (371-377 GB/s of 450 GB/s per direction on H100 NVLink 4, NVIDIA/nccl issue 1264); any other link 0.7, an assumption (no measurement in lcplan's references)"
        case .cpu:
            compute =
                stated("compute")
                ?? "default: an assumption until lcplan calibrate measures this machine (a packed fp32 matmul reached about 85% of FMA peak on a machine of this kind, shared/notes/toolchain.md sec. 5; attention and small shapes reach less)"
            memory = stated("memory") ?? "default: an assumption, not a measurement"
            network = stated("network") ?? "default: an assumption, not a measurement"
        }
    }
}
