import TrimtabModel

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
