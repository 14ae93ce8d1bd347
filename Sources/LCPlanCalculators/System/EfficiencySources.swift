import LCPlanModel

/// Where each efficiency factor in force comes from, per device class and phase: the published
/// measurement a default rests on, or the spec that overrides it.
///
/// The defaults (0.5 of dense peak for compute, 0.5 of memory bandwidth, 0.7 of link bandwidth) are
/// assumptions: compute from the 2x gap between formulas at peak and what kernels reach in a step (the end-to-end MFU of training runs, 38-56%, already
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
        if let own = device.defaultEfficiency {
            compute = stated("compute") ?? "default \(own.compute): \(own.computeSource)"
            memory = stated("memory") ?? "default \(own.memory): \(own.memorySource)"
            network = stated("network") ?? "default: an assumption, not a measurement"
            return
        }
        switch device.kind {
        case .gpu:
            compute =
                stated("compute")
                ?? "default: what kernels reach, applied to compute alone (pipeline bubble and exposed communication are costed apart): formulas at 100% of peak come out about 2x optimistic on prefill against measured kernels; training MFU (38-52% in published runs: Llama 3 Table 4, Narayanan et al. 2021 Table 1) is an outcome that adds the bubble and communication, not this factor"
            memory =
                stated("memory")
                ?? "default: an assumption for the bytes no kernel class covers (decode's weight and KV reads have measured ones, listed apart)"
            network =
                stated("network")
                ?? "default: within a node over the GPU's NVLink 0.83, measured (371-377 GB/s of 450 GB/s per direction on H100 NVLink 4, NVIDIA/nccl issue 1264); any other link 0.7, an assumption (no measurement in lcplan's references)"
        case .cpu:
            compute =
                stated("compute")
                ?? "default: an assumption until lcplan calibrate measures this machine (lcplan's packed fp32 matmul reaches about 85% of the FMA peak on an AVX-512 server core, as lcplan-bench measures; attention and small shapes reach less)"
            memory = stated("memory") ?? "default: an assumption, not a measurement"
            network = stated("network") ?? "default: an assumption, not a measurement"
        }
    }
}
