/// Latency and cost of requests through one batching buffer at one memory size.
public struct BatchPerformance: Sendable, Equatable {
    public var memoryMB: Int
    public var batchSize: Int
    public var timeoutMs: Double
    /// The p-th percentile of request latency (wait + batch service), ms.
    public var latencyPercentileMs: Double
    public var meanLatencyMs: Double
    public var meanWaitMs: Double
    /// Expected cost per request × 10⁶ (USD): E[cost of a batch] / E[batch size].
    public var costPerMillion: Double
    public var meanBatchSize: Double
}
