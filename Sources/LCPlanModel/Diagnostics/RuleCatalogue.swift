/// The rules this module raises (the loader's and `LayoutRules`'), each declared beside its checks.
/// The full registry, with the rules the calculators raise, is `RuleRegistry` in LCPlanCalculators.
/// Ids are stable: a rule is never renumbered or reused.
extension Rule {
    /// The spec most rule examples start from.
    public static let exampleBase = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h200, count: 1}
        workload: {mode: inference, context: 8k}
        """

    /// The rules the loader and the layout rules raise, in id order.
    public static let loaderRules: [Rule] = (specRules + layoutRules + kvRules).sorted { $0.id < $1.id }

    /// One of the loader's rules by id or name (case-insensitive), or nil.
    public static func loaderRule(named id: String) -> Rule? {
        let wanted = id.uppercased()
        return loaderRules.first { $0.id == wanted || $0.name == id.lowercased() }
    }
}
