import TrimtabModel

/// One possible service time of a batch, with its probability.
public struct ServicePoint: Sendable, Equatable {
    public var latencyMs: Double
    public var probability: Double
    public init(latencyMs: Double, probability: Double = 1) {
        self.latencyMs = latencyMs
        self.probability = probability
    }
}

/// Service time of one invocation serving a batch, by memory size and batch size: a single
/// value (deterministic) or a small distribution (batches that mix request sizes).
public protocol BatchServiceModel: Sendable {
    /// Candidate memory sizes (MB), ascending.
    var memorySizes: [Int] { get }
    /// Largest batch size with a service time.
    var maxBatchSize: Int { get }
    /// Service-time distribution of a batch of `batchSize` requests at `memoryMB`.
    func service(memoryMB: Int, batchSize: Int) -> [ServicePoint]
}
