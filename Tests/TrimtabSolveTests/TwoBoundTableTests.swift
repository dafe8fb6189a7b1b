import Foundation
import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The two-bound table against enumeration: for every suffix and random rooms, its value
/// never exceeds the least objective of the completions that fit (it is a lower bound), and is
/// at least the least objective with each room enlarged by the grid's rounding (the sum of
/// the suffixes' widths), so it is no weaker than its grid allows.
struct TwoBoundTableTests {
    /// Options of a chain's items as (latency, cost, accuracy), with ties and repeated points.
    func randomItems(_ rng: inout SeededGenerator) -> [[ItemOption]] {
        let n = Int.random(in: 1...5, using: &rng)
        return (0..<n).map { _ in
            let m = Int.random(in: 1...4, using: &rng)
            var options: [ItemOption] = []
            for _ in 0..<m {
                if !options.isEmpty, Int.random(in: 0..<5, using: &rng) == 0 {
                    options.append(options[Int.random(in: 0..<options.count, using: &rng)])
                    continue
                }
                options.append(ItemOption(latency: Double(Int.random(in: 1...40, using: &rng)),
                                          cost: Double(Int.random(in: 1...30, using: &rng)) / 4,
                                          accuracy: Double(Int.random(in: 50...99, using: &rng)) / 100, assignment: []))
            }
            return options
        }
    }

    /// The least objective of items `k..<n` spending at most `room` above their least
    /// amounts of both bounded quantities (nil: none fits), by enumeration.
    func enumerated(_ items: [[ItemOption]], from k: Int, room: (Double, Double),
                    amounts: (ItemOption) -> (Double, Double), value: (ItemOption) -> Double) -> Double? {
        let least = items[k...].reduce((0.0, 0.0)) { sum, options in
            (sum.0 + (options.map { amounts($0).0 }.min() ?? 0), sum.1 + (options.map { amounts($0).1 }.min() ?? 0))
        }
        var best: Double? = nil
        func visit(_ i: Int, _ a: (Double, Double), _ v: Double) {
            if i == items.count {
                if a.0 - least.0 <= room.0 + 1e-9, a.1 - least.1 <= room.1 + 1e-9 { best = min(best ?? .infinity, v) }
                return
            }
            for o in items[i] { let x = amounts(o); visit(i + 1, (a.0 + x.0, a.1 + x.1), v + value(o)) }
        }
        visit(k, (0, 0), 0)
        return best
    }

    /// `tight`: bounds just above the items' least amounts (a random part of their spread),
    /// so that grids stop at the slack short of the suffixes' spreads; rooms beyond a
    /// truncated grid (which a fold's labels never leave) must still get a lower bound.
    @Test(arguments: [Goal.Objective.minimizeCost, .minimizeLatency, .maximizeAccuracy], [false, true])
    func tableBoundsEnumerationFromBothSides(objective: Goal.Objective, tight: Bool) throws {
        let algebra = AccuracyAlgebra(rule: .product, stages: [])
        var checked = 0, beyond = 0, withinTruncated = 0
        for seed in UInt64(1)...80 {
            var rng = SeededGenerator(seed: seed &* 104_729)
            let items = randomItems(&rng)
            // Tight: each bound the items' least amount plus a random part of their spread.
            func limit(_ amount: (ItemOption) -> Double) -> Double {
                let least = items.reduce(0.0) { $0 + ($1.map(amount).min() ?? 0) }
                let most = items.reduce(0.0) { $0 + ($1.map(amount).max() ?? 0) }
                return least + Double.random(in: 0...0.6, using: &rng) * (most - least)
            }
            var limits = FoldLimits(maxLatency: objective == .minimizeLatency ? nil : tight ? limit(\.latency) : 1e9,
                                    maxCost: objective == .minimizeCost ? nil : tight ? limit(\.cost) : 1e9,
                                    minAccuracyTerm: objective == .maximizeAccuracy ? nil : tight ? exp(-limit { -log($0.accuracy) }) : 1e-30,
                                    objective: objective)
            limits.incumbent = 1e9
            guard let cut = ResourceRelaxation.objectiveCut(limits: limits, algebra: algebra) else {
                Issue.record("no objective cut"); return
            }
            // A coarse grid, so rounding matters.
            let points = [2, 3, 8, 32][Int(seed % 4)]
            let table = try #require(TwoBoundTable(objectiveCut: cut, items: items, limits: limits, algebra: algebra, points: points))
            func amounts(_ o: ItemOption) -> (Double, Double) {
                let all = [o.latency, o.cost, -log(o.accuracy)]
                let kept = [Goal.Objective.minimizeLatency, .minimizeCost, .maximizeAccuracy].indices.filter {
                    [Goal.Objective.minimizeLatency, .minimizeCost, .maximizeAccuracy][$0] != objective
                }
                return (all[kept[0]], all[kept[1]])
            }
            func value(_ o: ItemOption) -> Double {
                switch objective {
                case .minimizeLatency: return o.latency
                case .minimizeCost: return o.cost
                case .maximizeAccuracy: return -log(o.accuracy)
                }
            }
            for k in table.first..<items.count {
                let slack = table.width[(k - table.first)...].dropLast().reduce((0.0, 0.0)) { ($0.0 + $1.0, $0.1 + $1.1) }
                for _ in 0..<12 {
                    // Tight: rooms around the grid's last point (a fold's labels leave at most that).
                    let last = table.top[k - table.first]
                    let room = tight
                        ? (Double.random(in: -0.1...1.2, using: &rng) * last.0, Double.random(in: -0.1...1.2, using: &rng) * last.1)
                        : (Double.random(in: -2...60, using: &rng), Double.random(in: -0.5...3, using: &rng))
                    let tabled = table.least(room: room, suffix: k)
                    if let truth = enumerated(items, from: k, room: room, amounts: amounts, value: value) {
                        #expect(tabled <= truth + 1e-9, "seed \(seed) suffix \(k): \(tabled) above \(truth)")
                    }
                    checked += 1
                    // Past a truncated grid's last point the table gives the unbounded least.
                    let s = k - table.first
                    if (table.truncated[s].0 && room.0 > table.top[s].0) || (table.truncated[s].1 && room.1 > table.top[s].1) {
                        let unbounded = enumerated(items, from: k, room: (1e12, 1e12), amounts: amounts, value: value) ?? .infinity
                        #expect(abs(tabled - unbounded) <= 1e-9, "seed \(seed) suffix \(k): \(tabled) past the grid, not \(unbounded)")
                        beyond += 1
                        continue
                    }
                    if table.truncated[s].0 || table.truncated[s].1 { withinTruncated += 1 }
                    let wider = enumerated(items, from: k, room: (room.0 + slack.0, room.1 + slack.1), amounts: amounts, value: value)
                    if let wider { #expect(tabled >= wider - 1e-9, "seed \(seed) suffix \(k): \(tabled) below \(wider)") } else {
                        #expect(tabled == .infinity, "seed \(seed) suffix \(k)")
                    }
                }
            }
        }
        #expect(checked > 500)
        if tight { #expect(beyond > 20 && withinTruncated > 100, "\(beyond) rooms past and \(withinTruncated) within truncated grids") }
    }
}
