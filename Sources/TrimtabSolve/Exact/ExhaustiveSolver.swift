import TrimtabModel

/// Enumerates every configuration: the reference the exact solver is tested against.
/// - Complexity: O(Π o_s · V): only for small workflows (refuses more than `limit`).
public struct ExhaustiveSolver: Solver {
    public var name: String { "exhaustive" }
    public var limit: Int
    public init(limit: Int = 2_000_000) { self.limit = limit }

    func forEachConfiguration(_ model: WorkflowModel, _ body: ([Int], Prediction) -> Void) throws(TrimtabError) {
        let counts = model.options.map(\.count)
        var total = 1
        for c in counts {
            let (product, overflow) = total.multipliedReportingOverflow(by: c)
            if overflow || product > limit {
                throw TrimtabError(code: .unsupported, field: "--solver",
                                   "exhaustive search would evaluate more than \(limit) configurations; use --solver exact")
            }
            total = product
        }
        var choice = Array(repeating: 0, count: counts.count)
        for _ in 0..<total {
            body(choice, model.predict(optionIndices: choice))
            var s = 0
            while s < counts.count {
                choice[s] += 1
                if choice[s] < counts[s] { break }
                choice[s] = 0
                s += 1
            }
        }
    }

    public func solve(_ model: WorkflowModel, goal: Goal) throws(TrimtabError) -> PlanResult {
        var best: ([Int], Prediction)? = nil
        var count = 0
        let b = goal.bounds
        var reach: [BoundReach.Quantity: Double] = [:]
        // For each bound, the others alone: its best value among configurations meeting them.
        let bounded = b.quantities
        let others = bounded.map { b.with($0, nil) }
        try forEachConfiguration(model) { choice, p in
            count += 1
            if b.admits(p) {
                if let current = best, !ExactSolver.better(p, than: current.1, goal: goal) { return }
                best = (choice, p)
            } else {
                for (k, q) in bounded.enumerated() where others[k].admits(p) {
                    let v = q.value(of: p)
                    reach[q] = q == .accuracy ? max(reach[q] ?? -.infinity, v) : min(reach[q] ?? .infinity, v)
                }
            }
        }
        guard let best else {
            let closest = bounded.map { BoundReach(quantity: $0, limit: b.limit($0) ?? 0, best: reach[$0]) }
            return PlanResult(status: .infeasible, closestBounds: closest, work: count)
        }
        return PlanResult(status: .optimal, optionIndices: best.0, prediction: best.1, work: count)
    }

    /// Every non-dominated point by enumeration (for testing the exact Pareto front).
    public func pareto(_ model: WorkflowModel, bounds: Bounds) throws(TrimtabError) -> [ParetoPoint] {
        var points: [ParetoPoint] = []
        try forEachConfiguration(model) { choice, p in
            if bounds.admits(p) { points.append(ParetoPoint(optionIndices: choice, prediction: p)) }
        }
        return ParetoPoint.frontier(points)
    }
}
