import LCPlanModel
import LCPlanPrecision
import Testing

@testable import LCPlanCalculators

/// Variable-length training batches (issue 11, part 4; serving.md "Variable-length training batches").
struct VarlenTests {
    static func profile(_ documents: String, dp: Int = 8, batch: Int = 64, context: String = "128k") throws -> VarlenProfile {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-8b
                hardware: {device: h100-sxm, count: \(dp * 8), per_node: 8}
                workload: {mode: training, context: \(context), global_batch: \(batch), documents: \(documents)}
                plan: {tp: 8, dp: \(dp)}
                """))
        return try #require(Analysis(spec).varlen)
    }

    /// DistCA (arXiv 2510.18121): one 128K document costs 8x the core attention of eight 16K documents,
    /// with the same tokens (so the same linear-layer cost).
    @Test func oneLongDocumentCostsEightTimesEightShortOnes() throws {
        let long = try Self.profile("{lengths: [128k]}", dp: 1, batch: 1)
        let short = try Self.profile("{lengths: [16k]}", dp: 1, batch: 1)
        let a = try #require(long.outcomes.first { $0.policy == .naive }), b = try #require(short.outcomes.first { $0.policy == .naive })
        #expect(a.rankTokens == b.rankTokens)
        #expect(a.rankPairs[0] == b.rankPairs[0] * 8)
        // l^2 / 2 exactly: 131,072^2 / 2 and 8 x 16,384^2 / 2.
        #expect(a.rankPairs[0] == ExactInt(131_072 * 131_072 / 2))
    }

    /// Naive packing as DistCA describes it, by hand: bins of 32 tokens (context 32), two ranks, lengths 48,
    /// 16, 32, 32 (multiples of 16): bin 0 = 32 of the first document (rank 0), bin 1 = its last 16 + the
    /// 16 (rank 1), bin 2 = the 32 (rank 0), bin 3 = the last 32 (rank 1). Pairs l^2 / 2: rank 0 512 + 512,
    /// rank 1 128 + 128 + 512.
    @Test func naivePackingByHand() throws {
        let spec = try #require(
            resolve(
                """
                version: 1
                model: llama-3.1-8b
                hardware: {device: h100-sxm, count: 2}
                workload: {mode: training, context: 32, global_batch: 4, documents: {lengths: [48, 16, 32, 32]}}
                plan: {tp: 1, dp: 2}
                """))
        let varlen = try #require(Analysis(spec).varlen)
        let naive = try #require(varlen.outcomes.first { $0.policy == .naive })
        #expect(naive.rankPairs == [ExactInt(1024), ExactInt(768)])
        #expect(naive.rankTokens == [64, 64])
        #expect(naive.imbalance == 1024.0 / 896.0)
    }

    /// Every policy holds every token of the step, and the policies that keep documents whole (chunked,
    /// disaggregated) hold the same attention in all.
    @Test func policiesConserveTheStep() throws {
        for distribution in ["prolong", "wlb"] {
            let v = try Self.profile("{distribution: \(distribution)}")
            for o in v.outcomes { #expect(o.rankTokens.reduce(0, +) == v.tokens) }
            let total = { (p: PackingPolicy) in v.outcomes.first { $0.policy == p }?.rankPairs.reduce(ExactInt.zero, +) }
            #expect(total(.chunked) == total(.disaggregated))
            #expect(v.tokens == 8 * 8 * 131_072)
        }
    }

    /// On both built-in distributions: naive packing is the most imbalanced of the packings that split at
    /// sequence boundaries, length-balanced packing improves on it, and disaggregated core attention is
    /// balanced exactly. Chunking keeps each document's whole causal attention on one rank, so it is no
    /// better balanced than whole-document balancing (and worse when a document's l^2/2 exceeds a rank's
    /// fair share, as ProLong's 256K+ tail does).
    @Test(arguments: ["prolong", "wlb"])
    func policiesOrderAsExpected(distribution: String) throws {
        let v = try Self.profile("{distribution: \(distribution)}")
        func imbalance(_ p: PackingPolicy) -> Double { v.outcomes.first { $0.policy == p }?.imbalance ?? .nan }
        #expect(imbalance(.naive) > imbalance(.balanced))
        #expect(imbalance(.balanced) > imbalance(.disaggregated))
        #expect(imbalance(.disaggregated) == 1)
        #expect(imbalance(.chunked) >= imbalance(.balanced))
        for o in v.outcomes { #expect(o.stepRatio >= 1 && o.stepRatio <= o.imbalance) }
    }

    /// ChunkFlow's peak: one chunk's activations plus the carried K/V; a smaller chunk lowers it when
    /// no document is long (WLB's longest is under the context).
    @Test func chunkingLowersPeakActivations() throws {
        let v = try Self.profile("{distribution: wlb, chunk: 16k}")
        let chunked = try #require(v.outcomes.first { $0.policy == .chunked })
        let naive = try #require(v.outcomes.first { $0.policy == .naive })
        #expect(v.chunk == 16384)
        #expect(chunked.peakActivationBytes < naive.peakActivationBytes)
    }

    /// The same spec draws the same documents.
    @Test func drawIsDeterministic() throws {
        let a = try Self.profile("{distribution: prolong, seed: 7}"), b = try Self.profile("{distribution: prolong, seed: 7}")
        #expect(a.documents == b.documents && a.outcomes.map(\.rankPairs) == b.outcomes.map(\.rankPairs))
    }
}
