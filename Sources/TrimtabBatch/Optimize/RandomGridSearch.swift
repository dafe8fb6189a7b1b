import TrimtabModel

/// The search MBS uses instead of an exhaustive one, for comparison: a fixed budget of
/// configurations drawn uniformly from the same grid (without repeats), each evaluated on its
/// own with the same analytic model; the best feasible one found is returned.
public struct RandomGridSearch: Sendable {
    public var process: MarkovianArrivalProcess
    public var grid: BatchGrid
    public var gridSteps: Int = 64

    public init(process: MarkovianArrivalProcess, grid: BatchGrid) {
        self.process = process
        self.grid = grid
    }

    /// One configuration evaluated from scratch (its own counting tables).
    public static func evaluate(process: MarkovianArrivalProcess, service: any BatchServiceModel, platform: Platform,
                                memoryMB: Int, batchSize: Int, timeoutMs: Double, gridSteps: Int = 64,
                                percentile: Double = 0.95) -> BatchPerformance {
        let behaviour: BatchingBehaviour
        if batchSize == 1 || timeoutMs == 0 {
            behaviour = .unbatched(maxBatchSize: batchSize, timeoutMs: 0, phases: process.phases)
        } else {
            let kernel = CountingKernel(process, maxCount: batchSize, maxTimeSeconds: timeoutMs / 1000)
            behaviour = BatchingBehaviour(process: process, maxBatchSize: batchSize,
                                          tables: TimeoutTables(kernel: kernel, process: process, timeoutMs: timeoutMs, gridSteps: gridSteps))
        }
        return BatchPerformanceModel.evaluate(behaviour, service: service, memoryMB: memoryMB, platform: platform, percentile: percentile)
    }

    /// - Complexity: `budget` single evaluations.
    public func search(service: any BatchServiceModel, platform: Platform, goal: BatchGoal, budget: Int,
                       seed: UInt64) -> BatchPlan {
        var rng = SeededGenerator(seed: seed)
        var configurations: [(Int, Int, Double)] = []
        for m in grid.memorySizes {
            for b in grid.batchSizes {
                if b == 1 { configurations.append((m, 1, 0)) } else { for t in grid.timeoutsMs { configurations.append((m, b, t)) } }
            }
        }
        configurations.shuffle(using: &rng)
        let picked = configurations.prefix(budget)
        let results = picked.map { c in
            RandomGridSearch.evaluate(process: process, service: service, platform: platform, memoryMB: c.0, batchSize: c.1,
                                      timeoutMs: c.2, gridSteps: gridSteps)
        }
        return BatchGridEvaluator.select(results, goal: goal)
    }
}
