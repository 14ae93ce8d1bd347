import LCPlanPrecision

/// The critical dimension and extrapolation limit of Liu et al., "Scaling Laws of RoPE-based
/// Extrapolation" (arXiv 2310.05209; formulas restated in the OpenLMLab/scaling-rope README):
/// d_extra = 2 ceil((r/2) log_b0(T_train / (2 pi))); after tuning with base beta > beta_0 the model
/// extrapolates to T_extra = 2 pi beta^(d_extra / r); beta_0 = b0^(log_(T_train/2pi)(T_tune/2pi)).
public struct LiuCriticalDimension: Sendable {
    /// (r/2) log_b0(T_train / 2 pi) before rounding.
    public let raw: BigFloat
    public let criticalDimension: Int
    /// 2 pi beta^(d_extra / r) for the base in use.
    public let extrapolationLimit: BigFloat

    public init(rotaryDim r: Int, trainedContext: Int, pretrainingBase b0: BigFloat, base beta: BigFloat, precision wp: WorkingPrecision) {
        let twoPi = wp.multiply(wp.number(2), wp.pi)
        let ratio = wp.divide(wp.number(trainedContext), twoPi)
        raw = wp.multiply(wp.number(r / 2), wp.divide(wp.log(ratio), wp.log(b0)))
        let rounded = wp.ceil(raw).doubleValue
        criticalDimension = rounded.isFinite ? min(r, max(0, 2 * Int(min(max(rounded, 0), Double(r))))) : r
        extrapolationLimit = wp.multiply(twoPi, wp.power(beta, wp.divide(wp.number(criticalDimension), wp.number(r))))
    }

    /// beta_0 = b0^(log_(T_train/2pi)(T_tune/2pi)): the base above which tuning at T_tune extrapolates.
    public static func criticalBase(pretrainingBase b0: BigFloat, trainedContext: Int, tunedContext: Int, _ wp: WorkingPrecision)
        -> BigFloat
    {
        let twoPi = wp.multiply(wp.number(2), wp.pi)
        let exponent = wp.divide(wp.log(wp.divide(wp.number(tunedContext), twoPi)), wp.log(wp.divide(wp.number(trainedContext), twoPi)))
        return wp.power(b0, exponent)
    }
}
