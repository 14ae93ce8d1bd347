import LCPlanModel
import LCPlanPrecision

/// FLOPs of each phase of a workload, for the whole batch unless named per token.
public struct PhaseFLOPs: Sendable, Equatable {
    /// The whole prompt of every sequence (logits of the last position only).
    public let prefill: FLOPBreakdown
    /// One generated token of one sequence at the final context.
    public let decodePerToken: FLOPBreakdown
    /// All `output_tokens` of every sequence.
    public let decodeTotal: FLOPBreakdown
    /// Forward FLOPs of one training step (global batch x context tokens, logits at every position).
    public let trainingForward: FLOPBreakdown?
    /// The context above which the attention core costs more than everything else in a prefill, or nil
    /// if it never does below 2^40 tokens (e.g. sliding-window or SSM models).
    public let attentionCrossoverContext: Int?

    /// Model FLOPs of a training step: forward + backward = 3 x forward (accounting.md, convention 2).
    public var trainingModel: ExactInt? { trainingForward.map { ExactInt(3) * $0.total } }

    /// Hardware FLOPs of a training step: model FLOPs plus what recompute repeats. Full recompute reruns the
    /// forward of every transformer layer but not the output layer: Narayanan et al. 2021 (arXiv 2104.04473)
    /// eq. 3, 96BsLh^2(1 + s/(6h) + V/(16Lh)), counts the logits 3 times (6BshV) and the layers 4 times.
    /// Selective recompute reruns the attention core (Korthikanti 2022 appendix A: s/(6h) becomes s/(3h)).
    public func trainingHardware(recompute: Recompute) -> ExactInt? {
        guard let forward = trainingForward else { return nil }
        switch recompute {
        case .none: return ExactInt(3) * forward.total
        case .selective: return ExactInt(3) * forward.total + forward.attentionCore
        case .full: return ExactInt(4) * forward.total - forward.lmHead
        }
    }

    public init(_ spec: Spec) {
        let flops = FLOPModel(spec.model, convention: spec.conventions.attentionFLOPs)
        let w = spec.workload
        let batch = ExactInt(w.batch)
        let prompt = ExactInt(w.promptTokens)
        let output = ExactInt(w.outputTokens)
        prefill = Self.prefill(flops, prompt: prompt, chunk: w.prefillChunk.map { ExactInt($0) }).scaled(by: batch)
        let finalPast = ExactInt(max(w.promptTokens + w.outputTokens - 1, 0))
        decodePerToken = flops.forward(tokens: .one, past: finalPast, logits: .one)
        decodeTotal = Self.decode(flops, prompt: prompt, steps: output).scaled(by: batch)
        if let training = w.training {
            let tokens = ExactInt(w.context)
            trainingForward = flops.forward(tokens: tokens, past: .zero, logits: tokens).scaled(by: ExactInt(training.globalBatch))
        } else {
            trainingForward = nil
        }
        attentionCrossoverContext = Self.crossover(flops)
    }

    /// A prefill of `prompt` tokens in chunks of `chunk` (the whole prompt at once when nil). Each chunk
    /// attends to everything before it, so under the causal convention chunking changes nothing; under the
    /// full convention only each chunk's own diagonal block is counted whole. Summed in closed form for
    /// global layers; chunk by chunk for sliding-window layers (at most 2^20 chunks, beyond which they are
    /// counted unchunked).
    static func prefill(_ flops: FLOPModel, prompt: ExactInt, chunk: ExactInt?) -> FLOPBreakdown {
        let whole = flops.forward(tokens: prompt, past: .zero, logits: .one)
        guard let chunk, chunk < prompt, flops.convention == .full, !chunk.isZero else { return whole }
        let k = prompt.floorDivided(by: chunk) ?? .zero
        let r = prompt - k * chunk
        // Doubled (query, key) pairs of a global layer: sum over full chunks of 2C(iC + C), plus the remainder.
        let globalDoubled = chunk * chunk * k * (k + 1) + ExactInt(2) * r * (k * chunk + r)
        var doubled = ExactInt.zero
        for (kind, count) in flops.census.counts {
            let n = ExactInt(count)
            switch kind.kind {
            case .global: doubled += n * globalDoubled
            case .local:
                guard let chunks = (k + (r.isZero ? .zero : .one)).intValue, chunks <= 1 << 20 else {
                    doubled += n * flops.doubledPairs(queries: prompt, past: .zero, window: flops.model.attention.window)
                    continue
                }
                var sum = ExactInt.zero
                for index in 0..<chunks {
                    let past = ExactInt(index) * chunk
                    sum += flops.doubledPairs(queries: ExactInt.min(chunk, prompt - past), past: past, window: flops.model.attention.window)
                }
                doubled += n * sum
            case .linear, .ssm: break
            }
        }
        var result = whole
        result.attentionCore = (flops.perPair.floorDivided(by: 2) ?? .zero) * doubled
        return result
    }

    /// `steps` decode steps after a prompt of `prompt` tokens, one sequence. Step k (1-based) attends to
    /// prompt + k keys (min(prompt + k, window) in a local layer); summed in closed form.
    static func decode(_ flops: FLOPModel, prompt: ExactInt, steps: ExactInt) -> FLOPBreakdown {
        var total = FLOPBreakdown()
        for (kind, count) in flops.census.counts {
            total = total + flops.perTokenWeights(kind).scaled(by: ExactInt(count) * steps)
        }
        var keys = ExactInt.zero
        for (kind, count) in flops.census.counts {
            let n = ExactInt(count)
            switch kind.kind {
            case .global:
                keys += n * (steps * prompt + ((steps * (steps + 1)).floorDivided(by: 2) ?? .zero))
            case .local:
                let window = ExactInt(flops.model.attention.window ?? Int.max)
                let growing = ExactInt.max(.zero, ExactInt.min(steps, window - prompt))
                keys += n * (growing * prompt + ((growing * (growing + 1)).floorDivided(by: 2) ?? .zero) + (steps - growing) * window)
            case .linear, .ssm: break
            }
        }
        total.attentionCore = flops.perPair * keys
        total.lmHead = ExactInt(2) * ExactInt(flops.model.hidden) * ExactInt(flops.model.vocab) * steps
        return total
    }

    /// Smallest prompt length S at which the prefill's attention core exceeds the rest, by bisection:
    /// core(S)/S never decreases and rest(S)/S never increases, so the predicate is monotone in S.
    static func crossover(_ flops: FLOPModel) -> Int? {
        func exceeds(_ s: Int) -> Bool {
            let f = flops.forward(tokens: ExactInt(s), past: .zero, logits: .one)
            return f.attentionCore > f.total - f.attentionCore
        }
        var high = SpecShapes.maxTokens
        guard exceeds(high) else { return nil }
        var low = 1
        if exceeds(low) { return low }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if exceeds(middle) { high = middle } else { low = middle }
        }
        return high
    }
}
