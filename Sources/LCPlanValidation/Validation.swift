import Foundation
import LCPlanCalculators
import LCPlanKernels
import LCPlanModel
import LCPlanPrecision

/// One validation check: what the plan predicted, what the kernels measured, the tolerance, the outcome.
public struct ValidationCheck: Sendable {
    public enum Status: String, Sendable, CaseIterable { case pass, fail, info }

    /// A stable id (`flops_attention`, `kv_bytes_per_block`).
    public let id: String
    public let title: String
    public let predicted: Double
    public let measured: Double
    /// `exact`: predicted == measured; `at_most`: measured <= tolerance; `info`: reported only.
    public let comparison: String
    public let tolerance: Double
    public let status: Status
    public let note: String
}

/// The problem the plan is scaled down to, kept in what each check needs (head dim, GQA ratio, masks, RoPE
/// base and formats, KV format and block, context-parallel degree and split), stated in the report.
public struct ScaledProblem: Sendable {
    public let shape: AttentionShape
    public let contextParallel: Int
    public let split: ShardedAttention.Split
    public let description: String

    /// Sequence at most 2,048 tokens (a multiple of 32 x cp); at most 8 query heads with the model's GQA
    /// ratio (the ratio capped at 8); the head dimension kept; one attention layer; a sliding window scaled by
    /// the same factor as the sequence (at least 16 tokens); cp at most 8.
    public init(_ analysis: Analysis) {
        let model = analysis.spec.model
        let group = max(1, model.heads / max(model.kvHeads, 1))
        let kv = group >= 8 ? 1 : max(1, min(model.kvHeads, 8 / group))
        let heads = kv * min(group, 8)
        let cp = min(max(analysis.layout.cp, 1), 8)
        let unit = 32 * cp
        let context = analysis.spec.workload.context
        let length = max(unit, min(2048, context) / unit * unit)
        var window: Int? = nil
        if let w = model.attention.window, w < context {
            window = max(16, Int((Double(w) * Double(length) / Double(context)).rounded()))
        }
        // Head dimensions past 512 (no published model has one) are scaled down to 512, and say so.
        let headDim = min(max(model.headDim, 1), 512)
        shape = AttentionShape(heads: heads, kvHeads: kv, headDim: headDim, length: length, window: window)
        guard model.heads > 0 && model.headDim > 0 else {
            contextParallel = 1
            split = .loadBalanced
            description = "no attention layers: the state-space layers' cache and formats only"
            return
        }
        contextParallel = cp
        switch analysis.layout.cpKind {
        case .ulysses: split = heads % cp == 0 ? .heads : .loadBalanced
        default: split = .loadBalanced
        }
        description =
            "\(heads) query heads / \(kv) KV heads (GQA ratio \(heads / kv)), head_dim \(shape.headDim)"
            + (headDim < model.headDim ? " (scaled from \(model.headDim))" : "") + ", \(length) tokens"
            + (window.map { ", window \($0) (scaled from \(model.attention.window ?? 0))" } ?? "") + ", one attention layer"
            + (cp > 1 ? ", cp \(cp) (\(split == .heads ? "heads split" : "2cp load-balanced chunks"))" : "")
    }
}

/// A formula broken on purpose, so a test can show validation catches it: a value passed in, never global
/// state (internal: not a flag users see).
struct InjectedFault: Sendable {
    /// Added to the calculator's count of attended pairs.
    var pairCountError = 0
    static let none = InjectedFault()
}

/// Runs the reference kernels on the scaled-down problem and compares what they count, allocate and compute
/// with what the plan's calculators predict.
public enum Validation {
    /// The attended (query, key) pairs of one head over a causal sequence of `length` tokens, keys limited to
    /// the last `window` (the calculator's exact count; its FLOP convention halves the square instead).
    public static func exactPairs(length: Int, window: Int?) -> Int {
        guard let w = window, w < length else { return length * (length + 1) / 2 }
        // Queries 0..<w see q + 1 keys; the rest see w.
        return w * (w + 1) / 2 + (length - w) * w
    }

    /// `local` is this machine's device preset (the calibrated one when `lcplan calibrate` wrote it; the
    /// built-in one otherwise).
    public static func run(
        _ analysis: Analysis, threads: Int = 2, local: DeviceSpec? = nil, progress: ((String) -> Void)? = nil
    ) -> (ScaledProblem, [ValidationCheck]) {
        run(analysis, threads: threads, local: local, progress: progress, fault: .none)
    }

    static func run(
        _ analysis: Analysis, threads: Int, local: DeviceSpec?, progress: ((String) -> Void)?, fault: InjectedFault
    ) -> (ScaledProblem, [ValidationCheck]) {
        let problem = ScaledProblem(analysis)
        var checks: [ValidationCheck] = []
        let shape = problem.shape
        // A model without attention layers (Mamba) has no attention to check: its KV layout (the recurrent
        // state) and formats only.
        guard analysis.spec.model.heads > 0 && analysis.spec.model.headDim > 0 else {
            if let kv = analysis.kvLayout { checks += kvChecks(analysis, kv) }
            return (problem, checks)
        }
        let inputs = AttentionInputs(shape, seed: 20261129)
        progress?("reference attention (fp64)")
        let reference = ReferenceAttention.run(inputs)
        progress?("tiled attention (fp32)")
        let started = DispatchTime.now().uptimeNanoseconds
        let tiled = TiledAttention.run(inputs, threads: threads)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        // FLOPs: pairs executed against the calculator's exact count, and against its convention.
        let predictedPairs = (exactPairs(length: shape.length, window: shape.window) + fault.pairCountError) * shape.heads
        checks.append(
            ValidationCheck(
                id: "flops_attention", title: "attention multiply-adds (QK^T and PV)",
                predicted: Double(predictedPairs * 2 * shape.headDim),
                measured: Double(tiled.multiplyAdds * shape.headDim), comparison: "exact", tolerance: 0,
                status: predictedPairs == tiled.pairs ? .pass : .fail,
                note:
                    "pairs x head_dim x 2; the causal FLOP convention (Megatron-LM) counts L^2/2 pairs, \(UnitFormat.fixed(100 / Double(shape.length), decimals: 3))% fewer than a kernel executes at this length"
            ))
        checks.append(
            ValidationCheck(
                id: "flops_reference", title: "reference kernel pairs", predicted: Double(predictedPairs),
                measured: Double(reference.pairs),
                comparison: "exact", tolerance: 0, status: predictedPairs == reference.pairs ? .pass : .fail,
                note: "the plain O(L^2) kernel visits the same pairs"))
        // Numerical error of the tiled kernel: a priori bound 2 (L + d^1.5 + 10) u, u = 2^-24, relative to max|V| = 1
        // (dot products of length d with |q_i k_i| <= d^-1/2 summing to at most sqrt(d), a softmax-weighted
        // average of at most L values).
        let unit = Double(Float.ulpOfOne) / 2
        let bound = 2 * (Double(shape.length) + Foundation.pow(Double(shape.headDim), 1.5) + 10) * unit
        let error = LogSumExpMerge.relativeError(tiled.output, reference.output)
        checks.append(
            ValidationCheck(
                id: "attention_error_tiled", title: "tiled fp32 attention against fp64", predicted: bound, measured: error,
                comparison: "at_most", tolerance: bound, status: error <= bound ? .pass : .fail,
                note: "bound 2 (L + d^1.5 + 10) 2^-24 relative to max |V|"))
        // Context parallelism: the plan's split, partial results merged by log-sum-exp.
        if problem.contextParallel > 1 {
            progress?("context-parallel attention (cp \(problem.contextParallel))")
            let sharded = ShardedAttention.run(inputs, ranks: problem.contextParallel, split: problem.split, threads: threads)
            let shardedError = LogSumExpMerge.relativeError(sharded.merged.output, reference.output)
            checks.append(
                ValidationCheck(
                    id: "cp_error", title: "context-parallel attention merged by log-sum-exp", predicted: bound, measured: shardedError,
                    comparison: "at_most", tolerance: bound, status: shardedError <= bound ? .pass : .fail,
                    note: "against the unsharded fp64 reference"))
            let perRank = Double(predictedPairs) / Double(problem.contextParallel)
            let most = Double(sharded.rankPairs.max() ?? 0)
            let balanced = shape.window == nil
            checks.append(
                ValidationCheck(
                    id: "cp_rank_pairs", title: "pairs on the busiest context-parallel rank", predicted: perRank, measured: most,
                    comparison: balanced ? "exact" : "info", tolerance: 0,
                    status: balanced ? (most == perRank ? .pass : .fail) : .info,
                    note: balanced
                        ? "the planner costs each rank total / cp; the 2cp load-balanced chunks give exactly that"
                        : "a sliding window leaves the load-balanced chunks uneven: imbalance \(UnitFormat.fixed(most / perRank, decimals: 3))"
                ))
        }
        // RoPE: positions and phases in the spec's formats against MPFR.
        if let rope = analysis.rope.first {
            progress?("RoPE phases")
            let formats = analysis.spec.conventions
            if let position = KernelFormat(formats.ropePositionDtype), let phase = KernelFormat(formats.ropePhaseDtype) {
                let outcome = RoPEEmulation.run(
                    base: rope.effectiveBase.doubleValue, rotaryDim: rope.rotaryDim, position: max(rope.context - 1, 1),
                    positionFormat: position,
                    phaseFormat: phase)
                let predicted = rope.exactPositionLimit.intValue ?? Int.max
                let measured = outcome.largestDistinctPosition
                let scanned = min(max(rope.context - 1, 1), 1 << 25)
                let agrees = measured == min(predicted, scanned)
                checks.append(
                    ValidationCheck(
                        id: "rope_positions", title: "largest position every earlier one stays distinct",
                        predicted: Double(min(predicted, scanned)),
                        measured: Double(measured), comparison: "exact", tolerance: 0, status: agrees ? .pass : .fail,
                        note: "positions in \(formats.ropePositionDtype.rawValue), scanned to \(UnitFormat.grouped(ExactInt(scanned)))"))
                checks.append(
                    ValidationCheck(
                        id: "rope_phase_error", title: "largest phase error at the last position (radians)",
                        predicted: outcome.phaseErrorBound,
                        measured: outcome.maxPhaseError, comparison: "at_most", tolerance: outcome.phaseErrorBound,
                        status: outcome.maxPhaseError <= outcome.phaseErrorBound ? .pass : .fail,
                        note:
                            "phases in \(formats.ropePhaseDtype.rawValue); fastest pair \(outcome.fastestPhaseError), slowest \(outcome.slowestPhaseError)"
                    ))
            }
        }
        // Variable-length packing: each policy's placement run through the kernel with document masks.
        if let documents = analysis.spec.workload.training?.documents {
            progress?("variable-length packing")
            checks += varlenChecks(documents, context: analysis.spec.workload.context, threads: threads)
        }
        // KV layout: the allocator's bytes against the layout's, and the format's round trip.
        if let kv = analysis.kvLayout {
            progress?("KV layout")
            checks += kvChecks(analysis, kv)
        }
        // Time on the local CPU: the measured tiled kernel against the roofline for this machine.
        let flops = Double(tiled.multiplyAdds * shape.headDim * 2)
        if let local = local ?? DeviceCatalogue.named("local"), let peak = local.peakEntry(for: .fp32)?.1.flopsPerSecond {
            let predicted = flops / (peak * analysis.spec.hardware.efficiency.compute)
            checks.append(
                ValidationCheck(
                    id: "time_local", title: "tiled kernel time on this CPU (s)", predicted: predicted, measured: seconds,
                    comparison: "info",
                    tolerance: 0, status: .info,
                    note:
                        "\(UnitFormat.fixed(flops / seconds / 1e9, decimals: 1)) GFLOP/s measured on \(threads) threads; measured / predicted \(UnitFormat.fixed(seconds / predicted, decimals: 2)) (local: \(local.source.hasPrefix("user preset") ? "as lcplan calibrate measured it" : "stated, not measured: run lcplan calibrate"))"
                ))
        }
        return (problem, checks)
    }

    /// The packing policies on a scaled step (4 ranks x 2 sequences of 2,048 tokens, the spec's documents drawn
    /// and scaled by 2,048 / context, at least 16 tokens): each rank's documents laid in one sequence with
    /// document masks and run through the tiled kernel. The kernel executes sum l(l + 1)/2 pairs, the planner
    /// counts sum l^2/2 (DistCA's measure): executed less the diagonal (sum l/2) must equal the prediction, per
    /// rank, exactly, and so must the imbalance.
    static func varlenChecks(_ documents: DocumentSpec, context: Int, threads: Int) -> [ValidationCheck] {
        let ranks = 4, perRank = 2, bin = 2048
        let scale = Double(bin) / Double(max(context, 1))
        let drawn = VarlenProfile.draw(documents, tokens: ranks * perRank * context)
        var lengths: [Int] = []
        var total = 0
        for length in drawn where total < ranks * perRank * bin {
            let scaled = min(max(16, Int((Double(length) * scale / 16).rounded()) * 16), ranks * perRank * bin - total)
            lengths.append(scaled)
            total += scaled
        }
        var checks: [ValidationCheck] = []
        for policy in [PackingPolicy.naive, .balanced, .chunked] {
            let placed = VarlenProfile.placement(policy, lengths: lengths, ranks: ranks, capacity: perRank * bin, bin: bin)
            var predicted: [Int] = [], measured: [Int] = []
            for pieces in placed {
                predicted.append(pieces.reduce(0) { $0 + VarlenProfile.pairs($1) })
                var shape = AttentionShape(heads: 1, kvHeads: 1, headDim: 8, length: max(pieces.reduce(0, +), 1))
                var start = 0
                for piece in pieces.dropLast() {
                    start += piece
                    shape.documentStarts.append(start)
                }
                let executed = pieces.isEmpty ? 0 : TiledAttention.run(AttentionInputs(shape, seed: 9), threads: threads).pairs
                measured.append(executed - pieces.reduce(0) { $0 + $1 / 2 })
            }
            func imbalance(_ values: [Int]) -> Double {
                let mean = Double(values.reduce(0, +)) / Double(max(values.count, 1))
                return mean > 0 ? Double(values.max() ?? 0) / mean : 1
            }
            let same = predicted == measured
            checks.append(
                ValidationCheck(
                    id: "varlen_\(policy.rawValue)", title: "\(policy.rawValue) packing: imbalance of the ranks' attention",
                    predicted: imbalance(predicted), measured: imbalance(measured), comparison: "exact", tolerance: 0,
                    status: same ? .pass : .fail,
                    note:
                        "per-rank pairs \(same ? "equal" : "differ"): predicted \(predicted), measured \(measured) (executed less the diagonal); \(lengths.count) documents scaled to 2,048-token sequences"
                ))
        }
        return checks
    }

    /// The spec's product-quantization sub-vectors, scaled to the sample's `width` (of a head vector of
    /// `vector` elements) so each part keeps its length: the largest divisor of `width` not above
    /// subvectors x width / vector, at least 1. The kernel runs unchecked arithmetic: a count above the
    /// sample's width (parts of no element) or not dividing it never reaches it.
    static func sampledSubvectors(_ subvectors: Int, vector: Int, width: Int) -> Int {
        guard width > 0 else { return 1 }
        let share = Double(max(subvectors, 1)) * Double(width) / Double(max(vector, width))
        let scaled = Int(min(max(share.rounded(.down), 1), Double(width)))
        return (1...scaled).last { width % $0 == 0 } ?? 1
    }

    static func kvChecks(_ analysis: Analysis, _ kv: KVLayoutProfile) -> [ValidationCheck] {
        var checks: [ValidationCheck] = []
        let model = analysis.spec.model
        let cache = kv.cache
        let tp = analysis.layout.tp
        let size = KVCacheSize(model, cache: cache)
        if cache.scheme == .uniform {
            let allocator = PagedKVAllocator(
                blockTokens: cache.blockTokens, vectors: size.vectorsPerToken(tp: tp), width: size.vectorLength, bits: cache.dtype.bits,
                group: size.group, metadataBits: cache.scale.bits * (cache.hasZeroPoint ? 2 : 1))
            let perBlock = kv.bytesPerBlockPerLayer.intValue ?? -1
            checks.append(
                ValidationCheck(
                    id: "kv_bytes_per_block", title: "bytes of one paged block of one layer", predicted: Double(perBlock),
                    measured: Double(allocator.blockBytes), comparison: "exact", tolerance: 0,
                    status: perBlock == allocator.blockBytes ? .pass : .fail,
                    note: "\(cache.blockTokens) tokens; codes and per-group metadata laid out by the allocator"))
            let perToken = kv.bitsPerTokenPerLayer.intValue ?? -1
            checks.append(
                ValidationCheck(
                    id: "kv_bits_per_token", title: "bits one token adds to one layer", predicted: Double(perToken),
                    measured: Double(allocator.bitsPerToken), comparison: "exact", tolerance: 0,
                    status: perToken == allocator.bitsPerToken ? .pass : .fail, note: "metadata included"))
        }
        // Round trip of the format on data shaped like one layer's keys (the tiled problem's K).
        let tokens = 256, width = min(size.vectorLength, 512)
        let sample = AttentionInputs(AttentionShape(heads: 1, kvHeads: 1, headDim: width, length: tokens), seed: 7).k
        var scheme: KVQuantization.Scheme? = nil
        switch cache.scheme {
        case .uniform:
            if cache.isInteger {
                scheme = .integer(bits: cache.dtype.bits, group: size.group ?? width, zeroPoint: cache.hasZeroPoint)
            } else if let format = KernelFormat(cache.dtype), format == .fp8e4m3 || format == .fp8e5m2 {
                scheme = .float8(format)
            }
        case .kivi: scheme = .kivi(bits: cache.dtype.bits, group: size.group ?? 32, residual: cache.residualTokens)
        case .pq:
            let parts = sampledSubvectors(cache.subvectors ?? 1, vector: size.vectorLength, width: width)
            scheme = .productQuantization(subvectors: parts, codeBits: min(max(cache.codeBits ?? 8, 1), 8))
        }
        if let scheme {
            let outcome = KVQuantization.roundTrip(sample, tokens: tokens, width: width, scheme: scheme)
            if case .productQuantization = scheme {
                checks.append(
                    ValidationCheck(
                        id: "kv_quantization_error", title: "product-quantization round trip (relative RMS error)", predicted: 1,
                        measured: outcome.relativeRMS, comparison: "at_most", tolerance: 1, status: outcome.relativeRMS < 1 ? .pass : .fail,
                        note: "k-means codebooks trained on the sample; must beat a one-centroid codebook"))
            } else {
                checks.append(
                    ValidationCheck(
                        id: "kv_quantization_error", title: "\(cache.dtype.rawValue) round trip: largest error", predicted: outcome.bound,
                        measured: outcome.maxError, comparison: "at_most", tolerance: outcome.bound,
                        status: outcome.maxError <= outcome.bound ? .pass : .fail,
                        note:
                            "bound: half a quantization step plus the fp16 rounding of scale and zero point (8-bit floats: half an ulp); relative RMS \(UnitFormat.fixed(outcome.relativeRMS * 100, decimals: 2))%"
                    ))
            }
        }
        return checks
    }
}

extension KernelFormat {
    /// The kernel format of a spec's number format, when the kernels emulate it.
    init?(_ format: NumberFormat) {
        switch format {
        case .fp32, .tf32: self = .fp32
        case .fp16: self = .fp16
        case .bf16: self = .bf16
        case .fp8, .fp8e4m3: self = .fp8e4m3
        case .fp8e5m2: self = .fp8e5m2
        default: return nil
        }
    }
}
