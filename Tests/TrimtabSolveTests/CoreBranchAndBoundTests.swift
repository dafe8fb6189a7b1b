import Foundation
import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The branch and bound over a knapsack's items against enumeration: random small knapsacks,
/// every objective, one or two bounds (feasible and not), targets at and above the optimum,
/// at the LP multipliers and at arbitrary ones (the search must stay exact whatever they are).
struct CoreBranchAndBoundTests {
    @Test func branchAndBoundEqualsEnumeration() throws {
        let helper = LagrangianCoreTests()
        var rng = SeededGenerator(seed: 1919)
        let algebra = AccuracyAlgebra(rule: .product, stages: [])
        var searched = 0, improved = 0, provenNone = 0
        for _ in 0..<400 {
            var items = helper.randomItems(&rng)
            // Longer knapsacks than the core's test: up to 8 items.
            if Bool.random(using: &rng) { items += helper.randomItems(&rng).prefix(2).map { o in
                o.map { var x = $0; x.assignment = [Int32(items.count), x.assignment[1]]; return x }
            } }
            let all = helper.everyConfiguration(items)
            let latencies = all.map(\.latency).sorted(), costs = all.map(\.cost).sorted(), accuracies = all.map(\.accuracy).sorted()
            func pick(_ v: [Double]) -> Double { v[Int.random(in: 0..<v.count, using: &rng)] }
            for objective in [Goal.Objective.minimizeCost, .minimizeLatency, .maximizeAccuracy] {
                var limits = FoldLimits(objective: objective)
                let mix = Int.random(in: 0..<4, using: &rng)
                if objective != .minimizeLatency && mix != 1 { limits.maxLatency = pick(latencies) }
                if objective != .minimizeCost && mix != 2 { limits.maxCost = pick(costs) }
                if objective != .maximizeAccuracy && mix != 3 { limits.minAccuracyTerm = pick(accuracies) }
                guard let core = LagrangianCore(items: items, limits: limits, algebra: algebra), !core.limits.isEmpty else { continue }
                func value(_ x: (choice: [Int], latency: Double, cost: Double, accuracy: Double)) -> Double {
                    switch objective {
                    case .minimizeCost: return x.cost
                    case .minimizeLatency: return x.latency
                    case .maximizeAccuracy: return -log(x.accuracy)
                    }
                }
                let feasibleOnes = all.filter { core.feasible($0.choice) }
                let optimum = feasibleOnes.map(value).min()
                let worst = all.map(value).max() ?? 0
                var multipliers: [[Double]] = [core.limits.map { _ in Double.random(in: 0...3, using: &rng) }]
                if let lambda = core.multipliers() { multipliers.append(lambda) }
                for lambda in multipliers {
                    for target in [optimum ?? worst + 1, (optimum ?? worst) + 0.5, worst + 1] {
                        let search = CoreBranchAndBound(core: core)
                        let outcome = search.run(target: target, lambda: lambda, deadline: nil, until: .distantFuture)
                        searched += 1
                        guard case .complete(let choice) = outcome else {
                            Issue.record("stopped without a deadline"); continue
                        }
                        let scale = objective == .maximizeAccuracy ? 1 : max(1, abs(target))
                        let beats = feasibleOnes.filter { value($0) < target - LinearCut.improvement * scale - 1e-9 }
                        if let choice {
                            improved += 1
                            #expect(core.feasible(choice))
                            let found = all.first { $0.choice == choice }
                            #expect(found != nil)
                            if let found, let optimum { #expect(abs(value(found) - optimum) <= 1e-9 * max(1, abs(optimum))) }
                        } else {
                            provenNone += 1
                            #expect(beats.isEmpty, "missed a configuration beating \(target)")
                        }
                    }
                }
            }
        }
        #expect(searched > 1500 && improved > 500 && provenNone > 500)
    }
}
