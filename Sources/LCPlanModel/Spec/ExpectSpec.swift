/// What a team asserts must hold for a spec (`checks.expect`): each a finding with its own rule id at the
/// assertion's line when it fails.
public struct ExpectSpec: Sendable, Equatable {
    public var fits: Bool?
    /// No RoPE hard limit crossed (the verdict is not `infeasible`; `at_risk` passes).
    public var ropeFeasible: Bool?
    /// The longest context that fits is at least this many tokens.
    public var minMaxContext: Int?
    public var maxTTFT: Double?
    public var maxTPOT: Double?
    public var maxStepTime: Double?
    public var minMFU: Double?
    /// The most loaded device uses at most this fraction of its capacity.
    public var maxMemoryFraction: Double?
    /// Sequences served at once at the target context, over all replicas.
    public var minSequences: Int?
    /// Layout keys the search is expected to keep choosing (`tp`, `pp`, ...), by value.
    public var layout: [(key: String, value: String)] = []

    public init() {}

    public var isEmpty: Bool { self == ExpectSpec() }

    public static func == (a: ExpectSpec, b: ExpectSpec) -> Bool {
        a.fits == b.fits && a.ropeFeasible == b.ropeFeasible && a.minMaxContext == b.minMaxContext && a.maxTTFT == b.maxTTFT
            && a.maxTPOT == b.maxTPOT && a.maxStepTime == b.maxStepTime && a.minMFU == b.minMFU
            && a.maxMemoryFraction == b.maxMemoryFraction && a.minSequences == b.minSequences
            && a.layout.map { "\($0.key)=\($0.value)" } == b.layout.map { "\($0.key)=\($0.value)" }
    }
}

/// A suppression of one rule at one key path (and the keys under it), with the reason the report repeats.
public struct KeySuppression: Sendable, Equatable {
    /// The rule as written (an id or name), judged against the full registry after loading.
    public let rule: String
    public let keyPath: String
    public let reason: String?
    /// Where the entry is written.
    public let entryPath: String
    public let location: SourceLocation

    public init(rule: String, keyPath: String, reason: String?, entryPath: String, location: SourceLocation) {
        self.rule = rule
        self.keyPath = keyPath
        self.reason = reason
        self.entryPath = entryPath
        self.location = location
    }

    /// Whether a finding at `path` falls under this entry's key path.
    public func covers(_ path: String?) -> Bool {
        guard let path else { return false }
        return path == keyPath || path.hasPrefix(keyPath + ".") || path.hasPrefix(keyPath + "[")
    }
}
