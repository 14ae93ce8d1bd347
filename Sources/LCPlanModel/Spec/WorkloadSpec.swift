import LCPlanPrecision

public enum WorkloadMode: String, Sendable, CaseIterable { case inference, training }
public enum Optimizer: String, Sendable, CaseIterable { case adam, adamw, sgd, adafactor }
public enum Recompute: String, Sendable, CaseIterable { case none, selective, full }
/// The pipeline schedule (`plan.schedule`): 1F1B, the interleaved 1F1B of virtual stages (vpp > 1), or
/// DeepSeek-V3's DualPipe (arXiv 2412.19437 sec. 3.2.1, Table 2; planner.md K17): micro-batches fed from both
/// ends, each device holding two pipeline stages (stage i and stage pp - 1 - i: twice the parameters), the
/// activations of pp + 1 micro-batches, a bubble of (pp/2 - 1)(F&B + B - 3W).
public enum PipelineSchedule: String, Sendable, CaseIterable {
    case oneFOneB = "1f1b"
    case interleaved
    case dualpipe
}
public enum ContextParallelKind: String, Sendable, CaseIterable {
    case ring, ulysses, allgather
    /// Megatron-LM's `a2a+p2p`: an all-to-all inside groups of `a2a` ranks, a ring across the `p2p` groups
    /// (`--hierarchical-context-parallel-sizes`; planner.md K5, K6).
    case hierarchical

    /// The hierarchical split of `cp` ranks: the largest all-to-all group (below cp) that divides the query
    /// heads and the KV heads of each tensor-parallel rank, and the ring across the groups; nil when none
    /// above 1 exists.
    public static func hierarchicalSplit(cp: Int, tp: Int, model: ModelSpec) -> (a2a: Int, p2p: Int)? {
        guard cp > 2 else { return nil }
        let heads = model.heads / max(tp, 1)
        let kvHeads = model.attention.kind == .mla ? heads : max(1, model.kvHeads / max(tp, 1))
        // The largest a <= cp/2 dividing cp, the heads and the KV heads: their common divisor g when g <= cp/2;
        // when g = cp, cp over its smallest prime factor.
        func gcd(_ x: Int, _ y: Int) -> Int { y == 0 ? x : gcd(y, x % y) }
        let g = gcd(gcd(cp, heads), kvHeads)
        var a = g
        if g > cp / 2 {
            var factor = 2
            while factor * factor <= cp && cp % factor != 0 { factor += 1 }
            a = cp % factor == 0 ? cp / factor : 1
        }
        return a > 1 ? (a, cp / a) : nil
    }
}
public enum AttentionFLOPConvention: String, Sendable, CaseIterable { case causal, full }

/// What runs: inference or training, at what context and batch, in what formats.
public struct WorkloadSpec: Sendable, Equatable {
    public var mode: WorkloadMode
    /// Target context in tokens.
    public var context: Int
    public var batch: Int
    public var promptTokens: Int
    public var outputTokens: Int
    /// `output_tokens` was not written: the serving default `assumedOutputTokens` (or less) stands in.
    public var outputAssumed = false
    /// Generated tokens per request when a serving spec does not say: 512, an assumption (answers to long
    /// prompts run to hundreds of tokens; no source fixes a figure), stated in every report that uses it.
    public static let assumedOutputTokens = 512
    /// Weight and compute format.
    public var dtype: NumberFormat
    public var kvCache: KVCacheSpec
    /// Prefill chunk size (chunked prefill), if any.
    public var prefillChunk: Int?
    public var training: TrainingSpec?

    public init(
        mode: WorkloadMode, context: Int, batch: Int, promptTokens: Int, outputTokens: Int, dtype: NumberFormat,
        kvCache: KVCacheSpec, prefillChunk: Int?, training: TrainingSpec?
    ) {
        self.mode = mode
        self.context = context
        self.batch = batch
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.dtype = dtype
        self.kvCache = kvCache
        self.prefillChunk = prefillChunk
        self.training = training
    }
}

public struct TrainingSpec: Sendable, Equatable {
    public var globalBatch: Int
    public var microBatch: Int
    public var optimizer: Optimizer
    public var zero: Int
    public var recompute: Recompute
    public var gradDtype: NumberFormat
    /// `grad_dtype` was written in the spec (an engine's accounting does not replace it).
    public var gradDtypeWritten = false
    /// Variable-length documents packed into the step's sequences, when the spec gives them.
    public var documents: DocumentSpec?

    public init(
        globalBatch: Int, microBatch: Int, optimizer: Optimizer, zero: Int, recompute: Recompute,
        gradDtype: NumberFormat = .bf16
    ) {
        self.gradDtype = gradDtype
        self.globalBatch = globalBatch
        self.microBatch = microBatch
        self.optimizer = optimizer
        self.zero = zero
        self.recompute = recompute
    }
}

/// Fixed choices of the parallel layout; nil fields are left to the planner.
public struct PlanSpec: Sendable, Equatable {
    public var tp: Int?
    public var pp: Int?
    public var vpp: Int?
    public var dp: Int?
    public var cp: Int?
    public var cpKind: ContextParallelKind?
    public var ep: Int?
    /// Tensor parallelism inside the experts (Megatron-LM `--expert-tensor-parallel-size`; default tp).
    public var etp: Int?
    /// Serving a mixture of experts: attention data-parallel groups inside the tensor-parallel group.
    public var attentionDP: Int?
    public var sequenceParallel: Bool?
    public var zero: Int?
    public var recompute: Recompute?
    public var microBatch: Int?
    /// The pipeline schedule; left open, 1F1B (interleaved when vpp > 1). DualPipe is costed only when fixed.
    public var schedule: PipelineSchedule?
    /// Serving: the chunked-prefill step in tokens; fixed when the workload writes `prefill_chunk` (no `plan`
    /// key of its own).
    public var prefillChunk: Int?
    /// Serving: the batch (all replicas' sequences), fixed when the workload writes `batch` (no `plan` key of
    /// its own); left open, a throughput search chooses it.
    public var batch: Int?

    public init() {}

    public var isEmpty: Bool { self == PlanSpec() }
}

/// What the layout search optimises (`search.objective`).
public enum SearchObjective: String, Sendable, CaseIterable {
    /// Tokens per second per device: training tokens, or decode tokens of a server that meets the
    /// `ttft`/`tpot` constraints.
    case throughput
    /// The shortest training step, or the shortest request (TTFT + output tokens x TPOT).
    case latency
    /// The fewest devices that fit and meet the constraints (ties: throughput).
    case devices
}

/// Engines whose start-up rules a searched layout must also satisfy (`search.enforce`; the rules and the
/// files that enforce them are listed at `EngineLayoutRules`).
public enum EngineRules: String, Sendable, CaseIterable {
    case megatron, torchtitan, deepspeed, vllm, sglang, trtllm
}

/// How the layout search runs: what it optimises, how many runners-up it reports, and which layouts its
/// policies admit.
public struct SearchSpec: Sendable, Equatable {
    public var objective: SearchObjective = .throughput
    /// Layouts reported after the chosen one.
    public var runnersUp: Int = 5
    /// Whether a tensor-parallel group may span nodes (default no: its all-reduces are on the critical path).
    public var tpAcrossNodes = false
    /// Whether tp may exceed the KV groups, replicating KV heads (default yes, as Megatron-LM and vLLM do;
    /// some recipes forbid it, planner.md K16).
    public var tpBeyondKVGroups = true
    /// The context-parallel kinds the search may use.
    public var cpKinds: [ContextParallelKind] = ContextParallelKind.allCases
    /// Engines whose rules every searched layout must satisfy as well as `LayoutRules`.
    public var enforce: [EngineRules] = []
    /// Whether a serving search also costs separate prefill and decode pools (default yes).
    public var disaggregate = true
    /// The most pool layouts the search of separate pools costs: every split of the devices has two pools'
    /// layouts to cost, and a count with hundreds of divisors (8,648,640 devices: 448) has hundreds of
    /// splits. 200,000 covers the split search of a power-of-two cluster to 2^16 devices (DeepSeek-V3 on
    /// 65,536 H200: under 200,000 candidates in all) and stops the largest (8,648,640 devices) in about five
    /// seconds (release build, 2 cores).
    public var poolCandidates = 200_000

    public init() {}
}

/// A `checks.suppress` entry the loader could not judge, and where it was written.
public struct DeferredSuppression: Sendable, Equatable {
    public let text: String
    public let keyPath: String
    public let location: SourceLocation

    public init(text: String, keyPath: String, location: SourceLocation) {
        self.text = text
        self.keyPath = keyPath
        self.location = location
    }
}

/// Limits the plan must meet.
public struct ConstraintsSpec: Sendable, Equatable {
    /// Fraction of device memory to keep free.
    public var memoryHeadroom: Double
    public var ttft: Double?
    public var tpot: Double?
    public var stepTime: Double?

    public static let defaults = ConstraintsSpec(memoryHeadroom: 0.1, ttft: nil, tpot: nil, stepTime: nil)

    public init(memoryHeadroom: Double, ttft: Double?, tpot: Double?, stepTime: Double?) {
        self.memoryHeadroom = memoryHeadroom
        self.ttft = ttft
        self.tpot = tpot
        self.stepTime = stepTime
    }
}

/// The severity of a literature RoPE criterion that fails (LC302, LC303, LC306, LC308): `auto` makes it a
/// note where the catalogue documents the configuration working at the context, or where the criterion
/// was not derived for the scaling in use, and a warning otherwise; `warning` always; `note` never more.
public enum RoPECriteriaLevel: String, Sendable, CaseIterable { case auto, warning, note }

public struct ChecksSpec: Sendable, Equatable {
    public var failOn: Severity
    /// Rule ids to suppress that the loader knows (its own and the layout rules).
    public var suppress: [String]
    /// Entries naming rules the loader does not know: checked against the full registry once the
    /// calculators' rules are at hand (`RuleRegistry.resolve`).
    public var deferred: [DeferredSuppression] = []
    /// Suppressions of a rule at a key path, with their reasons.
    public var keySuppressions: [KeySuppression] = []
    /// Assertions (`checks.expect`).
    public var expect = ExpectSpec()
    /// How the literature's RoPE criteria are raised (`checks.rope_criteria`).
    public var ropeCriteria: RoPECriteriaLevel = .auto

    public init(failOn: Severity = .error, suppress: [String] = []) {
        self.failOn = failOn
        self.suppress = suppress
    }
}

public struct ConventionsSpec: Sendable, Equatable {
    public var attentionFLOPs: AttentionFLOPConvention
    /// Attention kernels keep no s x s score matrix (FlashAttention); removes the 5as^2b term of
    /// Korthikanti et al. 2022 Table 2 from activation memory.
    public var fusedAttention: Bool
    /// Training keeps dropout masks (1 byte per element); current LLM training runs without dropout.
    public var dropout: Bool
    /// RoPE analysis formats and assumptions.
    public var ropePhaseDtype: NumberFormat = .fp32
    public var ropePositionDtype: NumberFormat = .fp32
    public var ropeEps: Double = 0.5
    public var ropeDepth: Int? = nil

    public init(attentionFLOPs: AttentionFLOPConvention = .causal, fusedAttention: Bool = true, dropout: Bool = false) {
        self.attentionFLOPs = attentionFLOPs
        self.fusedAttention = fusedAttention
        self.dropout = dropout
    }
}

/// A whole resolved spec, ready for the calculators.
public struct Spec: Sendable, Equatable {
    public var file: String
    public var model: ModelSpec
    public var hardware: HardwareSpec
    public var workload: WorkloadSpec
    public var plan: PlanSpec
    /// How the degrees `plan` leaves open are searched.
    public var search = SearchSpec()
    /// Whose KV admission rules the report reproduces besides its own.
    public var serving = ServingSpec()
    public var constraints: ConstraintsSpec
    public var checks: ChecksSpec
    public var conventions: ConventionsSpec
    /// Where each key of the spec was written (`model`, `workload.context`, ...), for findings about
    /// derived values. Empty for specs built in code.
    public var keyLocations: [String: SourceLocation] = [:]

    /// The location of `keyPath`, or of its nearest written ancestor (`model.rope.theta` falls back to
    /// `model.rope`, then `model`); the file alone when none was written.
    public func location(of keyPath: String) -> SourceLocation {
        var path = keyPath
        while true {
            if let found = keyLocations[path] { return found }
            guard let dot = path.lastIndex(of: ".") else { return SourceLocation(file: file) }
            path = String(path[..<dot])
        }
    }

    public init(
        file: String, model: ModelSpec, hardware: HardwareSpec, workload: WorkloadSpec, plan: PlanSpec,
        constraints: ConstraintsSpec, checks: ChecksSpec, conventions: ConventionsSpec
    ) {
        self.file = file
        self.model = model
        self.hardware = hardware
        self.workload = workload
        self.plan = plan
        self.constraints = constraints
        self.checks = checks
        self.conventions = conventions
    }
}

extension Spec {
    /// The search also satisfies `rules`' start-up rules (`search.enforce`), and memory is costed as that
    /// engine allocates it: Megatron-LM with `--bf16` (and its fp8 recipe, whose parameters are bf16) keeps
    /// fp32 main gradients whatever the optimizer (`validate_args` turns on accumulate-allreduce-grads-in-fp32;
    /// Megatron-LM core_v0.19.0 `megatron/training/arguments.py` and `docs/user-guide/features/dist_optimizer.md`:
    /// 18 bytes per parameter, 6 + 12/d with the distributed optimizer), unless the spec writes grad_dtype.
    public mutating func enforce(_ rules: EngineRules) {
        if !search.enforce.contains(rules) { search.enforce.append(rules) }
        if rules == .megatron, var training = workload.training, !training.gradDtypeWritten,
            [.bf16, .fp8, .fp8e4m3, .fp8e5m2].contains(workload.dtype)
        {
            training.gradDtype = .fp32
            workload.training = training
        }
    }
}
