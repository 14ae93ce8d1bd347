import LCPlanPrecision

/// Built-in device presets. GPU figures: the NVIDIA H200, H100 and A100 datasheets (each preset's `source`
/// names its own); tensor-core peaks DENSE (the datasheets print Hopper with 2:4
/// sparsity, twice these), bandwidths decimal, NVLink per direction (half the bidirectional figure the
/// sheets print). GPU memory is the capacity the driver reports (`nvidia-smi` total, hardware.md), not
/// the marketing GB read as decimal bytes: an "80 GB" H100 has 81,559 MiB, about 7% more than 80e9 B.
/// Between nodes, each GPU of the reference system has its own network port (hardware.md: InfiniBand HDR
/// 200 Gb/s = 25 GB/s per direction per GPU on Megatron's Selene, NDR 400 Gb/s = 50 GB/s on Llama 3's
/// clusters): DGX A100 has 8 single-port 200 Gb/s HDR ConnectX-6 adapters, DGX H100 and DGX H200 8 single-port
/// 400 Gb/s ConnectX-7 (the DGX datasheets). PCIe and NVL boards go into servers of every kind and state none.
/// Edge CPU figures are lower-confidence defaults.
public enum DeviceCatalogue {
    /// The names people type for a preset: the bare chip (`h100` is the SXM board, the one DGX and HGX
    /// systems carry, and `a100` the 80 GB SXM board), the board with its memory, vendor spellings.
    public static let aliases: [String: String] = [
        "h100": "h100-sxm", "h100-sxm5": "h100-sxm", "h100-80gb": "h100-sxm", "h100-sxm-80gb": "h100-sxm",
        "h100-sxm5-80gb": "h100-sxm", "h100-pcie-80gb": "h100-pcie",
        "h200-sxm": "h200", "h200-141gb": "h200", "h200-sxm-141gb": "h200",
        "a100": "a100-80gb", "a100-sxm": "a100-80gb", "a100-sxm4": "a100-80gb", "a100-sxm-80gb": "a100-80gb",
        "a100-sxm4-80gb": "a100-80gb", "a100-sxm-40gb": "a100-40gb", "a100-sxm4-40gb": "a100-40gb",
        "a100-pcie": "a100-pcie-80gb",
        "b200-sxm": "b200", "b200-180gb": "b200", "mi300": "mi300x", "instinct-mi300x": "mi300x",
        "l40s-48gb": "l40s", "rtx4090": "rtx-4090", "4090": "rtx-4090", "geforce-rtx-4090": "rtx-4090",
        "raspberry-pi-5": "rpi5", "rpi-5": "rpi5", "pi5": "rpi5",
        "m2": "apple-m2", "m3-max": "apple-m3-max",
        "jetson-orin": "jetson-agx-orin-64gb", "agx-orin": "jetson-agx-orin-64gb", "orin": "jetson-agx-orin-64gb",
        "jetson-agx-orin": "jetson-agx-orin-64gb",
    ]

    public static func named(_ name: String) -> DeviceSpec? {
        let key = aliases[name.lowercased()] ?? name.lowercased()
        guard var device = all.first(where: { $0.name == key }) else { return nil }
        if device.kind == .gpu {
            device.architecture = key.hasPrefix("h100") || key.hasPrefix("h200") ? .hopper : key.hasPrefix("a100") ? .ampere : nil
        }
        if key == "h100-sxm" {
            // vLLM's start-up log on an H100 SXM 80GB: "total memory 79.19 GiB" (PyTorch mem_get_info), against
            // the driver's 81,559 MiB (79.65 GiB): the figure to two decimals, 79.19 x 2^30 bytes rounded.
            device.cudaVisibleMemory = Bytes(ExactInt(85_029_615_043))
        }
        return device
    }

    public static var names: [String] { all.map(\.name) }

    private static func tf(_ value: Double) -> FLOPRate { FLOPRate(flopsPerSecond: value * 1e12) }
    private static func gf(_ value: Double) -> FLOPRate { FLOPRate(flopsPerSecond: value * 1e9) }
    private static func gbps(_ value: Double) -> Bandwidth { Bandwidth(bytesPerSecond: value * 1e9) }
    private static func gb(_ value: Int) -> Bytes { Bytes(ExactInt(value) * ExactInt(1_000_000_000)) }
    private static func gib(_ value: Int) -> Bytes { Bytes(ExactInt(value) * ExactInt(1 << 30)) }
    /// A capacity in MiB, as `nvidia-smi` reports device memory.
    private static func mib(_ value: Int) -> Bytes { Bytes(ExactInt(value) * ExactInt(1 << 20)) }

    /// Hopper dense tensor-core peaks: BF16/FP16 989.4, FP8 1978.9, TF32 494.7 TFLOPS; FP32 (non-tensor) 66.9.
    private static let hopperSXMPeaks: [NumberFormat: FLOPRate] = [
        .bf16: tf(989.4), .fp16: tf(989.4), .fp8: tf(1978.9), .tf32: tf(494.7), .fp32: tf(66.9), .fp64: tf(33.5),
    ]
    /// Ampere dense peaks: BF16/FP16 312, TF32 156, FP32 19.5, INT8 624 TOPS.
    private static let amperePeaks: [NumberFormat: FLOPRate] = [
        .bf16: tf(312), .fp16: tf(312), .tf32: tf(156), .fp32: tf(19.5), .int8: tf(624), .fp64: tf(9.7),
    ]

    /// An Apple GPU preset with its measured Metal decode efficiency; compute 0.6, what llama.cpp's Metal
    /// prompt processing reaches on an M1 8-core GPU (pp512 of Llama 2 7B Q4_0: 117.96 tokens/s x 2 x 6.74e9
    /// FLOPs = 1.59 of 2.617 TFLOP/s; ggml-org/llama.cpp discussion 4167), assumed for the others.
    private static func appleGPU(_ base: DeviceSpec, memory: Double, memorySource: String) -> DeviceSpec {
        var device = base
        device.defaultEfficiency = DeviceEfficiency(
            compute: 0.6, memory: memory,
            computeSource:
                "Metal prompt processing reaches about 0.6 of the FP32 peak (llama.cpp pp512, Llama 2 7B Q4_0, M1 8-core GPU: 117.96 tokens/s; ggml-org/llama.cpp discussion 4167); assumed for this chip",
            memorySource: memorySource)
        return device
    }

    /// The Jetson preset: no measured efficiencies for LLM kernels on Jetson are published in lcplan's
    /// sources, so the generic memory-bound figure, 0.75 (the middle of 0.7-0.8), and compute 0.5, both
    /// assumptions and lower confidence.
    private static func jetson(_ base: DeviceSpec) -> DeviceSpec {
        var device = base
        device.defaultEfficiency = DeviceEfficiency(
            compute: 0.5, memory: 0.75,
            computeSource: "an assumption (no measured LLM kernel rates on Jetson in lcplan's sources; lower confidence)",
            memorySource: "an assumption, the middle of the 0.7-0.8 memory-bound kernels reach elsewhere (lower confidence)")
        return device
    }

    public static let all: [DeviceSpec] = [
        DeviceSpec(
            name: "h200", kind: .gpu, memory: mib(143_771), memoryBandwidth: gbps(4800), peak: hopperSXMPeaks,
            intraNode: gbps(450), interNode: gbps(50), hostLink: gbps(64),
            source: """
                NVIDIA H200 Tensor Core GPU datasheet (SXM): 141 GB HBM3e, 4.8 TB/s, NVLink 900 GB/s; \
                capacity as the driver reports it, 143,771 MiB (nvidia-smi); between nodes 400 Gb/s NDR per GPU \
                (DGX H200: 8x ConnectX-7)
                """,
            confidence: .checked),
        DeviceSpec(
            name: "h200-nvl", kind: .gpu, memory: mib(143_771), memoryBandwidth: gbps(4800),
            peak: [.bf16: tf(835), .fp16: tf(835), .fp8: tf(1670), .fp32: tf(60)],
            intraNode: gbps(450), hostLink: gbps(64),
            source: """
                NVIDIA H200 NVL datasheet: 141 GB, 4.8 TB/s, NVLink bridge 900 GB/s; capacity taken as the \
                H200 SXM's driver-reported 143,771 MiB (the same class of figure, hardware.md)
                """,
            confidence: .stated),
        DeviceSpec(
            name: "h100-sxm", kind: .gpu, memory: mib(81_559), memoryBandwidth: gbps(3350), peak: hopperSXMPeaks,
            intraNode: gbps(450), interNode: gbps(50), hostLink: gbps(64),
            source: """
                NVIDIA H100 Tensor Core GPU datasheet (SXM5): 80 GB HBM3, 3.35 TB/s, NVLink 900 GB/s; \
                capacity as the driver reports it, 81,559 MiB (nvidia-smi); between nodes 400 Gb/s NDR per GPU \
                (DGX H100: 8x ConnectX-7)
                """,
            confidence: .checked),
        DeviceSpec(
            name: "h100-pcie", kind: .gpu, memory: mib(81_559), memoryBandwidth: gbps(2000),
            peak: [.bf16: tf(756), .fp16: tf(756), .fp8: tf(1513), .tf32: tf(378), .fp32: tf(51), .fp64: tf(26)],
            intraNode: gbps(300), hostLink: gbps(64),
            source: """
                NVIDIA H100 datasheet (PCIe): 80 GB HBM2e, 2.0 TB/s, NVLink bridge 600 GB/s; capacity as the \
                driver reports it, 81,559 MiB (nvidia-smi)
                """,
            confidence: .checked),
        DeviceSpec(
            name: "a100-40gb", kind: .gpu, memory: mib(40_960), memoryBandwidth: gbps(1555), peak: amperePeaks,
            intraNode: gbps(300), interNode: gbps(25), hostLink: gbps(32),
            source: """
                NVIDIA A100 datasheet (SXM4 40GB): 40 GB HBM2, 1,555 GB/s, NVLink 600 GB/s; capacity as the \
                driver reports it, 40,960 MiB (nvidia-smi; some PCIe boards report 40,536 MiB); between nodes \
                200 Gb/s HDR per GPU (DGX A100: 8x ConnectX-6)
                """,
            confidence: .checked),
        DeviceSpec(
            name: "a100-80gb", kind: .gpu, memory: mib(81_920), memoryBandwidth: gbps(2039), peak: amperePeaks,
            intraNode: gbps(300), interNode: gbps(25), hostLink: gbps(32),
            source: """
                NVIDIA A100 datasheet (SXM4 80GB): 80 GB HBM2e, 2,039 GB/s, NVLink 600 GB/s; capacity as the \
                driver reports it, 81,920 MiB (nvidia-smi); between nodes 200 Gb/s HDR per GPU (DGX A100: 8x \
                ConnectX-6)
                """,
            confidence: .checked),
        DeviceSpec(
            name: "a100-pcie-80gb", kind: .gpu, memory: mib(81_920), memoryBandwidth: gbps(1935), peak: amperePeaks,
            intraNode: gbps(32), hostLink: gbps(32),
            source: """
                NVIDIA A100 datasheet (PCIe 80GB): 80 GB HBM2e, 1,935 GB/s, capacity as the driver reports it, \
                81,920 MiB (nvidia-smi); peers over PCIe Gen4 x16 (32 GB/s per direction) unless an NVLink \
                bridge is stated in the spec
                """,
            confidence: .checked),
        DeviceSpec(
            name: "b200", kind: .gpu, memory: gb(180), memoryBandwidth: gbps(8000),
            peak: [.bf16: tf(2250), .fp16: tf(2250), .fp8: tf(4500), .fp4: tf(9000)],
            intraNode: gbps(900), interNode: gbps(50), hostLink: gbps(64),
            source: """
                NVIDIA DGX B200 / HGX B200 datasheets, per GPU: 2.25 PFLOP/s BF16 and 4.5 FP8 dense (half the                 sparse figures), FP4 9 dense, 180 GB HBM3e, 8 TB/s, NVLink 5 1.8 TB/s bidirectional (900 GB/s per                 direction); between nodes 400 Gb/s per GPU (DGX B200: 8x ConnectX-7); memory the datasheet's                 decimal 180 GB (no driver-reported total in lcplan's sources: an assumption); host link PCIe Gen5 x16                 assumed; no measured kernel efficiencies on Blackwell in lcplan's sources: the generic defaults apply
                """,
            confidence: .stated),
        DeviceSpec(
            name: "mi300x", kind: .gpu, memory: gb(192), memoryBandwidth: gbps(5300),
            peak: [.bf16: tf(1307.4), .fp16: tf(1307.4), .fp8: tf(2614.9)],
            intraNode: gbps(448), hostLink: gbps(64),
            source: """
                AMD Instinct MI300X datasheet: 1,307.4 TFLOP/s BF16 and 2,614.9 FP8 dense, 192 GB HBM3, 5.3 TB/s;                 Infinity Fabric 896 GB/s aggregate peer-to-peer on the 8-GPU platform (448 GB/s per direction);                 memory the datasheet's decimal 192 GB (an assumption: no driver-reported total in lcplan's sources);                 no measured fraction of peak for vLLM or SGLang on ROCm in lcplan's sources: the generic defaults apply
                """,
            confidence: .stated),
        DeviceSpec(
            name: "l40s", kind: .gpu, memory: gb(48), memoryBandwidth: gbps(864),
            peak: [.bf16: tf(362), .fp16: tf(362), .fp8: tf(733)],
            intraNode: gbps(32), hostLink: gbps(32),
            source: """
                NVIDIA L40S datasheet: 362 TFLOP/s BF16 and 733 FP8 dense (half the sparse figures), 48 GB GDDR6                 (decimal, an assumption: no driver-reported total in lcplan's sources), 864 GB/s; no NVLink: peers                 and host over PCIe Gen4 x16, 32 GB/s per direction
                """,
            confidence: .stated),
        DeviceSpec(
            name: "rtx-4090", kind: .gpu, memory: gb(24), memoryBandwidth: gbps(1008),
            peak: [.bf16: tf(165.2), .fp16: tf(165.2), .fp8: tf(330.3)],
            intraNode: gbps(32), hostLink: gbps(32),
            source: """
                NVIDIA Ada Lovelace architecture whitepaper, appendix table (GeForce RTX 4090): 165.2 TFLOP/s BF16/FP16                 and 330.3 FP8 dense with FP32 accumulate (the rate frameworks run at; 330.3 BF16 with FP16 accumulate),                 24 GB GDDR6X (decimal, an assumption), 1,008 GB/s; no NVLink: peers and host over PCIe Gen4 x16
                """,
            confidence: .stated),
        DeviceSpec(
            name: "rpi5", kind: .cpu, memory: gb(8), memoryBandwidth: gbps(17), peak: [.fp32: gf(153.6)],
            source: """
                Raspberry Pi 5 (8 GB): 4x Cortex-A76 at 2.4 GHz, 16 FP32 FLOP/cycle/core (2x128-bit NEON FMA); \
                LPDDR4X-4267 about 17 GB/s
                """,
            confidence: .stated),
        appleGPU(
            DeviceSpec(
                name: "apple-m2", kind: .gpu, memory: gb(16), memoryBandwidth: gbps(100),
                peak: [.fp32: tf(3.579), .fp16: tf(3.579)],
                source: """
                    Apple M2 (16 GB), its 10-core GPU as llama.cpp (Metal) and MLX run models: 3.579 TFLOP/s FP32, \
                    FP16 at the same rate (philipturner/metal-benchmarks README at dc2adc6), 100 GB/s unified memory; \
                    apple-m2-cpu is the CPU cores
                    """, confidence: .stated),
            memory: 0.80,
            memorySource:
                "Metal decode streams weights at 0.77-0.82 of nominal bandwidth on the base chips (llama.cpp llama-bench tg128, Llama 2 7B Q4_0 on M1 8-core, M3 and M4 10-core; ggml-org/llama.cpp discussion 4167); M2 assumed alike"
        ),
        DeviceSpec(
            name: "apple-m2-cpu", kind: .cpu, memory: gb(16), memoryBandwidth: gbps(100), peak: [.fp32: gf(500)],
            source: "Apple M2 (16 GB): 4P + 4E cores, about 0.5 TFLOP/s FP32 on the CPU, 100 GB/s unified memory",
            confidence: .stated),
        appleGPU(
            DeviceSpec(
                name: "apple-m3-max", kind: .gpu, memory: gb(128), memoryBandwidth: gbps(400),
                peak: [.fp32: tf(40 * 10.74 / 30), .fp16: tf(40 * 10.74 / 30)],
                source: """
                    Apple M3 Max (40-core GPU, 128 GB) as llama.cpp (Metal) and MLX run models: 400 GB/s; Apple \
                    publishes no TFLOP/s: 10.74 FP32 TFLOP/s measured for the 30-core GPU (hmc-tech), scaled to \
                    40 cores, FP16 at the same rate (derived, not a vendor figure); apple-m3-max-cpu is the CPU cores
                    """, confidence: .stated),
            memory: 0.60,
            memorySource:
                "Metal decode streams weights at 0.58-0.63 of nominal bandwidth on the Max chips (M3 Max 40-core: 66.31 tokens/s of Llama 2 7B Q4_0, llama.cpp llama-bench tg128; ggml-org/llama.cpp discussion 4167)"
        ),
        DeviceSpec(
            name: "apple-m3-max-cpu", kind: .cpu, memory: gb(128), memoryBandwidth: gbps(400),
            peak: [.fp32: gf(12 * 4.05 * 32)],
            source: """
                Apple M3 Max (16-core CPU, 128 GB): 400 GB/s; peak counts the 12 P-cores only, \
                32 FP32 FLOP/cycle at 4.05 GHz (derived, not a vendor figure)
                """,
            confidence: .stated),
        jetson(
            DeviceSpec(
                name: "jetson-agx-orin-64gb", kind: .gpu, memory: gb(64), memoryBandwidth: gbps(204.8),
                peak: [.fp16: tf(42.5), .bf16: tf(42.5), .int8: tf(85), .fp32: tf(5.3)],
                source: """
                    NVIDIA Jetson AGX Orin 64GB: 2048-core Ampere GPU, 64 GB LPDDR5 shared with the CPU at \
                    204.8 GB/s (Jetson AGX Orin data sheet DS-10662-001; technical brief TB_10749-001: 170 sparse \
                    INT8 TOPS on the GPU, 5.3 FP32 TFLOP/s); dense INT8 85 and FP16 42.5 TFLOP/s derived (half each), \
                    DLAs excluded
                    """, confidence: .stated)),
        DeviceSpec(
            name: "x86-laptop", kind: .cpu, memory: gb(32), memoryBandwidth: gbps(89.6), peak: [.fp32: gf(768)],
            source: "x86 laptop, AVX2 + FMA: 8 cores x 3 GHz x 32 FP32 FLOP/cycle; dual-channel DDR5-5600 (89.6 GB/s)",
            confidence: .stated),
        DeviceSpec(
            name: "local", kind: .cpu, memory: gib(24), memoryBandwidth: gbps(40), peak: [.fp32: gf(228), .fp64: gf(114)],
            source: """
                not measured: run `lcplan calibrate` to measure this machine. Until then the figures are \
                stated for a machine of the project's kind (AMD Zen 4, 2 vCPUs at about 3.56 GHz x 32 FP32 \
                FLOP/cycle, toolchain notes; 24 GiB); memory bandwidth 40 GB/s is an assumption
                """,
            confidence: .stated),
    ]
}
