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

/// Service times of a workflow stage's variant (`latency_ms_by_batch`, interpolated linearly
/// between measured batch sizes; deterministic).
public struct StageServiceModel: BatchServiceModel {
    public let variant: Variant
    public let memorySizes: [Int]
    public let maxBatchSize: Int

    public init(variant: Variant) {
        self.variant = variant
        memorySizes = variant.latency.map(\.memoryMB)
        maxBatchSize = variant.batchSizes.last ?? 1
    }

    public func service(memoryMB: Int, batchSize: Int) -> [ServicePoint] {
        [ServicePoint(latencyMs: variant.latencyMs(memoryMB: memoryMB, batchSize: batchSize) ?? .infinity)]
    }
}
