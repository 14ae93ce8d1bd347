import LCPlanModel

/// The rates of the kernel classes the time model tells apart, where they differ from the flat
/// efficiencies: the format attention computes in, and the bandwidth memory-bound serving kernels reach.
///
/// - Attention computes in bf16 when the workload's format is an 8-bit or 4-bit float: fp8 training and
///   fp8 checkpoints run their linear layers' GEMMs in fp8 and attention in bf16 (Transformer Engine's
///   `fp8_autocast` covers linear layers only, torchao's Float8 training converts `nn.Linear` modules only;
///   FlashAttention-3's fp8 attention is a separate kernel, arXiv 2407.08608 sec. 3.3). So a fp8 step gains
///   on its GEMMs alone: 1.10-1.28x end to end at 8B-175B (torchao `docs/source/workflows/training.md`
///   at 36027d8, lines 54-75; FP8-LM, arXiv 2310.18313 Table 5), never 2x.
/// - Decode streams its weights through GEMMs of M = batch tokens: up to M of about 128-256 on an H100 such
///   a GEMM takes the time of its weight read, at 0.75-0.86 of HBM bandwidth (bf16, vLLM pull requests
///   17126 and 49363), the same as a device-to-device copy (0.87, aigatech/vpbenchmarking) and DeepGEMM's
///   fp8 GEMMs at M = 64-128 (up to 0.80, deepseek-ai/DeepGEMM README at 55ab91f). lcplan takes 0.80, the
///   low end of the measured copies and GEMMs, for the NVIDIA data-centre presets (measured on H100; A100
///   and H200 assumed alike).
/// - Decode attention reads each sequence's KV cache; the share of bandwidth a call reaches grows with the
///   bytes it reads, B: u = 0.92 B / (B + 64 MiB), the fit to FlashInfer's measurements on H100 and A100
///   (split-KV and batched paged decode, 32 heads of 128, fp16; FlashInfer blog, 2024-01-03, "Accelerating
///   Self-Attentions for LLM Serving with FlashInfer", figures single- and batch-decode-benchmark): about
///   0.46 at 64 MiB (4k tokens), 0.74 at 256 MiB, 0.87 at 1 GiB.
///
/// The memory classes apply to the NVIDIA data-centre presets (A100, H100, H200 and devices derived from
/// them) when the spec leaves `hardware.efficiency.memory` unset; a stated memory efficiency, a CPU (whose
/// rates `lcplan calibrate` measures), an Apple or Jetson GPU (their own measured or assumed factor) and a
/// device measured on itself keep the one flat factor.
public struct KernelRates: Sendable, Equatable {
    /// Weight streaming's share of memory bandwidth in decode (vLLM #17126, #49363; see above).
    public static let weightStreamEfficiency = 0.80
    /// The largest share of bandwidth decode attention reaches, and the bytes per call at which it reaches
    /// half of that (FlashInfer blog, 2024-01-03; see above).
    public static let kvReadCeiling = 0.92
    public static let kvReadHalfBytes = 64.0 * 1_048_576

    /// How much less of its peak an fp8 GEMM reaches than a bf16 one on the same device: the best-shape
    /// `torch.matmul` rates of stas00/ml-engineering `compute/accelerator/README.md` (at 744d01e, "maximum
    /// achievable matmul FLOPS"): H100 SXM fp8 1402.6 of 1979 TFLOP/s (70.9%) against bf16 794.5 of 989
    /// (80.3%); H200 fp8 1453.4 of 1979 (73.4%) against the same bf16 figure ("H200 is the same"). Applied
    /// when the spec leaves `hardware.efficiency.compute` unset; 1 for devices without such a measurement.
    static let fp8GEMMRatio: [String: Double] = [
        "h100-sxm": (1402.6 / 1979) / (794.5 / 989), "h200": (1453.4 / 1979) / (794.5 / 989),
    ]

    /// The format attention's FLOPs are priced at, and its dense peak x compute efficiency.
    public let attentionFormat: NumberFormat
    public let attentionFLOPRate: Double
    /// Whether the memory classes apply (otherwise every byte moves at the flat memory rate).
    public let memoryClasses: Bool
    /// Bytes per second the decode weight stream reaches (the flat memory rate without the classes).
    public let weightByteRate: Double
    let bandwidth: Double
    let flatByteRate: Double

    /// The rate the linear layers' GEMMs run at: `flopRate`, less for fp8 where the device's fp8 GEMMs
    /// reach a smaller share of their peak (`fp8GEMMRatio`).
    public let linearFLOPRate: Double

    init(_ hardware: HardwareSpec, computeFormat: NumberFormat, flopRate: Double, byteRate: Double) {
        let attention = computeFormat.activationFormat
        if attention != computeFormat, let entry = hardware.device.peakEntry(for: attention) {
            attentionFormat = entry.0
            attentionFLOPRate = max(entry.1.flopsPerSecond * hardware.efficiency.compute, 1)
        } else {
            attentionFormat = computeFormat
            attentionFLOPRate = flopRate
        }
        // The 8-bit floats (their activations are bf16; weight-only formats already compute in bf16).
        let fp8 = computeFormat.activationFormat != computeFormat && !hardware.efficiency.stated.contains("compute")
        linearFLOPRate = fp8 ? max(flopRate * (Self.fp8GEMMRatio[hardware.device.name] ?? 1), 1) : flopRate
        let device = hardware.device
        // The classes rest on measurements of NVIDIA data-centre GPUs: presets of a known architecture only.
        memoryClasses = device.architecture != nil && device.measured == nil && !hardware.efficiency.stated.contains("memory")
        bandwidth = device.memoryBandwidth.bytesPerSecond
        flatByteRate = byteRate
        weightByteRate = memoryClasses ? max(bandwidth * Self.weightStreamEfficiency, 1) : byteRate
    }

    /// The share of memory bandwidth a decode attention call reading `bytes` bytes of KV cache reaches.
    @inline(__always) public static func kvReadEfficiency(bytesPerCall bytes: Double) -> Double {
        kvReadCeiling * bytes / (bytes + kvReadHalfBytes)
    }

    /// Seconds to read `total` bytes of KV cache in calls of `perCall` bytes each.
    @inline(__always) func kvReadSeconds(_ total: Double, perCall: Double) -> Double {
        guard total > 0 else { return 0 }
        guard memoryClasses else { return total / flatByteRate }
        return total / max(bandwidth * Self.kvReadEfficiency(bytesPerCall: perCall), 1)
    }

    /// Seconds of a phase's compute: `total` FLOPs of which `attention` are the attention core's.
    @inline(__always) func computeSeconds(_ total: Double, attention: Double) -> Double {
        guard attentionFLOPRate != linearFLOPRate else { return total / linearFLOPRate }
        return max(total - attention, 0) / linearFLOPRate + attention / attentionFLOPRate
    }
}
