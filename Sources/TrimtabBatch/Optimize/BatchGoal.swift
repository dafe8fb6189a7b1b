/// What the batch optimiser looks for.
public enum BatchGoal: Sendable, Equatable {
    /// Cheapest per request with the latency percentile at most the bound (ms).
    case minimizeCost(maxLatencyPercentileMs: Double)
    /// Lowest latency percentile with the cost per million requests at most the bound (USD).
    case minimizeLatency(maxCostPerMillion: Double)

    func admits(_ p: BatchPerformance) -> Bool {
        switch self {
        case .minimizeCost(let bound): return p.latencyPercentileMs <= bound * (1 + 1e-12)
        case .minimizeLatency(let bound): return p.costPerMillion <= bound * (1 + 1e-12)
        }
    }

    /// Objective, then the other quantity, then smaller memory, batch size and timeout: a total
    /// order, so that the answer does not depend on the evaluation order.
    func better(_ a: BatchPerformance, _ b: BatchPerformance) -> Bool {
        let ka: [Double], kb: [Double]
        switch self {
        case .minimizeCost:
            ka = [a.costPerMillion, a.latencyPercentileMs]; kb = [b.costPerMillion, b.latencyPercentileMs]
        case .minimizeLatency:
            ka = [a.latencyPercentileMs, a.costPerMillion]; kb = [b.latencyPercentileMs, b.costPerMillion]
        }
        let ra = ka + [Double(a.memoryMB), Double(a.batchSize), a.timeoutMs]
        let rb = kb + [Double(b.memoryMB), Double(b.batchSize), b.timeoutMs]
        // Values within 1e-9 (relative) are ties: rounding noise must not pick a longer timeout.
        for (x, y) in zip(ra, rb) where abs(x - y) > 1e-9 * max(abs(x), abs(y), 1e-300) { return x < y }
        return false
    }

    /// How far a configuration is from the bound (relative), for the closest infeasible answer.
    func violation(_ p: BatchPerformance) -> Double {
        switch self {
        case .minimizeCost(let bound): return (p.latencyPercentileMs - bound) / bound
        case .minimizeLatency(let bound): return (p.costPerMillion - bound) / bound
        }
    }
}

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
