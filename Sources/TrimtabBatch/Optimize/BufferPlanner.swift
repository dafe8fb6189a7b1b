import TrimtabModel

/// Several buffers (MBS): requests split by size range into buffers of equal load; each buffer
/// sees the arrivals thinned to its share (exact for a MAP when sizes are independent of arrival
/// times) and is optimised on its own for the cheapest cost with its percentile under the bound.
/// A per-buffer bound is sufficient for the overall bound (a mixture's CDF is the share-weighted
/// mean of its parts), so the plan meets it; it can be conservative.
public struct BufferPlanner: Sendable {
    public var process: MarkovianArrivalProcess
    public var table: MBSServiceTable
    public var classLoads: [Double]
    public var grid: BatchGrid
    public var platform: Platform
    public var percentile: Double

    public init(process: MarkovianArrivalProcess, table: MBSServiceTable, classLoads: [Double], grid: BatchGrid,
                platform: Platform, percentile: Double = 0.95) {
        self.process = process
        self.table = table
        self.classLoads = classLoads
        self.grid = grid
        self.platform = platform
        self.percentile = percentile
    }

    /// Plans every count 1…maxBuffers for `--minimize cost` with the percentile bound.
    /// - Complexity: one grid evaluation per buffer (Σ n for n ≤ maxBuffers), behaviours shared by
    ///   buffers with the same share.
    public func plan(maxBuffers: Int, maxLatencyPercentileMs bound: Double) throws(TrimtabError) -> [BufferPlan] {
        var plans: [BufferPlan] = []
        for n in 1...max(maxBuffers, 1) {
            let split = BufferSplit.equalLoad(classLoads, buffers: n)
            var evaluators: [Int: BatchGridEvaluator] = [:]
            var choices: [BufferChoice] = []
            var behavioursUsed: [(BatchingBehaviour, [[ServicePoint]], Double)] = []
            var feasible = true
            let total = classLoads.reduce(0, +)
            for classes in split {
                let share = classes.reduce(0) { $0 + $1.share } / total
                let key = Int((share * 1e9).rounded())
                let evaluator = evaluators[key] ?? BatchGridEvaluator(process: process.thinned(share), grid: grid)
                evaluators[key] = evaluator
                let service = try SizeClassServiceModel(table: table, classes: classes)
                let result = evaluator.optimize(service: service, platform: platform, goal: .minimizeCost(maxLatencyPercentileMs: bound),
                                                percentile: percentile)
                guard let best = result.best else { feasible = false; break }
                choices.append(BufferChoice(classes: classes, share: share, performance: best))
                if let behaviour = evaluator.behaviours.first(where: { $0.maxBatchSize == best.batchSize && ($0.isUnbatched ? 0 : $0.timeoutMs) == best.timeoutMs }) {
                    behavioursUsed.append((behaviour, (1...behaviour.maxBatchSize).map { service.service(memoryMB: best.memoryMB, batchSize: $0) }, share))
                }
            }
            guard feasible else { plans.append(BufferPlan(buffers: n)); continue }
            let cost = choices.reduce(0) { $0 + $1.share * $1.performance.costPerMillion }
            plans.append(BufferPlan(buffers: n, choices: choices, costPerMillion: cost,
                                    overallLatencyPercentileMs: overallPercentile(behavioursUsed)))
        }
        return plans
    }

    /// The percentile of the share-weighted mixture of the buffers' latency distributions.
    func overallPercentile(_ parts: [(BatchingBehaviour, [[ServicePoint]], Double)]) -> Double? {
        guard !parts.isEmpty else { return nil }
        func cdf(_ x: Double) -> Double { parts.reduce(0) { $0 + $1.2 * BatchPerformanceModel.latencyCDF($1.0, $1.1, x) } }
        var lo = 0.0
        var hi = parts.map { p in (p.1.flatMap { $0.map(\.latencyMs) }.max() ?? 0) + p.0.timeoutMs }.max() ?? 0
        while hi - lo > 1e-6 {
            let mid = (lo + hi) / 2
            if cdf(mid) >= percentile { hi = mid } else { lo = mid }
        }
        return hi
    }
}
