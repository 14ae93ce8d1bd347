import LCPlanModel
import LCPlanPrecision

/// The weights of each layer part that take part in matrix products (no biases, norms or SSM vectors):
/// the parameter counts that FLOPs are 2x of per token.
extension ParameterCount {
    /// Q, K, V and output projection matrices of one attention layer (MLA: down and up projections).
    public static func attentionMatrices(_ model: ModelSpec) -> ExactInt {
        let h = ExactInt(model.hidden), a = ExactInt(model.heads)
        if let mla = model.attention.mla, model.attention.kind == .mla {
            let qk = ExactInt(mla.qkNopeHeadDim + mla.qkRopeHeadDim)
            let rkv = ExactInt(mla.kvLoraRank)
            var count = mla.qLoraRank.map { h * ExactInt($0) + ExactInt($0) * a * qk } ?? h * a * qk
            count += h * (rkv + ExactInt(mla.qkRopeHeadDim))
            count += rkv * a * ExactInt(mla.qkNopeHeadDim + mla.vHeadDim)
            count += a * ExactInt(mla.vHeadDim) * h
            return count
        }
        let q = a * ExactInt(model.headDim)
        let kv = ExactInt(model.kvHeads * model.headDim)
        return h * q + ExactInt(2) * h * kv + q * h
    }

    /// Matrices of one FFN of inner size `inner`: 3hf gated, 2hf plain.
    public static func ffnMatrices(_ model: ModelSpec, inner: Int) -> ExactInt {
        ExactInt(model.ffnKind == .plain ? 2 : 3) * ExactInt(model.hidden) * ExactInt(inner)
    }

    /// Matrices of one Mamba mixer: in_proj, x_proj, dt_proj and out_proj.
    public static func ssmMatrices(_ model: ModelSpec) -> ExactInt {
        guard let ssm = model.ssm else { return .zero }
        let h = ExactInt(model.hidden), inner = ExactInt(ssm.expand * model.hidden)
        let rank = ExactInt(ssm.dtRank), state = ExactInt(ssm.state)
        return h * ExactInt(2) * inner + inner * (rank + ExactInt(2) * state) + rank * inner + inner * h
    }
}
