import TrimtabModel

/// The probability-refined critical-path heuristic (PRCP) of Lin and Khazaei's serverless
/// workflow optimiser, the predecessor of OptiServe, generalised to variants. Kept as the
/// baseline the exact solver is measured against; its answers are `feasible`, never proven.
///
/// Start from the cheapest option of every stage. If an accuracy bound is set, first upgrade
/// variants by best accuracy gain per added cost until it is met. Then, while there is a
/// latency target to reach (a latency bound, or the objective is latency within a budget),
/// try every faster option of every stage on the probability-refined critical path and
/// take the one with the best latency reduction per added cost that keeps the budget.
/// For accuracy objectives, finally upgrade variants by accuracy gain per cost while all
/// bounds hold.
///
/// - Complexity: O(I · C · o · V) for I iterations, C critical stages, o options, V stages.
public struct GreedySolver: Solver {
    public var name: String { "greedy" }
    public init() {}

    public func solve(_ model: WorkflowModel, goal: Goal) throws(TrimtabError) -> PlanResult {
        let n = model.workflow.stages.count
        var choice = (0..<n).map { s in
            model.options[s].indices.min { a, b in
                let x = model.options[s][a], y = model.options[s][b]
                return x.invocationCost != y.invocationCost ? x.invocationCost < y.invocationCost : x.latencyMs < y.latencyMs
            } ?? 0
        }
        var current = model.predict(optionIndices: choice)
        var evaluations = 1
        let bounds = goal.bounds
        let budget = bounds.maxCostPerMillion ?? .infinity
        let costOK = { (p: Prediction) in p.costPerMillion <= budget * (1 + Bounds.tolerance) }

        // Phase 1: accuracy bound.
        if let target = bounds.minAccuracy {
            while !Bounds.meets(accuracy: current.accuracy, floor: target) {
                guard let move = bestMove(model, choice, current, stages: Array(0..<n), &evaluations, accept: { _ in true },
                                          gain: { $1.accuracy - $0.accuracy }) else { break }
                choice = move.choice
                current = move.prediction
            }
        }
        let accuracyOK = { (p: Prediction) in bounds.minAccuracy.map { Bounds.meets(accuracy: p.accuracy, floor: $0) } ?? true }

        // Phase 2: latency along the critical path.
        let wantsLatency = goal.objective == .minimizeLatency
        while wantsLatency || (bounds.maxLatencyMs.map { current.latencyMs > $0 * (1 + Bounds.tolerance) } ?? false) {
            let critical = Self.criticalStages(model.root, model: model, choice: choice)
            guard let move = bestMove(model, choice, current, stages: critical, &evaluations,
                                      accept: { costOK($0) && accuracyOK($0) },
                                      gain: { $0.latencyMs - $1.latencyMs }) else { break }
            choice = move.choice
            current = move.prediction
        }

        // Phase 3: accuracy objective.
        if goal.objective == .maximizeAccuracy {
            while true {
                guard let move = bestMove(model, choice, current, stages: Array(0..<n), &evaluations,
                                          accept: { bounds.admits($0) }, gain: { $1.accuracy - $0.accuracy }) else { break }
                choice = move.choice
                current = move.prediction
            }
        }
        if bounds.admits(current) {
            return PlanResult(status: .feasible, optionIndices: choice, prediction: current, work: evaluations)
        }
        return PlanResult(status: .infeasible, work: evaluations)
    }

    /// The single-stage change with the best gain per added cost (a change that saves cost
    /// counts as infinitely good, larger gain first).
    func bestMove(_ model: WorkflowModel, _ choice: [Int], _ current: Prediction, stages: [Int], _ evaluations: inout Int,
                  accept: (Prediction) -> Bool, gain: (Prediction, Prediction) -> Double) -> (choice: [Int], prediction: Prediction)? {
        var best: (choice: [Int], prediction: Prediction, ratio: Double, gain: Double)? = nil
        var trial = choice
        for s in stages {
            for k in model.options[s].indices where k != choice[s] {
                trial[s] = k
                let p = model.predict(optionIndices: trial)
                evaluations += 1
                let g = gain(current, p)
                guard g > 1e-12, accept(p) else { continue }
                let added = p.costPerMillion - current.costPerMillion
                let ratio = added <= 0 ? Double.infinity : g / added
                if let b = best, ratio < b.ratio || (ratio == b.ratio && g <= b.gain) { continue }
                best = (trial, p, ratio, g)
            }
            trial[s] = choice[s]
        }
        return best.map { ($0.choice, $0.prediction) }
    }

    /// Stages on the probability-refined critical path: every branch outcome's longest path
    /// (parallel joins keep the child with the largest expected latency).
    static func criticalStages(_ block: Block, model: WorkflowModel, choice: [Int]) -> [Int] {
        switch block {
        case .empty: return []
        case .stage(let s): return [s]
        case .series(let c): return c.flatMap { criticalStages($0, model: model, choice: choice) }
        case .mixture(let arms): return arms.flatMap { criticalStages($0.block, model: model, choice: choice) }
        case .loop(let body, _): return criticalStages(body, model: model, choice: choice)
        case .parallel(let children):
            let t = (0..<choice.count).map { model.options[$0][choice[$0]].latencyMs }
            let means = children.map { child -> Double in
                let sub = WorkflowModel.distribution(child, t)
                return sub.mean
            }
            guard let top = means.max() else { return [] }
            return children.indices.filter { means[$0] >= top - 1e-9 }.flatMap { criticalStages(children[$0], model: model, choice: choice) }
        case .general: return block.stages
        }
    }
}
