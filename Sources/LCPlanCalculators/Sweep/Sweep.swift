import LCPlanModel
import LCPlanPrecision

/// One value a sweep sets its key to: as written, and its count when it is one.
public struct SweepValue: Sendable, Equatable {
    public let text: String
    public let number: Int?

    public init(text: String, number: Int?) {
        self.text = text
        self.number = number
    }

    public init(_ number: Int) { self.init(text: "\(number)", number: number) }
}

/// One point of a sweep: the spec with one key set, its layout and figures (nil where the point's spec is
/// invalid, with the reason).
public struct SweepPoint: Sendable {
    /// The value's count, or, in a sweep over names (`Sweep.categorical`), the point's position (from 1).
    public let value: Int
    /// The value as written (`h200`, `fp8`, `4096`).
    public let label: String
    public let layout: Layout?
    public let memory: MemoryProfile?
    public let maxContext: Int?
    public let time: TimeProfile?
    /// Requests at the target context held at once over all replicas (inference).
    public let sequences: Int?
    /// The RoPE zone at the point's context: the least base every lower bound allows and the precision
    /// ceiling (exact-dimension forms), and the model's effective base.
    public let ropeLower: Double?
    public let ropeUpper: Double?
    public let ropeBase: Double?
    public let problem: String?
}

/// A sweep over one spec key (`lcplan sweep`), through a numeric range or a list of values (device or model
/// presets, formats, numbers): every point loaded with the key set (so it is checked as a written value would
/// be), costed with the base spec's layout when the key does not change what layouts are legal, searched
/// again when it does (hardware, plan, search or model keys).
public struct Sweep: Sendable {
    public let key: String
    public let points: [SweepPoint]
    /// Whether some value is not a count (a list of names): points are then placed by position.
    public let categorical: Bool
    /// The base spec's usable device memory and capacity.
    public let usableBytes: Double
    public let capacityBytes: Double
    /// The device's capacity, exact (for labels).
    public let capacity: ExactInt
    /// The base spec's own context and the model's max_context (the trained or documented context), for
    /// markers on a context sweep's charts.
    public let specContext: Int
    public let modelContext: Int

    /// At most this many points.
    public static let pointLimit = 10_000

    /// The number of values `values(from:to:factor:step:)` gives for an arithmetic range, without making
    /// them (a range of 2^40 points is refused, not generated and cut).
    public static func count(from: Int, to: Int, step: Int) -> Int {
        guard from >= 1, to >= from else { return 0 }
        let gaps = (to - from) / max(step, 1)
        return gaps + ((to - from) % max(step, 1) == 0 ? 1 : 2)
    }

    /// The values from `from` to `to`: times `factor` each step (geometric), or plus `step`; `to` included.
    /// At most `pointLimit` (callers check `count` first and refuse a longer range).
    public static func values(from: Int, to: Int, factor: Double?, step: Int?) -> [Int] {
        guard from >= 1, to >= from else { return [] }
        var values: [Int] = []
        var current = from
        while current < to && values.count < pointLimit - 1 {
            values.append(current)
            let next: Int
            if let step {
                next = current.saturatingAdding(max(step, 1))
            } else {
                let scaled = (Double(current) * max(factor ?? 2, 1.000001)).rounded()
                next = scaled >= Double(Int.max) ? Int.max : max(current + 1, Int(scaled))
            }
            current = next
        }
        values.append(to)
        return values
    }

    /// Keys whose change can make another layout legal or better: searched again at each point.
    static func changesLayouts(_ key: String) -> Bool {
        ["hardware.", "plan.", "search.", "model."].contains { key.hasPrefix($0) } || key == "model"
    }

    /// `overrides`: keys set on the command line (`--set`), applied to every point before the swept key.
    public init(
        base: Analysis, text: String, file: String, baseDirectory: String, library: PresetLibrary, key: String, values: [Int],
        overrides: [(key: String, value: String)] = []
    ) {
        self.init(
            base: base, text: text, file: file, baseDirectory: baseDirectory, library: library, key: key,
            values: values.map(SweepValue.init), overrides: overrides)
    }

    public init(
        base: Analysis, text: String, file: String, baseDirectory: String, library: PresetLibrary, key: String, values: [SweepValue],
        overrides: [(key: String, value: String)] = []
    ) {
        self.key = key
        categorical = values.contains { $0.number == nil }
        usableBytes = MemoryModel.usable(base.spec.hardware.device.memory.value, headroom: base.spec.constraints.memoryHeadroom).doubleValue
        capacity = base.spec.hardware.device.memory.value
        capacityBytes = capacity.doubleValue
        specContext = base.spec.workload.context
        modelContext = base.spec.model.maxContext
        let ropeBase = base.rope.first.map { $0.effectiveBase.doubleValue }
        let contextKey = key == "workload.context"
        // A batch the search chose for the base spec stays, unless it is what is swept.
        var fixed = overrides.filter { $0.key != key }
        if base.search.searched.contains("batch") && key != "workload.batch" {
            fixed.append(("workload.batch", "\(base.spec.workload.batch)"))
        }
        let modelKey = key == "model" || key.hasPrefix("model.")
        var points: [SweepPoint] = []
        for (index, written) in values.enumerated() {
            let value = categorical ? index + 1 : written.number ?? index + 1
            let load = SpecLoader.load(
                text: text, file: file, baseDirectory: baseDirectory, library: library, overrides: fixed + [(key, written.text)])
            guard let spec = load.spec else {
                let reason = load.diagnostics.first { $0.severity == .error }?.message ?? "invalid"
                points.append(
                    SweepPoint(
                        value: value, label: written.text, layout: nil, memory: nil, maxContext: nil, time: nil, sequences: nil,
                        ropeLower: nil, ropeUpper: nil, ropeBase: nil, problem: reason))
                continue
            }
            let profile = ModelProfile(spec, analyseRoPE: false)
            let system = System(spec.hardware, computeFormat: spec.workload.dtype.computeFormat)
            var layout = base.layout
            var searched = base.search.searched
            if Self.changesLayouts(key) || !LayoutRules(spec).isLegal(layout) || layout.devices != spec.hardware.count {
                let outcome = Planner(profile: profile, system: system).search()
                layout = outcome.chosen?.layout ?? ResolvedLayout(spec).layout
                searched = outcome.searched
            }
            let model = MemoryModel(profile, layout: layout)
            let memory = model.profile()
            let maxContext =
                contextKey && layout == base.layout
                ? base.maxContext
                : Analysis.searchedMaxContext(spec, profile: profile, layout: layout, searched: searched, own: model.maxContext())
            let time = LayoutEvaluator(profile: profile, system: system).evaluate(layout).time
            let sequences = KVLayoutProfile(profile, layout: layout).map { $0.ideal.sequences.saturatingMultiplied(by: layout.dp) }
            var lower: Double? = nil, upper: Double? = nil
            // The model's effective base: the base spec's, unless the sweep changes the model.
            var effectiveBase = modelKey ? nil : ropeBase
            if let rope = spec.model.rope, spec.model.positions == .rope {
                if modelKey {
                    effectiveBase =
                        RoPEFrequencies(
                            rope, maxContext: spec.model.maxContext, length: spec.workload.context, precision: WorkingPrecision(bits: 128)
                        )?.effectiveBase.doubleValue
                }
                let settings = RoPESettings(spec.conventions, checks: spec.checks)
                let bounds = PhaseModulationBounds(
                    context: spec.workload.context, rotaryDim: rope.rotaryDim, eps: settings.eps,
                    depth: settings.depth ?? spec.model.layers,
                    phaseFormat: settings.phaseFormat, precision: WorkingPrecision(bits: 128))
                let family = bounds.exact ?? bounds.summary
                lower = family.lowerBound.doubleValue
                upper = family.precisionCeiling.doubleValue
            }
            points.append(
                SweepPoint(
                    value: value, label: written.text, layout: layout, memory: memory, maxContext: maxContext, time: time,
                    sequences: sequences, ropeLower: lower, ropeUpper: upper, ropeBase: effectiveBase,
                    problem: nil))
        }
        self.points = points
    }
}
