import TrimtabModel

/// The surrogate relaxation of a chain's multiple-choice knapsack under two bounds: the two
/// bound rows added into one, each weighted by its Lagrangian multiplier, with the
/// configuration kept integral.
///
/// Every configuration meeting both bounds meets their weighted sum, so the least objective
/// value under the one summed bound is a lower bound on the goal's optimum — and, unlike the
/// linear relaxation, it is an integral optimum: when the objective takes few distinct values
/// per item (accuracy: a handful of model variants shared by many stages), the linear
/// relaxation's fractional items can leave a gap that no integral configuration of the
/// summed row fills. Measured on the hardest shared-shape chains maximising accuracy under a
/// latency and a cost bound (60 and 200 stages, where HiGHS proves at its root node with
/// cuts), the summed row at the linear relaxation's multipliers closed the whole gap between
/// the linear bound and the optimum; for cost or latency objectives, whose values are
/// spread finely, it closed none.
///
/// The summed row is solved by the knapsack fold itself with one bound (its linear bounds are
/// then exact), pruning against the incumbent: no configuration left means no configuration
/// meeting both bounds beats the incumbent.
struct SurrogateRelaxation {
    /// The items with the summed amount in place of the bounded quantities (the objective's
    /// quantity kept as it is, the third one neutral), assignments unchanged.
    let items: [[ItemOption]]
    /// The fold's dimensions: the objective and the quantity holding the summed amount.
    let dims: Dimensions
    /// The limit on the summed amount, with both bounds' tolerances and a rounding margin.
    let limits: FoldLimits

    /// Whether the objective takes few distinct values within a chain's stages — over the
    /// stages with a choice, at most half as many as their options, as when accuracy depends
    /// on the model variant alone and every variant comes in several memory sizes. Only then
    /// can the integral summed row beat the linear relaxation by much: measured on 60- and
    /// 200-stage two-bound chains, with cost or latency as the objective (a value per option)
    /// the summed row closed none of the gap and its fold cost up to 0.2 s (0.5 → 0.7 s on a
    /// 200-stage chain minimising latency). Decided on the stages' own options: after the
    /// reduced-cost fixing a variant's memory sizes may be gone, which measured as a miss
    /// (a 200-stage shared-shape chain maximising accuracy: 0.4 → 1.8 s).
    ///
    /// - Complexity: O(total options · log options).
    static func pays(_ items: [[ItemOption]], objective: Goal.Objective) -> Bool {
        var options = 0, distinct = 0
        for item in items where item.count > 1 {
            options += item.count
            switch objective {
            case .minimizeCost: distinct += Set(item.map(\.cost)).count
            case .minimizeLatency: distinct += Set(item.map(\.latency)).count
            case .maximizeAccuracy: distinct += Set(item.map(\.accuracy)).count
            }
        }
        return options > 0 && 2 * distinct <= options
    }

    /// Nil unless `core` has exactly two bounds, the multipliers are finite and not both 0,
    /// and every summed amount is finite.
    ///
    /// - Parameters:
    ///   - items: the fold's items (one option list per stage).
    ///   - core: their additive form (`LagrangianCore`: amounts per bound, limits with tolerance).
    ///   - lambda: one multiplier per bound (≥ 0), ideally the linear relaxation's.
    ///   - fold: the goal's fold limits (objective, incumbent, deadline are taken from it).
    /// - Complexity: O(total options).
    init?(items: [[ItemOption]], core: LagrangianCore, lambda: [Double], fold: FoldLimits, algebra: AccuracyAlgebra) {
        guard let objective = fold.objective, core.limits.count == 2, lambda.count == 2,
              lambda.allSatisfy({ $0.isFinite && $0 >= 0 }), lambda.contains(where: { $0 > 0 }),
              core.amounts.count == 2, core.amounts[0].count == items.count else { return nil }
        var limit = 0.0, magnitude = 0.0
        for k in 0..<2 {
            limit += lambda[k] * core.limits[k]
            magnitude += abs(lambda[k] * core.limits[k])
        }
        var summed: [[ItemOption]] = []
        summed.reserveCapacity(items.count)
        for i in items.indices {
            guard core.amounts[0][i].count == items[i].count else { return nil }
            var row: [ItemOption] = []
            row.reserveCapacity(items[i].count)
            for (o, option) in items[i].enumerated() {
                let amount = lambda[0] * core.amounts[0][i][o] + lambda[1] * core.amounts[1][i][o]
                guard amount.isFinite else { return nil }
                magnitude += abs(lambda[0] * core.amounts[0][i][o]) + abs(lambda[1] * core.amounts[1][i][o])
                switch objective {
                case .minimizeCost:
                    row.append(ItemOption(latency: amount, cost: option.cost, accuracy: algebra.identity, assignment: option.assignment))
                case .minimizeLatency:
                    row.append(ItemOption(latency: option.latency, cost: amount, accuracy: algebra.identity, assignment: option.assignment))
                case .maximizeAccuracy:
                    row.append(ItemOption(latency: amount, cost: 0, accuracy: option.accuracy, assignment: option.assignment))
                }
            }
            summed.append(row)
        }
        // Sums of many weighted amounts round differently from the two sums they replace.
        limit += 1e-12 * max(1, magnitude)
        guard limit.isFinite else { return nil }
        self.items = summed
        var surrogate = FoldLimits(maxLatency: objective == .minimizeLatency ? nil : limit,
                                   maxCost: objective == .minimizeLatency ? limit : nil,
                                   minAccuracyTerm: nil, objective: objective)
        surrogate.incumbent = fold.incumbent
        surrogate.deadline = fold.deadline
        surrogate.productThreshold = fold.productThreshold
        limits = surrogate
        // The summed amount sits in latency unless latency is the objective (then in cost).
        dims = Dimensions(latency: true, cost: objective != .maximizeAccuracy,
                          accuracy: objective == .maximizeAccuracy)
    }
}
