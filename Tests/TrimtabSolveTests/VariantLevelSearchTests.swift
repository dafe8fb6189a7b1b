import Foundation
import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The variant-level search's patterns against enumeration, on small random chains maximising
/// accuracy under a latency and a cost bound: every configuration meeting both bounds that is
/// more accurate than the incumbent and moves each stage's accuracy level by at most one step
/// is found as a pattern (the priced sum it screens with never drops one), and every pattern
/// gains accuracy and passes that sum — whatever the multipliers.
struct VariantLevelSearchTests {
    @Test func patternsKeepEveryBetterConfigurationWithinOneLevelStep() throws {
        let algebra = AccuracyAlgebra(rule: .product, stages: [])
        // Random items and their enumeration: `LagrangianCoreTests`' (accuracies from five
        // values, so accuracy repeats within an item as a model variant's does).
        let helper = LagrangianCoreTests()
        var checked = 0, better = 0, patternsSeen = 0, movedTwo = 0
        for seed in UInt64(1)...200 {
            var rng = SeededGenerator(seed: seed &* 3_571)
            let (items, _, anchor) = helper.anchoredInstance(seed: seed, &rng) { -$0.accuracy }
            let all = helper.everyConfiguration(items)
            let limits = FoldLimits(maxLatency: anchor.latency, maxCost: anchor.cost, objective: .maximizeAccuracy)
            let meets = all.filter { $0.latency <= anchor.latency && $0.cost <= anchor.cost }
            let core = try #require(LagrangianCore(items: items, limits: limits, algebra: algebra))
            #expect(core.limits.count == 2)
            // The incumbent: a random configuration meeting both bounds.
            let incumbent = meets[Int.random(in: 0..<meets.count, using: &rng)]
            // Multipliers: the linear relaxation's, and random ones.
            var multipliers: [[Double]] = [[Double.random(in: 0...2, using: &rng), Double.random(in: 0...2, using: &rng)]]
            if let l = core.multipliers() { multipliers.append(l) }
            for lambda in multipliers {
                let search = VariantLevelSearch(core: core, lambda: lambda)
                let patterns = search.patterns(choice: incumbent.choice, candidates: 64, keep: .max)
                checked += 1
                patternsSeen += patterns.count
                /// An item's accuracy levels, most accurate first (from the options themselves).
                func levels(_ i: Int) -> [Double] { Array(Set(items[i].map(\.accuracy))).sorted(by: >) }
                // Each pattern gains accuracy and passes the priced sum (from the definitions).
                var gains: [Double] = []
                for pattern in patterns {
                    var level = incumbent.choice.indices.map { items[$0][incumbent.choice[$0]].accuracy }
                    for moved in pattern {
                        let options = items[moved.item].indices.filter { core.value[moved.item][$0] == moved.value }
                        let accuracy = try #require(options.first.map { items[moved.item][$0].accuracy })
                        #expect(options.allSatisfy { items[moved.item][$0].accuracy == accuracy })
                        level[moved.item] = accuracy
                    }
                    #expect(level.reduce(1, *) > incumbent.accuracy * (1 + 1e-12), "seed \(seed): a pattern without gain")
                    gains.append(level.reduce(1, *))
                    var priced = 0.0
                    for i in items.indices {
                        priced += items[i].filter { $0.accuracy == level[i] }
                            .map { lambda[0] * amount(core.quantities[0], $0) + lambda[1] * amount(core.quantities[1], $0) }
                            .min() ?? .infinity
                    }
                    #expect(priced <= lambda[0] * core.limits[0] + lambda[1] * core.limits[1] + 1e-9,
                            "seed \(seed): a pattern that no configuration meeting both bounds can have")
                }
                // Asked for the best 3 only: the 3 of most gain (as enumeration gives them).
                let best = search.patterns(choice: incumbent.choice, candidates: 64, keep: 3).map { p in
                    var level = incumbent.choice.indices.map { items[$0][incumbent.choice[$0]].accuracy }
                    for moved in p {
                        if let o = items[moved.item].indices.first(where: { core.value[moved.item][$0] == moved.value }) {
                            level[moved.item] = items[moved.item][o].accuracy
                        }
                    }
                    return level.reduce(1, *)
                }
                let expected = Array(gains.sorted(by: >).prefix(3))
                #expect(best.count == expected.count)
                for (x, y) in zip(best, expected) { #expect(abs(x - y) <= 1e-12 * y, "seed \(seed): not the most accurate patterns") }
                // Every configuration meeting both bounds, more accurate, each item's level at
                // most one step from the incumbent's, is a pattern found.
                let found = Set(patterns.map { p in p.map { "\($0.item):\($0.value)" }.sorted() })
                for y in meets where y.accuracy > incumbent.accuracy * (1 + 1e-12) {
                    var moved: [String] = []
                    var withinOneStep = true
                    for i in items.indices {
                        let from = items[i][incumbent.choice[i]].accuracy, to = items[i][y.choice[i]].accuracy
                        guard from != to else { continue }
                        let l = levels(i)
                        if let a = l.firstIndex(of: from), let b = l.firstIndex(of: to), abs(a - b) > 1 { withinOneStep = false }
                        moved.append("\(i):\(core.value[i][y.choice[i]])")
                    }
                    guard withinOneStep else { movedTwo += 1; continue }
                    better += 1
                    #expect(found.contains(moved.sorted()), "seed \(seed): a better configuration's pattern \(moved) was dropped")
                }
            }
        }
        #expect(checked == 400)
        // The oracle had better configurations to find, and the search patterns to check.
        #expect(better > 1_000 && patternsSeen > 500)
        #expect(movedTwo > 100)
    }

    private func amount(_ q: ResourceRelaxation.Quantity, _ o: ItemOption) -> Double {
        switch q {
        case .latency: return o.latency
        case .cost: return o.cost
        case .accuracy: return -log(o.accuracy)
        }
    }
}
