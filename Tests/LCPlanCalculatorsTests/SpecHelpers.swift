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
