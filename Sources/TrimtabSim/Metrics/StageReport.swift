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
