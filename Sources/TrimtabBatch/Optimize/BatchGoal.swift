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
