import LCPlanCalculators
import LCPlanModel
import LCPlanPrecision
import PropertyBased
import Testing

@testable import LCPlanReport

/// Properties checked through the loader: specs are generated as YAML text, loaded, and analysed, with
/// shrinking (x-sheep/swift-property-based): a failure names the smallest spec and the seed that
/// reproduces it (add `.fixedSeed(...)` to the test to replay it).
struct LoaderPropertyTests {
    /// Catalogue models lcplan costs at any context (attention, MoE, MLA, windows, SSM).
    static let models = ModelCatalogue.names

    /// A serving spec: a catalogue model on `tp x dp` H200s at a context and batch, the layout fixed (the
    /// degrees multiply to the devices; the prefill chunk is written).
    static func servingSpec(model: String, context: Int, batch: Int, output: Int, tp: Int, dp: Int) -> String {
        """
        version: 1
        model: \(model)
        hardware: {device: h200, count: \(tp * dp), per_node: \(min(tp * dp, 8))}
        workload: {mode: inference, context: \(context), batch: \(batch), output_tokens: \(output), prefill_chunk: 4096}
        plan: {tp: \(tp), dp: \(dp)}
        """
    }

    static func load(_ text: String) -> Spec? { SpecLoader.load(text: text, file: "generated.yaml").spec }

    /// FLOPs, memory and time never decrease as the context or the batch grows.
    @Test
    func monotoneInContextAndBatch() async {
        await propertyCheck(
            count: 40, input: Gen.element(of: Self.models), Gen.int(in: 2048...65_536), Gen.int(in: 1...8),
            Gen.int(in: 1...4096)
        ) { model, context, batch, step in
            guard let model else { return }
            let small = Self.servingSpec(model: model, context: context, batch: batch, output: 64, tp: 1, dp: 1)
            let longer = Self.servingSpec(model: model, context: context + step, batch: batch, output: 64, tp: 1, dp: 1)
            let wider = Self.servingSpec(model: model, context: context, batch: batch + 1, output: 64, tp: 1, dp: 1)
            guard let sa = Self.load(small), let sb = Self.load(longer), let sc = Self.load(wider) else {
                Issue.record("a generated spec did not load: \(model)")
                return
            }
            let a = Analysis(sa), b = Analysis(sb), c = Analysis(sc)
            for bigger in [b, c] {
                #expect(bigger.flops.prefill.total >= a.flops.prefill.total)
                #expect(bigger.flops.decodeTotal.total >= a.flops.decodeTotal.total)
                #expect(bigger.memory.total >= a.memory.total)
                #expect((bigger.time.ttft?.seconds ?? 0) >= (a.time.ttft?.seconds ?? 0))
                #expect((bigger.time.tpot?.seconds ?? 0) >= (a.time.tpot?.seconds ?? 0))
            }
        }
    }

    /// The degrees of the costed layout multiply to the device count; the evaluator's memory equals the
    /// exact memory; and max_context is consistent with fits whatever prompt_tokens says.
    @Test
    func degreesFitsAndMaxContext() async {
        await propertyCheck(
            count: 40, input: Gen.element(of: Self.models), Gen.element(of: [1, 2, 4, 8]), Gen.int(in: 1...4),
            Gen.int(in: 1...200)
        ) { model, tp, dp, promptPercent in
            guard let model, let tp else { return }
            var text = Self.servingSpec(model: model, context: 32_768, batch: 2, output: 512, tp: tp, dp: dp)
            let prompt = max(1, min(32_768 - 512, 32_768 * promptPercent / 200))
            text = text.replacingOccurrences(of: "output_tokens: 512}", with: "output_tokens: 512, prompt_tokens: \(prompt)}")
            let load = SpecLoader.load(text: text, file: "generated.yaml")
            guard let spec = load.spec else { return }  // tp not dividing this model's heads: refused, as it must be
            let analysis = Analysis(spec)
            #expect(analysis.layout.devices == spec.hardware.count)
            #expect(analysis.layout.tp * analysis.layout.pp * analysis.layout.cp * analysis.layout.dp == tp * dp)
            #expect(analysis.evaluation.memory.total == analysis.memory.total.doubleValue)
            let sequence = prompt + 512
            let longest = analysis.maxContext ?? 0
            #expect(analysis.memory.fits == (longest >= sequence), "fits \(analysis.memory.fits), max \(longest), sequence \(sequence)")
        }
    }

    /// Chunked prefill costs the same FLOPs as unchunked under the causal convention, for every catalogue
    /// model: each chunk attends to everything before it, sum_i (C i C + C^2/2) = (kC)^2/2.
    @Test
    func chunkedPrefillEqualsUnchunked() async {
        await propertyCheck(count: 40, input: Gen.element(of: Self.models), Gen.int(in: 1...32)) { model, chunks in
            guard let model else { return }
            let whole = Self.servingSpec(model: model, context: 32_768, batch: 1, output: 0, tp: 1, dp: 1)
            let chunked = whole.replacingOccurrences(of: "output_tokens: 0}", with: "output_tokens: 0, prefill_chunk: \(32_768 / chunks)}")
            guard let a = Self.load(whole), let b = Self.load(chunked) else {
                Issue.record("did not load")
                return
            }
            #expect(PhaseFLOPs(a).prefill == PhaseFLOPs(b).prefill)
        }
    }

    /// The decode total is the sum of its steps: step k attends to prompt + k keys.
    @Test
    func decodeTotalIsTheSumOfItsSteps() async {
        await propertyCheck(count: 30, input: Gen.element(of: Self.models), Gen.int(in: 1...48), Gen.int(in: 1...5000)) {
            model, output, prompt in
            guard let model,
                let spec = Self.load(Self.servingSpec(model: model, context: prompt + output, batch: 1, output: output, tp: 1, dp: 1))
            else { return }
            let flops = FLOPModel(spec.model, convention: spec.conventions.attentionFLOPs)
            var sum = ExactInt.zero
            for k in 1...output {
                sum += flops.forward(tokens: .one, past: ExactInt(prompt + k - 1), logits: .one).total
            }
            #expect(PhaseFLOPs(spec).decodeTotal.total == sum)
        }
    }

    /// Parameters over pipeline stages add up to the whole model (its own copy of a tied output matrix on
    /// the last stage when there are several).
    @Test
    func stageShardsSumToTheModel() async {
        await propertyCheck(count: 40, input: Gen.element(of: Self.models), Gen.int(in: 1...16)) { model, pp in
            guard let model, let spec = Self.load(Self.servingSpec(model: model, context: 4096, batch: 1, output: 0, tp: 1, dp: 1)),
                pp <= spec.model.layers
            else { return }
            let layout = Layout(pp: pp, dp: 1)
            var sum = ExactInt.zero
            for stage in 0..<pp { sum += MemoryModel(spec, layout: layout).stageParameters(stage) }
            let whole = ParameterCount(spec.model).total
            let tiedCopy = spec.model.tiedEmbeddings && pp > 1 ? ExactInt(spec.model.vocab) * ExactInt(spec.model.hidden) : .zero
            #expect(sum == whole + tiedCopy)
        }
    }

    /// A generated model written as a `model:` mapping (what import-hf writes) loads back to itself.
    @Test
    func generatedModelsRoundTrip() async {
        await propertyCheck(
            count: 60, input: Gen.element(of: [1, 2, 4, 8, 16, 32]), Gen.int(in: 1...4), Gen.int(in: 1...96), Gen.int(in: 1...300_000)
        ) { heads, groups, layers, vocab in
            guard let heads else { return }
            let kv = max(1, heads / groups)
            guard heads % kv == 0 else { return }
            var m = ModelSpec(
                name: "generated", layers: layers, hidden: heads * 64, heads: heads, kvHeads: kv, headDim: 64, ffn: 4 * heads * 64,
                vocab: vocab, maxContext: 8192)
            m.attention.kind = kv == heads ? .mha : (kv == 1 ? .mqa : .gqa)
            m.rope = RoPESpec(theta: "10000", rotaryDim: 64, trainedContext: 8192)
            let yaml = ModelSpecYAML.render(m, from: "generated")
            let body = yaml.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
            let text = "version: 1\n" + body + "\nhardware: {device: h200}\nworkload: {context: 1k}\n"
            let loaded = SpecLoader.load(text: text, file: "roundtrip.yaml")
            guard let spec = loaded.spec else {
                Issue.record("did not load: \(loaded.diagnostics.map(\.message))")
                return
            }
            #expect(ParameterCount(spec.model) == ParameterCount(m))
            #expect(spec.model.layers == m.layers && spec.model.kvHeads == m.kvHeads && spec.model.vocab == m.vocab)
            #expect(spec.model.rope?.theta == "10000")
        }
    }
}
