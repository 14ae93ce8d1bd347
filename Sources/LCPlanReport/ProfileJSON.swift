import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The `flops`, `memory`, `time`, `layout` and `assumptions` sections of the JSON report.
enum ProfileJSON {
    static func flops(_ a: Analysis) -> JSONValue {
        let inference = a.spec.workload.mode == .inference
        return .object([
            ("convention", .string(a.spec.conventions.attentionFLOPs.rawValue)),
            ("prefill", inference ? breakdown(a.flops.prefill) : .null),
            ("decode_per_token", inference ? breakdown(a.flops.decodePerToken) : .null),
            ("decode_total", inference ? breakdown(a.flops.decodeTotal) : .null),
            (
                "training_step",
                .optional(a.flops.trainingForward) { forward in
                    .object([
                        ("forward", breakdown(forward)),
                        ("model", .optional(a.flops.trainingModel, JSONValue.integer)),
                        ("hardware", .optional(a.flops.trainingHardware(recompute: a.layout.recompute), JSONValue.integer)),
                        ("recompute", .string(a.layout.recompute.rawValue)),
                    ])
                }
            ),
            ("attention_crossover_context", .optional(a.flops.attentionCrossoverContext, JSONValue.int)),
        ])
    }

    static func breakdown(_ f: FLOPBreakdown) -> JSONValue {
        .object([
            ("total", .integer(f.total)),
            ("attention_core", .integer(f.attentionCore)),
            ("attention_projections", .integer(f.attentionProjections)),
            ("mlp", .integer(f.mlp)),
            ("experts", .integer(f.experts)),
            ("lm_head", .integer(f.lmHead)),
            ("other", .integer(f.other)),
            ("attention_share", .number(f.attentionShare)),
        ])
    }

    static func memory(_ a: Analysis) -> JSONValue {
        let m = a.memory
        return .object([
            ("stage", .int(m.stage)),
            ("parameters_per_device", .integer(m.parametersPerDevice)),
            ("weights", .integer(m.device.weights)),
            ("kv_cache", .integer(m.device.kvCache)),
            ("activations", .integer(m.device.activations)),
            ("gradients", .integer(m.device.gradients)),
            ("optimizer", .integer(m.device.optimizer)),
            ("workspace", .integer(m.device.workspace)),
            ("total", .integer(m.total)),
            ("capacity", .integer(m.capacity)),
            ("usable", .integer(m.usable)),
            ("headroom", .integer(m.headroom)),
            ("fits", .bool(m.fits)),
            ("kv_cache_bytes_per_token", .integer(m.kvCacheBytesPerToken)),
            ("max_context", .optional(a.maxContext, JSONValue.int)),
            ("sequences_per_replica", .int(m.sequencesPerReplica)),
            ("in_flight_micro_batches", .int(m.inFlightMicroBatches)),
        ])
    }

    static func phase(_ p: PhaseTime?) -> JSONValue {
        .optional(p) { p in
            .object([
                ("seconds", .number(p.seconds)), ("compute_s", .number(p.compute)), ("memory_s", .number(p.memory)),
                ("communication_s", .number(p.communication)), ("bound", .string(p.bound.rawValue)),
            ])
        }
    }

    static func time(_ a: Analysis) -> JSONValue {
        let t = a.time
        return .object([
            ("compute_format", .string(t.computeFormat.rawValue)),
            ("peak", .number(t.peak)),
            ("ttft_s", .optional(t.ttft?.seconds, JSONValue.number)),
            ("tpot_s", .optional(t.tpot?.seconds, JSONValue.number)),
            ("step_s", .optional(t.step?.seconds, JSONValue.number)),
            ("tokens_per_s", .number(t.tokensPerSecond)),
            ("mfu", .optional(t.mfu, JSONValue.number)),
            ("hfu", .optional(t.hfu, JSONValue.number)),
            ("bubble_fraction", .optional(t.bubbleFraction, JSONValue.number)),
            ("prefill", phase(t.ttft)),
            ("decode", phase(t.tpot)),
            ("training_step", phase(t.step)),
        ])
    }

    static func layout(_ a: Analysis) -> JSONValue {
        let l = a.layout
        return .object([
            ("tp", .int(l.tp)), ("pp", .int(l.pp)), ("vpp", .int(l.vpp)), ("dp", .int(l.dp)), ("cp", .int(l.cp)),
            ("ep", .int(l.ep)), ("cp_kind", .string(l.cpKind.rawValue)), ("sequence_parallel", .bool(l.sequenceParallel)),
            ("zero", .int(l.zero)), ("recompute", .string(l.recompute.rawValue)), ("micro_batch", .int(l.microBatch)),
            ("devices", .int(l.devices)), ("defaulted", .array(a.defaulted.map(JSONValue.string))),
        ])
    }
}
