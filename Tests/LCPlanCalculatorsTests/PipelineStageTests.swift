import LCPlanModel
import Testing

@testable import LCPlanCalculators

/// Uneven pipeline stages, the interleaved schedule on them, the pipeline's sends, and the network port a
/// device preset gives each device between nodes.
struct PipelineStageTests {
    /// Llama 3 405B (arXiv 2407.21783 sec. 3.3.2): 126 layers on 16 stages, "we reduce one Transformer layer
    /// each from the first and the last stages": 7, fourteen of 8, 7.
    @Test func llama3StageSplit() {
        let layout = Layout(tp: 8, pp: 16, dp: 1)
        let counts = (0..<16).map { layout.stageLayers($0, of: 126).count }
        #expect(counts == [7] + Array(repeating: 8, count: 14) + [7])
        // The stages tile the layers in order.
        var next = 0
        for stage in 0..<16 {
            let range = layout.stageLayers(stage, of: 126)
            #expect(range.lowerBound == next)
            next = range.upperBound
        }
        #expect(next == 126)
        // Megatron-LM's flags say the same (--decoder-first/last-pipeline-num-layers 7).
        let megatron = EngineLayoutRules.megatronStages(layers: 126, pp: 16)
        #expect(megatron?.first == 7 && megatron?.last == 7)
    }

    /// Every split tiles the layers, and no stage holds more than ceil(layers / pp), the pace the time model
    /// costs.
    @Test func splitsTileTheLayers() {
        for pp in 2...24 {
            for layers in pp...(pp * 9) {
                let layout = Layout(pp: pp)
                var next = 0
                for stage in 0..<pp {
                    let range = layout.stageLayers(stage, of: layers)
                    let largest = (layers + pp - 1) / pp
                    #expect(range.lowerBound == next)
                    #expect(range.count >= 1 && range.count <= largest)
                    next = range.upperBound
                }
                #expect(next == layers, "\(layers) layers on \(pp) stages")
            }
        }
    }

    /// The interleaved schedule on Llama 3's uneven stages: chunks of 8 / v layers for v = 2, 4, 8, the first
    /// and last chunk one layer short (torchtitan: ceil((126 + 1 + 1) / chunk) = 16 v stages); v = 3 or 16
    /// cannot cut 8-layer stages. On even stages the rule is the old one: pp x vpp divides the layers.
    @Test func interleavingUnevenStages() {
        #expect(Layout.virtualStageLayers(layers: 126, pp: 16, vpp: 2) == 4)
        #expect(Layout.virtualStageLayers(layers: 126, pp: 16, vpp: 4) == 2)
        #expect(Layout.virtualStageLayers(layers: 126, pp: 16, vpp: 8) == 1)
        #expect(Layout.virtualStageLayers(layers: 126, pp: 16, vpp: 3) == nil)
        #expect(Layout.virtualStageLayers(layers: 126, pp: 16, vpp: 16) == nil)
        for chunk in [4, 2, 1] {
            let stages = (126 + 1 + 1 + chunk - 1) / chunk
            #expect(stages == 16 * (8 / chunk))
        }
        for pp in 2...16 {
            for vpp in 1...8 {
                for layers in stride(from: pp * vpp, through: 160, by: 1) where layers % pp == 0 {
                    let allowed = Layout.virtualStageLayers(layers: layers, pp: pp, vpp: vpp) != nil
                    let divides = layers % (pp * vpp) == 0
                    #expect(allowed == divides, "\(layers) layers, pp \(pp), vpp \(vpp)")
                }
            }
        }
        // 61 layers (DeepSeek-V3) on 16 stages: 2, fourteen of 4, 3; vpp 2 would leave the first stage two
        // layers short of a 4-layer stage, a whole chunk: allowed; vpp 4 leaves it two chunks short: not.
        #expect(Layout.virtualStageLayers(layers: 61, pp: 16, vpp: 2) == 2)
        #expect(Layout.virtualStageLayers(layers: 61, pp: 16, vpp: 4) == nil)
    }

    /// A spec that fixes vpp on uneven stages: legal when the chunks cut, LC110 with the reason otherwise.
    @Test func rulesOnUnevenInterleaving() throws {
        func spec(_ vpp: Int) -> String {
            """
            version: 1
            model: llama-3.1-405b
            hardware: {device: h100-sxm, count: 16384, per_node: 8}
            workload: {mode: training, context: 8k, global_batch: 2048}
            plan: {tp: 8, pp: 16, cp: 1, dp: 128, vpp: \(vpp)}
            """
        }
        let legal = SpecLoader.load(text: spec(2), file: "a.yaml")
        #expect(legal.spec != nil)
        #expect(!legal.diagnostics.contains { $0.rule.id == "LC110" })
        let illegal = SpecLoader.load(text: spec(3), file: "a.yaml")
        let finding = try #require(illegal.diagnostics.first { $0.rule.id == "LC110" })
        #expect(finding.message.contains("vpp 3") && finding.keyPath == "plan.vpp")
    }

    /// Between stages each micro-batch's b x s x h activations go forward and their gradient back (v times
    /// interleaved); each tp rank sends its 1/tp (Narayanan et al. 2021 sec. 4.1). Llama 3 405B at 8K, tp 8,
    /// pp 16 (vpp 2), dp 128, micro-batch 1: 16 micro-batches x 2 x 2 x 8,192 x 16,384 x 2 bytes / 8.
    @Test func pipelineSendsPerRank() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-405b
                hardware: {device: h100-sxm, count: 16384, per_node: 8}
                workload: {mode: training, context: 8k, global_batch: 2048}
                plan: {tp: 8, pp: 16, cp: 1, dp: 128, vpp: 2, micro_batch: 1, recompute: full, zero: 1, sequence_parallel: true}
                """))
        let analysis = Analysis(spec)
        let sent = try #require(analysis.search.chosen?.communication.pipeline.bytes)
        let microBatches = 16.0, directions = 2.0, chunks = 2.0, tokens = 8192.0, hidden = 16384.0, bytes = 2.0, tp = 8.0
        let expected: Double = microBatches * directions * chunks * tokens * hidden * bytes / tp
        #expect(sent == expected)
        #expect(analysis.search.chosen?.communication.pipeline.network == .interNode)
    }

    /// hardware.md: InfiniBand HDR 200 Gb/s = 25 GB/s per direction per GPU (A100 systems), NDR 400 Gb/s =
    /// 50 GB/s (H100 systems); a spec's figure wins, and PCIe boards state none (the fallback applies).
    @Test func interNodeFromThePreset() throws {
        func interNode(_ hardware: String) throws -> NetworkTier {
            let spec = try #require(
                resolve("version: 1\nmodel: llama-3.1-8b\nhardware: \(hardware)\nworkload: {context: 4k}\n"))
            return System(spec.hardware, computeFormat: .bf16).interNode
        }
        let ndr: Double = 400e9 / 8, hdr: Double = 200e9 / 8, stated: Double = 100e9 / 8
        let h100 = try interNode("{device: h100-sxm, count: 16, per_node: 8}")
        #expect(h100.bandwidthBytesPerSecond == ndr)
        #expect(!h100.isFallback)
        let h200 = try interNode("{device: h200, count: 16, per_node: 8}")
        #expect(h200.bandwidthBytesPerSecond == ndr)
        let a100 = try interNode("{device: a100-80gb, count: 16, per_node: 8}")
        #expect(a100.bandwidthBytesPerSecond == hdr)
        let spec = try interNode("{device: h100-sxm, count: 16, per_node: 8, inter_node: 100Gb/s}")
        #expect(spec.bandwidthBytesPerSecond == stated)
        let pcie = try interNode("{device: h100-pcie, count: 16, per_node: 8}")
        #expect(pcie.isFallback)
        #expect(pcie.bandwidthBytesPerSecond == hdr)
    }

    /// Megatron-LM's hierarchical context parallelism: the largest all-to-all group a <= cp/2 that divides cp,
    /// each rank's heads and its KV heads, against a scan of every candidate.
    @Test func hierarchicalSplitIsTheLargestGroup() throws {
        for heads in [8, 12, 32, 40, 64, 96, 128] {
            for kvHeads in [1, 2, 4, 8, 16] where heads % kvHeads == 0 {
                let spec = try #require(
                    resolve(
                        "version: 1\nmodel: {name: m, layers: 2, hidden: 1024, heads: \(heads), kv_heads: \(kvHeads), ffn: 4096, vocab: 1000, max_context: 4096, head_dim: 64}\nhardware: {device: h100-sxm}\nworkload: {context: 4k}\n"
                    ))
                for tp in [1, 2, 4, 8] {
                    for cp in 1...96 {
                        let rankHeads = heads / tp, rankKV = max(1, kvHeads / tp)
                        let scanned = cp >= 4 ? (2...(cp / 2)).last { cp % $0 == 0 && rankHeads % $0 == 0 && rankKV % $0 == 0 } : nil
                        let split = ContextParallelKind.hierarchicalSplit(cp: cp, tp: tp, model: spec.model)
                        #expect(split?.a2a == scanned, "heads \(heads), kv \(kvHeads), tp \(tp), cp \(cp)")
                        if let split { #expect(split.a2a * split.p2p == cp) }
                    }
                }
            }
        }
    }
}

/// The search costs degree combinations in shares run concurrently and merges their states: the outcome must
/// be the one a search one combination after another finds (chosen layout, runners-up, contrasts, counts).
struct SharedSearchTests {
    static let specs = [
        """
        version: 1
        model: llama-3.1-405b
        hardware: {device: h100-sxm, count: 1024, per_node: 8}
        workload: {mode: training, context: 128k, global_batch: 128}
        """,
        """
        version: 1
        model: deepseek-v3
        hardware: {device: h200, count: 16, per_node: 8}
        workload: {mode: inference, context: 32k, batch: 16, output_tokens: 512, dtype: fp8}
        """,
        """
        version: 1
        model: llama-3.1-70b
        hardware: {device: h100-sxm, count: 16, per_node: 8}
        workload: {mode: inference, context: 32k, prompt_tokens: 16k, output_tokens: 1024, batch: 32}
        constraints: {ttft: 30s, tpot: 50ms}
        """,
        """
        version: 1
        model: mixtral-8x7b
        hardware: {device: a100-80gb, count: 64, per_node: 8}
        workload: {mode: training, context: 32k, global_batch: 64}
        search: {objective: latency}
        """,
    ]

    @Test(arguments: specs.indices)
    func sharesChangeNothing(index: Int) throws {
        let spec = try #require(resolve(Self.specs[index]))
        let profile = ModelProfile(spec, analyseRoPE: false)
        let planner = Planner(profile: profile, system: System(spec.hardware, computeFormat: spec.workload.dtype.computeFormat))
        let one = planner.search(nil, shares: 1)
        #expect(one.chosen != nil && !one.runnersUp.isEmpty && !one.contrasts.isEmpty)
        for shares in [2, 3, Planner.shares] {
            let many = planner.search(nil, shares: shares)
            #expect(many.chosen?.layout == one.chosen?.layout)
            #expect(many.status == one.status)
            #expect(many.candidatesEvaluated == one.candidatesEvaluated)
            #expect(many.rejected == one.rejected)
            #expect(many.runnersUp.map(\.profile.layout) == one.runnersUp.map(\.profile.layout))
            #expect(many.contrasts.map(\.profile.layout) == one.contrasts.map(\.profile.layout))
            #expect(many.contrasts.map(\.why) == one.contrasts.map(\.why))
            #expect(many.chosen?.time.step?.seconds == one.chosen?.time.step?.seconds)
        }
    }
}
