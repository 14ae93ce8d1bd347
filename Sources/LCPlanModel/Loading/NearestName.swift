/// Finds the valid name closest to a misspelt one, for "did you mean" suggestions.
public enum NearestName {
    /// The candidate with the smallest edit distance (insertions, deletions, substitutions and
    /// transpositions of adjacent characters, case-insensitive), if it is close enough to be a plausible
    /// typo: at most a third of the longer name, and at least one edit fewer than the name's own length.
    public static func suggest(_ name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        var best: (String, Int)? = nil
        for candidate in candidates {
            let distance = editDistance(Array(lowered), Array(candidate.lowercased()))
            if let current = best, distance >= current.1 { continue }
            best = (candidate, distance)
        }
        guard let (candidate, distance) = best else { return nil }
        if lowered.contains(candidate.lowercased()) || candidate.lowercased().contains(lowered), !lowered.isEmpty {
            return candidate
        }
        return isClose(lowered, candidate, distance) ? candidate : nil
    }

    /// Every plausible name for a misspelt preset, best first (at most `limit`): the candidates that begin
    /// with what was typed (`h100` names h100-sxm and h100-pcie), else those the typed name begins with, else
    /// the candidates within typo distance, nearest first. Ties keep the candidates' own order.
    public static func suggestions(_ name: String, among candidates: [String], limit: Int = 5) -> [String] {
        let lowered = name.lowercased()
        guard !lowered.isEmpty else { return [] }
        let prefixed = candidates.filter { $0.lowercased().hasPrefix(lowered) }
        if !prefixed.isEmpty { return Array(prefixed.prefix(limit)) }
        let stems = candidates.filter { lowered.hasPrefix($0.lowercased()) }.sorted { $0.count > $1.count }
        if !stems.isEmpty { return Array(stems.prefix(limit)) }
        let ranked = candidates.enumerated()
            .map { (offset: $0.offset, name: $0.element, distance: editDistance(Array(lowered), Array($0.element.lowercased()))) }
            .filter { isClose(lowered, $0.name, $0.distance) }
            .sorted { ($0.distance, $0.offset) < ($1.distance, $1.offset) }
        return Array(ranked.prefix(limit).map(\.name))
    }

    /// " (did you mean 'a' or 'b'?)", or nothing for no suggestion.
    public static func hint(_ names: [String]) -> String {
        guard let last = names.last else { return "" }
        let quoted = names.dropLast().map { "'\($0)'" }
        return " (did you mean " + (quoted.isEmpty ? "" : quoted.joined(separator: ", ") + " or ") + "'\(last)'?)"
    }

    private static func isClose(_ lowered: String, _ candidate: String, _ distance: Int) -> Bool {
        let limit = max(1, (max(lowered.count, candidate.count) + 2) / 3)
        return distance <= limit && distance < max(lowered.count, 1)
    }

    /// Optimal string alignment distance between two character arrays (capped inputs: 256 characters).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        let a = Array(a.prefix(256)), b = Array(b.prefix(256))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
