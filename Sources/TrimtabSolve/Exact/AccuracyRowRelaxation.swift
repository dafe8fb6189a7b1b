import TrimtabModel

/// The Lagrangian relaxation of a chain's multiple-choice knapsack under two bounds that keeps
/// the accuracy floor exact and integral and prices the other bound into the objective:
/// minimise `objective + μ · (amount − limit)` over the configurations meeting the accuracy
/// floor, for the other bound's multiplier μ ≥ 0.
///
/// Every configuration meeting both bounds has `amount − limit ≤ 0`, so its objective is at
/// least the relaxation's least value: a lower bound on the goal's optimum at any μ. Unlike
/// the linear relaxation it keeps the accuracy row integral, and when accuracy takes few
/// distinct values per stage (a handful of model variants, each in several memory sizes) that
/// row's integrality is where the linear relaxation loses. Measured with HiGHS solving this
/// relaxation exactly on a 1,000-stage shared-shape chain minimising cost under a latency
/// bound and an accuracy floor (the goal neither solver proves in 10 s): at the linear
/// relaxation's multiplier it gave 82,321.3995 against the linear bound's 82,283.0922 and
/// HiGHS's best configuration, 82,321.4038; keeping the latency row integral instead gave
/// 82,283.0965, no better than the linear bound.
///
/// Solved by the knapsack fold itself with the one bound (its linear bounds are then exact),
/// pruning against the incumbent: no configuration left means no configuration meeting both
/// bounds beats the incumbent.
struct AccuracyRowRelaxation {
    /// The items with `objective + μ · amount` in the objective's field, accuracy as it is
    /// and the priced quantity neutral; assignments unchanged.
    let items: [[ItemOption]]
    /// The fold's dimensions: the objective and accuracy.
    let dims: Dimensions
    /// The accuracy floor, the objective and the incumbent moved by `offset`.
    let limits: FoldLimits
    /// `μ · limit`: a least value `m` of the relaxed objective is the bound `m − offset`.
    let offset: Double

    /// Nil unless the goal minimises cost or latency under an accuracy floor and a bound on
    /// the other quantity (the two bounds of `core`), μ is finite and ≥ 0, and every relaxed
    /// value is finite.
    ///
    /// - Parameters:
    ///   - items: the fold's items (one option list per stage).
    ///   - core: their additive form (`LagrangianCore`: amounts per bound, limits with tolerance).
    ///   - lambda: the core's multipliers, one per bound (ideally the linear relaxation's); the
    ///     one of the bound other than accuracy is μ.
    ///   - fold: the goal's fold limits (objective, accuracy floor, incumbent, deadline).
    /// - Complexity: O(total options).
    init?(items: [[ItemOption]], core: LagrangianCore, lambda: [Double], fold: FoldLimits, algebra: AccuracyAlgebra) {
        guard let objective = fold.objective, objective != .maximizeAccuracy, fold.minAccuracyTerm != nil,
              core.quantities.count == 2, lambda.count == 2, core.amounts.count == 2,
              let priced = core.quantities.firstIndex(where: { $0 != .accuracy }),
              core.quantities.contains(.accuracy),
              lambda[priced].isFinite, lambda[priced] >= 0,
              core.amounts[priced].count == items.count else { return nil }
        let mu = lambda[priced]
        var relaxed: [[ItemOption]] = []
        relaxed.reserveCapacity(items.count)
        for i in items.indices {
            guard core.amounts[priced][i].count == items[i].count else { return nil }
            var row: [ItemOption] = []
            row.reserveCapacity(items[i].count)
            for (o, option) in items[i].enumerated() {
                let value = core.value[i][o] + mu * core.amounts[priced][i][o]
                guard value.isFinite else { return nil }
                switch objective {
                case .minimizeCost:
                    row.append(ItemOption(latency: 0, cost: value, accuracy: option.accuracy, assignment: option.assignment))
                default:
                    row.append(ItemOption(latency: value, cost: 0, accuracy: option.accuracy, assignment: option.assignment))
                }
            }
            relaxed.append(row)
        }
        let shift = mu * core.limits[priced]
        guard shift.isFinite else { return nil }
        offset = shift
        self.items = relaxed
        var kept = FoldLimits(maxLatency: nil, maxCost: nil, minAccuracyTerm: fold.minAccuracyTerm, objective: objective)
        kept.incumbent = fold.incumbent.map { $0 + shift }
        kept.deadline = fold.deadline
        kept.productThreshold = fold.productThreshold
        limits = kept
        dims = Dimensions(latency: objective == .minimizeLatency, cost: objective == .minimizeCost, accuracy: true)
    }
}
