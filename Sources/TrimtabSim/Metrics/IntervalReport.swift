/// What happened in one interval of `Simulator.run(until:)`.
public struct IntervalReport: Sendable {
    public var start: Double
    public var end: Double
    public var arrived: Int
    public var completed: Int
    public var failed: Int
    /// Latencies of the runs that completed in the interval (p99, misses over the SLO…).
    public var latency: LatencySummary
    /// Cost incurred in the interval (USD).
    public var costUSD: Double
    public var coldStarts: Int
    /// Per stage, in workflow order.
    public var stages: [IntervalStage]
}

/// One stage in one interval: what a controller needs to resize it.
public struct IntervalStage: Sendable {
    public var name: String
    /// Invocations started in the interval.
    public var invocations: Int
    /// Mean wait for an instance or replica of the invocations started in the interval (ms).
    public var meanWaitMs: Double
    /// Busy time over the instance (or replica) time that existed in the interval.
    public var utilisation: Double
    /// Invocations waiting in the queue at the end of the interval.
    public var queued: Int
    /// Instances (serverless: warm or busy) or replicas (Kubernetes) at the end of the interval.
    public var instances: Int
}
