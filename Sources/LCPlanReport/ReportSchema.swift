import LCPlanCalculators
import LCPlanModel

/// The JSON Schema of the JSON report (`lcplan.report/v1`). Every object forbids keys it does not list,
/// so a test that validates real reports against it fails as soon as `ReportJSON` and this schema drift.
public enum ReportSchema {
    typealias S = SchemaBuilder

    public static func document() -> JSONValue {
        let body = S.object(
            "An lcplan report.",
            [
                ("schema", .object([("type", .string("string")), ("enum", .array([.string(Report.schemaName)]))])),
                ("verdict", S.choice(Verdict.allCases.map(\.rawValue), "ok, warnings, infeasible or invalid.")),
                ("lcplan_version", S.type("string")),
                ("file", S.type("string", "The spec as named on the command line.")),
                ("model", model),
                ("hardware", hardware),
                ("workload", workload),
                ("plan", plan),
                (
                    "constraints",
                    S.object(
                        "Limits the plan must meet; times in seconds.",
                        [
                            ("memory_headroom", S.type("number")), ("ttft", S.nullable(S.type("number"))),
                            ("tpot", S.nullable(S.type("number"))), ("step_time", S.nullable(S.type("number"))),
                        ])
                ),
                (
                    "conventions",
                    S.object(
                        "Counting conventions in force.",
                        [
                            ("attention_flops", S.choice(AttentionFLOPConvention.allCases.map(\.rawValue))),
                            ("fused_attention", bool), ("dropout", bool),
                            ("rope_phase_dtype", S.choice(NumberFormat.allCases.map(\.rawValue))),
                            ("rope_position_dtype", S.choice(NumberFormat.allCases.map(\.rawValue))),
                            ("rope_eps", number), ("rope_depth", nullableInt),
                        ])
                ),
                ("layout", layout),
                ("flops", flops),
                ("memory", memory),
                ("time", time),
                ("rope", S.array(rope)),
                ("assumptions", S.array(string)),
                (
                    "checks",
                    S.object(
                        "Check settings.",
                        [
                            ("fail_on", S.choice(Severity.allCases.map(\.rawValue))),
                            ("suppress", S.array(S.type("string"))),
                            ("suppressed_findings", S.array(S.type("string"))),
                        ])
                ),
                ("diagnostics", S.array(diagnostic)),
            ], required: ["schema", "verdict", "lcplan_version", "file", "diagnostics"])
        guard case .object(var pairs) = body else { return body }
        pairs.insert(("$schema", .string("http://json-schema.org/draft-07/schema#")), at: 0)
        pairs.insert(("$id", .string("lcplan.report.v1.schema.json")), at: 1)
        pairs.insert(("title", .string("lcplan report, version 1")), at: 2)
        return .object(pairs)
    }

    /// The JSON Schema of `lcplan rope --format json` (`schema: "lcplan.rope/v1"`).
    public static func ropeDocument() -> JSONValue {
        let body = S.object(
            "The RoPE analysis of one model at one context.",
            [
                ("schema", .object([("type", .string("string")), ("enum", .array([.string("lcplan.rope/v1")]))])),
                ("model", S.type("string")),
                ("context", count),
                ("rope", S.array(rope)),
                ("diagnostics", S.array(diagnostic)),
            ])
        guard case .object(var pairs) = body else { return body }
        pairs.insert(("$schema", .string("http://json-schema.org/draft-07/schema#")), at: 0)
        pairs.insert(("$id", .string("lcplan.rope.v1.schema.json")), at: 1)
        pairs.insert(("title", .string("lcplan rope output, version 1")), at: 2)
        return .object(pairs)
    }

    static let int = S.integer()
    static let count = S.integer(minimum: 0)
    static let nullableInt = S.nullable(S.integer())
    static let string = S.type("string")
    static let bool = S.type("boolean")
    static let number = S.type("number")

    public static var diagnostic: JSONValue {
        S.object(
            "One finding.",
            [
                ("rule", .object([("type", .string("string")), ("pattern", .string("^LC[0-9]{3}$"))])),
                ("name", string),
                ("severity", S.choice(Severity.allCases.map(\.rawValue))),
                ("message", string),
                ("file", S.nullable(string)),
                ("line", S.nullable(S.integer(minimum: 1))),
                ("column", S.nullable(S.integer(minimum: 1))),
                ("key_path", S.nullable(string)),
                ("expected", S.nullable(string)),
                ("suggestion", S.nullable(string)),
                ("help", string),
            ])
    }

    static var model: JSONValue {
        S.object(
            "The resolved model (presets expanded).",
            [
                ("name", string), ("source", string), ("confidence", S.choice(Confidence.allCases.map(\.rawValue))),
                ("layers", count), ("hidden", count), ("heads", count), ("kv_heads", count), ("head_dim", count),
                ("ffn", count), ("ffn_kind", S.choice(FFNKind.allCases.map(\.rawValue))), ("activation", string),
                ("vocab", count), ("tied_embeddings", bool), ("qkv_bias", bool), ("linear_bias", bool),
                ("norm", S.choice(NormKind.allCases.map(\.rawValue))), ("norms_per_layer", count), ("qk_norm", bool),
                ("positions", S.choice(PositionKind.allCases.map(\.rawValue))), ("max_context", count),
                (
                    "attention",
                    S.object(
                        "Attention settings.",
                        [
                            ("kind", S.choice(AttentionKind.allCases.map(\.rawValue))),
                            ("window", nullableInt),
                            ("pattern", S.nullable(S.array(S.choice(LayerKind.allCases.map(\.rawValue))))),
                            (
                                "mla",
                                S.nullable(
                                    S.object(
                                        "MLA ranks.",
                                        [
                                            ("q_lora_rank", nullableInt), ("kv_lora_rank", count), ("qk_nope_head_dim", count),
                                            ("qk_rope_head_dim", count), ("v_head_dim", count),
                                        ]))
                            ),
                        ])
                ),
                ("layer_kinds", S.object("Layers of each kind.", LayerKind.allCases.map { ($0.rawValue, count) })),
                (
                    "moe",
                    S.nullable(
                        S.object(
                            "Mixture of experts.",
                            [
                                ("experts", count), ("active", count), ("shared", count), ("expert_ffn", count),
                                ("dense_layers", count), ("every", count), ("offset", count), ("router_bias", bool),
                            ]))
                ),
                (
                    "ssm",
                    S.nullable(S.object("State-space layers.", [("state", count), ("conv", count), ("expand", count), ("dt_rank", count)]))
                ),
                (
                    "rope",
                    S.nullable(
                        S.object(
                            "Rotary embedding; theta as the exact decimal text.",
                            [
                                ("theta", string), ("theta_value", number), ("rotary_dim", count), ("trained_context", count),
                                ("local_theta", S.nullable(string)),
                                (
                                    "scaling",
                                    S.nullable(
                                        S.object(
                                            "Scaling method.",
                                            [
                                                ("type", S.choice(RoPEScalingType.allCases.map(\.rawValue))), ("factor", number),
                                                ("original_context", nullableInt), ("low_freq_factor", S.nullable(number)),
                                                ("high_freq_factor", S.nullable(number)), ("beta_fast", S.nullable(number)),
                                                ("beta_slow", S.nullable(number)), ("mscale", S.nullable(number)),
                                                ("mscale_all_dim", S.nullable(number)),
                                                ("attention_factor", S.nullable(number)), ("truncate", S.nullable(bool)),
                                                ("short_factor", S.nullable(S.array(number))), ("long_factor", S.nullable(S.array(number))),
                                            ]))
                                ),
                            ]))
                ),
                (
                    "parameters",
                    S.nullable(
                        S.object(
                            "Exact parameter counts (integers of any length).",
                            [
                                ("total", count), ("active", count), ("non_embedding", count), ("embedding", count), ("lm_head", count),
                                ("attention", count), ("mlp", count), ("experts", count), ("norms", count),
                            ]))
                ),
            ])
    }

    static var hardware: JSONValue {
        S.object(
            "The hardware; memory in bytes, bandwidths in bytes/s per direction, peaks in dense FLOP/s.",
            [
                (
                    "device",
                    S.object(
                        "One device.",
                        [
                            ("name", string), ("kind", S.choice(DeviceKind.allCases.map(\.rawValue))), ("source", string),
                            ("confidence", S.choice(Confidence.allCases.map(\.rawValue))), ("memory", count),
                            ("memory_bandwidth", number),
                            (
                                "peak",
                                .object([
                                    ("type", .string("object")),
                                    ("properties", .object(NumberFormat.allCases.map { ($0.rawValue, number) })),
                                    ("additionalProperties", .bool(false)),
                                ])
                            ),
                            ("intra_node", S.nullable(number)), ("host_memory", S.nullable(count)), ("host_link", S.nullable(number)),
                        ])
                ),
                ("count", count), ("per_node", count), ("nodes", count),
                ("intra_node", S.nullable(number)), ("inter_node", S.nullable(number)),
                ("efficiency", S.object("Fractions of peak.", [("compute", number), ("memory", number), ("network", number)])),
                ("workspace", count),
            ])
    }

    static var workload: JSONValue {
        let formats = NumberFormat.allCases.map(\.rawValue)
        return S.object(
            "The workload; token counts are integers.",
            [
                ("mode", S.choice(WorkloadMode.allCases.map(\.rawValue))), ("context", count), ("batch", count),
                ("prompt_tokens", count), ("output_tokens", count), ("dtype", S.choice(formats)),
                ("prefill_chunk", nullableInt),
                (
                    "kv_cache",
                    S.object(
                        "KV cache format.",
                        [
                            ("dtype", S.choice(formats)), ("block_tokens", count), ("group_size", nullableInt),
                            ("scale_dtype", S.nullable(S.choice(formats))),
                        ])
                ),
                (
                    "training",
                    S.nullable(
                        S.object(
                            "Training settings.",
                            [
                                ("global_batch", count), ("micro_batch", count),
                                ("optimizer", S.choice(Optimizer.allCases.map(\.rawValue))),
                                ("zero", count), ("recompute", S.choice(Recompute.allCases.map(\.rawValue))),
                                ("grad_dtype", S.choice(formats)),
                            ]))
                ),
            ])
    }

    static var layout: JSONValue {
        S.object(
            "The layout the profiles are computed for: the spec's fixed degrees, the rest defaulted.",
            [
                ("tp", count), ("pp", count), ("vpp", count), ("dp", count), ("cp", count), ("ep", count),
                ("cp_kind", S.choice(ContextParallelKind.allCases.map(\.rawValue))), ("sequence_parallel", bool), ("zero", count),
                ("recompute", S.choice(Recompute.allCases.map(\.rawValue))), ("micro_batch", count), ("devices", count),
                ("defaulted", S.array(string)),
            ])
    }

    static var breakdown: JSONValue {
        S.object(
            "FLOPs by part (integers); the parts sum to total.",
            [
                ("total", count), ("attention_core", count), ("attention_projections", count), ("mlp", count),
                ("experts", count), ("lm_head", count), ("other", count), ("attention_share", number),
            ])
    }

    static var flops: JSONValue {
        S.object(
            "FLOPs per phase for the whole batch (decode_per_token: one token of one sequence).",
            [
                ("convention", S.choice(AttentionFLOPConvention.allCases.map(\.rawValue))),
                ("prefill", S.nullable(breakdown)), ("decode_per_token", S.nullable(breakdown)), ("decode_total", S.nullable(breakdown)),
                (
                    "training_step",
                    S.nullable(
                        S.object(
                            "One training step.",
                            [
                                ("forward", breakdown), ("model", S.nullable(count)), ("hardware", S.nullable(count)),
                                ("recompute", S.choice(Recompute.allCases.map(\.rawValue))),
                            ]))
                ),
                ("attention_crossover_context", nullableInt),
            ])
    }

    static var memory: JSONValue {
        S.object(
            "Bytes on the most loaded device (integers); headroom is usable minus total and may be negative.",
            [
                ("stage", count), ("parameters_per_device", count), ("weights", count), ("kv_cache", count),
                ("activations", count), ("gradients", count), ("optimizer", count), ("workspace", count), ("total", count),
                ("capacity", count), ("usable", count), ("headroom", int), ("fits", bool), ("kv_cache_bytes_per_token", count),
                ("max_context", nullableInt), ("sequences_per_replica", count), ("in_flight_micro_batches", count),
            ])
    }

    static var phase: JSONValue {
        S.nullable(
            S.object(
                "One phase's roofline, seconds.",
                [
                    ("seconds", number), ("compute_s", number), ("memory_s", number), ("communication_s", number),
                    ("bound", S.choice(Bound.allCases.map(\.rawValue))),
                ]))
    }

    static var time: JSONValue {
        S.object(
            "Roofline times in seconds; peak in FLOP/s.",
            [
                ("compute_format", S.choice(NumberFormat.allCases.map(\.rawValue))), ("peak", number),
                ("ttft_s", S.nullable(number)), ("tpot_s", S.nullable(number)), ("step_s", S.nullable(number)),
                ("tokens_per_s", number), ("mfu", S.nullable(number)), ("hfu", S.nullable(number)),
                ("bubble_fraction", S.nullable(number)), ("prefill", phase), ("decode", phase), ("training_step", phase),
            ])
    }

    static let real = S.object(
        "A real number: decimal string with the requested significant digits, and the nearest double.",
        [("decimal", string), ("value", number)])

    static var boundFamily: JSONValue {
        S.object(
            "Phase-modulation bounds on the base.",
            [
                ("aliasing_min_base", real), ("stability_min_base", real), ("depth_min_base", real), ("precision_max_base", real),
            ])
    }

    public static var rope: JSONValue {
        S.object(
            "RoPE feasibility for one kind of layer.",
            [
                ("layers", S.choice(LayerKind.allCases.map(\.rawValue))), ("distance", count), ("theta", real), ("effective_base", real),
                ("rotary_dim", count), ("pass_through_pairs", count), ("attention_factor", real),
                (
                    "pairs",
                    S.object(
                        "Pairs a scaling method left, blended, scaled.", [("unchanged", count), ("blended", count), ("scaled", count)])
                ),
                ("yarn_correction_range", S.nullable(S.array(number))), ("working_precision_bits", count), ("eps", number),
                ("depth", count),
                ("phase_dtype", S.choice(NumberFormat.allCases.map(\.rawValue))),
                ("position_dtype", S.choice(NumberFormat.allCases.map(\.rawValue))),
                ("bounds", S.object("Both bound families.", [("summary", boundFamily), ("exact_dimension", S.nullable(boundFamily))])),
                (
                    "zone",
                    S.object(
                        "The feasible interval of bases.",
                        [("family", S.choice(["summary", "exact_dimension"])), ("min_base", real), ("max_base", real)])
                ),
                ("feasible", bool), ("binding", string),
                (
                    "men",
                    S.nullable(
                        S.object(
                            "Men et al. criterion over every position.",
                            [
                                ("holds", bool), ("first_failure", nullableInt), ("failure_value", S.nullable(number)), ("minimum", number),
                                ("argmin", count), ("positions", count), ("rechecked_in_mpfr", count),
                            ]))
                ),
                (
                    "liu",
                    S.object(
                        "Liu et al. critical dimension.", [("critical_dimension", count), ("raw", real), ("extrapolation_limit", real)])
                ),
                (
                    "precision",
                    S.object(
                        "Positions and phases in their formats.",
                        [
                            ("context_wall", real), ("last_position_rounded", real), ("exact_position_limit", count),
                            ("fastest_phase_ulp", real), ("slowest_phase_ulp", real),
                        ])
                ),
                ("max_context", count),
                (
                    "recommendation",
                    S.object(
                        "The smallest base that holds, and the scaling factor that reaches it.",
                        [
                            ("min_base", real), ("men_windows_scanned", bool), ("scaling_factor", real), ("scaling_stays_in_zone", bool),
                        ])
                ),
            ])
    }

    static var plan: JSONValue {
        S.object(
            "Fixed layout choices from the spec; null is left to the planner.",
            [
                ("tp", nullableInt), ("pp", nullableInt), ("vpp", nullableInt), ("dp", nullableInt), ("cp", nullableInt),
                ("cp_kind", S.nullable(S.choice(ContextParallelKind.allCases.map(\.rawValue)))), ("ep", nullableInt),
                ("sequence_parallel", S.nullable(bool)), ("zero", nullableInt),
                ("recompute", S.nullable(S.choice(Recompute.allCases.map(\.rawValue)))), ("micro_batch", nullableInt),
            ])
    }
}
