import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision

/// The JSON form of a report (`schema: "lcplan.report/v1"`); see schemas/lcplan.report.v1.schema.json.
/// Counts are integers (bytes, parameters, tokens); rates are numbers in base units (bytes/s, FLOP/s);
/// times are seconds.
public enum ReportJSON {
    public static func encode(_ report: Report) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("schema", .string(Report.schemaName)),
            ("verdict", .string(report.verdict.rawValue)),
            ("lcplan_version", .string(Report.toolVersion)),
            ("file", .string(report.file)),
        ]
        if let spec = report.spec {
            pairs.append(("model", model(spec.model, report.parameters)))
            pairs.append(("hardware", hardware(spec.hardware)))
            pairs.append(("workload", workload(spec.workload)))
            pairs.append(("plan", plan(spec.plan)))
            pairs.append(("constraints", constraints(spec.constraints)))
            pairs.append(
                (
                    "conventions",
                    .object([
                        ("attention_flops", .string(spec.conventions.attentionFLOPs.rawValue)),
                        ("fused_attention", .bool(spec.conventions.fusedAttention)),
                        ("dropout", .bool(spec.conventions.dropout)),
                        ("rope_phase_dtype", .string(spec.conventions.ropePhaseDtype.rawValue)),
                        ("rope_position_dtype", .string(spec.conventions.ropePositionDtype.rawValue)),
                        ("rope_eps", .number(spec.conventions.ropeEps)),
                        ("rope_depth", .optional(spec.conventions.ropeDepth, JSONValue.int)),
                    ])
                ))
            pairs.append(
                (
                    "checks",
                    .object([
                        ("fail_on", .string(spec.checks.failOn.rawValue)),
                        ("suppress", .array(spec.checks.suppress.map(JSONValue.string))),
                        ("suppressed_findings", .array(report.suppressed.map(JSONValue.string))),
                    ])
                ))
        }
        if let analysis = report.analysis {
            pairs.append(("layout", ProfileJSON.layout(analysis)))
            pairs.append(("flops", ProfileJSON.flops(analysis)))
            pairs.append(("memory", ProfileJSON.memory(analysis)))
            pairs.append(("time", ProfileJSON.time(analysis)))
            pairs.append(("rope", .array(analysis.rope.map(RoPEReport.json))))
            pairs.append(("assumptions", .array(analysis.assumptions.map(JSONValue.string))))
        }
        pairs.append(("diagnostics", .array(report.diagnostics.map(diagnostic))))
        return .object(pairs)
    }

    public static func diagnostic(_ d: Diagnostic) -> JSONValue {
        .object([
            ("rule", .string(d.rule.id)),
            ("name", .string(d.rule.name)),
            ("severity", .string(d.severity.rawValue)),
            ("message", .string(d.message)),
            ("file", .optional(d.location?.file, JSONValue.string)),
            ("line", .optional(d.location?.line, JSONValue.int)),
            ("column", .optional(d.location?.column, JSONValue.int)),
            ("key_path", .optional(d.keyPath, JSONValue.string)),
            ("expected", .optional(d.expected, JSONValue.string)),
            ("suggestion", .optional(d.suggestion, JSONValue.string)),
            ("help", .string(d.help)),
        ])
    }

    static func model(_ m: ModelSpec, _ p: ParameterCount?) -> JSONValue {
        var kinds: [(String, JSONValue)] = []
        let layerKinds = m.layerKinds
        for kind in LayerKind.allCases {
            kinds.append((kind.rawValue, .int(layerKinds.filter { $0 == kind }.count)))
        }
        return .object([
            ("name", .string(m.name)),
            ("source", .string(m.source)),
            ("confidence", .string(m.confidence.rawValue)),
            ("layers", .int(m.layers)),
            ("hidden", .int(m.hidden)),
            ("heads", .int(m.heads)),
            ("kv_heads", .int(m.kvHeads)),
            ("head_dim", .int(m.headDim)),
            ("ffn", .int(m.ffn)),
            ("ffn_kind", .string(m.ffnKind.rawValue)),
            ("activation", .string(m.activation)),
            ("vocab", .int(m.vocab)),
            ("tied_embeddings", .bool(m.tiedEmbeddings)),
            ("qkv_bias", .bool(m.qkvBias)),
            ("linear_bias", .bool(m.linearBias)),
            ("norm", .string(m.norm.rawValue)),
            ("norms_per_layer", .int(m.normsPerLayer)),
            ("qk_norm", .bool(m.qkNorm)),
            ("positions", .string(m.positions.rawValue)),
            ("max_context", .int(m.maxContext)),
            ("attention", attention(m.attention)),
            ("layer_kinds", .object(kinds)),
            ("moe", .optional(m.moe, moe)),
            (
                "ssm",
                .optional(m.ssm) { s in
                    .object([("state", .int(s.state)), ("conv", .int(s.conv)), ("expand", .int(s.expand)), ("dt_rank", .int(s.dtRank))])
                }
            ),
            ("rope", .optional(m.rope, rope)),
            ("parameters", .optional(p, parameters)),
        ])
    }

    static func attention(_ a: AttentionSpec) -> JSONValue {
        .object([
            ("kind", .string(a.kind.rawValue)),
            ("window", .optional(a.window, JSONValue.int)),
            ("pattern", .optional(a.pattern) { .array($0.map { .string($0.rawValue) }) }),
            (
                "mla",
                .optional(a.mla) { mla in
                    .object([
                        ("q_lora_rank", .optional(mla.qLoraRank, JSONValue.int)),
                        ("kv_lora_rank", .int(mla.kvLoraRank)),
                        ("qk_nope_head_dim", .int(mla.qkNopeHeadDim)),
                        ("qk_rope_head_dim", .int(mla.qkRopeHeadDim)),
                        ("v_head_dim", .int(mla.vHeadDim)),
                    ])
                }
            ),
        ])
    }

    static func moe(_ e: MoESpec) -> JSONValue {
        .object([
            ("experts", .int(e.experts)), ("active", .int(e.active)), ("shared", .int(e.shared)),
            ("expert_ffn", .int(e.expertFfn)), ("dense_layers", .int(e.denseLayers)), ("every", .int(e.every)),
            ("offset", .int(e.offset)), ("router_bias", .bool(e.routerBias)),
        ])
    }

    static func rope(_ r: RoPESpec) -> JSONValue {
        .object([
            ("theta", .string(r.theta)),
            ("theta_value", .number(r.thetaValue)),
            ("rotary_dim", .int(r.rotaryDim)),
            ("trained_context", .int(r.trainedContext)),
            ("local_theta", .optional(r.localTheta, JSONValue.string)),
            ("scaling", .optional(r.scaling, scaling)),
        ])
    }

    static func scaling(_ s: RoPEScaling) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { .optional(value, JSONValue.number) }
        func list(_ value: [Double]?) -> JSONValue { .optional(value) { .array($0.map(JSONValue.number)) } }
        return .object([
            ("type", .string(s.type.rawValue)), ("factor", .number(s.factor)),
            ("original_context", .optional(s.originalContext, JSONValue.int)),
            ("low_freq_factor", number(s.lowFreqFactor)), ("high_freq_factor", number(s.highFreqFactor)),
            ("beta_fast", number(s.betaFast)), ("beta_slow", number(s.betaSlow)),
            ("mscale", number(s.mscale)), ("mscale_all_dim", number(s.mscaleAllDim)),
            ("attention_factor", number(s.attentionFactor)), ("truncate", .optional(s.truncate, JSONValue.bool)),
            ("short_factor", list(s.shortFactor)), ("long_factor", list(s.longFactor)),
        ])
    }

    static func parameters(_ p: ParameterCount) -> JSONValue {
        .object([
            ("total", .integer(p.total)), ("active", .integer(p.active)), ("non_embedding", .integer(p.nonEmbedding)),
            ("embedding", .integer(p.embedding)), ("lm_head", .integer(p.lmHead)), ("attention", .integer(p.attention)),
            ("mlp", .integer(p.mlp)), ("experts", .integer(p.experts)), ("norms", .integer(p.norms)),
        ])
    }

    static func hardware(_ h: HardwareSpec) -> JSONValue {
        let d = h.device
        let peaks = d.peak.sorted { $0.key < $1.key }.map { ($0.key.rawValue, JSONValue.number($0.value.flopsPerSecond)) }
        return .object([
            (
                "device",
                .object([
                    ("name", .string(d.name)), ("kind", .string(d.kind.rawValue)), ("source", .string(d.source)),
                    ("confidence", .string(d.confidence.rawValue)), ("memory", .integer(d.memory.value)),
                    ("memory_bandwidth", .number(d.memoryBandwidth.bytesPerSecond)), ("peak", .object(peaks)),
                    ("intra_node", .optional(d.intraNode) { .number($0.bytesPerSecond) }),
                    ("host_memory", .optional(d.hostMemory) { .integer($0.value) }),
                    ("host_link", .optional(d.hostLink) { .number($0.bytesPerSecond) }),
                ])
            ),
            ("count", .int(h.count)),
            ("per_node", .int(h.perNode)),
            ("nodes", .int((h.count + h.perNode - 1) / h.perNode)),
            ("intra_node", .optional(h.intraNode ?? d.intraNode) { .number($0.bytesPerSecond) }),
            ("inter_node", .optional(h.interNode) { .number($0.bytesPerSecond) }),
            (
                "efficiency",
                .object([
                    ("compute", .number(h.efficiency.compute)), ("memory", .number(h.efficiency.memory)),
                    ("network", .number(h.efficiency.network)),
                ])
            ),
            ("workspace", .integer(h.workspace.value)),
        ])
    }

    static func workload(_ w: WorkloadSpec) -> JSONValue {
        .object([
            ("mode", .string(w.mode.rawValue)),
            ("context", .int(w.context)),
            ("batch", .int(w.batch)),
            ("prompt_tokens", .int(w.promptTokens)),
            ("output_tokens", .int(w.outputTokens)),
            ("dtype", .string(w.dtype.rawValue)),
            ("prefill_chunk", .optional(w.prefillChunk, JSONValue.int)),
            (
                "kv_cache",
                .object([
                    ("dtype", .string(w.kvCache.dtype.rawValue)), ("block_tokens", .int(w.kvCache.blockTokens)),
                    ("group_size", .optional(w.kvCache.groupSize, JSONValue.int)),
                    ("scale_dtype", .optional(w.kvCache.scaleDtype) { .string($0.rawValue) }),
                ])
            ),
            (
                "training",
                .optional(w.training) { t in
                    .object([
                        ("global_batch", .int(t.globalBatch)), ("micro_batch", .int(t.microBatch)),
                        ("optimizer", .string(t.optimizer.rawValue)), ("zero", .int(t.zero)),
                        ("recompute", .string(t.recompute.rawValue)), ("grad_dtype", .string(t.gradDtype.rawValue)),
                    ])
                }
            ),
        ])
    }

    static func plan(_ p: PlanSpec) -> JSONValue {
        .object([
            ("tp", .optional(p.tp, JSONValue.int)), ("pp", .optional(p.pp, JSONValue.int)),
            ("vpp", .optional(p.vpp, JSONValue.int)), ("dp", .optional(p.dp, JSONValue.int)),
            ("cp", .optional(p.cp, JSONValue.int)), ("cp_kind", .optional(p.cpKind) { .string($0.rawValue) }),
            ("ep", .optional(p.ep, JSONValue.int)), ("sequence_parallel", .optional(p.sequenceParallel, JSONValue.bool)),
            ("zero", .optional(p.zero, JSONValue.int)), ("recompute", .optional(p.recompute) { .string($0.rawValue) }),
            ("micro_batch", .optional(p.microBatch, JSONValue.int)),
        ])
    }

    static func constraints(_ c: ConstraintsSpec) -> JSONValue {
        .object([
            ("memory_headroom", .number(c.memoryHeadroom)),
            ("ttft", .optional(c.ttft, JSONValue.number)),
            ("tpot", .optional(c.tpot, JSONValue.number)),
            ("step_time", .optional(c.stepTime, JSONValue.number)),
        ])
    }
}
