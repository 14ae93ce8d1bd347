import LCPlanModel

/// The planner's rules (LC403, LC404): a fixed plan that the search can beat. Raised by `Analysis` when the
/// spec's `plan` (or the workload's training choices) fixes a layout key, by searching again with every
/// key open and comparing.
extension Rule {
    public static let fixedPlanInfeasible = Rule(
        id: "LC403", name: "fixed-plan-infeasible", area: .parallelism, severity: .warning,
        summary: "The layout `plan` fixes does not fit or misses a constraint, but another layout meets them.",
        help: """
            The choices written in `plan` (and the workload's zero, recompute and micro_batch) are costed as \
            given; with them open, the search finds a layout that fits and meets the constraints, named in the \
            message. Remove the fixed keys that stand in the way, or fix the layout the message names.
            """,
        triggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 128k, batch: 8}
            plan: {tp: 1, pp: 1}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-70b
            hardware: {device: h200, count: 8}
            workload: {mode: inference, context: 128k, batch: 8}
            plan: {tp: 8}
            """)

    public static let betterLayoutFound = Rule(
        id: "LC404", name: "better-layout-found", area: .parallelism, severity: .warning,
        summary: "The layout `plan` fixes is at least 20% worse on the search objective than one the search finds.",
        help: """
            With every layout key open, the search finds a layout whose objective (tokens per second per \
            device, latency, or devices) is better by 20% or more; the message names it and what it gains. \
            Fix that layout instead, or keep yours if the model misses something that matters to you (the \
            report's assumptions say what it models).
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 8k, global_batch: 64}
            plan: {pp: 8, micro_batch: 8}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 8}
            workload: {mode: training, context: 8k, global_batch: 64}
            """)

    public static let searchBudgetReached = Rule(
        id: "LC405", name: "search-budget-reached", area: .parallelism, severity: .warning,
        summary: "The search of separate prefill and decode pools stopped at its budget of pool layouts.",
        help: """
            Every split of the devices into a prefill and a decode pool costs both pools' layouts; a device \
            count with hundreds of divisors has hundreds of splits. The search costs the splits from the \
            smallest prefill pool up and stops once `search.pool_candidates` layouts are costed (default \
            200,000): the best pools found by then stand, and the splits not reached are counted in the \
            message. Raise the budget, fix a degree in `plan` (a fixed plan is costed aggregated), or set \
            `search.disaggregate: false`.
            """,
        triggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 16}
            workload: {mode: inference, context: 32k, batch: 16, output_tokens: 256}
            search: {pool_candidates: 10}
            """,
        nonTriggering: """
            version: 1
            model: llama-3.1-8b
            hardware: {device: h100-sxm, count: 16}
            workload: {mode: inference, context: 32k, batch: 16, output_tokens: 256}
            """)

    /// The planner's rules, in id order.
    static let plannerRules: [Rule] = [fixedPlanInfeasible, betterLayoutFound, searchBudgetReached]
}
