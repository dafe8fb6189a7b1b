import Foundation
import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The hull relaxation against two oracles written here: the Lagrangian dual of the
/// multiple-choice knapsack, maximised over every multiplier where it can break (by linear
/// programming duality it equals the linear relaxation), and the integral optimum by
/// enumeration (which the relaxation must never exceed).
struct HullRelaxationTests {
    typealias Option = (amount: Double, value: Double)

    /// Random items with ties: repeated points, equal amounts, equal values, equal slopes.
    func randomItems(_ rng: inout SeededGenerator) -> [[Option]] {
        let n = Int.random(in: 1...5, using: &rng)
        return (0..<n).map { _ in
            let m = Int.random(in: 1...5, using: &rng)
            var options: [Option] = []
            for _ in 0..<m {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0 where !options.isEmpty: options.append(options[Int.random(in: 0..<options.count, using: &rng)])
                case 1 where !options.isEmpty:
                    // On the line through the last point with slope −1 (equal slopes).
                    let last = options[options.count - 1]
                    let d = Double(Int.random(in: 1...4, using: &rng))
                    options.append((last.amount + d, last.value - d))
                default:
                    options.append((Double(Int.random(in: 0...12, using: &rng)), Double(Int.random(in: -6...10, using: &rng))))
                }
            }
            return options
        }
    }

    /// max over λ ≥ 0 of Σ_i min_j (v_ij + λ a_ij) − λ·capacity; the function is concave and
    /// piecewise linear with breaks where two options of an item tie, so those λ suffice.
    func dual(_ items: [[Option]], capacity: Double) -> Double {
        var candidates: Set<Double> = [0]
        for options in items {
            for x in options {
                for y in options where y.amount != x.amount {
                    let l = -(y.value - x.value) / (y.amount - x.amount)
                    if l > 0 { candidates.insert(l) }
                }
            }
        }
        return candidates.map { l in
            items.reduce(0.0) { $0 + ($1.map { $0.value + l * $0.amount }.min() ?? 0) } - l * capacity
        }.max() ?? 0
    }

    /// The least value of an integral choice within `capacity` (nil: none fits).
    func integral(_ items: [[Option]], capacity: Double) -> Double? {
        var best: Double? = nil
        func visit(_ k: Int, _ amount: Double, _ value: Double) {
            if amount > capacity + 1e-9 { return }
            if k == items.count { best = min(best ?? .infinity, value); return }
            for o in items[k] { visit(k + 1, amount + o.amount, value + o.value) }
        }
        visit(0, 0, 0)
        return best
    }

    @Test func equalsTheLagrangianDualAndBoundsTheIntegralOptimum() throws {
        var rng = SeededGenerator(seed: 19)
        var checked = 0
        for _ in 0..<400 {
            let items = randomItems(&rng)
            let hull = try #require(HullRelaxation(items: items))
            for suffix in 0...items.count {
                let rest = Array(items[suffix...])
                let least = rest.reduce(0.0) { $0 + ($1.map(\.amount).min() ?? 0) }
                #expect(abs(hull.baseAmount[suffix] - least) < 1e-12)
                let span = rest.reduce(0.0) { $0 + (($1.map(\.amount).max() ?? 0) - ($1.map(\.amount).min() ?? 0)) }
                for room in [0, 0.5, 1, 2.5, span / 3, span / 2, span, span + 3] {
                    let lp = hull.least(room: room, suffix: suffix)
                    let capacity = least + room
                    let oracle = dual(rest, capacity: capacity)
                    #expect(abs(lp - oracle) <= 1e-9 * max(1, abs(oracle)), "\(rest) room \(room): hull \(lp), dual \(oracle)")
                    if let best = integral(rest, capacity: capacity) {
                        #expect(lp <= best + 1e-9, "\(rest) room \(room): hull \(lp) above the integral optimum \(best)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 4000)
    }

    /// Queries in any order of suffixes give the same answers (the suffix cache is rebuilt).
    @Test func suffixOrderDoesNotMatter() throws {
        var rng = SeededGenerator(seed: 7)
        let items = (0..<6).map { _ in (0..<4).map { _ in (Double.random(in: 0...10, using: &rng), Double.random(in: -5...5, using: &rng)) } }
        let forward = try #require(HullRelaxation(items: items))
        let backward = try #require(HullRelaxation(items: items))
        let a = (0...6).map { forward.least(room: 4, suffix: $0) }
        let b = (0...6).reversed().map { backward.least(room: 4, suffix: $0) }.reversed()
        #expect(a == Array(b))
    }

    /// Chains whose stages are exact copies (every trade-off tied), every objective with every
    /// subset of the other bounds (accuracy floors included): exact equals enumeration.
    @Test func tiedChainsEqualExhaustive() throws {
        var compared = 0
        for seed in UInt64(1)...24 {
            var rng = SeededGenerator(seed: seed &* 131)
            let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                                    variantShare: 0.5, maxVariants: 3)
            let stages = Int.random(in: 3...6, using: &rng)
            let template = generator.makeChain(stages: 2, seed: seed, sharedShape: true)
            // Copies of one or two templates, renamed: identical options, so every slope ties.
            let names = (0..<stages).map { "s\($0)" }
            let list = names.enumerated().map { i, name in
                Stage(name: name, variants: template.stages[seed % 2 == 0 ? 0 : i % 2].variants)
            }
            var edges = [Edge(from: "start", to: names[0])]
            for i in 1..<stages { edges.append(Edge(from: names[i - 1], to: names[i])) }
            edges.append(Edge(from: names[stages - 1], to: "end"))
            let w = Workflow(name: "tied-\(seed)", stages: list, edges: edges)
            guard configurationCount(w) <= 20_000 else { continue }
            let model = try WorkflowModel(w)
            let all = everyPrediction(model)
            func quantile(_ values: [Double], _ f: Double) -> Double {
                let sorted = values.sorted()
                return sorted[min(sorted.count - 1, Int(f * Double(sorted.count)))]
            }
            for objective in Goal.Objective.allCases {
                for latency in [nil, 0.2, 0.6] as [Double?] {
                    for cost in [nil, 0.3, 0.7] as [Double?] {
                        for accuracy in [nil, 0.25, 0.5] as [Double?] {
                            var bounds = Bounds()
                            if objective != .minimizeLatency, let f = latency { bounds.maxLatencyMs = quantile(all.map(\.latencyMs), f) }
                            if objective != .minimizeCost, let f = cost { bounds.maxCostPerMillion = quantile(all.map(\.costPerMillion), f) }
                            if objective != .maximizeAccuracy, let f = accuracy { bounds.minAccuracy = -quantile(all.map { -$0.accuracy }, f) }
                            let goal = Goal(objective: objective, bounds: bounds)
                            let exact = try ExactSolver().solve(model, goal: goal)
                            // The oracle: the test's own enumeration and bound check.
                            let admitted = all.filter { p in
                                (bounds.maxLatencyMs.map { p.latencyMs <= $0 * (1 + 1e-9) } ?? true)
                                    && (bounds.maxCostPerMillion.map { p.costPerMillion <= $0 * (1 + 1e-9) } ?? true)
                                    && (bounds.minAccuracy.map { p.accuracy >= $0 * (1 - 1e-9) } ?? true)
                            }
                            compared += 1
                            guard let best = admitted.map({ $0.score(objective) }).min() else {
                                #expect(exact.status == .infeasible, "seed \(seed) \(goal)")
                                continue
                            }
                            #expect(exact.status == .optimal, "seed \(seed) \(goal)")
                            let found = try #require(exact.prediction)
                            #expect(abs(found.score(objective) - best) <= 1e-9 * max(1, abs(best)), "seed \(seed) \(goal): exact \(found.score(objective)) vs \(best)")
                        }
                    }
                }
            }
        }
        #expect(compared > 400)
    }
}
