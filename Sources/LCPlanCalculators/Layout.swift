import LCPlanModel

/// The parallel layout a profile is computed for: the spec's fixed choices, with what it leaves open
/// filled by stated defaults (no parallelism but data parallelism over all devices) until the planner
/// chooses. `defaulted` names the degrees that were not fixed by the spec.
public struct Layout: Sendable, Equatable {
    public var tp: Int
    public var pp: Int
    public var vpp: Int
    public var dp: Int
    public var cp: Int
    public var ep: Int
    public var cpKind: ContextParallelKind
    public var sequenceParallel: Bool
    public var zero: Int
    public var recompute: Recompute
    public var microBatch: Int
    public var defaulted: [String]

    public init(_ spec: Spec) {
        let plan = spec.plan
        var defaulted: [String] = []
        func pick(_ value: Int?, _ name: String, _ fallback: Int) -> Int {
            if let value { return value }
            defaulted.append(name)
            return fallback
        }
        tp = pick(plan.tp, "tp", 1)
        pp = pick(plan.pp, "pp", 1)
        vpp = pick(plan.vpp, "vpp", 1)
        cp = pick(plan.cp, "cp", 1)
        ep = pick(plan.ep, "ep", 1)
        let modelDevices = max(tp * pp * cp, 1)
        dp = pick(plan.dp, "dp", max(spec.hardware.count / modelDevices, 1))
        cpKind = plan.cpKind ?? .ring
        sequenceParallel = plan.sequenceParallel ?? false
        zero = plan.zero ?? spec.workload.training?.zero ?? 0
        recompute = plan.recompute ?? spec.workload.training?.recompute ?? .none
        microBatch = plan.microBatch ?? spec.workload.training?.microBatch ?? 1
        self.defaulted = defaulted
    }

    /// Devices that hold one copy of the model: tp x pp x cp.
    public var modelParallel: Int { tp * pp * cp }

    /// Devices in all: tp x pp x cp x dp.
    public var devices: Int { modelParallel * dp }

    /// Layers of pipeline stage `stage` (0-based): the first `layers % pp` stages take one extra layer.
    public func stageLayers(_ stage: Int, of layers: Int) -> Range<Int> {
        let base = layers / pp, extra = layers % pp
        let start = stage * base + min(stage, extra)
        let count = base + (stage < extra ? 1 : 0)
        return start..<(start + count)
    }
}
