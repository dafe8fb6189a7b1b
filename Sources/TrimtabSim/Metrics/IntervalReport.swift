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
}
