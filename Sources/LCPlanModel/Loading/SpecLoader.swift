import Foundation
import Yams

/// The loader's result: the resolved spec (nil when the input has errors) and every finding.
public struct LoadResult {
    public let spec: Spec?
    public let diagnostics: [Diagnostic]

    public init(spec: Spec?, diagnostics: [Diagnostic]) {
        self.spec = spec
        self.diagnostics = diagnostics
    }
}

/// Turns spec text into a resolved `Spec`: parse, read every section against its shape, expand
/// presets, then check the sections against each other. All findings are collected, not just the first.
public enum SpecLoader {
    /// Reads the file at `path` (`-` for standard input) and loads it.
    public static func load(path: String, library: PresetLibrary = PresetLibrary()) -> LoadResult {
        switch InputFile.read(path) {
        case .failure(let diagnostic): return LoadResult(spec: nil, diagnostics: [diagnostic])
        case .success(let text):
            let name = path == "-" ? "<stdin>" : path
            // Relative paths inside a spec are relative to its directory; on standard input, to the working
            // directory, kept relative so that the report does not carry where it ran.
            let directory = path == "-" ? "." : LocalPath(path).directory.text
            return load(text: text, file: name, baseDirectory: directory, library: library)
        }
    }

    public static func load(
        text: String, file: String, baseDirectory: String = ".",
        library: PresetLibrary = PresetLibrary(), overrides: [(key: String, value: String)] = []
    ) -> LoadResult {
        let reader = SpecReader(file: file)
        let library = library.forSpec(in: baseDirectory.isEmpty ? "." : baseDirectory)
        let root: YAMLValue
        switch YAMLDocument.parse(text, file: file) {
        case .failure(let diagnostic): return LoadResult(spec: nil, diagnostics: [diagnostic])
        case .success(var node):
            for (key, value) in overrides { node = Self.setting(node, path: key.split(separator: ".").map(String.init)[...], to: value) }
            root = reader.root(node)
        }
        guard let top = reader.mapping(root, SpecShapes.spec) else {
            return LoadResult(spec: nil, diagnostics: reader.diagnostics)
        }
        if let version = top.required("version") {
            if version.scalarText?.trimmingWhitespace != "1" {
                reader.report(
                    .unsupportedVersion, "spec version \(version.kindName) is not supported", at: version,
                    expected: "version: 1")
            }
        }
        let model = top.required("model").flatMap {
            ModelReader(reader: reader, library: library, baseDirectory: baseDirectory).read($0)
        }
        let hardwareFields = top.required("hardware").flatMap { reader.mapping($0, SpecShapes.hardware) }
        let hardware = hardwareFields.flatMap { HardwareReader(reader: reader, library: library).read($0) }
        let workloadFields = top.required("workload").flatMap { reader.mapping($0, SpecShapes.workload) }
        let workload = workloadFields.flatMap { WorkloadReader(reader: reader).read($0) }
        let planFields = top.mapping("plan")
        var plan = planFields.map { PlanReader(reader: reader).read($0) } ?? PlanSpec()
        // Training choices and the prefill chunk written in the workload are fixed choices too: the search
        // leaves them as given.
        if let chunk = workload?.prefillChunk, workloadFields?.value("prefill_chunk") != nil { plan.prefillChunk = chunk }
        if let workload, workload.mode == .inference, workloadFields?.value("batch") != nil { plan.batch = workload.batch }
        if let training = workload?.training, let fields = workloadFields {
            if plan.zero == nil, fields.value("zero") != nil { plan.zero = training.zero }
            if plan.recompute == nil, fields.value("recompute") != nil { plan.recompute = training.recompute }
            if plan.microBatch == nil, fields.value("micro_batch") != nil { plan.microBatch = training.microBatch }
        }
        let search = top.mapping("search").map { readSearch($0) } ?? SearchSpec()
        let servingFields = top.mapping("serving")
        let serving = servingFields.map { KVCacheReader(reader: reader).readServing($0) } ?? ServingSpec()
        let constraints = top.mapping("constraints").map(readConstraints) ?? .defaults
        let checks = top.mapping("checks").map { readChecks($0, reader: reader) } ?? ChecksSpec()
        var conventions = ConventionsSpec()
        if let fields = top.mapping("conventions") {
            if let value = fields.choice("attention_flops", AttentionFLOPConvention.self) { conventions.attentionFLOPs = value }
            if let value = fields.bool("fused_attention") { conventions.fusedAttention = value }
            if let value = fields.bool("dropout") { conventions.dropout = value }
            if let value = fields.choice("rope_phase_dtype", NumberFormat.self) { conventions.ropePhaseDtype = value }
            if let value = fields.choice("rope_position_dtype", NumberFormat.self) { conventions.ropePositionDtype = value }
            if let value = fields.double("rope_eps") { conventions.ropeEps = value }
            if let value = fields.int("rope_depth") { conventions.ropeDepth = value }
        }
        guard let model, let hardware, let workload else { return LoadResult(spec: nil, diagnostics: reader.diagnostics) }
        if let planFields {
            PlanReader(reader: reader).check(plan, planFields, model: model, hardware: hardware, workload: workload)
        }
        checkContext(model: model, workload: workload, at: workloadFields?.value("context"), reader: reader)
        KVCacheReader(reader: reader).check(serving, workload: workload, model: model)
        let compute = workload.dtype.computeFormat
        if hardware.device.peakEntry(for: compute) == nil {
            let listed = hardware.device.peak.keys.sorted().map(\.rawValue).joined(separator: ", ")
            reader.report(
                Diagnostic(
                    .noPeakForFormat,
                    "\(hardware.device.name) lists no peak for \(compute.rawValue) (the compute format of \(workload.dtype.rawValue)) nor a wider format; it lists \(listed)",
                    at: hardwareFields?.value("device")?.location, keyPath: "hardware.device.peak",
                    expected: "a peak for \(compute.rawValue), fp16, bf16 or fp32"))
        }
        var spec = Spec(
            file: file, model: model, hardware: hardware, workload: workload, plan: plan,
            constraints: constraints, checks: checks, conventions: conventions)
        spec.search = search
        for rules in search.enforce { spec.enforce(rules) }
        spec.serving = serving
        spec.keyLocations = reader.keyLocations
        return LoadResult(spec: reader.diagnostics.hasErrors ? nil : spec, diagnostics: reader.diagnostics)
    }

    /// `node` with the scalar at `path` set to `value`, the mappings on the way created when missing (a
    /// preset name in their place becomes `{preset: NAME}`).
    static func setting(_ node: Node, path: ArraySlice<String>, to value: String) -> Node {
        guard let key = path.first else { return Node(value) }
        var mapping: Node.Mapping
        switch node {
        case .mapping(let existing): mapping = existing
        case .scalar(let scalar) where !scalar.string.isEmpty: mapping = Node.Mapping([(Node("preset"), node)])
        default: mapping = Node.Mapping([])
        }
        let child = mapping[Node(key)] ?? Node.mapping(Node.Mapping([]))
        mapping[Node(key)] = setting(child, path: path.dropFirst(), to: value)
        return .mapping(mapping)
    }

    private static func readConstraints(_ fields: MappingReader) -> ConstraintsSpec {
        var constraints = ConstraintsSpec.defaults
        if let headroom = fields.fraction("memory_headroom") {
            if headroom >= 1, let at = fields.value("memory_headroom") {
                fields.reader.report(
                    .outOfRange, "memory_headroom of 1 leaves no memory at all", at: at,
                    expected: "a fraction below 1, such as 0.1")
            } else {
                constraints.memoryHeadroom = headroom
            }
        }
        constraints.ttft = fields.duration("ttft")
        constraints.tpot = fields.duration("tpot")
        constraints.stepTime = fields.duration("step_time")
        return constraints
    }

    private static func readSearch(_ fields: MappingReader) -> SearchSpec {
        var search = SearchSpec()
        if let objective = fields.choice("objective", SearchObjective.self) { search.objective = objective }
        if let count = fields.int("runners_up") { search.runnersUp = count }
        if let value = fields.bool("tp_across_nodes") { search.tpAcrossNodes = value }
        if let value = fields.bool("tp_beyond_kv_groups") { search.tpBeyondKVGroups = value }
        if let kinds = choices(fields, "cp_kinds", ContextParallelKind.self) { search.cpKinds = kinds }
        if let engines = choices(fields, "enforce", EngineRules.self) { search.enforce = engines }
        if let value = fields.bool("disaggregate") { search.disaggregate = value }
        if let value = fields.int("pool_candidates") { search.poolCandidates = value }
        return search
    }

    /// A list of an enumeration's raw values, each checked where it is written; duplicates collapse.
    private static func choices<E: RawRepresentable & CaseIterable & Equatable>(
        _ fields: MappingReader, _ key: String, _ type: E.Type
    ) -> [E]? where E.RawValue == String {
        guard let items = fields.list(key) else { return nil }
        var found: [E] = []
        for item in items {
            guard let text = item.scalarText?.trimmingWhitespace else {
                fields.reader.report(
                    .typeMismatch, "`\(item.path)` must be a name, found \(item.kindName)", at: item,
                    expected: "one of: " + E.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            if let match = E(rawValue: text.lowercased()) {
                if !found.contains(match) { found.append(match) }
            } else {
                let _: E? = fields.reportChoice(text, names: E.allCases.map(\.rawValue), at: item)
            }
        }
        if found.isEmpty, items.isEmpty, let at = fields.value(key) {
            fields.reader.report(
                .typeMismatch, "`\(at.path)` must name at least one", at: at,
                expected: "one of: " + E.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return found
    }

    private static func readChecks(_ fields: MappingReader, reader: SpecReader) -> ChecksSpec {
        var checks = ChecksSpec()
        if let severity = fields.choice("fail_on", Severity.self) { checks.failOn = severity }
        if let level = fields.choice("rope_criteria", RoPECriteriaLevel.self) { checks.ropeCriteria = level }
        for item in fields.list("suppress") ?? [] {
            if case .mapping = item.node {
                guard let entry = reader.mapping(item, SpecShapes.suppression) else { continue }
                let rule = entry.required("rule").flatMap { _ in entry.string("rule") }
                let key = entry.required("key").flatMap { _ in entry.string("key") }
                if let rule, let key {
                    checks.keySuppressions.append(
                        KeySuppression(
                            rule: rule, keyPath: key, reason: entry.string("reason"), entryPath: item.path, location: item.location))
                }
                continue
            }
            guard let id = item.scalarText?.trimmingWhitespace else {
                reader.report(
                    .typeMismatch, "`\(item.path)` must be a rule id, found \(item.kindName)", at: item,
                    expected: "a rule id such as LC109")
                continue
            }
            guard let rule = Rule.loaderRule(named: id) else {
                // A rule the calculators raise, or none: judged against the full registry after loading.
                checks.deferred.append(DeferredSuppression(text: id, keyPath: item.path, location: item.location))
                continue
            }
            guard rule.isSuppressible else {
                reader.report(
                    .unknownRule, "`\(item.path)`: \(rule.id) reports invalid input and cannot be suppressed", at: item,
                    expected: "a warning or note rule")
                continue
            }
            checks.suppress.append(rule.id)
        }
        if let expect = fields.mapping("expect") { checks.expect = readExpect(expect) }
        return checks
    }

    private static func readExpect(_ e: MappingReader) -> ExpectSpec {
        var expect = ExpectSpec()
        expect.fits = e.bool("fits")
        expect.ropeFeasible = e.bool("rope_feasible")
        expect.minMaxContext = e.tokens("min_max_context")
        expect.maxTTFT = e.duration("max_ttft")
        expect.maxTPOT = e.duration("max_tpot")
        expect.maxStepTime = e.duration("max_step_time")
        expect.minMFU = e.fraction("min_mfu")
        expect.maxMemoryFraction = e.fraction("max_memory_fraction")
        expect.minSequences = e.int("min_sequences")
        if let layout = e.mapping("layout") {
            for field in SpecShapes.expectedLayout.fields {
                switch field.kind {
                case .choice:
                    let value =
                        field.name == "cp_kind"
                        ? layout.choice(field.name, ContextParallelKind.self)?.rawValue
                        : layout.choice(field.name, Recompute.self)?.rawValue
                    if let value { expect.layout.append((field.name, value)) }
                case .boolean: if let value = layout.bool(field.name) { expect.layout.append((field.name, value ? "true" : "false")) }
                default: if let value = layout.int(field.name) { expect.layout.append((field.name, "\(value)")) }
                }
            }
        }
        return expect
    }

    /// LC301: a target context beyond what the model was trained for, with nothing to extend it.
    private static func checkContext(model: ModelSpec, workload: WorkloadSpec, at: YAMLValue?, reader: SpecReader) {
        guard workload.context > model.maxContext else { return }
        let location = at?.location
        let path = at?.path ?? "workload.context"
        switch model.positions {
        case .learned:
            reader.report(
                Diagnostic(
                    .beyondTrainedContext,
                    "context \(workload.context) exceeds the \(model.maxContext) learned positions of \(model.name): there is no embedding for later positions",
                    at: location, keyPath: path, expected: "context <= \(model.maxContext)", severity: .error))
        case .rope where model.rope?.scaling == nil:
            reader.report(
                Diagnostic(
                    .beyondTrainedContext,
                    "context \(workload.context) is beyond the trained context of \(model.name) (\(model.maxContext) tokens) and no RoPE scaling is configured",
                    at: location, keyPath: path, expected: "context <= \(model.maxContext), or model.rope.scaling"))
        default: break
        }
    }
}
