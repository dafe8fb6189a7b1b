/// Where the arrival rate comes from (Prometheus in production, a fake in tests).
public protocol MetricsSource: Sendable {
    /// The arrival rate now (requests per second); `nil` when the source returned no sample.
    func currentRate() async throws -> Double?
    /// Samples over the last `seconds`, one every `stepSeconds`, oldest first (for a warm forecaster).
    func history(seconds: Double, stepSeconds: Double) async throws -> [Double]
}
