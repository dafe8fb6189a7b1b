import TrimtabJob
import TrimtabModel

/// `job predict`: the makespan and cost of one job shape (items, workers, split size, memory)
/// under a worker model.
public enum JobPredictOperation {
    public struct Request: Codable, Sendable, Equatable {
        public var model: WorkerModelSource
        public var items: Int
        public var workers: Int
        /// Items per split (default: the model's only split size).
        public var splitSize: Int?
        /// Worker memory (default: the model's only setup).
        public var memoryMB: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case model, items, workers, splitSize = "split_size", memoryMB = "memory_mb"
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(model: WorkerModelSource, items: Int, workers: Int, splitSize: Int? = nil, memoryMB: Int? = nil) {
            self.model = model
            self.items = items
            self.workers = workers
            self.splitSize = splitSize
            self.memoryMB = memoryMB
        }
    }

    /// `cost_usd`, `makespan_s`, `cost_per_million_items`, the active `workers`, `splits` and
    /// `waves`; then the items, split size and memory predicted for.
    public struct Result: OperationResult {
        public var costUSD: Double
        public var makespanS: Double
        public var costPerMillionItems: Double
        /// Workers that get a split (at most the splits).
        public var workers: Int
        public var splits: Int
        public var waves: Int
        public var items: Int
        public var splitSize: Int
        public var memoryMB: Int

        enum CodingKeys: String, CodingKey {
            case costUSD = "cost_usd", makespanS = "makespan_s", costPerMillionItems = "cost_per_million_items", workers, splits, waves
            case items, splitSize = "split_size", memoryMB = "memory_mb"
        }
    }

    /// - Complexity: O(1).
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let m = try request.model.load()
        let file = request.model.label
        let shape = JobShape(items: try JobRequestChecks.items(request.items),
                             splitSize: try JobRequestChecks.splitSize(m, request.splitSize, file: file),
                             workers: try JobRequestChecks.positive(request.workers, "--workers"))
        let setup = try JobRequestChecks.setup(m, memoryMB: request.memoryMB, file: file)
        guard let p = JobPredictor.predict(shape, setup: setup, model: m) else {
            throw TrimtabError(file: file, field: "workers[\(setup.memoryMB)].split_s", "has no time for split size \(shape.splitSize)")
        }
        return Result(costUSD: p.costUSD, makespanS: p.makespanS, costPerMillionItems: p.costPerMillionItems, workers: shape.activeWorkers,
                      splits: shape.splits, waves: shape.waves, items: shape.items, splitSize: shape.splitSize, memoryMB: setup.memoryMB)
    }
}
