/// What one re-plan asks for: the load to serve, the SLO, headroom, replica limit and objective.
public struct PipelinePlanRequest: Sendable, Equatable {
    /// Requests per second the plan must serve.
    public var loadRps: Double
    /// Bound on the predicted end-to-end latency (ms): its mean, or with `percentile` that quantile.
    public var sloMs: Double
    /// nil: `sloMs` bounds the mean latency. A probability p in (0, 1), e.g. 0.99: it bounds the
    /// p-quantile, taken as the sum of the stages' p-quantiles (each stage's service time scaled by
    /// its variant's `latency_spread` at p, its wait for a replica at p; `StageLatencyModel`).
    public var percentile: Double?
    /// Capacity factor: replicas × throughput ≥ headroom × load (≥ 1).
    public var headroom: Double
    /// Most replicas of one stage.
    public var maxReplicas: Int
    public var objective: PipelineObjective

    public init(loadRps: Double, sloMs: Double, percentile: Double? = nil, headroom: Double = 1.1, maxReplicas: Int = 32,
                objective: PipelineObjective = .ipaDefault) {
        self.loadRps = loadRps
        self.sloMs = sloMs
        self.percentile = percentile
        self.headroom = headroom
        self.maxReplicas = maxReplicas
        self.objective = objective
    }

    /// The rate the latency model uses (a zero forecast still plans for a trickle).
    var effectiveLoad: Double { max(loadRps, 0.001) }
}
