/// One workflow run that completed, as kept with `SimulationOptions.recordCompletedRuns`.
public struct CompletedRun: Sendable, Equatable {
    /// Arrival time (s).
    public var arrival: Double
    /// End-to-end latency (ms).
    public var latencyMs: Double
    /// Per stage (workflow order): index of the variant that served the run there (the last time,
    /// for a loop), or −1 when the run did not visit the stage.
    public var variants: [Int]
}
