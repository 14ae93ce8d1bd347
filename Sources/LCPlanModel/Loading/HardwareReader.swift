import LCPlanPrecision

/// Reads `hardware:` and the device it names.
struct HardwareReader {
    let reader: SpecReader
    let library: PresetLibrary
    /// User presets being expanded, to refuse a cycle of presets that name each other.
    var expanding: [String] = []

    func read(_ fields: MappingReader) -> HardwareSpec? {
        let device = fields.required("device").flatMap(readDevice)
        let count = fields.int("count") ?? 1
        let perNodeDefault = device?.kind == .cpu ? 1 : min(count, 8)
        let perNode = fields.int("per_node") ?? perNodeDefault
        let intra = fields.bandwidth("intra_node")
        let inter = fields.bandwidth("inter_node")
        var efficiency = Efficiency.defaults
        if let own = device?.defaultEfficiency {
            efficiency.compute = own.compute
            efficiency.memory = own.memory
        }
        if device?.measured != nil {
            // Measured rates are what kernels reach already: no further discount.
            efficiency.compute = 1
            efficiency.memory = 1
        }
        if let e = fields.mapping("efficiency") {
            for key in ["compute", "memory", "network"] {
                guard let value = checkedEfficiency(e, key) else { continue }
                efficiency.stated.insert(key)
                switch key {
                case "compute": efficiency.compute = value
                case "memory": efficiency.memory = value
                default: efficiency.network = value
                }
            }
        }
        if perNode > count, let at = fields.value("per_node") {
            reader.report(
                .outOfRange, "`hardware.per_node` (\(perNode)) exceeds `hardware.count` (\(count))", at: at,
                expected: "per_node <= count")
        }
        let workspace = fields.bytes("workspace").map { Bytes($0) }
        let kernel = fields.choice("attention_kernel", AttentionKernel.self) ?? .auto
        if kernel == .fa3, let device, device.architecture != .hopper, let at = fields.value("attention_kernel") {
            reader.report(
                .outOfRange, "FlashAttention-3 runs on Hopper GPUs only; \(device.name) is not one", at: at,
                expected: "auto, fa2 or cudnn")
        }
        guard let device else { return nil }
        var hardware = HardwareSpec(
            device: device, count: count, perNode: min(perNode, count), intraNode: intra, interNode: inter,
            efficiency: efficiency, workspace: workspace)
        hardware.attentionKernel = kernel
        return hardware
    }

    private func checkedEfficiency(_ e: MappingReader, _ key: String) -> Double? {
        guard let value = e.fraction(key) else { return nil }
        if value == 0, let at = e.value(key) {
            reader.report(
                .outOfRange, "`\(at.path)` cannot be 0: nothing would ever finish", at: at,
                expected: "a fraction above 0 and at most 1")
            return nil
        }
        return value
    }

    func readDevice(_ value: YAMLValue) -> DeviceSpec? {
        if let name = value.scalarText?.trimmingWhitespace, !value.isNull {
            return preset(named: name, at: value)
        }
        guard case .mapping = value.node else {
            reader.report(
                .typeMismatch, "`\(value.path)` must be a device preset name or a mapping, found \(value.kindName)",
                at: value, expected: "a preset name such as h200, or a mapping of figures")
            return nil
        }
        guard let fields = reader.mapping(value, SpecShapes.device) else { return nil }
        var device: DeviceSpec
        if let name = fields.string("preset"), let at = fields.value("preset") {
            guard let base = preset(named: name, at: at) else { return nil }
            device = base
            if fields.entries.contains(where: { $0.0 != "preset" && $0.0 != "name" }) {
                device.source += "; overridden in the spec"
                device.confidence = .user
            }
        } else {
            var complete = true
            for key in ["memory", "memory_bandwidth", "peak"] where !fields.has(key) {
                _ = fields.required(key)
                complete = false
            }
            guard complete else { return nil }
            device = DeviceSpec(
                name: "custom", kind: .gpu, memory: Bytes(1), memoryBandwidth: Bandwidth(bytesPerSecond: 1),
                peak: [:], source: "user spec", confidence: .user)
        }
        if let name = fields.string("name") { device.name = name }
        if let kind = fields.choice("kind", DeviceKind.self) { device.kind = kind }
        if let memory = fields.bytes("memory") { device.memory = Bytes(memory) }
        if let bandwidth = fields.bandwidth("memory_bandwidth") { device.memoryBandwidth = bandwidth }
        if let bandwidth = fields.bandwidth("intra_node") { device.intraNode = bandwidth }
        if let bandwidth = fields.bandwidth("inter_node") { device.interNode = bandwidth }
        if let memory = fields.bytes("host_memory") { device.hostMemory = Bytes(memory) }
        if let bandwidth = fields.bandwidth("host_link") { device.hostLink = bandwidth }
        if let peak = fields.value("peak") { readPeaks(peak, into: &device) }
        if let measured = fields.string("measured") {
            device.measured = measured
        } else if fields.has("peak") || fields.has("memory_bandwidth") {
            // A stated figure replaces a measured one: the device is no longer as measured.
            device.measured = nil
        }
        return device
    }

    private func readPeaks(_ value: YAMLValue, into device: inout DeviceSpec) {
        let shape = ObjectShape(
            "peak", "Dense peak per number format.",
            SpecShapes.peakKeys.map { Field($0, .flopRate, "Dense peak for \($0).") })
        guard let table = reader.mapping(value, shape) else { return }
        for key in SpecShapes.peakKeys {
            if let rate = table.flopRate(key), let format = NumberFormat(rawValue: key) { device.peak[format] = rate }
        }
        if device.peak.isEmpty {
            reader.report(.missingKey, "`\(value.path)` names no peak rate", at: value, expected: "at least one, e.g. bf16: 989TFLOPS")
        }
    }

    private func preset(named name: String, at value: YAMLValue) -> DeviceSpec? {
        UserPresetFile.resolve(
            name, kind: "device", builtIn: DeviceCatalogue.named(name), candidates: DeviceCatalogue.names,
            aliases: DeviceCatalogue.aliases,
            library: library, expanding: expanding, at: value, into: reader
        ) { path in userPreset(path: path, name: name, at: value) }
    }

    private func userPreset(path: String, name: String, at value: YAMLValue) -> DeviceSpec? {
        UserPresetFile.read(path: path, shown: library.shown(path), key: "device", at: value, into: reader) { presetReader, body in
            var nested = HardwareReader(reader: presetReader, library: library)
            nested.expanding = expanding + [name]
            var device = nested.readDevice(body)
            if device?.name == "custom" { device?.name = name }
            device?.source = "user preset \(library.shown(path))"
            return device
        }
    }
}
