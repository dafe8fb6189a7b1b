import TrimtabModel

/// Explains a plan (`PlanExplanation`): bound slack and binding, critical path and shares,
/// the optimum under each binding bound moved by ±5 % and ±10 %, the best single change per stage.
public struct PlanExplainer: Sendable {
    /// Relative moves of a binding bound, tightest first; each is re-solved.
    public static let moves: [Double] = [-10, -5, 5, 10]

    let solver: any Solver

    /// `solver` re-solves the moved goals; an `ExactSolver` is used without its closest-bound
    /// report and without bounding answers its time limit stops (only the status and the
    /// value of a moved goal matter).
    public init(solver: any Solver = ExactSolver()) {
        if var exact = solver as? ExactSolver {
            exact.reportsClosestBounds = false
            exact.boundsStoppedAnswers = false
            self.solver = exact
        } else {
            self.solver = solver
        }
    }

    /// Explains the configuration `indices` planned for `goal`; `planIsOptimal` (a proven
    /// optimum) lets a tightened bound the plan still meets keep the plan without a re-solve.
    ///
    /// Re-solves: one per bound (is it binding?), and up to four per binding bound (fewer when
    /// an answer is implied: the optimum without a bound that fits a relaxed limit is that
    /// limit's optimum; the plan itself stays optimal under a tightened limit it still meets).
    /// - Complexity: at most 5 × (bounds) solves, plus O(Σ o_s) model evaluations for the
    ///   single changes and 2n for the latency shares.
    public func explain(_ model: WorkflowModel, goal: Goal, plan indices: [Int],
                        planIsOptimal: Bool) throws(TrimtabError) -> PlanExplanation {
        let plan = model.predict(optionIndices: indices)
        var resolves = 0
        func solve(_ bounds: Bounds) throws(TrimtabError) -> PlanResult {
            resolves += 1
            var g = goal
            g.bounds = bounds
            return try solver.solve(model, goal: g)
        }

        var slacks: [BoundSlack] = []
        var sensitivity: [BoundSensitivity] = []
        for quantity in goal.bounds.quantities {
            let limit = goal.bounds.limit(quantity) ?? 0
            let value = quantity.value(of: plan)
            let slack = quantity == .accuracy ? value - limit : limit - value
            let dropped = try solve(goal.bounds.with(quantity, nil))
            let without = outcome(dropped, model: model, goal: goal, plan: plan, indices: indices)
            let binding = dropped.prediction.map { Self.strictlyBetter($0, plan, goal) } ?? false
            slacks.append(BoundSlack(bound: quantity, limit: limit, value: value, slack: slack,
                                     relativeSlack: slack / max(abs(limit), 1e-12), binding: binding, withoutBound: without))
            guard binding else { continue }
            var variations: [BoundSensitivity.Variation] = []
            for percent in Self.moves {
                let moved = Self.moved(limit, quantity, percent)
                let bounds = goal.bounds.with(quantity, moved)
                let result: PlanResult
                if percent > 0, let p = dropped.prediction, dropped.status == .optimal, bounds.admits(p) {
                    result = dropped  // optimal without the bound and within the relaxed one
                } else if percent < 0, planIsOptimal, bounds.admits(plan) {
                    result = PlanResult(status: .optimal, optionIndices: indices, prediction: plan)  // still the optimum
                } else {
                    result = try solve(bounds)
                }
                variations.append(.init(relaxPercent: percent, limit: moved,
                                        outcome: outcome(result, model: model, goal: goal, plan: plan, indices: indices)))
            }
            sensitivity.append(BoundSensitivity(bound: quantity, limit: limit, variations: variations))
        }

        let shares = Self.shares(model, indices: indices, latency: plan.latencyMs, cost: plan.costPerMillion)
        let critical = model.root.stages.filter { shares[$0].criticality > Self.criticalThreshold }
            .map { model.workflow.stages[$0].name }
        return PlanExplanation(objective: goal.objective.rawValue, objectiveValue: Self.objectiveValue(goal.objective, plan),
                               bounds: slacks, criticalPath: critical, stages: shares, sensitivity: sensitivity,
                               changes: Self.bestChanges(model, goal: goal, indices: indices, plan: plan),
                               resolves: resolves)
    }

    /// Criticality below this counts as off the critical path (numerical noise).
    static let criticalThreshold = 1e-6

    func outcome(_ r: PlanResult, model: WorkflowModel, goal: Goal, plan: Prediction, indices: [Int]) -> SolveOutcome {
        guard r.status != .infeasible, let p = r.prediction, let chosen = r.optionIndices else {
            return SolveOutcome(status: PlanResult.Status.infeasible.rawValue)
        }
        let value = Self.objectiveValue(goal.objective, p)
        let changed = chosen.indices.filter { chosen[$0] != indices[$0] }.map { model.workflow.stages[$0].name }
        return SolveOutcome(status: r.status.rawValue, predicted: p, objectiveValue: value,
                            objectiveChange: value - Self.objectiveValue(goal.objective, plan), stagesChanged: changed)
    }

    // MARK: Quantities

    /// The limit relaxed by `percent` (negative: tightened); an accuracy floor relaxes downwards.
    public static func moved(_ limit: Double, _ q: BoundReach.Quantity, _ percent: Double) -> Double {
        q == .accuracy ? limit * (1 - percent / 100) : limit * (1 + percent / 100)
    }

    static func objectiveValue(_ o: Goal.Objective, _ p: Prediction) -> Double {
        switch o {
        case .minimizeCost: return p.costPerMillion
        case .minimizeLatency: return p.latencyMs
        case .maximizeAccuracy: return p.accuracy
        }
    }

    /// Better in the objective by more than rounding (ties broken elsewhere do not count).
    static func strictlyBetter(_ a: Prediction, _ b: Prediction, _ goal: Goal) -> Bool {
        let sa = a.score(goal.objective), sb = b.score(goal.objective)
        return sa < sb - 1e-9 * (goal.objective == .maximizeAccuracy ? abs(sb) : max(1, abs(sb)))
    }

    // MARK: Shares

    /// Each stage's share of the expected latency (its latency times the central difference of
    /// the expected latency in it; the expected latency is positively homogeneous, so these
    /// products add up to it, ties between parallel arms split) and of the cost.
    static func shares(_ model: WorkflowModel, indices: [Int], latency: Double, cost: Double) -> [StageShare] {
        let t = indices.enumerated().map { model.options[$0.offset][$0.element].latencyMs }
        var grads: [Double] = []
        var perturbed = t
        for s in t.indices {
            let h = max(abs(t[s]) * 1e-7, 1e-9)
            perturbed[s] = t[s] + h
            let up = model.expectedLatency(stageLatencies: perturbed)
            perturbed[s] = t[s] - h
            let down = model.expectedLatency(stageLatencies: perturbed)
            perturbed[s] = t[s]
            let g = (up - down) / (2 * h)
            grads.append(abs(g) < 1e-9 ? 0 : g)
        }
        let weighted = t.indices.map { t[$0] * grads[$0] }
        let total = weighted.reduce(0, +)
        return indices.enumerated().map { s, k in
            let o = model.options[s][k]
            let c = model.executions[s] * o.invocationCost * 1e6
            return StageShare(stage: model.workflow.stages[s].name, choice: label(model, s, k), latencyMs: o.latencyMs,
                              criticality: grads[s], latencyShare: total > 0 ? weighted[s] / total : 0,
                              costPerMillion: c, costShare: cost > 0 ? c / cost : 0)
        }
    }

    static func label(_ model: WorkflowModel, _ s: Int, _ k: Int) -> OptionLabel {
        let stage = model.workflow.stages[s]
        let o = model.options[s][k]
        return OptionLabel(variant: stage.hasVariants ? stage.variants[o.variant].name : nil, memoryMB: o.memoryMB,
                           batchSize: o.batchSize)
    }

    // MARK: Single changes

    /// For each stage, the best single change (see `StageChange`).
    static func bestChanges(_ model: WorkflowModel, goal: Goal, indices: [Int], plan: Prediction) -> [StageChange] {
        let base = plan.score(goal.objective)
        var choice = indices
        return indices.indices.map { s in
            var best: (k: Int, p: Prediction, gain: Double, excess: Double, rank: Double)? = nil
            for k in model.options[s].indices where k != indices[s] {
                choice[s] = k
                let p = model.predict(optionIndices: choice)
                let gain = base - p.score(goal.objective)
                guard gain > 1e-9 * (goal.objective == .maximizeAccuracy ? abs(base) : max(1, abs(base))) else { continue }
                let excess = Self.excess(p, goal.bounds)
                let relGain = gain / max(abs(base), 1e-12)
                // Breaking nothing ranks above everything (by gain); otherwise gain per excess.
                let rank = excess <= 0 ? .infinity : relGain / excess
                if let b = best {
                    if rank < b.rank { continue }
                    if rank == b.rank && gain <= b.gain { continue }
                }
                best = (k, p, gain, excess, rank)
            }
            choice[s] = indices[s]
            let from = label(model, s, indices[s])
            guard let best else {
                return StageChange(stage: model.workflow.stages[s].name, from: from, breaks: [])
            }
            let delta = Prediction(latencyMs: best.p.latencyMs - plan.latencyMs,
                                   costPerMillion: best.p.costPerMillion - plan.costPerMillion,
                                   accuracy: best.p.accuracy - plan.accuracy)
            return StageChange(stage: model.workflow.stages[s].name, from: from, to: label(model, s, best.k), delta: delta,
                               objectiveGain: best.gain, breaks: broken(best.p, goal.bounds), excess: best.excess)
        }
    }

    /// The bounds `p` breaks.
    static func broken(_ p: Prediction, _ b: Bounds) -> [BoundReach.Quantity] {
        b.quantities.filter { q in
            guard let l = b.limit(q) else { return false }
            return !Bounds().with(q, l).admits(p)
        }
    }

    /// The largest relative excess of `p` over a bound it breaks (0: it breaks none).
    static func excess(_ p: Prediction, _ b: Bounds) -> Double {
        broken(p, b).reduce(0.0) { worst, q in
            let l = b.limit(q) ?? 0
            let over = q == .accuracy ? l - p.accuracy : q.value(of: p) - l
            return max(worst, over / max(abs(l), 1e-12))
        }
    }
}
