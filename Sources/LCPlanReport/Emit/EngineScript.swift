import LCPlanCalculators
import LCPlanModel

/// The engines `lcplan emit` writes launch scripts for, with the version each script follows
/// (../shared/reference/engines.md, which names the source of every flag and key).
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

    init(engine: Engine, analysis a: Analysis) {
        let l = a.layout
        comment("lcplan emit --engine \(engine.rawValue): the chosen layout of \(a.spec.file) as a \(engine.version) launch.")
        comment("Flags and keys as read from that release (lcplan's engines reference); check them against the release you run.")
        comment(
            "Layout: \(a.spec.workload.training != nil ? l.trainingSummary : l.summary) on \(l.devices) x \(a.spec.hardware.device.name), \(a.spec.hardware.perNode) per node."
        )
        lines.append("set -eu")
    }

    mutating func comment(_ text: String) { lines.append("# " + text) }

    mutating func blank() { lines.append("") }

    mutating func raw(_ line: String) { lines.append(line) }

    /// `export NAME=value`.
    mutating func export(_ name: String, _ value: String) { lines.append("export \(name)=\(value)") }

    /// A file written by a quoted here-document (no expansion inside).
    mutating func file(_ path: String, _ contents: [String]) {
        lines.append("cat > \(path) <<'LCPLAN_EOF'")
        lines += contents
        lines.append("LCPLAN_EOF")
    }

    /// A command and its arguments, one per line, `\`-continued; `exec` hands the shell's process to it.
    mutating func command(_ program: String, _ arguments: [(String, String?)], exec: Bool = true) {
        var parts = [(exec ? "exec " : "") + program]
        for (flag, value) in arguments {
            parts.append(value.map { "\(flag) \($0)" } ?? flag)
        }
        for (index, part) in parts.enumerated() {
            lines.append((index == 0 ? "" : "  ") + part + (index == parts.count - 1 ? "" : " \\"))
        }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// The checkpoint to load: the Hugging Face repository a catalogue model names, overridable by
    /// `MODEL`; for a model the catalogue does not name, `MODEL` must be set (the script stops otherwise).
    static func modelVariable(_ model: ModelSpec) -> String {
        if let repository = huggingFaceRepository(model) { return "MODEL=\"${MODEL:-\(repository)}\"" }
        return "MODEL=\"${MODEL:?set MODEL to the checkpoint path or Hugging Face id of \(model.name)}\""
    }

    static func huggingFaceRepository(_ model: ModelSpec) -> String? {
        guard let first = model.source.split(separator: " ").first, first.contains("/"), !first.hasPrefix("."),
            !first.hasPrefix("/")
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

/// `lcplan emit`: the chosen plan as an engine's launch script.
public enum Emitter {
    public static func emit(_ analysis: Analysis, engine: Engine) -> EmitOutcome {
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
        switch engine {
        case .vllm: return ServingEmitters.vllm(analysis)
        case .sglang: return ServingEmitters.sglang(analysis)
        case .trtllm: return ServingEmitters.trtllm(analysis)
        case .megatron: return TrainingEmitters.megatron(analysis)
        case .torchtitan: return TrainingEmitters.torchtitan(analysis)
        case .deepspeed: return TrainingEmitters.deepspeed(analysis)
        }
    }
}
