/// The grid the optimiser searches exhaustively: every memory size × every maximum batch size ×
/// every timeout (B = 1 needs no timeout and is evaluated once, with timeout 0).
public struct BatchGrid: Sendable, Equatable {
    public var memorySizes: [Int]
    public var batchSizes: [Int]
    public var timeoutsMs: [Double]

    /// The default timeouts: 10 ms to 1000 ms in 10 ms steps and 1.1 s to 3 s in 100 ms steps
    /// (120 values).
    public static let defaultTimeoutsMs: [Double] =
        stride(from: 10.0, through: 1000, by: 10).map { $0 } + stride(from: 1100.0, through: 3000, by: 100).map { $0 }

    public init(memorySizes: [Int], batchSizes: [Int], timeoutsMs: [Double] = BatchGrid.defaultTimeoutsMs) {
        self.memorySizes = memorySizes
        self.batchSizes = batchSizes.sorted()
        self.timeoutsMs = timeoutsMs.sorted()
    }

    /// Configurations in the grid.
    public var count: Int {
        memorySizes.count * batchSizes.reduce(0) { $0 + ($1 == 1 ? 1 : timeoutsMs.count) }
    }
}
