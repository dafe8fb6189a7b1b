/// What one re-plan asks for: the load to serve, the SLO, headroom, replica limit and objective.
public struct PipelinePlanRequest: Sendable, Equatable {
    /// Requests per second the plan must serve.
    public var loadRps: Double
    /// Bound on the predicted end-to-end latency (ms).
    public var sloMs: Double
    /// Capacity factor: replicas × throughput ≥ headroom × load (≥ 1).
    public var headroom: Double
    /// Most replicas of one stage.
    public var maxReplicas: Int
    public var objective: PipelineObjective

    public init(loadRps: Double, sloMs: Double, headroom: Double = 1.1, maxReplicas: Int = 32,
                objective: PipelineObjective = .ipaDefault) {
        self.loadRps = loadRps
        self.sloMs = sloMs
        self.headroom = headroom
        self.maxReplicas = maxReplicas
        self.objective = objective
    }

    /// The rate the latency model uses (a zero forecast still plans for a trickle).
    var effectiveLoad: Double { max(loadRps, 0.001) }
}
