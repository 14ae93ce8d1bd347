import LCPlanModel
import Testing

@testable import LCPlanCalculators

/// A published training measurement the time model is checked against, kept as data with its source.
struct TimeReference: CustomTestStringConvertible, Sendable {
    let name: String
    let source: String
    /// The run as an lcplan spec (GPT architecture: plain 4h MLP, learned positions, LayerNorm, biases off,
    /// vocabulary 51,200, sequence 2,048; fp16/bf16 on A100 80GB, 8 per node, InfiniBand HDR 200 Gb/s per GPU).
    let spec: String
    /// Seconds per iteration, or achieved hardware TFLOP/s per GPU when `seconds` is nil.
    let seconds: Double?
    let teraFLOPsPerGPU: Double?
    /// Model FLOPs utilization (of the dense bf16 peak), when the source reports it.
    var modelFLOPsUtilization: Double? = nil
    /// Relative tolerance, and why.
    let tolerance: Double
    let why: String

    var testDescription: String { name }

    static func gpt(
        name: String, layers: Int, hidden: Int, heads: Int, devices: Int, batch: Int, tp: Int, pp: Int,
        recompute: String, sequenceParallel: Bool
    ) -> String {
        """
        version: 1
        model: {name: \(name), layers: \(layers), hidden: \(hidden), heads: \(heads), ffn: \(4 * hidden), ffn_kind: plain, \
        vocab: 51200, max_context: 2048, norm: layernorm, positions: learned}
        hardware: {device: a100-80gb, count: \(devices), per_node: 8, inter_node: 200Gb/s}
        workload: {mode: training, context: 2048, global_batch: \(batch), micro_batch: 1, dtype: bf16, recompute: \(recompute)}
        plan: {tp: \(tp), pp: \(pp), dp: \(devices / (tp * pp)), sequence_parallel: \(sequenceParallel)}
        conventions: {attention_flops: full, dropout: true, fused_attention: false}
        """
    }

    /// Why absolute figures carry 30%: lcplan's default compute efficiency (0.5 of dense peak, what measured
    /// prefill kernels reach against formulas at peak, hardware.md) is not fitted to any run, and these
    /// Megatron-LM runs on A100s reached 43-52% of peak after bubble and communication, so their kernels ran
    /// above it; lcplan is expected to be slower than measured by up to about a quarter, never faster by much.
    static let absoluteWhy =
        "default efficiency 0.5 of peak is the measured kernels' half, not fitted; these runs' kernels ran above it"

    /// Llama 3 405B on H100 SXM (arXiv 2407.21783 Table 4): tp 8 and pp 16 with the first and last stages
    /// one layer short, 16M tokens per batch, BF16 MFU as published; the rest of the layout (virtual stages,
    /// recompute, ZeRO) is the search's, as the paper does not state it.
    static func llama3(devices: Int, context: Int, cp: Int, dp: Int) -> String {
        """
        version: 1
        model: llama-3.1-405b
        hardware: {device: h100-sxm, count: \(devices), per_node: 8}
        workload: {mode: training, context: \(context), global_batch: \((1 << 24) / context), dtype: bf16}
        plan: {tp: 8, pp: 16, cp: \(cp), dp: \(dp)}
        """
    }

    static let llama3Why =
        "default efficiency 0.5 of peak is the measured kernels' half, not fitted; interleaving and recompute are searched"

    static let all: [TimeReference] = [
        TimeReference(
            name: "Llama 3 405B, 8,192 H100, 8K, tp 8 pp 16 dp 64",
            source: "Dubey et al. 2024 (arXiv 2407.21783) Table 4: 430 TFLOP/s per GPU, 43% BF16 MFU",
            spec: llama3(devices: 8192, context: 8192, cp: 1, dp: 64), seconds: nil, teraFLOPsPerGPU: nil,
            modelFLOPsUtilization: 0.43, tolerance: 0.30, why: llama3Why),
        TimeReference(
            name: "Llama 3 405B, 16,384 H100, 8K, tp 8 pp 16 dp 128",
            source: "Dubey et al. 2024 (arXiv 2407.21783) Table 4: 400 TFLOP/s per GPU, 41% BF16 MFU",
            spec: llama3(devices: 16384, context: 8192, cp: 1, dp: 128), seconds: nil, teraFLOPsPerGPU: nil,
            modelFLOPsUtilization: 0.41, tolerance: 0.30, why: llama3Why),
        TimeReference(
            name: "Llama 3 405B, 16,384 H100, 128K, tp 8 cp 16 pp 16 dp 8",
            source: "Dubey et al. 2024 (arXiv 2407.21783) Table 4: 380 TFLOP/s per GPU, 38% BF16 MFU",
            spec: llama3(devices: 16384, context: 131_072, cp: 16, dp: 8), seconds: nil, teraFLOPsPerGPU: nil,
            modelFLOPsUtilization: 0.38, tolerance: 0.30, why: llama3Why),
        TimeReference(
            name: "GPT-3 175B, TP 8, PP 8, 64 A100, full recompute",
            source: "Korthikanti et al. 2022 (arXiv 2205.05198) Tables 3 and 5: 18.13 s per iteration",
            spec: gpt(
                name: "gpt-3-175b", layers: 96, hidden: 12288, heads: 96, devices: 64, batch: 64, tp: 8, pp: 8,
                recompute: "full", sequenceParallel: false),
            seconds: 18.13, teraFLOPsPerGPU: nil, tolerance: 0.30, why: absoluteWhy),
        TimeReference(
            name: "GPT-3 175B, TP 8, PP 8, 64 A100, sequence parallel + selective recompute",
            source: "Korthikanti et al. 2022 (arXiv 2205.05198) Tables 3 and 5: 13.75 s per iteration",
            spec: gpt(
                name: "gpt-3-175b", layers: 96, hidden: 12288, heads: 96, devices: 64, batch: 64, tp: 8, pp: 8,
                recompute: "selective", sequenceParallel: true),
            seconds: 13.75, teraFLOPsPerGPU: nil, tolerance: 0.30, why: absoluteWhy),
        TimeReference(
            name: "GPT 145.6B, TP 8, PP 8, 1536 A100, batch 2304",
            source: "Narayanan et al. 2021 (arXiv 2104.04473) Table 1: 148 TFLOP/s per GPU (47% of peak)",
            spec: gpt(
                name: "gpt-145b", layers: 80, hidden: 12288, heads: 96, devices: 1536, batch: 2304, tp: 8, pp: 8,
                recompute: "full", sequenceParallel: false),
            seconds: nil, teraFLOPsPerGPU: 148, tolerance: 0.30, why: absoluteWhy),
        TimeReference(
            name: "GPT 1T, TP 8, PP 64, 3072 A100, batch 3072",
            source: "Narayanan et al. 2021 (arXiv 2104.04473) Table 1: 163 TFLOP/s per GPU (52% of peak)",
            spec: gpt(
                name: "gpt-1t", layers: 128, hidden: 25600, heads: 160, devices: 3072, batch: 3072, tp: 8, pp: 64,
                recompute: "full", sequenceParallel: false),
            seconds: nil, teraFLOPsPerGPU: 163, tolerance: 0.30, why: absoluteWhy),
    ]
}

/// The time model against published training measurements (TTFT, TPOT, step time and MFU are what the
/// planner ranks by).
struct TimeModelReferenceTests {
    @Test(arguments: TimeReference.all)
    func matchesPublishedRun(reference: TimeReference) throws {
        let spec = try #require(resolve(reference.spec), "\(reference.name) does not load")
        let analysis = Analysis(spec)
        let step = try #require(analysis.time.step)
        if let seconds = reference.seconds {
            let error = abs(step.seconds - seconds) / seconds
            #expect(error <= reference.tolerance, "\(reference.name): \(step.seconds) s vs \(seconds) s (\(reference.source))")
        }
        if let tera = reference.teraFLOPsPerGPU {
            // Hardware FLOP/s per GPU, as Narayanan count it (with the recompute's extra forward).
            let achieved = (analysis.time.hfu ?? 0) * analysis.time.peak / 1e12
            let error = abs(achieved - tera) / tera
            #expect(error <= reference.tolerance, "\(reference.name): \(achieved) vs \(tera) TFLOP/s (\(reference.source))")
        }
        if let published = reference.modelFLOPsUtilization {
            let mfu = try #require(analysis.time.mfu)
            let error = abs(mfu - published) / published
            #expect(error <= reference.tolerance, "\(reference.name): MFU \(mfu) vs \(published) (\(reference.source))")
        }
    }

    /// Llama 3 405B at 128K on 16,384 H100 (arXiv 2407.21783 Table 4: tp 8, cp 16, pp 16, dp 8): with
    /// attention priced by its kernel and every ring send paying its latency behind its own block, the search
    /// keeps tensor parallelism inside a node at 8 and context parallelism within 8-32, not the hundreds of
    /// ranks of 512-token blocks a flat efficiency with hidden ring traffic favoured.
    @Test func llama3SearchAt128K() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-405b
                hardware: {device: h100-sxm, count: 16384, per_node: 8}
                workload: {mode: training, context: 131072, global_batch: 128, dtype: bf16}
                """))
        let chosen = try #require(Analysis(spec).search.chosen?.layout)
        #expect(chosen.tp == 8 && (8...32).contains(chosen.cp), "\(chosen.trainingSummary)")
    }

    /// Korthikanti 2022 Table 5: sequence parallelism with selective recompute is 18.13/13.75 = 1.32x
    /// faster than full recompute for GPT-3 175B. The ratio does not depend on the efficiency assumed, so it
    /// is held to 5%.
    @Test func selectiveRecomputeSpeedUp() throws {
        let full = try #require(
            TimeReference.all.first { $0.name.hasPrefix("GPT-3 175B") && $0.name.hasSuffix("full recompute") }.flatMap { resolve($0.spec) })
        let selective = try #require(TimeReference.all.first { $0.name.hasSuffix("selective recompute") }.flatMap { resolve($0.spec) })
        let ratio = try #require(Analysis(full).time.step?.seconds) / (try #require(Analysis(selective).time.step?.seconds))
        #expect(abs(ratio - 18.13 / 13.75) / (18.13 / 13.75) < 0.05, "\(ratio)")
    }
}
