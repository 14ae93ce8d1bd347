import LCPlanCalculators
import LCPlanModel

/// The engines `lcplan emit` writes launch scripts for, with the version each script follows
/// (`ServingEmitters` and `TrainingEmitters` name the source files every flag and key was read from).
public enum Engine: String, Sendable, CaseIterable {
    case vllm, sglang, trtllm, megatron, torchtitan, deepspeed

    /// The release the flags and keys were read from.
    public var version: String {
        switch self {
        case .vllm: return "vLLM 0.33.0"
        case .sglang: return "SGLang 0.5.23"
        case .trtllm: return "TensorRT-LLM 1.x (PyTorch backend; trtllm-serve)"
        case .megatron: return "Megatron-LM core_v0.19.0"
        case .torchtitan: return "torchtitan v0.2.2 (TOML job config)"
        case .deepspeed: return "DeepSpeed 0.19.5 (JSON config)"
        }
    }

    public var serves: Bool { self == .vllm || self == .sglang || self == .trtllm }
}

/// What `emit` produced: a launch script, or the reasons the plan cannot start on the engine.
public enum EmitOutcome: Sendable, Equatable {
    case script(String)
    case unsupported([String])
}

/// A POSIX shell script under construction: comments, environment, files written with here-documents,
/// and commands with one flag per line.
struct EngineScript {
    private(set) var lines: [String] = ["#!/bin/sh"]

    /// Devices per node, where the servers of separate pools are placed.
    let perNode: Int

    init(engine: Engine, analysis a: Analysis, pools: DisaggregatedServing? = nil) {
        let l = a.layout
        perNode = max(a.spec.hardware.perNode, 1)
        comment("lcplan emit --engine \(engine.rawValue): the chosen layout of \(a.spec.file) as a \(engine.version) launch.")
        comment("Flags and keys as read from that release (lcplan's engines reference); check them against the release you run.")
        let hardware = "\(a.spec.hardware.device.name), \(a.spec.hardware.perNode) per node"
        if let pools {
            comment(
                "Layout: separate prefill and decode pools (better on the objective, \(a.search.objective.rawValue), than one aggregated layout): prefill \(pools.prefill.layout.summary) on \(pools.prefill.layout.devices) devices, decode \(pools.decode.layout.summary) on \(pools.decode.layout.devices), of \(pools.devices) x \(hardware)."
            )
        } else {
            comment("Layout: \(a.spec.workload.training != nil ? l.trainingSummary : l.summary) on \(l.devices) x \(hardware).")
            if a.search.disaggregationWins {
                comment(
                    "Separate prefill and decode pools are better on the objective; this launches the aggregated layout, as --aggregated asks."
                )
            }
        }
        lines.append("set -eu")
    }

    /// One comment line; anything from input in it is shown with its controls escaped (no line break can
    /// end the comment early).
    mutating func comment(_ text: String) { lines.append("# " + ShellWord.commentText(text)) }

    mutating func blank() { lines.append("") }

    mutating func raw(_ line: String) { lines.append(line) }

    /// `export NAME=value`, the value one quoted word.
    mutating func export(_ name: String, _ value: String) { lines.append("export \(name)=\(ShellWord.quoted(value))") }

    /// A file written by a quoted here-document (no expansion inside), each line with its controls
    /// escaped, ended by a terminator no line equals.
    mutating func file(_ path: String, _ contents: [String]) {
        let body = contents.map(ShellWord.commentText)
        let end = ShellWord.terminator(for: body)
        lines.append("cat > \(ShellWord.quoted(path)) <<'\(end)'")
        lines += body
        lines.append(end)
    }

    /// A command and its arguments, one per line, `\`-continued; `exec` hands the shell's process to it.
    /// `program` is lcplan's own text (the engine's command); every flag and value is one quoted word.
    mutating func command(_ program: String, _ arguments: [(String, String?)], exec: Bool = true, indent: String = "") {
        var parts = [(exec ? "exec " : "") + program]
        for (flag, value) in arguments {
            let word = ShellWord.quoted(flag)
            parts.append(value.map { "\(word) \(ShellWord.quoted($0))" } ?? word)
        }
        for (index, part) in parts.enumerated() {
            lines.append(indent + (index == 0 ? "" : "  ") + part + (index == parts.count - 1 ? "" : " \\"))
        }
    }

    /// The serving command: one server, or, with separate pools, one per pool chosen by the script's first
    /// argument (`prefill` or `decode`). The pools take the devices in order (the prefill pool first); a pool
    /// that shares a node with the other gets its devices there as `CUDA_VISIBLE_DEVICES` (unless already
    /// set).
    mutating func servers(
        _ servers: [Server], multiNode: MultiNode? = nil, build: (Server) -> (program: String, arguments: [(String, String?)])
    ) {
        if servers.count == 1, let server = servers.first, let multiNode, server.layout.devices > perNode {
            let (program, arguments) = build(server)
            launchAcrossNodes(multiNode, nodes: (server.layout.devices + perNode - 1) / perNode, program: program, arguments: arguments)
            return
        }
        for server in servers where server.layout.devices > perNode {
            comment(
                (server.pool.map { "The \($0.rawValue) pool's server" } ?? "The server")
                    + " spans \((server.layout.devices + perNode - 1) / perNode) nodes: start it as the engine's multi-node deployment does (not covered by lcplan's engines reference)."
            )
        }
        guard servers.count > 1 else {
            if let server = servers.first {
                let (program, arguments) = build(server)
                command(program, arguments)
            }
            return
        }
        comment(
            "Start the script once per pool, on that pool's devices: `sh SCRIPT prefill` and `sh SCRIPT decode` (arguments after the pool's name are passed on). Each prefill replica was costed prefilling one request at a time, hence its limit of one sequence. A router that sends each request to a prefill server and then to a decode server is not part of the engine's server and is not started here."
        )
        var first = 0
        var placed: [(Server, ClosedRange<Int>)] = []
        for server in servers {
            placed.append((server, first...(first + server.layout.devices - 1)))
            first += server.layout.devices
        }
        // The node both pools have devices on, if any (the prefill pool's last, the decode pool's first).
        let shared =
            placed.count == 2 && placed[0].1.upperBound / perNode == placed[1].1.lowerBound / perNode
            ? placed[1].1.lowerBound / perNode : nil
        for (server, range) in placed {
            let nodes = range.lowerBound / perNode...range.upperBound / perNode
            comment(
                "The \(server.pool?.rawValue ?? "") pool: devices \(range.lowerBound)-\(range.upperBound) in the spec's order ("
                    + (nodes.count == 1 ? "node \(nodes.lowerBound)" : "nodes \(nodes.lowerBound)-\(nodes.upperBound)") + ")."
            )
        }
        if let shared {
            comment(
                "Both pools have devices on node \(shared): give the servers there different ports (and the KV connector its own ports if it opens any)."
            )
        }
        raw("pool=\"${1:?usage: sh $0 prefill|decode [flags passed on]}\"")
        raw("shift")
        raw("case \"$pool\" in")
        for (server, range) in placed {
            raw("\(server.pool?.rawValue ?? ""))")
            let node = range.lowerBound / perNode
            if range.upperBound / perNode == node, node == shared {
                let local = (range.lowerBound % perNode...range.upperBound % perNode).map(String.init).joined(separator: ",")
                raw("    export CUDA_VISIBLE_DEVICES=\"${CUDA_VISIBLE_DEVICES:-\(local)}\"")
            }
            let (program, arguments) = build(server)
            command(program, arguments, indent: "    ")
            raw("    ;;")
        }
        raw("*)")
        raw("    echo \"usage: sh $0 prefill|decode [flags passed on]\" >&2")
        raw("    exit 2")
        raw("    ;;")
        raw("esac")
    }

    /// The preamble of a script run once on every node of a multi-node job (engines.md part 2, 0.1): the
    /// node count, this node's rank and node 0's address and port from the generic variables (NNODES,
    /// NODE_RANK, MASTER_ADDR, MASTER_PORT) or SLURM's inside an `srun` step (SLURM_NNODES, SLURM_NODEID,
    /// the allocation's first host), each checked: the script stops with a message when one is missing,
    /// when the node count is not the plan's, or when the rank is not 0 to nodes - 1.
    mutating func nodes(_ count: Int, port: Int) {
        comment(
            "Run this script once on every one of the \(count) nodes, e.g. `srun --nodes=\(count) --ntasks-per-node=1 sh SCRIPT` inside an allocation, or by hand with NNODES, NODE_RANK, MASTER_ADDR (node 0's address) and MASTER_PORT set."
        )
        raw("NNODES=\"${NNODES:-${SLURM_NNODES:-}}\"")
        raw("NODE_RANK=\"${NODE_RANK:-${SLURM_NODEID:-}}\"")
        raw("if [ -z \"${MASTER_ADDR:-}\" ] && [ -n \"${SLURM_JOB_NODELIST:-}\" ]; then")
        raw("    MASTER_ADDR=\"$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\"")
        raw("fi")
        raw("MASTER_PORT=\"${MASTER_PORT:-\(port)}\"")
        // No apostrophe in a ${VAR:?message}: inside double quotes its meaning differs between shells.
        raw(": \"${NNODES:?set NNODES to \(count), the node count of the plan (or run inside an srun step)}\"")
        raw(": \"${NODE_RANK:?set NODE_RANK to the index of this node, 0 to \(count - 1) (or run inside an srun step)}\"")
        raw(": \"${MASTER_ADDR:?set MASTER_ADDR to the address of node 0 (or run inside a SLURM allocation)}\"")
        raw("if [ \"$NNODES\" != \(count) ]; then")
        raw("    echo \"lcplan: this plan runs on \(count) nodes; NNODES is $NNODES\" >&2")
        raw("    exit 2")
        raw("fi")
        raw("case \"$NODE_RANK\" in")
        raw("    ''|*[!0-9]*) echo \"lcplan: NODE_RANK must be 0 to \(count - 1), not $NODE_RANK\" >&2; exit 2 ;;")
        raw("esac")
        raw("if [ \"$NODE_RANK\" -ge \(count) ]; then")
        raw("    echo \"lcplan: NODE_RANK must be 0 to \(count - 1), not $NODE_RANK\" >&2")
        raw("    exit 2")
        raw("fi")
    }

    /// How a serving engine forms one server over several nodes (engines.md part 2): vLLM 0.33's mp backend,
    /// one `vllm serve` per node with the node flags, `--headless` on every node but 0 (2.3 A, 2.5); SGLang
    /// 0.5.23, the same `launch_server` on every node with its rank and node 0's `--dist-init-addr` (3.5).
    enum MultiNode {
        case vllm, sglang
        /// Whole replicas on every node, `count` per node: each node runs its own server of them and a router
        /// in front spreads requests over the nodes (SGLang: multi-node data parallelism is not accepted).
        case replicasPerNode(Int)
    }

    mutating func launchAcrossNodes(_ form: MultiNode, nodes count: Int, program: String, arguments: [(String, String?)]) {
        switch form {
        case .vllm:
            nodes(count, port: 29501)
            let flags: [(String, String?)] = [
                ("--nnodes", "\(count)"), ("--node-rank", ShellWord.nodeRank), ("--master-addr", ShellWord.masterAddress),
                ("--master-port", ShellWord.masterPort),
            ]
            let all = Self.inserting(flags, into: arguments)
            comment("Node 0 serves the API; the other nodes run vLLM's workers headless.")
            raw("if [ \"$NODE_RANK\" -eq 0 ]; then")
            command(program, all, indent: "    ")
            raw("else")
            command(program, Self.inserting([("--headless", nil)], into: all), indent: "    ")
            raw("fi")
        case .replicasPerNode(let replicas):
            comment(
                "Run this script once on every one of the \(count) nodes: each starts its own server of \(replicas) replica\(replicas == 1 ? "" : "s") on that node's devices. A router in front that spreads requests over the \(count) servers is not part of the engine's server and is not started here."
            )
            command(program, arguments)
        case .sglang:
            nodes(count, port: 20000)
            comment("Every node runs the same server with its own rank; only node 0 serves HTTP (keep MASTER_PORT apart from --port).")
            let flags: [(String, String?)] = [
                ("--nnodes", "\(count)"), ("--node-rank", ShellWord.nodeRank), ("--dist-init-addr", ShellWord.masterEndpoint),
            ]
            command(program, Self.inserting(flags, into: arguments))
        }
    }

    /// The arguments with `extra` inserted before the pass-through `"$@"` (which stays last).
    static func inserting(_ extra: [(String, String?)], into arguments: [(String, String?)]) -> [(String, String?)] {
        guard let last = arguments.last, last.0 == ShellWord.passThrough else { return arguments + extra }
        return arguments.dropLast() + extra + [last]
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// The checkpoint to load: the Hugging Face repository a catalogue model names, overridable by
    /// `MODEL`; for a model the catalogue does not name, `MODEL` must be set (the script stops otherwise,
    /// naming the model in a single-quoted word: nothing of the name is expanded).
    mutating func modelVariable(_ model: ModelSpec) {
        if let repository = Self.huggingFaceRepository(model) {
            raw("MODEL=\"${MODEL:-\(repository)}\"")
            return
        }
        raw("if [ -z \"${MODEL:-}\" ]; then")
        raw("    printf '%s\\n' \(ShellWord.quoted("set MODEL to the checkpoint path or Hugging Face id of \(model.name)")) >&2")
        raw("    exit 2")
        raw("fi")
    }

    /// The Hugging Face repository id at the start of a model's source: `owner/name`, each part of
    /// letters, digits, `.`, `_` and `-` (the characters the Hub allows in repository ids), so it is one
    /// bare shell word; anything else is no repository.
    static func huggingFaceRepository(_ model: ModelSpec) -> String? {
        guard let first = model.source.split(separator: " ").first else { return nil }
        let parts = first.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-".unicodeScalars)
        guard parts.count == 2,
            parts.allSatisfy({ part in
                !part.isEmpty && !part.hasPrefix(".") && !part.hasPrefix("-") && part.unicodeScalars.allSatisfy(allowed.contains)
            })
        else { return nil }
        return String(first)
    }

    /// Why the chosen layout cannot start on `engine` (`EngineLayoutRules`, also what `search.enforce` checks).
    static func layoutProblems(_ a: Analysis, _ engine: EngineRules) -> [String] {
        EngineLayoutRules.violations(
            engine, a.layout, model: a.spec.model, context: a.spec.workload.context,
            globalBatch: a.spec.workload.training?.globalBatch)
    }

    /// A fraction with two decimals (0.90).
    static func fraction(_ value: Double) -> String { UnitFormat.fixed(value, decimals: 2) }
}

/// One server a serving script starts: the aggregated layout, or one of the separate prefill and decode pools.
struct Server {
    enum Pool: String { case prefill, decode }

    let layout: Layout
    /// The sequences each replica was costed with (the prefill pool: one request at a time).
    let sequencesPerReplica: Int
    let pool: Pool?

    /// The aggregated layout's server, or the two pools' (prefill first).
    static func all(_ a: Analysis, pools: DisaggregatedServing?) -> [Server] {
        guard let pools else { return [Server(layout: a.layout, sequencesPerReplica: a.evaluation.sequencesPerReplica, pool: nil)] }
        return [
            Server(layout: pools.prefill.layout, sequencesPerReplica: pools.prefill.sequencesPerReplica, pool: .prefill),
            Server(layout: pools.decode.layout, sequencesPerReplica: pools.decode.sequencesPerReplica, pool: .decode),
        ]
    }

    /// Why this server's layout cannot start on `engine`, each reason naming the pool.
    func problems(_ a: Analysis, _ engine: EngineRules) -> [String] {
        EngineLayoutRules.violations(engine, layout, model: a.spec.model, context: a.spec.workload.context, globalBatch: nil).map {
            (pool.map { "the \($0.rawValue) pool: " } ?? "") + $0
        }
    }
}

/// What `emit` launches beyond the chosen layout's degrees.
public struct EmitOptions: Sendable {
    /// Launch the aggregated layout even when separate prefill and decode pools are better.
    public var aggregated = false
    /// vLLM's KV connector between separate pools.
    public var kvConnector = Emitter.defaultConnector

    public init(aggregated: Bool = false, kvConnector: String = Emitter.defaultConnector) {
        self.aggregated = aggregated
        self.kvConnector = kvConnector
    }
}

/// `lcplan emit`: the chosen plan as an engine's launch script.
public enum Emitter {
    /// The KV connector vLLM's separate pools are started with unless `--kv-connector` names another.
    public static let defaultConnector = "NixlConnector"

    public static func emit(_ analysis: Analysis, engine: Engine, options: EmitOptions = EmitOptions()) -> EmitOutcome {
        let training = analysis.spec.workload.training != nil
        if engine.serves && training {
            return .unsupported(["\(engine.version) serves models; this spec plans training (use megatron, torchtitan or deepspeed)"])
        }
        if !engine.serves && !training {
            return .unsupported(["\(engine.version) trains models; this spec plans inference (use vllm, sglang or trtllm)"])
        }
        if analysis.spec.hardware.device.kind == .cpu {
            return .unsupported([
                "the launch flags lcplan follows are those of GPU deployments; \(analysis.spec.hardware.device.name) is a CPU"
            ])
        }
        // Separate pools when the search found them better, unless the aggregated layout is asked for.
        let pools = options.aggregated || !analysis.search.disaggregationWins ? nil : analysis.search.disaggregated
        switch engine {
        case .vllm: return ServingEmitters.vllm(analysis, pools: pools, connector: options.kvConnector)
        case .sglang: return ServingEmitters.sglang(analysis, pools: pools)
        case .trtllm: return ServingEmitters.trtllm(analysis, pools: pools)
        case .megatron: return TrainingEmitters.megatron(analysis)
        case .torchtitan: return TrainingEmitters.torchtitan(analysis)
        case .deepspeed: return TrainingEmitters.deepspeed(analysis)
        }
    }
}
