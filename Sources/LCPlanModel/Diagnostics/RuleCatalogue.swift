/// The rule registry: every rule lcplan can report, in id order, assembled from the areas' lists,
/// each declared beside the code that raises it. Ids are stable: a rule is never renumbered or reused.
extension Rule {
    /// The spec most rule examples start from.
    static let exampleBase = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h200, count: 1}
        workload: {mode: inference, context: 8k}
        """

    /// Every rule, in id order.
    public static let all: [Rule] = (specRules + layoutRules + memoryRules + ropeRules + performanceRules)
        .sorted { $0.id < $1.id }

    /// The rule with this id (case-insensitive), or nil.
    public static func named(_ id: String) -> Rule? {
        let wanted = id.uppercased()
        return all.first { $0.id == wanted || $0.name == id.lowercased() }
    }
}
