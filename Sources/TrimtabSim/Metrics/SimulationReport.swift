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
