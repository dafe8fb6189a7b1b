import Foundation
import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The Lagrangian core (bound, reduced-cost fixing, incumbent) against enumeration of small
/// multiple-choice knapsacks with one or two bounds, every objective, ties included.
struct LagrangianCoreTests {
    /// Random items (latency, cost, accuracy term) with repeated options and equal amounts.
    func randomItems(_ rng: inout SeededGenerator) -> [[ItemOption]] {
        let n = Int.random(in: 1...6, using: &rng)
        return (0..<n).map { item in
            let m = Int.random(in: 1...4, using: &rng)
            var options: [ItemOption] = []
            for k in 0..<m {
                if !options.isEmpty && Int.random(in: 0..<4, using: &rng) == 0 {
                    var copy = options[Int.random(in: 0..<options.count, using: &rng)]
                    copy.assignment = [Int32(item), Int32(k)]
                    options.append(copy)
                    continue
                }
                options.append(ItemOption(latency: Double(Int.random(in: 1...20, using: &rng)),
                                          cost: Double(Int.random(in: 1...20, using: &rng)),
                                          accuracy: [0.5, 0.7, 0.8, 0.9, 0.95][Int.random(in: 0..<5, using: &rng)],
                                          assignment: [Int32(item), Int32(k)]))
            }
            return options
        }
    }

    /// Every configuration as (option per item, latency, cost, accuracy product).
    func everyConfiguration(_ items: [[ItemOption]]) -> [(choice: [Int], latency: Double, cost: Double, accuracy: Double)] {
        var result: [(choice: [Int], latency: Double, cost: Double, accuracy: Double)] = []
        func visit(_ k: Int, _ choice: [Int], _ l: Double, _ c: Double, _ a: Double) {
            if k == items.count { result.append((choice, l, c, a)); return }
            for (o, option) in items[k].enumerated() {
                visit(k + 1, choice + [o], l + option.latency, c + option.cost, a * option.accuracy)
            }
        }
        visit(0, [], 0, 0, 1)
        return result
    }

    /// A configuration's totals: latency, cost and accuracy product.
    typealias Totals = (latency: Double, cost: Double, accuracy: Double)

    /// Random items (`randomItems`), every configuration's totals, and an anchor to put the
    /// bounds at: on even seeds the configuration of least `score` (so the optimum lies on
    /// every bound drawn there), on odd seeds a random configuration.
    func anchoredInstance(seed: UInt64, _ rng: inout SeededGenerator, score: (Totals) -> Double)
        -> (items: [[ItemOption]], all: [Totals], anchor: Totals) {
        let items = randomItems(&rng)
        let all: [Totals] = everyConfiguration(items).map { (latency: $0.latency, cost: $0.cost, accuracy: $0.accuracy) }
        let anchor = seed % 2 == 0 ? all.min { score($0) < score($1) } ?? all[0] : all[Int.random(in: 0..<all.count, using: &rng)]
        return (items, all, anchor)
    }

    @Test func boundFixingAndIncumbentAgreeWithEnumeration() throws {
        var rng = SeededGenerator(seed: 19)
        let algebra = AccuracyAlgebra(rule: .product, stages: [])
        var checkedFixings = 0
        for _ in 0..<300 {
            let items = randomItems(&rng)
            let all = everyConfiguration(items)
            let latencies = all.map(\.latency).sorted(), costs = all.map(\.cost).sorted(), accuracies = all.map(\.accuracy).sorted()
            func pick(_ v: [Double]) -> Double { v[Int.random(in: 0..<v.count, using: &rng)] }
            for objective in [Goal.Objective.minimizeCost, .minimizeLatency, .maximizeAccuracy] {
                var limits = FoldLimits(objective: objective)
                // Both other quantities bounded (the hard mix), or one of them.
                let mix = Int.random(in: 0..<3, using: &rng)
                if objective != .minimizeLatency && mix != 1 { limits.maxLatency = pick(latencies) }
                if objective != .minimizeCost && mix != 2 { limits.maxCost = pick(costs) }
                if objective != .maximizeAccuracy && (mix != 0 || limits.maxLatency == nil || limits.maxCost == nil) {
                    limits.minAccuracyTerm = pick(accuracies)
                }
                func feasible(_ x: (choice: [Int], latency: Double, cost: Double, accuracy: Double)) -> Bool {
                    (limits.maxLatency.map { x.latency <= $0 + 1e-9 } ?? true) && (limits.maxCost.map { x.cost <= $0 + 1e-9 } ?? true)
                        && (limits.minAccuracyTerm.map { x.accuracy >= $0 * (1 - 1e-9) } ?? true)
                }
                func value(_ x: (choice: [Int], latency: Double, cost: Double, accuracy: Double)) -> Double {
                    switch objective {
                    case .minimizeCost: return x.cost
                    case .minimizeLatency: return x.latency
                    case .maximizeAccuracy: return -log(x.accuracy)
                    }
                }
                let feasibleOnes = all.filter(feasible)
                guard let core = LagrangianCore(items: items, limits: limits, algebra: algebra) else {
                    Issue.record("no relaxation for finite items"); continue
                }
                guard let optimum = feasibleOnes.map(value).min() else {
                    // Infeasible: no incumbent can be found.
                    #expect(core.incumbent() == nil)
                    continue
                }
                // The bound at the multipliers found, and at arbitrary ones, never exceeds the optimum.
                if let lambda = core.multipliers() {
                    #expect(core.bound(lambda).value <= optimum + 1e-9)
                }
                let random = core.limits.map { _ in Double.random(in: 0...3, using: &rng) }
                #expect(core.bound(random).value <= optimum + 1e-9)
                // The incumbent meets every bound.
                if let choice = core.incumbent() {
                    #expect(core.feasible(choice))
                    #expect(feasibleOnes.contains { $0.choice == choice })
                }
                // Fixing against a target keeps every option of every configuration that beats it.
                for target in [optimum, optimum + 0.5, optimum + 3] {
                    guard let (alive, _) = core.kept(target: target) else { continue }
                    checkedFixings += 1
                    let scale = objective == .maximizeAccuracy ? 1 : max(1, abs(target))
                    for x in feasibleOnes where value(x) < target - LinearCut.improvement * scale - 1e-9 {
                        #expect(x.choice.indices.allSatisfy { alive[$0].contains(x.choice[$0]) })
                    }
                }
            }
        }
        #expect(checkedFixings > 500)
    }
}
