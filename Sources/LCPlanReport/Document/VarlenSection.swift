import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The `varlen` section and its text: each packing policy's per-rank attention, imbalance, step cost and
/// peak activations.
enum VarlenSection {
    typealias F = JSONField

    static let outcome = JSONShape<PackingOutcome>(
        "One packing policy.",
        [
            F.choice("policy", PackingPolicy.self) { $0.policy },
            F.field("rank_attention_pairs", .array(.count), "Per rank: sum of l^2 / 2 over its documents or pieces.") {
                .array($0.rankPairs.map(JSONValue.integer))
            },
            F.field("rank_tokens", .array(.count)) { .array($0.rankTokens.map(JSONValue.int)) },
            F.ratio("imbalance", "Max over mean of the ranks' attention.") { $0.imbalance },
            F.ratio("step_ratio", "The slowest rank's step over a perfectly balanced one.") { $0.stepRatio },
            F.bytes("peak_activation_bytes", "One sequence of the context, or (chunked) one chunk with the carried K/V.") {
                $0.peakActivationBytes
            },
            F.nullable("communication_bytes", .exactBytes, "Disaggregated: each rank's exchange with the attention servers.") {
                $0.communicationBytes.map(JSONValue.integer)
            },
        ])

    static let profile = JSONShape<VarlenProfile>(
        "Variable-length documents packed into the step's sequences.",
        [
            F.string("distribution") { $0.spec.name },
            F.count("ranks", "Data-parallel ranks simulated.") { $0.ranks },
            F.count("sequences_per_rank", "Sequences of the context per rank simulated.") { $0.sequencesPerRank },
            F.count("ranks_in_layout") { $0.ranksInLayout }, F.count("sequences_per_rank_in_layout") { $0.sequencesPerRankInLayout },
            F.count("sequence_tokens") { $0.sequenceTokens }, F.count("chunk_tokens") { $0.chunk },
            F.count("documents") { $0.documents }, F.count("tokens") { $0.tokens },
            F.count("longest_document") { $0.longest },
            F.ratio("linear_flops_per_token", "Training FLOPs per token outside the attention core.") { $0.linearFLOPsPerToken },
            F.ratio("attention_flops_per_pair", "Training FLOPs per attended (query, key) pair, all attention layers.") {
                $0.attentionFLOPsPerPair
            },
            F.list("policies", outcome) { $0.outcomes },
        ])

    static func section(_ v: VarlenProfile) -> ReportSection {
        let scaled = v.ranks != v.ranksInLayout || v.sequencesPerRank != v.sequencesPerRankInLayout
        var detail =
            "\(v.spec.name): \(UnitFormat.grouped(ExactInt(v.documents))) documents, \(UnitFormat.grouped(ExactInt(v.tokens))) tokens over \(v.ranks) ranks x \(v.sequencesPerRank) sequences"
        if scaled { detail += " (the layout's \(v.ranksInLayout) x \(v.sequencesPerRankInLayout), simulated smaller)" }
        var section = ReportSection("Variable-length batches", detail, [.left, .right, .right, .right, .left])
        section.header = ["policy", "imbalance", "step", "peak activations", "attention per rank (max / mean)"]
        for o in v.outcomes {
            let mean = o.rankPairs.reduce(0.0) { $0 + $1.doubleValue } / Double(max(o.rankPairs.count, 1))
            let most = o.rankPairs.max() ?? .zero
            var text =
                "\(UnitFormat.scaled(most.doubleValue, unit: "", base: 1000)) / \(UnitFormat.scaled(mean, unit: "", base: 1000)) pairs"
            if let bytes = o.communicationBytes { text += "; \(Bytes(bytes)) to and from attention servers per rank" }
            section.add(
                o.policy.rawValue, .text(UnitFormat.fixed(o.imbalance, decimals: 3) + "x"),
                .text(UnitFormat.fixed(o.stepRatio, decimals: 3) + "x"),
                .bytes(o.peakActivationBytes), .text(text))
        }
        section.notes.append(
            "step: the slowest rank's linear and attention FLOPs over the mean (\(UnitFormat.scaled(v.linearFLOPsPerToken, unit: "FLOP", base: 1000)) per token, \(UnitFormat.scaled(v.attentionFLOPsPerPair, unit: "FLOP", base: 1000)) per attended pair); a rank is a data-parallel replica (its tp x pp x cp devices together); longest document \(UnitFormat.grouped(ExactInt(v.longest))) tokens, chunk \(UnitFormat.grouped(ExactInt(v.chunk)))"
        )
        return section
    }
}
