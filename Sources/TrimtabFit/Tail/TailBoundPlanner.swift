import TrimtabModel

/// A bound on a tail quantile of the end-to-end latency (see `TailLatency` for the rule).
public struct TailBound: Sendable, Equatable {
    public var quantile: Double
    public var maxMs: Double
    /// The flag that set it, for messages.
    public var flag: String
    public init(quantile: Double, maxMs: Double, flag: String) {
        self.quantile = quantile
        self.maxMs = maxMs
        self.flag = flag
    }
}

/// How end-to-end tail latency is obtained from the stages' measurements.
public enum TailRule: String, Sendable, CaseIterable {
    /// From every stage's `latency_spread`, composed through the graph by Monte Carlo with
    /// common random numbers (`ComposedTailLatency`): an estimate of the quantile itself.
    case composed
    /// From the stages' `latency_p95_ms`/`latency_p99_ms` by the comonotone rule
    /// (`TailLatency`): an upper bound for series, loops and branches, exact only when all
    /// stages are slow together.
    case conservative

    /// `composed` when every variant of every stage has a `latency_spread`, else `conservative`.
    public static func automatic(for workflow: Workflow) -> TailRule {
        workflow.stages.allSatisfy { $0.variants.allSatisfy { $0.tails.spread != nil } } ? .composed : .conservative
    }
}

/// What a node of the composed search hands its children: every run's latency as a function
/// of the stage they decide, and per bound and variant the thresholds that count the runs above.
struct ChildCheck {
    var response: StageResponse
    /// Per bound and variant: the child is infeasible when its mean exceeds the first value,
    /// and needs its exact quantile when it exceeds the second.
    var deciding: [[(Double, Double)]]
}

/// The outcome of planning under tail bounds.
public struct TailPlan: Sendable {
    /// The rule the tails were planned with, and (composed) the Monte Carlo runs.
    public var rule: TailRule = .conservative
    public var runs: Int? = nil
    public enum Status: String, Sendable { case optimal, feasible, infeasible }
    public var status: Status
    public var optionIndices: [Int]?
    public var prediction: Prediction?
    /// The composed tail latency of the answer, one per bound.
    public var tails: [Double]
    /// For an infeasible goal: the smallest value each tail bound's quantity reaches while the
    /// other bounds hold (nil: they cannot all hold).
    public var closestTails: [Double?]
    /// Partial configurations examined.
    public var nodes: Int
}

/// Exact planning under tail-latency bounds by depth-first branch and bound over the stages'
/// options. Every quantity (mean latency, cost, accuracy, composed tail) is monotone in each
/// stage's own value, so filling the undecided stages with their best values gives a valid
/// bound at each node; a subtree is cut when a bound cannot be met or the objective cannot
/// beat the incumbent. Options dominated within their stage are dropped first. The answer is proven optimal unless `nodeLimit` is reached.
public enum TailBoundPlanner {
    enum Objective { case cost, latency, accuracy, tail(Int) }

    /// - Complexity: O(Π o_s · V) in the worst case; far less when bounds and the incumbent cut.
    ///   With `rule` `.composed` (the default where the workflow has every `latency_spread`), each
    ///   node evaluates the Monte Carlo composition with the undecided stages at their least
    ///   latency: O(runs × invocations) per node.
    public static func plan(_ model: WorkflowModel, goal: Goal, tails: [TailBound], rule: TailRule? = nil,
                            runs: Int = ComposedTailLatency.defaultRuns, nodeLimit: Int = 5_000_000) throws(TrimtabError) -> TailPlan {
        let rule = rule ?? TailRule.automatic(for: model.workflow)
        let composed: ComposedTailLatency?
        let quantiles: [[[Double]]]
        switch rule {
        case .composed:
            composed = try ComposedTailLatency(model, runs: runs, flag: tails.first?.flag ?? "--tail-rule composed")
            // Per option a sort key for the option order only (the mean).
            quantiles = tails.map { _ in model.options.map { $0.map(\.latencyMs) } }
        case .conservative:
            composed = nil
            quantiles = try tails.map { b throws(TrimtabError) in try TailLatency.stageQuantiles(model, quantile: b.quantile, flag: b.flag) }
        }
        let objective: Objective
        switch goal.objective {
        case .minimizeCost: objective = .cost
        case .minimizeLatency: objective = .latency
        case .maximizeAccuracy: objective = .accuracy
        }
        var result = search(model, objective: objective, bounds: goal.bounds, tails: tails, quantiles: quantiles, composed: composed, nodeLimit: nodeLimit)
        result.rule = rule
        result.runs = composed?.runs
        if result.optionIndices == nil && result.status == .feasible {
            throw TrimtabError(code: .unsupported, field: tails.first?.flag,
                               "the search stopped after \(nodeLimit) partial configurations without finding one that meets the bounds")
        }
        if result.status == .infeasible {
            result.closestTails = tails.indices.map { k in
                var others = tails
                others[k].maxMs = .infinity
                let r = search(model, objective: .tail(k), bounds: goal.bounds, tails: others, quantiles: quantiles, composed: composed, nodeLimit: nodeLimit)
                return r.tails.isEmpty ? nil : r.tails[k]
            }
        }
        return result
    }

    static func search(_ model: WorkflowModel, objective: Objective, bounds: Bounds, tails: [TailBound],
                       quantiles: [[[Double]]], composed: ComposedTailLatency?, nodeLimit: Int) -> TailPlan {
        let n = model.options.count
        let ne = model.executions
        // Each tail bound with its tolerance (composed rule; +∞ for a bound that is off).
        let limits = tails.map { $0.maxMs.isFinite ? $0.maxMs + Bounds.tolerance * max(1, abs($0.maxMs)) : .infinity }
        let acc = model.accuracy
        let cost = model.options.enumerated().map { s, opts in opts.map { ne[s] * $0.invocationCost } }
        let lat = model.options.map { $0.map(\.latencyMs) }
        let term = model.options.enumerated().map { s, opts in opts.map { acc.term(stage: s, accuracy: $0.accuracy) } }
        // Composed tails: an option too slow for the bounds even with every other stage at its
        // least latency is too slow in every configuration (each run's latency is monotone in
        // every stage's), so it is dropped before the search, and the per-stage bests below
        // are taken over the options left.
        var allowed = model.options.map { Array(repeating: true, count: $0.count) }
        if composed != nil, case .tail = objective {} else if let composed {
            for st in 0..<n where limits.contains(where: { $0.isFinite }) {
                guard let response = composed.response(model.options.map { _ in .undecided }, stage: st) else { continue }
                for j in tails.indices where limits[j].isFinite {
                    let counts = composed.decidingCounts(quantile: tails[j].quantile)
                    for v in model.workflow.stages[st].variants.indices {
                        let (always, t) = response.thresholds(limit: limits[j], variant: v)
                        let tooSlowAbove = StageResponse.orderStatistics(t, [counts.tooManyAbove - always])[0]
                        for (k, o) in model.options[st].enumerated() where o.variant == v
                            && o.latencyMs - model.workflow.stages[st].overheadMs > tooSlowAbove {
                            allowed[st][k] = false
                        }
                    }
                }
            }
        }
        func bestOf(_ values: [[Double]], _ pick: ([Double]) -> Double?, _ empty: Double) -> [Double] {
            values.enumerated().map { s, row in pick(row.indices.filter { allowed[s][$0] }.map { row[$0] }) ?? empty }
        }
        let bestLat = bestOf(lat, { $0.min() }, 0), bestCost = bestOf(cost, { $0.min() }, 0)
        let bestTerm = bestOf(term, { $0.max() }, acc.identity)
        let bestTail = quantiles.map { q in q.map { $0.min() ?? 0 } }
        var suffixCost = Array(repeating: 0.0, count: n + 1)
        for s in stride(from: n - 1, through: 0, by: -1) { suffixCost[s] = suffixCost[s + 1] + bestCost[s] }

        // Composed tails: option j's latency is nowhere above k's at any draw.
        func spreadNoWorse(_ s: Int, _ j: Int, _ k: Int) -> Bool {
            guard composed != nil else { return true }
            let a = model.options[s][j], b = model.options[s][k]
            if a.variant == b.variant { return true }
            let variants = model.workflow.stages[s].variants
            guard let fa = variants[a.variant].tails.spread, let fb = variants[b.variant].tails.spread else { return false }
            let o = model.workflow.stages[s].overheadMs
            let ma = a.latencyMs - o, mb = b.latencyMs - o
            return Set(fa.quantiles).union(fb.quantiles).allSatisfy { ma * fa.value(at: $0) <= mb * fb.value(at: $0) }
        }
        // An option no better than another of its stage in every quantity is never needed
        // (all quantities are monotone in each stage's values). Then the options in the order
        // most likely to give a good incumbent early.
        let order: [[Int]] = (0..<n).map { s in
            let all = Array(model.options[s].indices)
            func noWorse(_ j: Int, _ k: Int) -> Bool {
                lat[s][j] <= lat[s][k] && cost[s][j] <= cost[s][k] && term[s][j] >= term[s][k]
                    && quantiles.allSatisfy { $0[s][j] <= $0[s][k] } && spreadNoWorse(s, j, k)
            }
            let idx = all.filter { k in allowed[s][k] && !all.contains { j in j != k && allowed[s][j] && noWorse(j, k) && (!noWorse(k, j) || j < k) } }
            switch objective {
            case .cost: return idx.sorted { cost[s][$0] < cost[s][$1] }
            case .latency: return idx.sorted { lat[s][$0] < lat[s][$1] }
            case .accuracy: return idx.sorted { term[s][$0] > term[s][$1] }
            case .tail(let k): return idx.sorted { quantiles[k][s][$0] < quantiles[k][s][$1] }
            }
        }

        var t = bestLat
        var tailT = bestTail
        var terms = bestTerm
        var choice = Array(repeating: 0, count: n)
        var best: (value: Double, choice: [Int])? = nil
        var nodes = 0
        var truncated = false
        let tol = Bounds.tolerance

        let isTailObjective: Bool
        if case .tail = objective { isTailObjective = true } else { isTailObjective = false }
        // Composed rule: the counts that decide each bound.
        let runCount = composed?.runs ?? 0
        let deciding = tails.map { composed?.decidingCounts(quantile: $0.quantile) ?? (needBelow: 0, tooManyAbove: Int.max) }
        func within(_ v: Double, _ limit: Double?) -> Bool { limit.map { v <= $0 + tol * max(1, abs($0)) } ?? true }
        func value(_ latency: Double, _ c: Double, _ a: Double, _ tl: [Double]) -> Double {
            switch objective {
            case .cost: return c
            case .latency: return latency
            case .accuracy: return -a
            case .tail(let k): return tl[k]
            }
        }
        /// `tailsHold`: every completion of this node meets the tail bounds (composed rule).
        func visit(_ s: Int, _ costSoFar: Double, _ tailsHold: Bool, _ check: ChildCheck?) {
            nodes += 1
            if nodes > nodeLimit { truncated = true; return }
            let latency = model.expectedLatency(stageLatencies: t)
            let c = costSoFar + suffixCost[s]
            let a = acc.finish(terms.reduce(acc.identity) { acc.combine($0, $1) })
            guard within(latency, bounds.maxLatencyMs), within(c, bounds.maxCostPerMillion.map { $0 / 1e6 }),
                  bounds.minAccuracy.map({ a >= $0 - tol * max(1, abs($0)) }) ?? true else { return }
            // The cheap cut first: the objective against the incumbent (unless it is a tail).
            if case .tail = objective {} else if let best, value(latency, c, a, []) >= best.value - 1e-12 * max(1, abs(best.value)) { return }
            let tl: [Double]
            var holdsBelow = tailsHold
            var childCheck: ChildCheck? = nil
            if composed != nil, tailsHold, !isTailObjective {
                tl = tails.map { _ in 0 }
            } else if let composed {
                let settings: [ComposedTailLatency.StageSetting] = (0..<n).map { i in
                    guard i < s else { return .undecided }
                    let o = model.options[i][choice[i]]
                    return .chosen(meanMs: o.latencyMs - model.workflow.stages[i].overheadMs, variant: o.variant)
                }
                // The runs above each limit: from the parent's thresholds for the stage just
                // decided (O(log runs)), else by evaluating every run.
                var values: [Double]? = nil
                var boundary = false
                for j in tails.indices where limits[j].isFinite {
                    let above: Int
                    if let check, s > 0 {
                        let o = model.options[s - 1][choice[s - 1]]
                        let mean = o.latencyMs - model.workflow.stages[s - 1].overheadMs
                        // Infeasible when the runs above reach tooManyAbove, that is when more
                        // than k1 thresholds lie below the mean; undecided by counting beyond k2.
                        let (infeasibleFrom, boundaryFrom) = check.deciding[j][o.variant]
                        if infeasibleFrom < mean { return }
                        if boundaryFrom < mean { boundary = true }
                        continue
                    } else {
                        if values == nil { values = composed.samples(settings) }
                        above = values?.reduce(0) { $0 + ($1 > limits[j] ? 1 : 0) } ?? 0
                    }
                    if above >= deciding[j].tooManyAbove { return }
                    if runCount - above < deciding[j].needBelow { boundary = true }
                }
                if boundary || isTailObjective {
                    var exact: [Double]
                    if let values { exact = values } else if let check, s > 0 {
                        let o = model.options[s - 1][choice[s - 1]]
                        let mean = o.latencyMs - model.workflow.stages[s - 1].overheadMs
                        exact = (0..<runCount).map { check.response.latency(run: $0, meanMs: mean, variant: o.variant) }
                    } else {
                        exact = composed.samples(settings)
                    }
                    exact.sort()
                    tl = tails.map { Quantile.of(sorted: exact, $0.quantile) }
                } else {
                    tl = tails.map { _ in 0 }
                }
                if s < n {
                    // With every undecided stage at its slowest: if the bounds hold, they hold
                    // for every node below, which then needs no evaluation.
                    if !boundary && !isTailObjective {
                        let slow = settings.enumerated().map { i, x -> ComposedTailLatency.StageSetting in i < s ? x : .undecidedSlowest }
                        holdsBelow = tails.indices.allSatisfy { j in
                            !limits[j].isFinite || composed.quantileIsAtMost(slow, quantile: tails[j].quantile, limit: limits[j]) == true
                        }
                    }
                    if !holdsBelow || isTailObjective, let response = composed.response(settings, stage: s) {
                        let variants = model.workflow.stages[s].variants.count
                        childCheck = ChildCheck(response: response, deciding: tails.indices.map { j in
                            (0..<variants).map { v -> (Double, Double) in
                                guard limits[j].isFinite else { return (.infinity, .infinity) }
                                // above(m) = always + #{t < m}: infeasible iff #{t < m} ≥ k1,
                                // i.e. iff t(k1) < m; undecided by counting iff t(k2) < m.
                                let (always, t) = response.thresholds(limit: limits[j], variant: v)
                                let k1 = deciding[j].tooManyAbove - always
                                let k2 = runCount - deciding[j].needBelow + 1 - always
                                let stats = StageResponse.orderStatistics(t, [k1, k2])
                                return (stats[0], stats[1])
                            }
                        })
                    }
                }
            } else {
                tl = tails.indices.map { TailLatency.evaluate(model.root, tailT[$0], quantile: tails[$0].quantile) }
            }
            // (Bounds decided by counting above carry 0 here, which passes.)
            guard tails.indices.allSatisfy({ within(tl[$0], tails[$0].maxMs) }) else { return }
            let v = value(latency, c, a, tl)
            if let best, v >= best.value - 1e-12 * max(1, abs(best.value)) { return }
            if s == n { best = (v, choice); return }
            for k in order[s] {
                choice[s] = k
                t[s] = lat[s][k]
                terms[s] = term[s][k]
                for j in tails.indices { tailT[j][s] = quantiles[j][s][k] }
                visit(s + 1, costSoFar + cost[s][k], holdsBelow, childCheck)
                if truncated { break }
            }
            t[s] = bestLat[s]
            terms[s] = bestTerm[s]
            for j in tails.indices { tailT[j][s] = bestTail[j][s] }
        }
        visit(0, 0, false, nil)
        guard let best else {
            return TailPlan(status: truncated ? .feasible : .infeasible, optionIndices: nil, prediction: nil, tails: [], closestTails: [], nodes: nodes)
        }
        let tailValues: [Double]
        if let composed {
            tailValues = composed.quantiles(ComposedTailLatency.settings(model, optionIndices: best.choice), tails.map(\.quantile))
        } else {
            tailValues = tails.indices.map { j in
                TailLatency.evaluate(model.root, (0..<n).map { quantiles[j][$0][best.choice[$0]] }, quantile: tails[j].quantile)
            }
        }
        return TailPlan(status: truncated ? .feasible : .optimal, optionIndices: best.choice,
                        prediction: model.predict(optionIndices: best.choice), tails: tailValues, closestTails: [], nodes: nodes)
    }
}
