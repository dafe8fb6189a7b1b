/// The composed end-to-end latency of one configuration.
public struct ComposedTailSummary: Sendable {
    public var runs: Int
    public var meanMs: Double
    public var quantiles: [Double]
    public var valuesMs: [Double]
    /// 95% confidence interval of each quantile (order statistics).
    public var intervalsMs: [(Double, Double)]
}
