import LCPlanModel

@testable import LCPlanCalculators

/// Loads a spec from text for a test, failing the test when it does not resolve.
func resolve(_ text: String) -> Spec? {
    SpecLoader.load(text: text, file: "test.yaml").spec
}

/// A GPT-3 175B-shaped model (Brown et al. 2020, Table 2.1: 96 layers, d_model 12288, 96 heads, FFN 4h,
/// context 2048), dense MHA with a plain MLP and no biases, as Korthikanti 2022 and Narayanan 2021 model it.
let gpt3Model = """
    {name: gpt-3, layers: 96, hidden: 12288, heads: 96, ffn: 49152, ffn_kind: plain, vocab: 51200, \
    max_context: 2048, norm: layernorm, positions: learned}
    """

/// Memory-bound serving time written out from the published measurements, independent of the program's
/// constants: weights stream at 0.80 of HBM bandwidth (bf16 GEMMs at M = 1-128 reach 0.75-0.86 on H100, vLLM
/// pull requests 17126 and 49363; 0.80 the low end), KV caches are read at 0.92 B / (B + 64 MiB) of it for
/// B bytes per attention call (the fit to FlashInfer's decode-kernel measurements, FlashInfer blog
/// 2024-01-03: 0.46 at 64 MiB, 0.74 at 256 MiB, 0.87 at 1 GiB).
enum PublishedMemoryRates {
    static func weightSeconds(_ bytes: Double, bandwidth: Double) -> Double { bytes / (bandwidth * 0.80) }
    static func kvSeconds(_ bytes: Double, perCall: Double, bandwidth: Double) -> Double {
        guard bytes > 0 else { return 0 }
        let mebibytes64 = 64.0 * 1024 * 1024
        return bytes / (bandwidth * 0.92 * perCall / (perCall + mebibytes64))
    }
}
