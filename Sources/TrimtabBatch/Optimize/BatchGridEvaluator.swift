import Foundation
import TrimtabModel

/// Every configuration of a grid evaluated with the analytic model, for one arrival process
/// and one service model. Batch behaviours (which depend only on B, T and the arrivals) are
/// computed once and shared by every memory size.
public struct BatchGridEvaluator: Sendable {
    public let process: MarkovianArrivalProcess
    public let grid: BatchGrid
    public let gridSteps: Int
    /// One behaviour per (B, T) pair: B = 1 once, then every B ≥ 2 with every timeout.
    public let behaviours: [BatchingBehaviour]

    /// - Complexity: O(|T| · G · (M + B_max) · B_max · n²) for the timeouts' tables (M ≈ θ·T
    ///   uniformization terms, G grid steps, n phases), then O(|B| · |T| · G · B_max · n) for the
    ///   behaviours; evaluating a service adds O(|memory| · |B| · |T| · B_max · S · log(range)) for
    ///   the percentiles (S service points per batch size).
    public init(process: MarkovianArrivalProcess, grid: BatchGrid, gridSteps: Int = 64) {
        self.process = process
        self.grid = grid
        self.gridSteps = gridSteps
        let maxB = grid.batchSizes.last ?? 1
        var list: [BatchingBehaviour] = []
        if grid.batchSizes.contains(1) {
            list.append(.unbatched(maxBatchSize: 1, timeoutMs: 0, phases: process.phases))
        }
        let batched = grid.batchSizes.filter { $0 >= 2 }
        if !batched.isEmpty, let maxT = grid.timeoutsMs.last {
            let kernel = CountingKernel(process, maxCount: maxB, maxTimeSeconds: maxT / 1000)
            let timeouts = grid.timeoutsMs
            let steps = gridSteps
            // Timeouts are independent: compute them in parallel, keep the grid order.
            let perTimeout = parallelMap(timeouts.count) { ti in
                let tables = TimeoutTables(kernel: kernel, process: process, timeoutMs: timeouts[ti], gridSteps: steps)
                return batched.map { BatchingBehaviour(process: process, maxBatchSize: $0, tables: tables) }
            }
            // Order: by B, then T.
            for (bi, _) in batched.enumerated() {
                for ti in timeouts.indices { list.append(perTimeout[ti][bi]) }
            }
        }
        behaviours = list
    }

    /// Every (memory, B, T) of the grid evaluated for `service`.
    public func evaluateAll(service: any BatchServiceModel, platform: Platform, percentile: Double = 0.95) -> [BatchPerformance] {
        let memories = grid.memorySizes
        let behaviours = self.behaviours
        let results = parallelMap(memories.count) { mi in
            let m = memories[mi]
            let maxB = behaviours.map(\.maxBatchSize).max() ?? 1
            let service = (1...maxB).map { service.service(memoryMB: m, batchSize: $0) }
            return behaviours.map { b in
                BatchPerformanceModel.evaluate(b, service: Array(service[0..<b.maxBatchSize]), memoryMB: m,
                                               platform: platform, percentile: percentile)
            }
        }
        return results.flatMap { $0 }
    }

    /// The exact optimum over the grid: every configuration is evaluated.
    public func optimize(service: any BatchServiceModel, platform: Platform, goal: BatchGoal,
                         percentile: Double = 0.95) -> BatchPlan {
        BatchGridEvaluator.select(evaluateAll(service: service, platform: platform, percentile: percentile), goal: goal)
    }

    /// The best feasible evaluation (or the closest one when none is feasible).
    public static func select(_ all: [BatchPerformance], goal: BatchGoal) -> BatchPlan {
        var best: BatchPerformance?
        var closest: BatchPerformance?
        var feasible = 0
        for p in all {
            if goal.admits(p) {
                feasible += 1
                if best.map({ goal.better(p, $0) }) ?? true { best = p }
            } else if closest.map({ goal.violation(p) < goal.violation($0) }) ?? true {
                closest = p
            }
        }
        return BatchPlan(best: best, closest: best == nil ? closest : nil, evaluated: all.count, feasible: feasible)
    }
}
