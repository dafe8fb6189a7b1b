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
        try forEachConfiguration(model) { choice, p in
            count += 1
            if b.admits(p) {
                if let current = best, !ExactSolver.better(p, than: current.1, goal: goal) { return }
                best = (choice, p)
            } else {
                // Track, for each bound, its best value among configurations meeting the others.
                if b.maxLatencyMs != nil {
                    var r = b; r.maxLatencyMs = nil
                    if r.admits(p) { reach[.latency] = min(reach[.latency] ?? .infinity, p.latencyMs) }
                }
                if b.maxCostPerMillion != nil {
                    var r = b; r.maxCostPerMillion = nil
                    if r.admits(p) { reach[.cost] = min(reach[.cost] ?? .infinity, p.costPerMillion) }
                }
                if b.minAccuracy != nil {
                    var r = b; r.minAccuracy = nil
                    if r.admits(p) { reach[.accuracy] = max(reach[.accuracy] ?? -.infinity, p.accuracy) }
                }
            }
        }
        guard let best else {
            var closest: [BoundReach] = []
            if let l = b.maxLatencyMs { closest.append(BoundReach(quantity: .latency, limit: l, best: reach[.latency])) }
            if let c = b.maxCostPerMillion { closest.append(BoundReach(quantity: .cost, limit: c, best: reach[.cost])) }
            if let a = b.minAccuracy { closest.append(BoundReach(quantity: .accuracy, limit: a, best: reach[.accuracy])) }
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
