import Foundation
import LCPlanCalculators
import LCPlanKernels
import LCPlanModel
import LCPlanPrecision

// Layout evaluations per second on one core: `LayoutEvaluator.evaluate` over a set of legal layouts of a
// 405B training job and of a 70B serving job, several runs, median and best. Run it with `make bench`
// (release build); `swift run -c release lcplan-bench [runs] [evaluations]`.

// `lcplan-bench attention [L ...]` and `lcplan-bench peak` print only those figures, one line each, for
// scripts/attention-vs-torch.py, which runs them beside PyTorch and numpy.
let mode = CommandLine.arguments.dropFirst().first
let cores = ProcessInfo.processInfo.activeProcessorCount

/// Median seconds of lcplan's fastest causal attention kernel at `length` (fp32, d = 128, 8 heads, every core;
/// the AVX-512 kernel's own fp32 output, nothing converted), and its pairs: causal and computed.
func attentionRun(length: Int, runs: Int) -> (seconds: Double, causal: Int, computed: Int, kernel: String) {
    let inputs = AttentionInputs(AttentionShape(heads: 8, kvHeads: 8, headDim: 128, length: length), seed: 3)
    var causal = 0, computed = 0, kernel = "tiled"
    let seconds = Calibration.median(runs: runs) {
        if let r = FastAttention.wide(inputs, threads: cores) {
            (causal, computed, kernel) = (r.causalPairs, r.computedPairs, "avx512")
        } else {
            let r = TiledAttention.run(inputs, threads: cores)
            (causal, computed) = (r.pairs, r.pairs)
        }
    }
    return (seconds, causal, computed, kernel)
}

if mode == "attention" {
    let lengths = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }
    print("length seconds causal_gflops full_gflops computed_pairs causal_pairs threads kernel")
    for length in lengths.isEmpty ? [1024, 2048, 4096, 8192, 16384] : lengths {
        let r = attentionRun(length: length, runs: 3)
        let causal = 4.0 * 128 * Double(r.causal), full = 4.0 * 128 * 8 * Double(length) * Double(length)
        print(
            "\(length) \(String(format: "%.6f %.2f %.2f", r.seconds, causal / r.seconds / 1e9, full / r.seconds / 1e9)) "
                + "\(r.computed) \(r.causal) \(cores) \(r.kernel)")
    }
    exit(0)
}
if mode == "peak" {
    print(String(format: "fma_peak_gflops %.1f threads %d", Calibration.fmaPeak(threads: cores, runs: 5) / 1e9, cores))
    exit(0)
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let runs = arguments.first ?? 11
let evaluations = arguments.dropFirst().first ?? 2_000_000

/// The spec at `path` with `plan:` replaced by nothing (the layouts below are evaluated directly).
func spec(_ text: String) -> Spec {
    let result = SpecLoader.load(text: text, file: "bench.yaml")
    guard let spec = result.spec else {
        FileHandle.standardError.write(Data("bench spec does not load: \(result.diagnostics.map(\.message))\n".utf8))
        exit(2)
    }
    return spec
}

let training = spec(
    """
    version: 1
    model: llama-3.1-405b
    hardware: {device: h100-sxm, count: 16384, per_node: 8, inter_node: 400Gb/s}
    workload: {mode: training, context: 128k, global_batch: 2048, micro_batch: 1, dtype: bf16, zero: 1, recompute: full}
    """)
let serving = spec(
    """
    version: 1
    model: llama-3.1-70b
    hardware: {device: h200, count: 8, per_node: 8}
    workload: {mode: inference, context: 128k, batch: 4, output_tokens: 1024, kv_cache: {dtype: fp8}}
    """)

/// Legal layouts of a job: degrees that divide what they split and multiply to the device count.
func layouts(for spec: Spec) -> [Layout] {
    let rules = LayoutRules(spec)
    var found: [Layout] = []
    let devices = spec.hardware.count
    for tp in [1, 2, 4, 8] {
        for pp in [1, 2, 4, 8, 16] {
            for cp in [1, 2, 4, 8, 16] where devices % (tp * pp * cp) == 0 {
                for recompute in Recompute.allCases {
                    let layout = Layout(
                        tp: tp, pp: pp, dp: devices / (tp * pp * cp), cp: cp, sequenceParallel: tp > 1,
                        zero: 1, recompute: recompute, microBatch: 1)
                    if rules.isLegal(layout) { found.append(layout) }
                }
            }
        }
    }
    return found
}

func measure(_ name: String, _ spec: Spec) {
    let profile = ModelProfile(spec, analyseRoPE: false)
    let evaluator = LayoutEvaluator(profile: profile, system: System(spec.hardware, computeFormat: .bf16))
    let candidates = layouts(for: spec)
    var rates: [Double] = []
    var sink = 0.0
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        var index = 0
        for _ in 0..<evaluations {
            let result = evaluator.evaluate(candidates[index])
            sink += result.memory.total + result.time.tokensPerSecond
            index = index + 1 == candidates.count ? 0 : index + 1
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        rates.append(Double(evaluations) / seconds)
    }
    rates.sort()
    let median = rates[rates.count / 2]
    print(
        name.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: "%12.0f %12.0f %8.3f", median, rates.last ?? 0, 1e6 / median)
            + "   (\(candidates.count) layouts, checksum \(sink.isFinite ? "ok" : "bad"))")
}

print("evaluations per second, one core".padding(toLength: 44, withPad: " ", startingAt: 0) + "      median         best   us/eval")
measure("llama-3.1-405b training, 16384 x H100, 128k", training)
measure("llama-3.1-70b serving, 8 x H200, 128k", serving)

// The full layout search (`Planner.search`) of a 405B training job at 128K on 16,384 H100 with every layout
// key open (issue 10 target: under 0.2 s), and of a 70B serving job: median and best wall time of `runs`
// searches, and candidates costed per second at the median.
let openTraining = spec(
    """
    version: 1
    model: llama-3.1-405b
    hardware: {device: h100-sxm, count: 16384, per_node: 8, inter_node: 400Gb/s}
    workload: {mode: training, context: 128k, global_batch: 2048, dtype: bf16}
    """)

func measureSearch(_ name: String, _ spec: Spec) {
    let profile = ModelProfile(spec, analyseRoPE: false)
    let planner = Planner(profile: profile, system: System(spec.hardware, computeFormat: spec.workload.dtype.computeFormat))
    var times: [Double] = []
    var candidates = 0
    var chosen = ""
    for _ in 0..<max(runs / 2, 3) {
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = planner.search()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        candidates = outcome.candidatesEvaluated
        chosen = outcome.chosen.map { $0.layout.trainingSummary } ?? "none"
    }
    times.sort()
    let median = times[times.count / 2]
    print(
        name.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: "%10.3f %10.3f %12.0f", median, times.first ?? 0, Double(candidates) / median)
            + "   (\(candidates) candidates; chose \(chosen))")
}

print()
print("full layout search".padding(toLength: 44, withPad: " ", startingAt: 0) + "  median_s     best_s  candidates/s")
measureSearch("llama-3.1-405b training, 16384 x H100, 128k", openTraining)
measureSearch("llama-3.1-70b serving, 8 x H200, 128k", serving)

// A 200-point context sweep (`lcplan sweep --context 4k..1M --step`), issue 13 target: well under a second.
// Each point loads the spec with the context written, costs the spec's layout (no search), and computes its
// max context, KV capacity and RoPE zone. Median and best wall time of `runs` sweeps.
let sweepText = """
    version: 1
    model: llama-3.1-8b
    hardware: {device: h200, count: 1}
    workload: {mode: inference, context: 128k, batch: 1}
    """
let sweepBase = Analysis(spec(sweepText))
let sweepValues = Sweep.values(from: 4096, to: 4096 + 199 * 5248, factor: nil, step: 5248)
var sweepTimes: [Double] = []
for _ in 0..<max(runs / 2, 3) {
    let start = DispatchTime.now().uptimeNanoseconds
    let sweep = Sweep(
        base: sweepBase, text: sweepText, file: "bench.yaml", baseDirectory: ".", library: PresetLibrary(), key: "workload.context",
        values: sweepValues)
    precondition(sweep.points.count == 200)
    sweepTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
sweepTimes.sort()
print()
print("sweep".padding(toLength: 44, withPad: " ", startingAt: 0) + "  median_s     best_s   points")
print(
    "llama-3.1-8b, 1 x H200, context 4k..1M".padding(toLength: 44, withPad: " ", startingAt: 0)
        + String(format: "%10.3f %10.3f %8d", sweepTimes[sweepTimes.count / 2], sweepTimes.first ?? 0, sweepValues.count))

// The Men-window scan of `lcplan rope` (r = 128, base 1e4, its default budget of 2^32 cosines): the smallest
// base at which the Men criterion holds over the context, against Men et al.'s table (arXiv 2405.14591).
// Median and best wall time of 3 scans, all cores.
print()
print("Men window scan, r 128".padding(toLength: 44, withPad: " ", startingAt: 0) + "  median_s     best_s   base found   paper")
for (context, paper) in [(4096, "2.7e4"), (32_768, "6.4e5"), (131_072, "7.8e6")] {
    let wp = WorkingPrecision(bits: 256)
    var times: [Double] = []
    var found = "none"
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        let rec = RoPERecommendation(
            context: context, rotaryDim: 128, passThrough: 0, base: wp.number(10_000), trainedContext: context,
            lowerBound: wp.number(2), ceiling: wp.number(1e12), precision: wp, totalBudget: 1 << 32)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        found = rec.menMinimumBase.map { $0.decimalString(digits: 7) } ?? "budget spent"
    }
    times.sort()
    print(
        "L = \(context)".padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: "%10.3f %10.3f", times[1], times[0]) + "   \(found)   \(paper)")
}

// Causal attention on this CPU (issue 12): fp32, d = 128, 8 heads, all cores, L from 1K to 16K; GFLOP/s
// counting only the unmasked half (4 d per causal pair) and counting the full square (4 d L^2), the fraction
// of this CPU's measured FMA peak (causal convention), for the fastest kernel here (AVX-512 blocked where the
// CPU has it) and the pair-exact tiled kernel; medians. scripts/attention-vs-torch.py runs the same beside
// PyTorch's CPU flash kernel and numpy.
let peak = Calibration.fmaPeak(threads: cores, runs: 5)
print()
print(String(format: "fp32 FMA peak, %d threads: %.1f GFLOP/s", cores, peak / 1e9))
print(
    "attention, fp32, d 128, 8 heads".padding(toLength: 44, withPad: " ", startingAt: 0)
        + "  causal_GF/s  full_GF/s  of_peak  tiled_causal_GF/s  kernel")
for length in [1024, 2048, 4096, 8192, 16384] {
    let fast = attentionRun(length: length, runs: 3)
    let causal = 4.0 * 128 * Double(fast.causal) / fast.seconds
    let full = 4.0 * 128 * 8 * Double(length) * Double(length) / fast.seconds
    var tiledRate = 0.0
    if length <= 4096 {
        let inputs = AttentionInputs(AttentionShape(heads: 8, kvHeads: 8, headDim: 128, length: length), seed: 3)
        var pairs = 0
        let tiledSeconds = Calibration.median(runs: 3) { pairs = TiledAttention.run(inputs, threads: cores).pairs }
        tiledRate = 4.0 * 128 * Double(pairs) / tiledSeconds / 1e9
    }
    print(
        "L = \(length)".padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: "%13.1f %10.1f %8.2f %18.1f  %@", causal / 1e9, full / 1e9, causal / peak, tiledRate, fast.kernel))
}
