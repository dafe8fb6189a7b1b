import Foundation
import TrimtabModel

/// The linear relaxation of a whole workflow's multiple-choice knapsack with all its bounds,
/// used to shrink the knapsack before the fold (reduced-cost fixing) and to find incumbents
/// (the relaxation's solution rounded, then improved by local search).
///
/// The objective and each bounded quantity other than the objective's own are additive over
/// the items: latency, cost, and minus the accuracy measure (the log of a product). For
/// multipliers λ ≥ 0, every configuration x meeting the bounds has
/// `objective(x) ≥ L(λ) + Σ_i rc_i(x_i)`, where `L(λ) = Σ_i min_o r_io − λ·b` is the Lagrangian
/// bound, `r_io = v_io + λ·a_io` and `rc_io = r_io − min_o r_io ≥ 0` the option's reduced cost.
/// An option whose reduced cost alone lifts the bound to the incumbent cannot be part of a
/// configuration that beats the incumbent, so the fold need not see it. The bound is
/// evaluated directly from that definition at the multipliers found, so the fixing is exact
/// whatever the multipliers; they only decide how much it removes. The best multipliers
/// (the LP optimum: the Lagrangian dual of a multiple-choice knapsack equals its linear
/// relaxation) are found with one bound kept exact in a `HullRelaxation` (whose break slope
/// is the first multiplier) and the second multiplier by golden-section search (the bound is
/// concave in it).
///
/// - Complexity: O(G · S log S) for S hull segments and G ≈ 60 search steps; O(S) per fixing
///   round; the local search O(S) per single-swap pass and O(K²) per pair pass (K ≤ 400 moves).
struct LagrangianCore {
    /// Per item and option: the objective's value (accuracy: minus the measure).
    let value: [[Double]]
    /// Per bounded quantity, per item and option: the amount spent (accuracy: minus the measure).
    let amounts: [[[Double]]]
    /// Per bounded quantity: its limit, tolerance included.
    let limits: [Double]
    /// Which quantity each bound is on.
    let quantities: [ResourceRelaxation.Quantity]
    /// Per item and option: cost and latency, to break ties as `ExactSolver.better` does.
    let tieCost: [[Double]]
    let tieLatency: [[Double]]
    let objective: Goal.Objective
    /// The solve's deadline (from the fold limits): once it passes, the multiplier search
    /// stops where it is (any multipliers give a valid bound; measured: on 1,000-stage
    /// fan-outs' relaxed items of a few hundred thousand options, one search took 3–19 s).
    let deadline: Deadline?
    /// Per item: its options in order of the first bounded quantity's amount (empty without bounds).
    let byFirstAmount: [[Int32]]

    /// Nil when the goal has no objective the relaxation can express (accuracy combined by
    /// the minimum) or an option's numbers are not finite.
    init?(items: [[ItemOption]], limits fold: FoldLimits, algebra: AccuracyAlgebra) {
        guard let objective = fold.objective else { return nil }
        let accuracyInvolved = objective == .maximizeAccuracy || fold.minAccuracyTerm != nil
        if accuracyInvolved && algebra.operation == .minimum { return nil }
        self.objective = objective
        deadline = fold.deadline
        func measure(_ o: ItemOption) -> Double { CutPlanner.measure(o.accuracy, algebra) }
        var quantities: [(amount: (ItemOption) -> Double, limit: Double, quantity: ResourceRelaxation.Quantity)] = []
        if objective != .minimizeLatency, let m = fold.maxLatency {
            quantities.append(({ $0.latency }, m + Bounds.tolerance * max(1, abs(m)), .latency))
        }
        if objective != .minimizeCost, let m = fold.maxCost {
            quantities.append(({ $0.cost }, m + Bounds.tolerance * max(1, abs(m)), .cost))
        }
        if objective != .maximizeAccuracy, let t = fold.minAccuracyTerm {
            let m = -CutPlanner.measure(t, algebra)
            guard m.isFinite else { return nil }
            quantities.append(({ -measure($0) }, m + Bounds.tolerance * max(1, abs(m)), .accuracy))
        }
        let objectiveValue: (ItemOption) -> Double
        switch objective {
        case .minimizeCost: objectiveValue = { $0.cost }
        case .minimizeLatency: objectiveValue = { $0.latency }
        case .maximizeAccuracy: objectiveValue = { -measure($0) }
        }
        value = items.map { $0.map(objectiveValue) }
        tieCost = items.map { $0.map(\.cost) }
        tieLatency = items.map { $0.map(\.latency) }
        amounts = quantities.map { q in items.map { $0.map(q.amount) } }
        limits = quantities.map(\.limit)
        self.quantities = quantities.map(\.quantity)
        byFirstAmount = Self.orderByFirstAmount(amounts)
        guard !items.isEmpty, items.allSatisfy({ !$0.isEmpty }),
              value.allSatisfy({ $0.allSatisfy(\.isFinite) }),
              amounts.allSatisfy({ $0.allSatisfy { $0.allSatisfy(\.isFinite) } }) else { return nil }
    }

    /// The objective's value of an incumbent fold score, in this relaxation's units.
    static func objectiveValue(foldScore: Double, objective: Goal.Objective, algebra: AccuracyAlgebra) -> Double {
        objective == .maximizeAccuracy ? -CutPlanner.measure(-foldScore, algebra) : foldScore
    }

    /// The fold score of an objective value in this relaxation's units (the inverse of
    /// `objectiveValue`): accuracy's measure is the log of a product's term, the term itself
    /// for a sum (mean or weighted).
    static func foldScore(objectiveValue value: Double, objective: Goal.Objective, algebra: AccuracyAlgebra) -> Double {
        guard objective == .maximizeAccuracy else { return value }
        return algebra.operation == .product ? -exp(-value) : value
    }

    // MARK: The Lagrangian bound

    /// `L(λ)` evaluated from its definition, with the rounding error it may carry.
    /// The Lagrangian relaxation's solution at `lambda` (its integral part): per item, the
    /// option of least reduced cost.
    func solution(_ lambda: [Double]) -> [Int] {
        value.indices.map { i in value[i].indices.min { reduced(i, $0, lambda) < reduced(i, $1, lambda) } ?? 0 }
    }

    func bound(_ lambda: [Double]) -> (value: Double, error: Double) {
        var total = 0.0, magnitude = 0.0
        for i in value.indices {
            var best = Double.infinity, largest = 0.0
            for o in value[i].indices {
                let r = reduced(i, o, lambda)
                best = min(best, r)
                largest = max(largest, abs(value[i][o]) + zip(lambda, amounts).reduce(0) { $0 + abs($1.0 * $1.1[i][o]) })
            }
            total += best
            magnitude += largest
        }
        for k in limits.indices {
            total -= lambda[k] * limits[k]
            magnitude += abs(lambda[k] * limits[k])
        }
        return (total, 1e-11 * max(1, magnitude))
    }

    @inline(__always) func reduced(_ i: Int, _ o: Int, _ lambda: [Double]) -> Double {
        var r = value[i][o]
        for k in lambda.indices where lambda[k] != 0 { r += lambda[k] * amounts[k][i][o] }
        return r
    }

    /// Multipliers maximising `L` (to the search's precision). Nil when the hull proves
    /// that the first bound cannot be met (the fold then proves infeasibility itself).
    /// `near`: the second multiplier of a similar relaxation (the same items with fewer
    /// options, say): the search then starts within 3 e-folds of it (28 golden-section steps,
    /// to 10⁻⁵ e-folds) and widens to 32 e-folds around the ratio of the spreads (44 steps,
    /// to 2·10⁻⁸) only when its best lies at that range's edge. (Measured: 20 and 32 steps
    /// weakened the fixing enough to leave one 100-stage chain unproven after 10 s.) Any
    /// multipliers give a valid bound, so this changes the bound's strength, not its validity.
    func multipliers(near: Double? = nil) -> [Double]? {
        switch limits.count {
        case 0: return []
        case 1:
            guard let (l1, _) = innerMultiplier(priced: nil, weight: 0) else { return nil }
            return [l1]
        default:
            // g(w) = max over the first multiplier with the second at w: concave in w, so
            // unimodal in log w too. Golden-section search over a wide range of log w around
            // the ratio of the objective's spread to the second quantity's.
            func spread(_ table: [[Double]]) -> Double {
                table.reduce(0) { $0 + (($1.max() ?? 0) - ($1.min() ?? 0)) }
            }
            let scale = max(spread(value), 1e-300) / max(spread(amounts[1]), 1e-300)
            func g(_ w: Double) -> (Double, Double)? {
                guard let (l1, v) = innerMultiplier(priced: 1, weight: w) else { return nil }
                return (v, l1)
            }
            guard let atZero = g(0) else { return nil }
            var best = (w: 0.0, l1: atZero.1, v: atZero.0)
            /// Golden-section search of log w over [lo, hi]; nil when a hull proves infeasibility.
            func search(_ lower: Double, _ upper: Double, steps: Int) -> (x: Double, l1: Double, v: Double)? {
                var lo = lower, hi = upper
                let phi = (sqrt(5.0) - 1) / 2
                var x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo)
                guard var f1 = g(exp(x1)), var f2 = g(exp(x2)) else { return nil }
                for _ in 0..<steps where deadline?.checkNow() != true {
                    if f1.0 >= f2.0 {
                        hi = x2; x2 = x1; f2 = f1
                        x1 = hi - phi * (hi - lo)
                        guard let f = g(exp(x1)) else { return nil }
                        f1 = f
                    } else {
                        lo = x1; x1 = x2; f1 = f2
                        x2 = lo + phi * (hi - lo)
                        guard let f = g(exp(x2)) else { return nil }
                        f2 = f
                    }
                }
                return f1.0 >= f2.0 ? (x1, f1.1, f1.0) : (x2, f2.1, f2.0)
            }
            var local: (x: Double, l1: Double, v: Double)? = nil
            if let near, near > 0, near.isFinite {
                let center = log(near)
                guard let result = search(center - 3, center + 3, steps: 28) else { return nil }
                if abs(result.x - center) < 2.9 { local = result }
            }
            guard let found = local ?? search(log(scale) - 16, log(scale) + 16, steps: 44) else { return nil }
            if found.v > best.v { best = (exp(found.x), found.l1, found.v) }
            return [best.l1, best.w]
        }
    }

    /// With the first bounded quantity exact and quantity `priced` at `weight`: the hull's
    /// multiplier of the first quantity and the LP value minus the priced part of the limit.
    ///
    /// Each item's options are taken in `byFirstAmount` order, so its hull needs no sort per
    /// multiplier (the search evaluates about 60; measured on 60-stage fan-outs, whose relaxed
    /// items have up to 70,000 options, the sorts were most of it). Among options of equal
    /// amount only the least value can be on the hull, as `HullRelaxation.lowerHull` keeps.
    private func innerMultiplier(priced: Int?, weight: Double) -> (Double, Double)? {
        var hulls: [[(amount: Double, value: Double)]] = []
        hulls.reserveCapacity(value.count)
        var run: [(amount: Double, value: Double)] = []
        for i in value.indices {
            run.removeAll(keepingCapacity: true)
            let amount = amounts[0][i], values = value[i]
            for o in byFirstAmount[i] {
                let o = Int(o)
                var v = values[o]
                if let p = priced { v += weight * amounts[p][i][o] }
                guard v.isFinite else { continue }
                // Equal amounts: keep the least value (the sorted order `lowerHull` uses).
                if let last = run.last, last.amount == amount[o] {
                    if v < last.value { run[run.count - 1].value = v }
                } else {
                    run.append((amount[o], v))
                }
            }
            hulls.append(HullRelaxation.hullOfSorted(run))
        }
        guard let hull = HullRelaxation(hulls: hulls) else { return nil }
        let room = limits[0] - hull.baseAmount[0]
        guard room >= 0 else { return nil }
        var v = hull.least(room: room, suffix: 0)
        if let p = priced { v -= weight * limits[p] }
        return (-hull.breakSlope(room: room), v)
    }

    // MARK: Fixing

    /// For each item, the options that may still be part of a configuration beating the
    /// incumbent `target` (in this relaxation's units) by more than the fold's improvement:
    /// those whose reduced cost keeps the Lagrangian bound below it and that can still meet
    /// each bound with the other items at their least amounts. Repeated with fresh
    /// multipliers while it removes options. Nil: nothing is known (no multipliers). Also
    /// the multipliers of the last round (the best for the options kept). `near`: as in
    /// `multipliers(near:)`, for the first round; `known`: this relaxation's multipliers when
    /// already found (`multipliers()`), used in the first round instead of a search.
    func kept(target: Double, rounds: Int = 4, near: Double? = nil,
              known: [Double]? = nil) -> (alive: [[Int]], lambda: [Double])? {
        let improvement = LinearCut.improvement * (objective == .maximizeAccuracy ? 1 : max(1, abs(target)))
        var alive: [[Int]] = value.map { Array($0.indices) }
        var current = self
        var last: [Double] = []
        for round in 0..<rounds {
            let found = round == 0 ? known ?? current.multipliers(near: near) : current.multipliers(near: last.count > 1 ? last[1] : near)
            guard let lambda = found else { return last.isEmpty ? nil : (alive, last) }
            last = lambda
            let (lb, error) = current.bound(lambda)
            let room = target - improvement - error - lb
            var least = Array(repeating: 0.0, count: limits.count)
            for k in limits.indices {
                least[k] = current.amounts[k].reduce(0) { $0 + ($1.min() ?? 0) }
            }
            var removed = false
            var next: [[Int]] = []
            for i in current.value.indices {
                let mins = current.value[i].indices.map { current.reduced(i, $0, lambda) }.min() ?? 0
                // (Each item's least amounts once, not per option: a joined block's item can
                // hold 10⁵ options.)
                let itemLeast = limits.indices.map { current.amounts[$0][i].min() ?? 0 }
                var keep: [Int] = []
                for o in current.value[i].indices {
                    var ok = current.reduced(i, o, lambda) - mins < room
                    if ok {
                        for k in limits.indices {
                            let total = least[k] - itemLeast[k] + current.amounts[k][i][o]
                            if total > limits[k] + 1e-12 * max(1, abs(limits[k])) { ok = false; break }
                        }
                    }
                    if ok { keep.append(o) } else { removed = true }
                }
                next.append(keep.map { alive[i][$0] })
                if keep.isEmpty { return (alive.indices.map { _ in [] }, lambda) }
            }
            alive = next
            guard removed else { break }
            current = restricted(to: alive)
        }
        return (alive, last)
    }

    /// The Lagrangian bound at `lambda` as an objective cut (weights on latency, cost and
    /// the accuracy measure; the bounds' side, tolerance included, as its constant).
    func cut(_ lambda: [Double], threshold: Double) -> LinearCut {
        var cut = LinearCut(wLat: 0, wCost: 0, wAcc: 0, constant: 0, threshold: threshold, isObjective: true,
                            isAccuracy: objective == .maximizeAccuracy)
        switch objective {
        case .minimizeLatency: cut.wLat = 1
        case .minimizeCost: cut.wCost = 1
        case .maximizeAccuracy: cut.wAcc = 1
        }
        for k in lambda.indices {
            switch quantities[k] {
            case .latency: cut.wLat = lambda[k]
            case .cost: cut.wCost = lambda[k]
            case .accuracy: cut.wAcc = lambda[k]  // the amount is minus the measure
            }
            cut.constant += lambda[k] * limits[k]
        }
        return cut
    }

    /// The same relaxation over a subset of each item's options (indices into the original).
    func restricted(to alive: [[Int]]) -> LagrangianCore {
        LagrangianCore(value: alive.indices.map { i in alive[i].map { value[i][$0] } },
                       amounts: amounts.map { table in alive.indices.map { i in alive[i].map { table[i][$0] } } },
                       limits: limits, quantities: quantities, objective: objective,
                       tieCost: alive.indices.map { i in alive[i].map { tieCost[i][$0] } },
                       tieLatency: alive.indices.map { i in alive[i].map { tieLatency[i][$0] } }, deadline: deadline)
    }

    private init(value: [[Double]], amounts: [[[Double]]], limits: [Double], quantities: [ResourceRelaxation.Quantity],
                 objective: Goal.Objective, tieCost: [[Double]], tieLatency: [[Double]], deadline: Deadline?) {
        self.deadline = deadline
        self.tieCost = tieCost
        self.tieLatency = tieLatency
        self.value = value
        self.amounts = amounts
        self.limits = limits
        self.quantities = quantities
        self.objective = objective
        byFirstAmount = Self.orderByFirstAmount(amounts)
    }

    /// Per item, its option indices sorted by the first bounded quantity's amount.
    static func orderByFirstAmount(_ amounts: [[[Double]]]) -> [[Int32]] {
        amounts.first.map { first in
            first.map { a in a.indices.sorted { a[$0] < a[$1] }.map { Int32($0) } }
        } ?? []
    }

    // MARK: Incumbents

    /// A configuration (one option per item) meeting every bound, from the relaxation's
    /// solution rounded (the hull's greedy choice before the break, at the best multipliers)
    /// and improved by single and paired option swaps until `until`. Nil when none was found.
    /// `lambda`: the multipliers when already known (`multipliers()`).
    func incumbent(until: Date = .distantFuture, lambda known: [Double]? = nil) -> [Int]? {
        guard let lambda = known ?? multipliers() else { return nil }
        var choice = solution(lambda)
        // Small perturbations of λ land on the feasible side of the fractional items.
        if !feasible(choice) {
            for factor in [1.0001, 1.001, 1.01, 1.05, 1.2, 1.5, 2, 4] {
                let c = solution(lambda.map { $0 * factor })
                if feasible(c) { choice = c; break }
            }
        }
        guard repair(&choice, until: until) else { return nil }
        improve(&choice, lambda: lambda, until: until)
        return choice
    }

    func sums(_ choice: [Int]) -> (value: Double, amounts: [Double]) {
        var v = 0.0
        var a = Array(repeating: 0.0, count: limits.count)
        for i in choice.indices {
            v += value[i][choice[i]]
            for k in limits.indices { a[k] += amounts[k][i][choice[i]] }
        }
        return (v, a)
    }

    func feasible(_ choice: [Int]) -> Bool {
        let a = sums(choice).amounts
        return limits.indices.allSatisfy { a[$0] <= limits[$0] }
    }

    /// Greedy repair: while a bound is broken, the swap that removes the most relative
    /// excess per unit of objective added.
    private func repair(_ choice: inout [Int], until: Date) -> Bool {
        var a = sums(choice).amounts
        func excess(_ a: [Double]) -> Double {
            limits.indices.reduce(0) { $0 + max(0, a[$1] - limits[$1]) / max(abs(limits[$1]), 1e-300) }
        }
        var e = excess(a)
        var guardCount = 0
        while e > 0 && guardCount < 100_000 && Date() < until {
            guardCount += 1
            var best: (i: Int, o: Int, score: Double, next: [Double])? = nil
            for i in value.indices {
                let c = choice[i]
                for o in value[i].indices where o != c {
                    var n = a
                    for k in limits.indices { n[k] += amounts[k][i][o] - amounts[k][i][c] }
                    let gain = e - excess(n)
                    guard gain > 0 else { continue }
                    let dv = value[i][o] - value[i][c]
                    let score = max(dv, 0) / gain - (dv < 0 ? 1e300 : 0)
                    if score < best?.score ?? .infinity { best = (i, o, score, n) }
                }
            }
            guard let b = best else { return false }
            choice[b.i] = b.o
            a = b.next
            e = excess(a)
        }
        return e == 0
    }

    /// Local search keeping every bound: best single swaps, then pairs of swaps among the
    /// moves of least reduced cost, while the objective improves (at most `Self.pairRounds`
    /// pair steps, and until `until`).
    private func improve(_ choice: inout [Int], lambda: [Double], until: Date) {
        let q = limits.count
        var a = sums(choice).amounts
        var value = sums(choice).value
        // Whether the amounts plus the deltas of swapping item i to o (and j to p) fit.
        @inline(__always) func fits(_ i: Int, _ o: Int, _ j: Int = -1, _ p: Int = 0) -> Bool {
            for k in 0..<q {
                var total = a[k] + amounts[k][i][o] - amounts[k][i][choice[i]]
                if j >= 0 { total += amounts[k][j][p] - amounts[k][j][choice[j]] }
                if total > limits[k] { return false }
            }
            return true
        }
        func apply(_ i: Int, _ o: Int) {
            for k in 0..<q { a[k] += amounts[k][i][o] - amounts[k][i][choice[i]] }
            value += self.value[i][o] - self.value[i][choice[i]]
            choice[i] = o
        }
        var pairRounds = 0
        for _ in 0..<100_000 {
            guard Date() < until else { return }
            let least = 1e-14 * max(1, abs(value))
            // Single swaps.
            var best: (i: Int, o: Int, dv: Double)? = nil
            for i in self.value.indices {
                let c = choice[i]
                for o in self.value[i].indices where o != c {
                    let dv = self.value[i][o] - self.value[i][c]
                    if dv < (best?.dv ?? -least), fits(i, o) { best = (i, o, dv) }
                }
            }
            if let b = best {
                apply(b.i, b.o)
                continue
            }
            // Ties in the objective: less cost, then less latency (as `ExactSolver.better`).
            var tie: (i: Int, o: Int)? = nil
            for i in self.value.indices where tie == nil {
                let c = choice[i]
                for o in self.value[i].indices where o != c && self.value[i][o] == self.value[i][c] {
                    let dc = tieCost[i][o] - tieCost[i][c], dl = tieLatency[i][o] - tieLatency[i][c]
                    if (dc < 0 || (dc == 0 && dl < 0)), fits(i, o) { tie = (i, o); break }
                }
            }
            if let t = tie {
                apply(t.i, t.o)
                continue
            }
            // Pairs among the moves whose reduced cost is least (the relaxation's core).
            guard pairRounds < Self.pairRounds else { return }
            pairRounds += 1
            var moves: [(i: Int, o: Int, rc: Double)] = []
            for i in self.value.indices {
                let c = choice[i]
                for o in self.value[i].indices where o != c {
                    moves.append((i, o, reduced(i, o, lambda) - reduced(i, c, lambda)))
                }
            }
            moves.sort { $0.rc < $1.rc }
            let top = Array(moves.prefix(400))
            var pair: (x: Int, y: Int, dv: Double)? = nil
            for x in top.indices {
                let m = top[x]
                let dvm = self.value[m.i][m.o] - self.value[m.i][choice[m.i]]
                for y in (x + 1)..<top.count {
                    let n = top[y]
                    guard n.i != m.i else { continue }
                    let dv = dvm + self.value[n.i][n.o] - self.value[n.i][choice[n.i]]
                    if dv < (pair?.dv ?? -least), fits(m.i, m.o, n.i, n.o) { pair = (x, y, dv) }
                }
            }
            guard let p = pair else { return }
            apply(top[p.x].i, top[p.x].o)
            apply(top[p.y].i, top[p.y].o)
        }
    }

    /// At most this many pair steps in a local search.
    static let pairRounds = 200
}
