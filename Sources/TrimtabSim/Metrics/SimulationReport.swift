/// What a whole simulation measured.
public struct SimulationReport: Sendable {
    public var mode: SimulationOptions.Mode
    /// Simulated time (s) from 0 to the last event.
    public var simulatedSeconds: Double
    public var arrived: Int
    public var completed: Int
    /// Runs that failed because a stage throttled them (serverless, `on_limit: throttle`).
    public var failed: Int
    public var latency: LatencySummary
    public var sloMs: Double?
    /// Total cost (USD): invocations on serverless, replica core-hours on Kubernetes.
    public var costUSD: Double
    /// Cost per million completed runs.
    public var costPerMillion: Double { completed > 0 ? costUSD / Double(completed) * 1e6 : .nan }
    public var coldStarts: Int { stages.reduce(0) { $0 + $1.coldStarts } }
    public var stages: [StageReport]
    /// Events the engine processed (arrivals, completions, batch time-outs).
    public var events: Int
}

/// One stage's figures.
public struct StageReport: Sendable {
    public var name: String
    public var invocations: Int
    public var coldStarts: Int
    public var throttled: Int
    /// Most instances (serverless) or replicas (Kubernetes) at any time.
    public var peakInstances: Int
    /// Busy instance-time over the instance-time that existed (warm idle instances count).
    public var utilisation: Double
    /// Mean time an invocation waited for an instance or replica (ms), batching delay excluded.
    public var meanWaitMs: Double
    /// `batchSizes[k]`: invocations that served k requests (index 0 unused).
    public var batchSizes: [Int]
    public var meanBatchSize: Double {
        let n = batchSizes.reduce(0, +)
        return n > 0 ? Double(batchSizes.enumerated().reduce(0) { $0 + $1.offset * $1.element }) / Double(n) : .nan
    }
}

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
