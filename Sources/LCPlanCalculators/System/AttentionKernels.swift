import Foundation
import LCPlanModel

/// What fused attention kernels reach, by family, architecture, head dimension, sequence length and
/// direction, from their published benchmarks (bf16, batch x length = 16k tokens, hidden 2048):
///
/// - FlashAttention-2 on A100 SXM 80GB: the FlashAttention-2 paper (Dao, arXiv 2307.08691) sec. 4.1 and
///   Fig. 4 (also the flash-attention README, `assets/flash2_a100_fwd_bwd_benchmark.png`): forward up to 73%
///   of the 312 TFLOP/s peak; forward and backward together 0.65 of peak at head dim 128 and 16k tokens
///   without a mask, 0.61 causal; 0.56 and 0.55 at head dim 64.
/// - On H100 SXM (989 TFLOP/s bf16), forward without a mask at 16k tokens (FlashAttention-3 paper, Shah et
///   al., arXiv 2407.08608, Fig. 5, cuDNN 9.1.1, FlashAttention 2.5.8): FlashAttention-2 0.33, 0.37, 0.33 of
///   peak at head dim 64, 128, 256; cuDNN 0.42, 0.60, 0.59; FlashAttention-3 0.50, 0.66, 0.76. H200 has
///   H100's SMs and clocks: the same curves (no H200 sweep is published).
///
/// The forward efficiency at length L follows e(L) = e_max L / (L + L_half), L_half 200 tokens without a
/// mask and 500 causal: the saturating form fits the FlashAttention-3 and FlashAttention-2 tables within about
/// 0.05 (FlashAttention-3 at head dim 128, causal: 0.33 against 0.30 measured at 512, 0.64 against 0.62 at
/// 16k). The backward pass recomputes the scores, 2.5 times the forward's FLOPs ("2 matmuls in the forward
/// pass and 5 matmuls in the backward pass", FlashAttention-2 sec. 4.1), at a rate 0.70 times the forward's
/// at 512 tokens rising to about 0.87 at 16k (FlashAttention-3 Fig. 6 against Fig. 5, head dim 128, both
/// families): b(L) = 0.85 - 0.15 x 512 / L (0.70 at 512, 0.81 at 2k, 0.845 at 16k).
///
/// lcplan's compute efficiency (0.5 of peak by default) is what GEMM-dominated work reaches once it runs in
/// a real step; attention reaches a fraction of what GEMMs reach on the same device, which is what carries
/// over: e(L) over the best-shape GEMM efficiency (`torch.matmul` at its best shape, stas00/ml-engineering
/// `compute/accelerator/README.md` at 744d01e: A100 SXM 271.2 of 312, 0.869; H100 SXM 794.5 of 989,
/// 0.803, "H200 is the same"). So attention runs at compute efficiency x e(L) / e_GEMM, at most the compute
/// efficiency itself.
public struct AttentionKernelModel: Sendable, Equatable {
    public let kernel: AttentionKernel
    public let architecture: GPUArchitecture
    /// The forward efficiency's ceiling at the model's head dimension, and the best-shape GEMM efficiency.
    public let forwardCeiling: Double
    public let gemmEfficiency: Double

    /// The measured model for `hardware` running attention of head dimension `headDim`, or nil where none
    /// applies (a CPU, a device not derived from a GPU preset, unfused attention).
    public init?(_ hardware: HardwareSpec, headDim: Int, fused: Bool) {
        guard fused, let architecture = hardware.device.architecture else { return nil }
        let kernel: AttentionKernel
        switch hardware.attentionKernel {
        case .auto: kernel = architecture == .hopper ? .fa3 : .fa2
        case .fa3 where architecture != .hopper: return nil
        default: kernel = hardware.attentionKernel
        }
        self.kernel = kernel
        self.architecture = architecture
        forwardCeiling = Self.ceiling(kernel, architecture, headDim: headDim)
        gemmEfficiency = architecture == .hopper ? 794.5 / 989 : 271.2 / 312
    }

    /// Forward efficiency at head dims 64, 128 and 256 (16k tokens, no mask; see the type's comment). On
    /// A100 the paper gives forward and backward together (0.56, 0.65); the forward ceiling is its 73%
    /// "up to" at head dim 128, scaled by 0.56 / 0.65 at 64, and taken as at 128 for 256 (no A100 figure).
    static func ceilings(_ kernel: AttentionKernel, _ architecture: GPUArchitecture) -> (Double, Double, Double) {
        switch (architecture, kernel) {
        case (.ampere, _): return (0.73 * 0.56 / 0.65, 0.73, 0.73)
        case (.hopper, .fa2): return (324.0 / 989, 370.0 / 989, 326.0 / 989)
        case (.hopper, .cudnn): return (413.0 / 989, 595.0 / 989, 581.0 / 989)
        case (.hopper, _): return (497.0 / 989, 648.0 / 989, 756.0 / 989)
        }
    }

    /// The ceiling at `headDim`: interpolated in log2 of the head dimension between 64, 128 and 256, held
    /// beyond them.
    static func ceiling(_ kernel: AttentionKernel, _ architecture: GPUArchitecture, headDim: Int) -> Double {
        let (at64, at128, at256) = ceilings(kernel, architecture)
        let x = log2(Double(min(max(headDim, 64), 256)))
        return x <= 7 ? at64 + (at128 - at64) * (x - 6) : at128 + (at256 - at128) * (x - 7)
    }

    /// Forward efficiency (of peak) at `length` tokens per sequence on the device.
    public func forward(length: Double, causal: Bool) -> Double {
        let l = max(length, 1)
        return forwardCeiling * l / (l + (causal ? 500 : 200))
    }

    /// Backward efficiency (of peak): the forward's times b(L).
    public func backward(length: Double, causal: Bool) -> Double {
        forward(length: length, causal: causal) * (0.85 - 0.15 * 512 / max(length, 512))
    }

    /// The share of the compute efficiency attention reaches: kernel efficiency over the best GEMM's, at
    /// most 1.
    @inline(__always) public func relative(_ efficiency: Double) -> Double { min(efficiency / gemmEfficiency, 1) }
}
