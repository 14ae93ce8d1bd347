import LCPlanModel
import LCPlanPrecision

/// The assertion rules (`checks.expect`): one per assertion, in the area of what it asserts, each raised at
/// the assertion's line when it does not hold.
extension Rule {
    static func expectation(
        _ id: String, _ name: String, _ area: RuleArea, _ summary: String, _ key: String, failing: String, holding: String
    )
        -> Rule
    {
        Rule(
            id: id, name: name, area: area, severity: .error, summary: summary,
            help: """
                The spec asserts it under `checks.expect.\(key)`: a team's statement of what must hold, checked on every \
                run (in CI with `lcplan check`). Fix the plan, or change the assertion if the expectation moved.
                """,
            triggering: Self.expectBase + "checks: {expect: {\(key): \(failing)}}\n",
            nonTriggering: Self.expectBase + "checks: {expect: {\(key): \(holding)}}\n")
    }

    static let expectBase = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100-sxm, count: 1}
        workload: {mode: inference, context: 32k, batch: 4, output_tokens: 512}
        plan: {tp: 1}

        """

    public static let expectFits = expectation(
        "LC210", "expect-fits", .memory, "The plan's fit differs from `checks.expect.fits`.", "fits", failing: "false", holding: "true")
    public static let expectMaxContext = expectation(
        "LC211", "expect-max-context", .memory, "The longest context that fits is below `checks.expect.min_max_context`.",
        "min_max_context", failing: "1M", holding: "64k")
    public static let expectMemoryFraction = expectation(
        "LC212", "expect-memory-fraction", .memory, "The most loaded device uses more than `checks.expect.max_memory_fraction`.",
        "max_memory_fraction", failing: "0.2", holding: "0.8")
    public static let expectRoPEFeasible = expectation(
        "LC310", "expect-rope-feasible", .rope, "A RoPE hard limit is crossed though `checks.expect.rope_feasible` is true.",
        "rope_feasible", failing: "false", holding: "true")
    public static let expectLayout = expectation(
        "LC410", "expect-layout", .parallelism, "The layout differs from `checks.expect.layout`.", "layout", failing: "{tp: 2}",
        holding: "{tp: 1}")
    public static let expectSequences = expectation(
        "LC510", "expect-sequences", .kvCache, "Fewer requests at the target context fit than `checks.expect.min_sequences`.",
        "min_sequences", failing: "1000", holding: "4")
    public static let expectTTFT = expectation(
        "LC610", "expect-ttft", .performance, "TTFT exceeds `checks.expect.max_ttft`.", "max_ttft", failing: "1ms", holding: "60s")
    public static let expectTPOT = expectation(
        "LC611", "expect-tpot", .performance, "TPOT exceeds `checks.expect.max_tpot`.", "max_tpot", failing: "1ms", holding: "1s")
    public static let expectStepTime = Rule(
        id: "LC612", name: "expect-step-time", area: .performance, severity: .error,
        summary: "The training step time exceeds `checks.expect.max_step_time`.",
        help: expectTPOT.help.replacingOccurrences(of: "max_tpot", with: "max_step_time"),
        triggering: trainingBase + "checks: {expect: {max_step_time: 1ms}}\n",
        nonTriggering: trainingBase + "checks: {expect: {max_step_time: 1h}}\n")
    public static let expectMFU = Rule(
        id: "LC613", name: "expect-mfu", area: .performance, severity: .error,
        summary: "The training MFU is below `checks.expect.min_mfu`.",
        help: expectTPOT.help.replacingOccurrences(of: "max_tpot", with: "min_mfu"),
        triggering: trainingBase + "checks: {expect: {min_mfu: 0.99}}\n",
        nonTriggering: trainingBase + "checks: {expect: {min_mfu: 0.01}}\n")

    static let trainingBase = """
        version: 1
        model: llama-3.1-8b
        hardware: {device: h100-sxm, count: 8}
        workload: {mode: training, context: 8k, global_batch: 32}
        plan: {tp: 8}

        """

    static let expectRules: [Rule] = [
        expectFits, expectMaxContext, expectMemoryFraction, expectRoPEFeasible, expectLayout, expectSequences, expectTTFT,
        expectTPOT, expectStepTime, expectMFU,
    ]
}

extension Analysis {
    /// The failed assertions of `checks.expect`, each at its own key.
    static func expectations(
        _ spec: Spec, layout: Layout, memory: MemoryProfile, maxContext: Int?, time: TimeProfile, rope: [RoPEAnalysis],
        kvLayout: KVLayoutProfile?
    ) -> [Diagnostic] {
        let e = spec.checks.expect
        guard !e.isEmpty else { return [] }
        var found: [Diagnostic] = []
        func fail(_ rule: Rule, _ key: String, _ message: String, expected: String) {
            let path = "checks.expect.\(key)"
            found.append(Diagnostic(rule, message, at: spec.location(of: path), keyPath: path, expected: expected))
        }
        if let fits = e.fits, fits != memory.fits {
            fail(
                .expectFits, "fits",
                "expected fits: \(fits); the most loaded device needs \(Bytes(memory.total)) of \(Bytes(memory.usable)) usable",
                expected: "fits: \(memory.fits)")
        }
        if let minimum = e.minMaxContext, (maxContext ?? 0) < minimum {
            fail(
                .expectMaxContext, "min_max_context",
                "expected a max context of at least \(UnitFormat.grouped(ExactInt(minimum))) tokens; the longest that fits is \(maxContext.map { UnitFormat.grouped(ExactInt($0)) } ?? "none") tokens",
                expected: "min_max_context <= \(maxContext ?? 0)")
        }
        if let limit = e.maxMemoryFraction {
            let share = memory.total.doubleValue / max(memory.capacity.doubleValue, 1)
            if share > limit {
                fail(
                    .expectMemoryFraction, "max_memory_fraction",
                    "expected at most \(UnitFormat.fixed(limit * 100, decimals: 1))% of device memory; the most loaded device uses \(UnitFormat.fixed(share * 100, decimals: 1))% (\(Bytes(memory.total)) of \(Bytes(memory.capacity)))",
                    expected: "max_memory_fraction >= \(UnitFormat.fixed(share, decimals: 3))")
            }
        }
        if let feasible = e.ropeFeasible {
            let infeasible = rope.contains { $0.verdict == .infeasible }
            if feasible == infeasible {
                fail(
                    .expectRoPEFeasible, "rope_feasible",
                    "expected rope_feasible: \(feasible); the RoPE verdict is \(rope.map { "\($0.verdict.rawValue) (\($0.layers.rawValue) layers)" }.joined(separator: ", "))",
                    expected: "rope_feasible: \(!infeasible)")
            }
        }
        if !e.layout.isEmpty {
            let actual = layout.expectedKeys
            let differing = e.layout.filter { actual[$0.key] != $0.value }
            if !differing.isEmpty {
                let text = differing.map { "\($0.key) \($0.value) (chosen: \(actual[$0.key] ?? "-"))" }.joined(separator: ", ")
                fail(
                    .expectLayout, "layout", "the layout differs from the expected one: \(text)",
                    expected: "the layout checks.expect.layout names")
            }
        }
        if let minimum = e.minSequences, let kv = kvLayout {
            let perReplica = kv.engine.map { $0.sequences.intValue ?? Int.max } ?? kv.ideal.sequences
            let total = perReplica.saturatingMultiplied(by: layout.dp)
            if total < minimum {
                let source = kv.engine.map { "by \($0.engine.rawValue)'s count" } ?? "by lcplan's count"
                fail(
                    .expectSequences, "min_sequences",
                    "expected at least \(minimum) requests of \(UnitFormat.grouped(ExactInt(kv.sequenceTokens))) tokens at once; \(total) fit \(source) (\(perReplica) per replica x \(layout.dp))",
                    expected: "min_sequences <= \(total)")
            }
        }
        let times: [(Rule, String, Double?, Double?, String)] = [
            (.expectTTFT, "max_ttft", e.maxTTFT, time.ttft?.seconds, "TTFT"),
            (.expectTPOT, "max_tpot", e.maxTPOT, time.interTokenSeconds, "TPOT"),
            (.expectStepTime, "max_step_time", e.maxStepTime, time.step?.seconds, "step time"),
        ]
        for case let (rule, key, limit?, value, name) in times {
            guard let value else {
                fail(
                    rule, key, "expected a \(name) of at most \(Seconds(limit)); this workload has no \(name)",
                    expected: "remove the assertion")
                continue
            }
            if value > limit {
                fail(
                    rule, key, "expected a \(name) of at most \(Seconds(limit)); estimated \(Seconds(value))",
                    expected: "\(key) >= \(Seconds(value))")
            }
        }
        if let minimum = e.minMFU {
            if let mfu = time.mfu {
                if mfu < minimum {
                    fail(
                        .expectMFU, "min_mfu",
                        "expected an MFU of at least \(UnitFormat.fixed(minimum * 100, decimals: 1))%; estimated \(UnitFormat.fixed(mfu * 100, decimals: 1))%",
                        expected: "min_mfu <= \(UnitFormat.fixed(mfu, decimals: 3))")
                }
            } else {
                fail(.expectMFU, "min_mfu", "expected an MFU; only training steps have one", expected: "remove the assertion")
            }
        }
        return found
    }
}

extension Layout {
    /// The layout's keys as `checks.expect.layout` names them.
    var expectedKeys: [String: String] {
        [
            "tp": "\(tp)", "pp": "\(pp)", "vpp": "\(vpp)", "dp": "\(dp)", "cp": "\(cp)", "cp_kind": cpKind.rawValue, "ep": "\(ep)",
            "etp": "\(etp)", "attention_dp": "\(attentionDP)", "sequence_parallel": sequenceParallel ? "true" : "false",
            "zero": "\(zero)", "schedule": schedule.rawValue,
            "recompute": recompute.rawValue, "micro_batch": "\(microBatch)",
        ]
    }
}
