import Foundation
import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The accuracy-row relaxation (the bound other than accuracy priced into the objective, the
/// accuracy floor kept integral) against enumeration, on small random chains minimising cost
/// or latency under an accuracy floor and a bound on the other quantity: the fold over its
/// items finds exactly the least `objective + μ · (amount − limit)` over the configurations
/// meeting the floor (enumerated here from the items' own numbers), and that is never above
/// the least objective of the configurations meeting both bounds — also when the optimum sits
/// exactly on both bounds.
struct AccuracyRowRelaxationTests {
    @Test(arguments: [Goal.Objective.minimizeCost, .minimizeLatency])
    func pricedBoundRelaxesTheGoalAndFoldSolvesItExactly(objective: Goal.Objective) throws {
        let algebra = AccuracyAlgebra(rule: .product, stages: [])
        // Random items and their enumeration: `LagrangianCoreTests`' (accuracies from five
        // values, so accuracy repeats within items as a model variant's does).
        let helper = LagrangianCoreTests()
        var checked = 0, onBoundary = 0, strictlyRelaxed = 0
        for seed in UInt64(1)...160 {
            var rng = SeededGenerator(seed: seed &* 6_151)
            func score(_ c: LagrangianCoreTests.Totals) -> Double {
                objective == .minimizeCost ? c.cost : c.latency
            }
            /// The priced quantity's amount.
            func amount(_ c: LagrangianCoreTests.Totals) -> Double {
                objective == .minimizeCost ? c.latency : c.cost
            }
            // The bounds: half the seeds exactly at the configuration of best objective (so
            // the optimum lies on both bounds), half at a random configuration's amounts.
            let (items, all, anchor) = helper.anchoredInstance(seed: seed, &rng, score: score)
            var limits = FoldLimits(maxLatency: objective == .minimizeLatency ? nil : anchor.latency,
                                    maxCost: objective == .minimizeCost ? nil : anchor.cost,
                                    minAccuracyTerm: anchor.accuracy, objective: objective)
            limits.incumbent = nil
            let feasible = all.filter { c in
                amount(c) <= amount(anchor) && c.accuracy >= anchor.accuracy
            }
            let optimum = try #require(feasible.map(score).min())
            let core = try #require(LagrangianCore(items: items, limits: limits, algebra: algebra))
            #expect(core.limits.count == 2)
            let priced = try #require(core.quantities.firstIndex { $0 != .accuracy })
            // Multipliers: the linear relaxation's, random ones, and 0 (accuracy alone).
            var multipliers: [[Double]] = []
            if let l = core.multipliers() { multipliers.append(l) }
            multipliers.append([Double.random(in: 0...3, using: &rng), Double.random(in: 0...3, using: &rng)])
            multipliers.append([0, 0])
            for lambda in multipliers {
                let row = try #require(AccuracyRowRelaxation(items: items, core: core, lambda: lambda, fold: limits, algebra: algebra))
                let found = KnapsackFold(items: row.items, dims: row.dims, algebra: algebra, limits: row.limits).run()
                let least = try #require(found.map { objective == .minimizeCost ? $0.cost : $0.latency }.min(),
                                         "seed \(seed): the accuracy floor lost every configuration") - row.offset
                // The relaxation's own optimum, from the items' numbers.
                let mu = lambda[priced]
                let limit = core.limits[priced]
                let relaxedOptimum = try #require(all.filter { $0.accuracy >= anchor.accuracy }
                    .map { score($0) + mu * (amount($0) - limit) }.min())
                let tolerance = 1e-9 * max(1, abs(optimum))
                #expect(least <= optimum + tolerance, "seed \(seed) λ \(lambda): \(least) above the optimum \(optimum)")
                #expect(abs(least - relaxedOptimum) <= 1e-9 * max(1, abs(relaxedOptimum)),
                        "seed \(seed) λ \(lambda): fold \(least), enumeration \(relaxedOptimum)")
                checked += 1
                if seed % 2 == 0 { onBoundary += 1 }
                if least < optimum - tolerance { strictlyRelaxed += 1 }
            }
        }
        #expect(checked >= 400)
        #expect(onBoundary >= 200)
        // A real relaxation: strictly below the optimum on some instances.
        #expect(strictlyRelaxed > 20)
    }
}
