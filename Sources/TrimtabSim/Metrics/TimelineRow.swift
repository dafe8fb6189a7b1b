/// One second of the timeline.
public struct TimelineRow: Sendable, Equatable {
    public var second: Int
    public var arrivals: Int
    public var completions: Int
    /// p95 of the latencies of runs completing in this second (ms; NaN if none).
    public var latencyP95Ms: Double
    /// Instances (serverless: warm or busy) or replicas (Kubernetes) at the end of the second.
    public var instances: Int
}
