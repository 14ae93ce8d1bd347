import Foundation

/// KV-cache quantization round trips: the values written to the cache and read back, the largest error
/// against the bound the format allows, and the bytes the encoding actually takes.
public enum KVQuantization {
    public enum Scheme: Sendable, Equatable {
        /// Integers of `bits` bits in groups of `group` consecutive channels of a token's vector, with an
        /// fp16 scale (and an fp16 zero point when asymmetric).
        case integer(bits: Int, group: Int, zeroPoint: Bool)
        /// An 8-bit float with one fp32 scale for the tensor.
        case float8(KernelFormat)
        /// KIVI: keys grouped per channel over `group` tokens, values per token over `group` channels, `residual`
        /// recent tokens kept in fp16.
        case kivi(bits: Int, group: Int, residual: Int)
        /// Product quantization: `subvectors` per vector, codes of `codeBits` bits into k-means codebooks
        /// (fp16 centroids) trained on the data.
        case productQuantization(subvectors: Int, codeBits: Int)
    }

    public struct Outcome: Sendable {
        /// The largest absolute error, and the bound the format allows for that element.
        public let maxError: Double
        public let bound: Double
        /// RMS error over the RMS value.
        public let relativeRMS: Double
        /// Bytes the encoded data takes: codes packed to bits, metadata, codebooks (per vector set).
        public let encodedBytes: Int
    }

    /// Quantizes `tokens` vectors of `width` elements (keys or values of one head, token-major) and reads them back.
    public static func roundTrip(_ data: [Float], tokens: Int, width: Int, scheme: Scheme, keys: Bool = true) -> Outcome {
        var restored = [Double](repeating: 0, count: data.count)
        var bound = [Double](repeating: 0, count: data.count)
        var bits = 0
        let fp16 = KernelFormat.fp16
        func integerGroup(_ indices: [Int], bitsPerValue: Int, zeroPoint: Bool) {
            let values = indices.map { Double(data[$0]) }
            let levels = Double((1 << bitsPerValue) - 1)
            if zeroPoint {
                let low = values.min() ?? 0, high = values.max() ?? 0
                let scale = fp16.round(high > low ? (high - low) / levels : 1), zero = fp16.round(low)
                for (k, index) in indices.enumerated() {
                    let q = min(max(((values[k] - zero) / scale).rounded(.toNearestOrEven), 0), levels)
                    restored[index] = q * scale + zero
                    // Half a step, plus the fp16 rounding of the scale (times the code) and of the zero point.
                    bound[index] = scale / 2 + levels * fp16.halfULP(scale) + fp16.halfULP(low) + abs(scale * q) * 1e-12
                }
                bits += indices.count * bitsPerValue + 32
            } else {
                let top = Double((1 << (bitsPerValue - 1)) - 1)
                let peak = values.map(abs).max() ?? 0
                let scale = fp16.round(peak > 0 ? peak / top : 1)
                for (k, index) in indices.enumerated() {
                    let q = min(max((values[k] / scale).rounded(.toNearestOrEven), -top), top)
                    restored[index] = q * scale
                    bound[index] = scale / 2 + top * fp16.halfULP(scale) + abs(scale) * 1e-12
                }
                bits += indices.count * bitsPerValue + 16
            }
        }
        switch scheme {
        case .integer(let b, let group, let zeroPoint):
            for t in 0..<tokens {
                var start = 0
                while start < width {
                    integerGroup(
                        Array((t * width + start)..<(t * width + min(start + group, width))), bitsPerValue: b, zeroPoint: zeroPoint)
                    start += group
                }
            }
        case .float8(let format):
            let peak = data.map { abs(Double($0)) }.max() ?? 0
            let scale = Double(Float(peak > 0 ? peak / format.maxFinite : 1))
            for i in data.indices {
                restored[i] = format.round(Double(data[i]) / scale) * scale
                bound[i] = format.halfULP(Double(data[i]) / scale) * scale * (1 + 1e-9)
            }
            bits = data.count * 8 + 32
        case .kivi(let b, let group, let residual):
            let kept = min(residual, tokens), quantized = tokens - kept
            if keys {
                // Per channel over `group` tokens.
                for channel in 0..<width {
                    var start = 0
                    while start < quantized {
                        integerGroup(
                            Array(start..<min(start + group, quantized)).map { $0 * width + channel }, bitsPerValue: b, zeroPoint: true)
                        start += group
                    }
                }
            } else {
                for t in 0..<quantized {
                    var start = 0
                    while start < width {
                        integerGroup(Array((t * width + start)..<(t * width + min(start + group, width))), bitsPerValue: b, zeroPoint: true)
                        start += group
                    }
                }
            }
            for i in (quantized * width)..<(tokens * width) {
                restored[i] = fp16.round(Double(data[i]))
                bound[i] = fp16.halfULP(Double(data[i]))
            }
            bits += kept * width * 16
        case .productQuantization(let m, let codeBits):
            let sub = width / max(m, 1), centroids = 1 << codeBits
            for part in 0..<m {
                // k-means on the sub-vectors (deterministic: the first distinct vectors as seeds, 8 rounds).
                let vectors = (0..<tokens).map { t in (0..<sub).map { Double(data[t * width + part * sub + $0]) } }
                var centres = Array(vectors.prefix(centroids))
                while centres.count < centroids { centres.append(vectors[centres.count % max(vectors.count, 1)]) }
                var assignment = [Int](repeating: 0, count: tokens)
                for _ in 0..<8 {
                    for (t, v) in vectors.enumerated() {
                        var best = 0, bestDistance = Double.infinity
                        for (c, centre) in centres.enumerated() {
                            var distance = 0.0
                            for i in 0..<sub { distance += (v[i] - centre[i]) * (v[i] - centre[i]) }
                            if distance < bestDistance {
                                bestDistance = distance
                                best = c
                            }
                        }
                        assignment[t] = best
                    }
                    var sums = [[Double]](repeating: [Double](repeating: 0, count: sub), count: centroids)
                    var counts = [Int](repeating: 0, count: centroids)
                    for (t, v) in vectors.enumerated() {
                        counts[assignment[t]] += 1
                        for i in 0..<sub { sums[assignment[t]][i] += v[i] }
                    }
                    for c in 0..<centroids where counts[c] > 0 { centres[c] = sums[c].map { $0 / Double(counts[c]) } }
                }
                centres = centres.map { $0.map { fp16.round($0) } }
                for t in 0..<tokens {
                    for i in 0..<sub {
                        let index = t * width + part * sub + i
                        restored[index] = centres[assignment[t]][i]
                        bound[index] = .infinity
                    }
                }
            }
            bits = tokens * m * codeBits + m * centroids * sub * 16
        }
        var worst = 0.0, worstBound = 0.0, squared = 0.0, energy = 0.0
        for i in data.indices {
            let error = abs(restored[i] - Double(data[i]))
            squared += error * error
            energy += Double(data[i]) * Double(data[i])
            if error - bound[i] > worst - worstBound || (worst == 0 && error > 0) {
                worst = error
                worstBound = bound[i]
            }
        }
        return Outcome(
            maxError: worst, bound: worstBound, relativeRMS: energy > 0 ? (squared / energy).squareRoot() : 0, encodedBytes: (bits + 7) / 8)
    }
}

/// A paged KV allocator as a KV layout lays it out: fixed blocks of `blockTokens` tokens per layer, each
/// block holding its tokens' codes and their groups' metadata, sequences taking whole blocks; it reports the
/// bytes it allocated.
public struct PagedKVAllocator: Sendable {
    public let blockTokens: Int
    /// Bits one token's K and V take in one layer on one device, counted by encoding: elements x bits plus,
    /// per group of `group` channels of a vector, the scale (and zero point).
    public let bitsPerToken: Int

    /// Counts the bits of one token by laying out its vectors: `vectors` of `width` elements, each in
    /// groups of `group` (nil: no per-group metadata) of `bits`-bit codes with `metadataBits` per group.
    public init(blockTokens: Int, vectors: Int, width: Int, bits: Int, group: Int?, metadataBits: Int) {
        self.blockTokens = blockTokens
        // One vector laid out group by group; every vector of a token is laid out alike.
        var perVector = 0
        var start = 0
        while start < width {
            let end = group.map { min(start + $0, width) } ?? width
            perVector += (end - start) * bits + (group == nil ? 0 : metadataBits)
            start = end
        }
        bitsPerToken = perVector.multipliedReportingOverflow(by: vectors).overflow ? Int.max : perVector * vectors
    }

    /// Bytes of one block of one layer (its bits rounded up to whole bytes).
    public var blockBytes: Int { (blockTokens * bitsPerToken + 7) / 8 }

    /// Blocks and bytes for sequences of the given lengths in one layer.
    public func allocate(_ lengths: [Int]) -> (blocks: Int, bytes: Int) {
        let blocks = lengths.reduce(0) { $0 + ($1 + blockTokens - 1) / blockTokens }
        return (blocks, blocks * blockBytes)
    }
}
