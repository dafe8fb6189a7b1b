import Foundation

/// Capacity per stage for a forecast load: the interim rule until the Kubernetes pipeline
/// planner (variant, batch size, replicas per stage) lands.
///
/// A stage runs ne(stage) times per workflow request, and one replica (or one concurrent Lambda
/// execution) serves 1000 / latency_ms requests per second, so
/// `capacity = ceil(forecast × headroom × ne(stage) × latency_ms / 1000)`, clamped to
/// `[minimum, maximum]` — Little's law with one request in service per replica.
public struct ReplicaPlanner: Sendable, Equatable {
    public var headroom: Double
    public var minimum: Int
    public var maximum: Int

    public init(headroom: Double, minimum: Int = 1, maximum: Int = 1000) {
        self.headroom = headroom
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
    }

    /// Replicas (or concurrency) for `forecast` requests/s at `executions` runs per request and
    /// `latencyMs` per run.
    /// - Complexity: O(1).
    public func capacity(forecast: Double, executions: Double, latencyMs: Double) -> Int {
        guard forecast.isFinite, forecast > 0, latencyMs > 0, executions > 0 else { return minimum }
        let throughputPerReplica = 1000 / latencyMs
        // A hair of tolerance so that 2.0000000001 replicas stay 2.
        let needed = (forecast * headroom * executions / throughputPerReplica * (1 - 1e-12)).rounded(.up)
        guard needed.isFinite, needed < Double(maximum) else { return maximum }
        return min(maximum, max(minimum, Int(needed)))
    }
}
