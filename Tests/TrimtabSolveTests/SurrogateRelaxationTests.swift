import Foundation
import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The surrogate relaxation (both bounds summed with multipliers) against enumeration, on
/// small random chains under two bounds: the fold over its summed items finds exactly the
/// least objective of the configurations meeting the summed bound (enumerated here from the
/// items' own numbers), and that is never above the least objective of the configurations
/// meeting both bounds — also when the optimum sits exactly on both bounds, where a summed
/// limit that lost the bounds' tolerance would drop it.
struct SurrogateRelaxationTests {
    @Test(arguments: [Goal.Objective.minimizeCost, .minimizeLatency, .maximizeAccuracy])
    func summedBoundRelaxesBothBoundsAndFoldSolvesItExactly(objective: Goal.Objective) throws {
        let algebra = AccuracyAlgebra(rule: .product, stages: [])
        // Random items and their enumeration: `LagrangianCoreTests`' (accuracies from five
        // values, so the objective repeats within items as a model variant's does).
        let helper = LagrangianCoreTests()
        var checked = 0, onBoundary = 0, strictlyRelaxed = 0
        for seed in UInt64(1)...160 {
            var rng = SeededGenerator(seed: seed &* 7_727)
            func score(_ c: LagrangianCoreTests.Totals) -> Double {
                switch objective {
                case .minimizeCost: return c.cost
                case .minimizeLatency: return c.latency
                case .maximizeAccuracy: return -c.accuracy
                }
            }
            // The bounds: half the seeds exactly at the configuration of best objective (so
            // the optimum lies on both bounds), half at a random configuration's amounts.
            let (items, all, anchor) = helper.anchoredInstance(seed: seed, &rng, score: score)
            var limits = FoldLimits(maxLatency: objective == .minimizeLatency ? nil : anchor.latency,
                                    maxCost: objective == .minimizeCost ? nil : anchor.cost,
                                    minAccuracyTerm: objective == .maximizeAccuracy ? nil : anchor.accuracy,
                                    objective: objective)
            limits.incumbent = nil
            let feasible = all.filter { c in
                (limits.maxLatency.map { c.latency <= $0 } ?? true) && (limits.maxCost.map { c.cost <= $0 } ?? true)
                    && (limits.minAccuracyTerm.map { c.accuracy >= $0 } ?? true)
            }
            let optimum = try #require(feasible.map(score).min())
            let core = try #require(LagrangianCore(items: items, limits: limits, algebra: algebra))
            #expect(core.limits.count == 2)
            // Multipliers: the linear relaxation's, and random ones (one of them 0 at times).
            var multipliers: [[Double]] = []
            if let l = core.multipliers() { multipliers.append(l) }
            multipliers.append([Double.random(in: 0...3, using: &rng), Double.random(in: 0...3, using: &rng)])
            multipliers.append(Int.random(in: 0..<2, using: &rng) == 0 ? [0, 1] : [1, 0])
            for lambda in multipliers where lambda.contains(where: { $0 > 0 }) {
                let surrogate = try #require(SurrogateRelaxation(items: items, core: core, lambda: lambda, fold: limits, algebra: algebra))
                let found = KnapsackFold(items: surrogate.items, dims: surrogate.dims, algebra: algebra, limits: surrogate.limits).run()
                let least = try #require(found.map { r -> Double in
                    switch objective {
                    case .minimizeCost: return r.cost
                    case .minimizeLatency: return r.latency
                    case .maximizeAccuracy: return -r.accuracy
                    }
                }.min(), "seed \(seed): the summed bound lost every configuration")
                // The summed bound's own optimum, from the items' numbers.
                func amounts(_ c: LagrangianCoreTests.Totals) -> [Double] {
                    var a: [Double] = []
                    if objective != .minimizeLatency { a.append(c.latency) }
                    if objective != .minimizeCost { a.append(c.cost) }
                    if objective != .maximizeAccuracy { a.append(-log(c.accuracy)) }
                    return a
                }
                let anchorAmounts = amounts(anchor)
                let summedLimit = lambda[0] * anchorAmounts[0] + lambda[1] * anchorAmounts[1]
                let summedFeasible = all.filter { c in
                    let a = amounts(c)
                    return lambda[0] * a[0] + lambda[1] * a[1] <= summedLimit + 1e-9 * max(1, abs(summedLimit))
                }
                let summedOptimum = try #require(summedFeasible.map(score).min())
                let tolerance = 1e-9 * max(objective == .maximizeAccuracy ? 0 : 1, abs(optimum))
                #expect(least <= optimum + tolerance, "seed \(seed) λ \(lambda): \(least) above the optimum \(optimum)")
                #expect(abs(least - summedOptimum) <= 1e-9 * max(objective == .maximizeAccuracy ? 0 : 1, abs(summedOptimum)),
                        "seed \(seed) λ \(lambda): fold \(least), enumeration \(summedOptimum)")
                checked += 1
                if seed % 2 == 0 { onBoundary += 1 }
                if least < optimum - tolerance { strictlyRelaxed += 1 }
            }
        }
        #expect(checked >= 270)
        #expect(onBoundary >= 120)
        // The summed bound is a real relaxation: strictly below the optimum on some instances.
        #expect(strictlyRelaxed > 20)
    }
}
