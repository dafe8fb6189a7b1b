import TrimtabModel

/// Chooses memory, split size and worker count for a job.
///
/// Exact over its grid (every setup × every split size × every worker count 1…min(splits,
/// max_workers)): each point is priced by the closed form of `JobPredictor`, so the answer is the
/// true optimum of the model, not a heuristic. Ties go to fewer workers, then less memory, then
/// larger splits (fewer requests). When nothing meets the bounds, the point with the smallest
/// relative violation is returned as the closest option — never a silent single worker.
public enum JobPlanner {
    /// - Complexity: O(M × Z × W) predictions for M setups, Z split sizes and W ≤ max_workers.
    public static func plan(_ model: WorkerModel, goal: JobGoal) throws(TrimtabError) -> JobPlan {
        guard goal.items > 0 else { throw TrimtabError(field: "--items", "\(goal.items) must be a positive number of items") }
        var best: JobChoice?
        var closest: (choice: JobChoice, violation: Double)?
        var evaluated = 0
        for setup in model.setups {
            for s in model.splitSizes {
                let splits = JobShape.ceilingDivision(goal.items, s)
                for w in 1...max(1, min(splits, model.maxWorkers)) {
                    let shape = JobShape(items: goal.items, splitSize: s, workers: w)
                    guard let p = JobPredictor.predict(shape, setup: setup, model: model) else { continue }
                    evaluated += 1
                    let choice = JobChoice(memoryMB: setup.memoryMB, shape: shape, prediction: p)
                    if goal.isMet(by: p) {
                        if best.map({ better(choice, than: $0, goal.minimize) }) ?? true { best = choice }
                    } else {
                        let v = goal.violation(of: p)
                        if closest.map({ v < $0.violation || (v == $0.violation && better(choice, than: $0.choice, goal.minimize)) }) ?? true {
                            closest = (choice, v)
                        }
                    }
                }
            }
        }
        if let best { return JobPlan(feasible: true, choice: best, evaluated: evaluated) }
        guard let closest else {
            throw TrimtabError(field: "split_sizes", "no worker setup can price any of the split sizes")
        }
        return JobPlan(feasible: false, choice: closest.choice, evaluated: evaluated)
    }

    /// Strict order used by the planner (and the brute-force test): objective, then the other
    /// objective, then fewer workers, less memory, larger splits.
    public static func better(_ a: JobChoice, than b: JobChoice, _ objective: JobGoal.Objective) -> Bool {
        let (pa, pb) = (a.prediction, b.prediction)
        let (ka, kb): ((Double, Double), (Double, Double)) = objective == .cost
            ? ((pa.costUSD, pa.makespanS), (pb.costUSD, pb.makespanS))
            : ((pa.makespanS, pa.costUSD), (pb.makespanS, pb.costUSD))
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1 < kb.1 }
        if a.shape.workers != b.shape.workers { return a.shape.workers < b.shape.workers }
        if a.memoryMB != b.memoryMB { return a.memoryMB < b.memoryMB }
        return a.shape.splitSize > b.shape.splitSize
    }
}
