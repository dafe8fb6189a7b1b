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

/// The outcome of planning under tail bounds.
public struct TailPlan: Sendable {
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
    public static func plan(_ model: WorkflowModel, goal: Goal, tails: [TailBound], nodeLimit: Int = 5_000_000) throws(TrimtabError) -> TailPlan {
        let quantiles = try tails.map { b throws(TrimtabError) in try TailLatency.stageQuantiles(model, quantile: b.quantile, flag: b.flag) }
        let objective: Objective
        switch goal.objective {
        case .minimizeCost: objective = .cost
        case .minimizeLatency: objective = .latency
        case .maximizeAccuracy: objective = .accuracy
        }
        var result = search(model, objective: objective, bounds: goal.bounds, tails: tails, quantiles: quantiles, nodeLimit: nodeLimit)
        if result.optionIndices == nil && result.status == .feasible {
            throw TrimtabError(code: .unsupported, field: tails.first?.flag,
                               "the search stopped after \(nodeLimit) partial configurations without finding one that meets the bounds")
        }
        if result.status == .infeasible {
            result.closestTails = tails.indices.map { k in
                var others = tails
                others[k].maxMs = .infinity
                let r = search(model, objective: .tail(k), bounds: goal.bounds, tails: others, quantiles: quantiles, nodeLimit: nodeLimit)
                return r.tails.isEmpty ? nil : r.tails[k]
            }
        }
        return result
    }

    static func search(_ model: WorkflowModel, objective: Objective, bounds: Bounds, tails: [TailBound],
                       quantiles: [[[Double]]], nodeLimit: Int) -> TailPlan {
        let n = model.options.count
        let ne = model.executions
        let acc = model.accuracy
        let cost = model.options.enumerated().map { s, opts in opts.map { ne[s] * $0.invocationCost } }
        let lat = model.options.map { $0.map(\.latencyMs) }
        let term = model.options.enumerated().map { s, opts in opts.map { acc.term(stage: s, accuracy: $0.accuracy) } }
        let bestLat = lat.map { $0.min() ?? 0 }, bestCost = cost.map { $0.min() ?? 0 }
        let bestTerm = term.map { $0.max() ?? acc.identity }
        let bestTail = quantiles.map { q in q.map { $0.min() ?? 0 } }
        var suffixCost = Array(repeating: 0.0, count: n + 1)
        for s in stride(from: n - 1, through: 0, by: -1) { suffixCost[s] = suffixCost[s + 1] + bestCost[s] }

        // An option no better than another of its stage in every quantity is never needed
        // (all quantities are monotone in each stage's values). Then the options in the order
        // most likely to give a good incumbent early.
        let order: [[Int]] = (0..<n).map { s in
            let all = Array(model.options[s].indices)
            func noWorse(_ j: Int, _ k: Int) -> Bool {
                lat[s][j] <= lat[s][k] && cost[s][j] <= cost[s][k] && term[s][j] >= term[s][k]
                    && quantiles.allSatisfy { $0[s][j] <= $0[s][k] }
            }
            let idx = all.filter { k in !all.contains { j in j != k && noWorse(j, k) && (!noWorse(k, j) || j < k) } }
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

        func within(_ v: Double, _ limit: Double?) -> Bool { limit.map { v <= $0 + tol * max(1, abs($0)) } ?? true }
        func value(_ latency: Double, _ c: Double, _ a: Double, _ tl: [Double]) -> Double {
            switch objective {
            case .cost: return c
            case .latency: return latency
            case .accuracy: return -a
            case .tail(let k): return tl[k]
            }
        }
        func visit(_ s: Int, _ costSoFar: Double) {
            nodes += 1
            if nodes > nodeLimit { truncated = true; return }
            let latency = model.expectedLatency(stageLatencies: t)
            let c = costSoFar + suffixCost[s]
            let a = acc.finish(terms.reduce(acc.identity) { acc.combine($0, $1) })
            let tl = tails.indices.map { TailLatency.evaluate(model.root, tailT[$0], quantile: tails[$0].quantile) }
            guard within(latency, bounds.maxLatencyMs), within(c, bounds.maxCostPerMillion.map { $0 / 1e6 }),
                  bounds.minAccuracy.map({ a >= $0 - tol * max(1, abs($0)) }) ?? true,
                  tails.indices.allSatisfy({ within(tl[$0], tails[$0].maxMs) }) else { return }
            let v = value(latency, c, a, tl)
            if let best, v >= best.value - 1e-12 * max(1, abs(best.value)) { return }
            if s == n { best = (v, choice); return }
            for k in order[s] {
                choice[s] = k
                t[s] = lat[s][k]
                terms[s] = term[s][k]
                for j in tails.indices { tailT[j][s] = quantiles[j][s][k] }
                visit(s + 1, costSoFar + cost[s][k])
                if truncated { break }
            }
            t[s] = bestLat[s]
            terms[s] = bestTerm[s]
            for j in tails.indices { tailT[j][s] = bestTail[j][s] }
        }
        visit(0, 0)
        guard let best else {
            return TailPlan(status: truncated ? .feasible : .infeasible, optionIndices: nil, prediction: nil, tails: [], closestTails: [], nodes: nodes)
        }
        let tailValues = tails.indices.map { j in
            TailLatency.evaluate(model.root, (0..<n).map { quantiles[j][$0][best.choice[$0]] }, quantile: tails[j].quantile)
        }
        return TailPlan(status: truncated ? .feasible : .optimal, optionIndices: best.choice,
                        prediction: model.predict(optionIndices: best.choice), tails: tailValues, closestTails: [], nodes: nodes)
    }
}
