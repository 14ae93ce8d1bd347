/// Built-in model presets. Figures are from each model's public Hugging Face `config.json` (each preset's
/// `source` names the repository); `checked` marks figures checked against a public copy
/// of the config, `quoted` figures that are widely quoted but were not re-checked.
public enum ModelCatalogue {
    /// Alternative names accepted for presets.
    public static let aliases: [String: String] = [
        "mistral-7b": "mistral-7b-v0.1",
        "llama-3.1-8b-instruct": "llama-3.1-8b",
        "phi-3-mini": "phi-3-mini-128k",
        "llama-3.3-70b-instruct": "llama-3.3-70b",
        "qwen3-30b": "qwen3-30b-a3b",
        "qwen3-235b": "qwen3-235b-a22b",
    ]

    public static func named(_ name: String) -> ModelSpec? {
        let key = aliases[name.lowercased()] ?? name.lowercased()
        return all.first { $0.name == key }
    }

    public static var names: [String] { all.map(\.name) }

    private static func llama3Scaling(factor: Double) -> RoPEScaling {
        RoPEScaling(type: .llama3, factor: factor, originalContext: 8192, lowFreqFactor: 1, highFreqFactor: 4)
    }

    private static func llamaLike(
        _ name: String, layers: Int, hidden: Int, heads: Int, kvHeads: Int, ffn: Int, vocab: Int,
        theta: String, maxContext: Int, scaling: RoPEScaling? = nil, tied: Bool = false, window: Int? = nil,
        qkvBias: Bool = false, source: String, confidence: Confidence
    ) -> ModelSpec {
        ModelSpec(
            name: name, layers: layers, hidden: hidden, heads: heads, kvHeads: kvHeads, headDim: hidden / heads,
            ffn: ffn, vocab: vocab, tiedEmbeddings: tied, qkvBias: qkvBias, maxContext: maxContext,
            attention: AttentionSpec(kind: kvHeads == heads ? .mha : .gqa, window: window),
            rope: RoPESpec(theta: theta, rotaryDim: hidden / heads, trainedContext: maxContext, scaling: scaling),
            source: source, confidence: confidence)
    }

    /// A Qwen3 model (`qwen3`, `qwen3_moe`): head_dim 128 whatever the width, RMSNorm on each head's queries
    /// and keys, no qkv bias, untied embeddings, rope_theta 1,000,000, max_position_embeddings 40,960; the
    /// model cards give 32,768 tokens natively (and 131,072 with YaRN x4, which a spec adds under
    /// `model.rope.scaling`), so 32,768 is the trained context.
    private static func qwen3(
        _ name: String, layers: Int, hidden: Int, heads: Int, kvHeads: Int, ffn: Int, moe: MoESpec?, source: String
    ) -> ModelSpec {
        ModelSpec(
            name: name, layers: layers, hidden: hidden, heads: heads, kvHeads: kvHeads, headDim: 128, ffn: ffn,
            vocab: 151936, qkNorm: true, maxContext: 40960, attention: AttentionSpec(kind: .gqa), moe: moe,
            rope: RoPESpec(theta: "1000000", rotaryDim: 128, trainedContext: 32768),
            source: source + "; 32,768 tokens natively (model card)", confidence: .quoted)
    }

    public static let all: [ModelSpec] = [
        llamaLike(
            "llama-2-7b", layers: 32, hidden: 4096, heads: 32, kvHeads: 32, ffn: 11008, vocab: 32000,
            theta: "10000", maxContext: 4096, source: "meta-llama/Llama-2-7b-hf config.json", confidence: .checked),
        llamaLike(
            "llama-2-70b", layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffn: 28672, vocab: 32000,
            theta: "10000", maxContext: 4096, source: "meta-llama/Llama-2-70b-hf config.json", confidence: .quoted),
        llamaLike(
            "llama-3-8b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 128256,
            theta: "500000", maxContext: 8192, source: "meta-llama/Meta-Llama-3-8B config.json", confidence: .checked),
        llamaLike(
            "llama-3.1-8b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 128256,
            theta: "500000", maxContext: 131072, scaling: llama3Scaling(factor: 8),
            source: "meta-llama/Llama-3.1-8B config.json", confidence: .checked),
        llamaLike(
            "llama-3.1-70b", layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffn: 28672, vocab: 128256,
            theta: "500000", maxContext: 131072, scaling: llama3Scaling(factor: 8),
            source: "meta-llama/Llama-3.1-70B config.json (shape checked)", confidence: .checked),
        llamaLike(
            "llama-3.3-70b", layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffn: 28672, vocab: 128256,
            theta: "500000", maxContext: 131072, scaling: llama3Scaling(factor: 8),
            source: "meta-llama/Llama-3.3-70B-Instruct config.json (the architecture and RoPE scaling of Llama 3.1 70B)",
            confidence: .quoted),
        llamaLike(
            "llama-3.1-405b", layers: 126, hidden: 16384, heads: 128, kvHeads: 8, ffn: 53248, vocab: 128256,
            theta: "500000", maxContext: 131072, scaling: llama3Scaling(factor: 8),
            source: "meta-llama/Llama-3.1-405B config.json", confidence: .quoted),
        llamaLike(
            "llama-3.2-3b", layers: 28, hidden: 3072, heads: 24, kvHeads: 8, ffn: 8192, vocab: 128256,
            theta: "500000", maxContext: 131072, scaling: llama3Scaling(factor: 32), tied: true,
            source: "meta-llama/Llama-3.2-3B config.json", confidence: .checked),
        llamaLike(
            "mistral-7b-v0.1", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 32000,
            theta: "10000", maxContext: 32768, window: 4096,
            source: "mistralai/Mistral-7B-v0.1 config.json; window: Mistral 7B paper (arXiv 2310.06825) sec. 2",
            confidence: .quoted),
        llamaLike(
            "mistral-7b-v0.2", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 32000,
            theta: "1000000", maxContext: 32768,
            source: "mistralai/Mistral-7B-Instruct-v0.2 config.json", confidence: .checked),
        {
            var model = llamaLike(
                "mixtral-8x7b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336,
                vocab: 32000, theta: "1000000", maxContext: 32768,
                source: "mistralai/Mixtral-8x7B-v0.1 config.json", confidence: .quoted)
            model.moe = MoESpec(experts: 8, active: 2, expertFfn: 14336)
            return model
        }(),
        llamaLike(
            "qwen2.5-7b", layers: 28, hidden: 3584, heads: 28, kvHeads: 4, ffn: 18944, vocab: 152064,
            theta: "1000000", maxContext: 131072, qkvBias: true,
            source: "Qwen/Qwen2.5-7B config.json", confidence: .quoted),
        llamaLike(
            "qwen2.5-7b-1m", layers: 28, hidden: 3584, heads: 28, kvHeads: 4, ffn: 18944, vocab: 152064,
            theta: "10000000", maxContext: 1_010_000, qkvBias: true,
            source: "Qwen/Qwen2.5-7B-Instruct-1M config.json (theta checked); served with dual-chunk attention",
            confidence: .checked),
        qwen3(
            "qwen3-8b", layers: 36, hidden: 4096, heads: 32, kvHeads: 8, ffn: 12288, moe: nil,
            source: "Qwen/Qwen3-8B config.json"),
        qwen3(
            "qwen3-30b-a3b", layers: 48, hidden: 2048, heads: 32, kvHeads: 4, ffn: 6144,
            moe: MoESpec(experts: 128, active: 8, expertFfn: 768),
            source: "Qwen/Qwen3-30B-A3B config.json (every layer a mixture of experts; intermediate_size 6144 unused)"),
        qwen3(
            "qwen3-235b-a22b", layers: 94, hidden: 4096, heads: 64, kvHeads: 4, ffn: 12288,
            moe: MoESpec(experts: 128, active: 8, expertFfn: 1536),
            source: "Qwen/Qwen3-235B-A22B config.json (every layer a mixture of experts)"),
        ModelSpec(
            name: "deepseek-v3", layers: 61, hidden: 7168, heads: 128, kvHeads: 128, headDim: 192, ffn: 18432,
            vocab: 129280, maxContext: 163840,
            attention: AttentionSpec(
                kind: .mla,
                mla: MLASpec(
                    qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128,
                    qkRopeHeadDim: 64, vHeadDim: 128)),
            moe: MoESpec(experts: 256, active: 8, shared: 1, expertFfn: 2048, denseLayers: 3, routerBias: true),
            rope: RoPESpec(
                theta: "10000", rotaryDim: 64, trainedContext: 163840,
                scaling: RoPEScaling(
                    type: .yarn, factor: 40, originalContext: 4096, betaFast: 32, betaSlow: 1,
                    mscale: 1, mscaleAllDim: 1)),
            source: "deepseek-ai/DeepSeek-V3 config.json (no MTP module)", confidence: .checked),
        llamaLike(
            "yi-6b-200k", layers: 32, hidden: 4096, heads: 32, kvHeads: 4, ffn: 11008, vocab: 64000,
            theta: "5000000", maxContext: 200000, source: "01-ai/Yi-6B-200K config.json", confidence: .quoted),
        llamaLike(
            "phi-3-mini-128k", layers: 32, hidden: 3072, heads: 32, kvHeads: 32, ffn: 8192, vocab: 32064,
            theta: "10000", maxContext: 131072,
            scaling: RoPEScaling(type: .longrope, factor: 32, originalContext: 4096),
            source: """
                microsoft/Phi-3-mini-128k-instruct config.json; the 48 short and 48 long per-pair LongRoPE factors \
                are not reproduced in the preset: import the real config with `hf_config` to analyse them
                """,
            confidence: .quoted),
        ModelSpec(
            name: "gemma-2-9b", layers: 42, hidden: 3584, heads: 16, kvHeads: 8, headDim: 256, ffn: 14336,
            activation: "gelu_tanh", vocab: 256000, tiedEmbeddings: true, normsPerLayer: 4, maxContext: 8192,
            attention: AttentionSpec(kind: .gqa, window: 4096, pattern: [.local, .global]),
            rope: RoPESpec(theta: "10000", rotaryDim: 256, trainedContext: 8192),
            source: "google/gemma-2-9b config.json", confidence: .quoted),
        ModelSpec(
            name: "gemma-3-27b", layers: 62, hidden: 5376, heads: 32, kvHeads: 16, headDim: 128, ffn: 21504,
            activation: "gelu_tanh", vocab: 262208, tiedEmbeddings: true, normsPerLayer: 4, qkNorm: true,
            maxContext: 131072,
            attention: AttentionSpec(kind: .gqa, window: 1024, pattern: [.local, .local, .local, .local, .local, .global]),
            rope: RoPESpec(
                theta: "1000000", rotaryDim: 128, trainedContext: 131072,
                scaling: RoPEScaling(type: .linear, factor: 8), localTheta: "10000"),
            source: "google/gemma-3-27b-pt config.json (text model)", confidence: .checked),
        ModelSpec(
            name: "mamba-2.8b", layers: 64, hidden: 2560, heads: 0, kvHeads: 0, headDim: 0, ffn: 0, ffnKind: .none,
            vocab: 50280, tiedEmbeddings: true, positions: .none, maxContext: 2048,
            ssm: SSMSpec(state: 16, conv: 4, expand: 2, dtRank: 160),
            source: "state-spaces/mamba-2.8b config.json; trained at 2048 tokens (Mamba paper sec. 4.2)",
            confidence: .quoted),
        ModelSpec(
            name: "jamba-v0.1", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336,
            vocab: 65536, positions: .none, maxContext: 262144,
            attention: AttentionSpec(kind: .gqa, pattern: [.ssm, .ssm, .ssm, .ssm, .global, .ssm, .ssm, .ssm]),
            moe: MoESpec(experts: 16, active: 2, expertFfn: 14336, every: 2, offset: 1),
            ssm: SSMSpec(state: 16, conv: 4, expand: 2, dtRank: 256),
            source: "ai21labs/Jamba-v0.1 config.json", confidence: .quoted),
    ]
}
