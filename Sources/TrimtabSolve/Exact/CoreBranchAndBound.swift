import Foundation

/// Depth-first branch and bound over the items of a multiple-choice knapsack with one or two
/// bounds (`LagrangianCore`'s additive form: objective value and bounded amounts per option),
/// for the free items left after reduced-cost fixing on a chain.
///
/// Items with a single option are constants. The others are decided one at a time, in order
/// of the spread between their two least reduced costs at the root multipliers (the most
/// decided first, the relaxation's core last), each item's options cheapest reduced cost
/// first. A node is dropped when a lower bound of every completion cannot beat the best
/// value known by more than `LinearCut.improvement` (relative, as the fold's pruning; for
/// accuracy, relative to the product), or cannot meet a bound. The lower bound: for each
/// bounded quantity k, the linear relaxation of the undecided items with k exact (a
/// `SuffixHull`, O(log S) per query, O(h log S) per decided item) and the other quantity
/// priced at the root multiplier scaled by `Self.scales` — each is a valid bound whatever the
/// multiplier (weak duality), so the search is exact; the multipliers only decide how much it
/// prunes. Sums along the path are kept per depth (no drift), and every bound loses a margin
/// against rounding. A little dominance: per depth, the (value, amounts) sums of the last
/// `memoSize` nodes searched completely; a node whose sums are all at least one of them is
/// dropped (each of its completions is matched by one of that node's, as good or better,
/// already searched against a threshold no lower than now; float sums are monotone).
///
/// - Complexity: O(N · (H · h log S + M)) for N nodes visited, H relaxations (2 · |scales|
///   at most), S hull segments, h segments per item and M = `memoSize`; O(n · M) memory for
///   n free items. N is exponential in the worst case, which `run`'s deadline and budget cut
///   off.
final class CoreBranchAndBound {
    /// What a search found.
    enum Outcome {
        /// The whole tree was searched: the best configuration beating the target by more
        /// than the improvement, or nil when none does.
        case complete([Int]?)
        /// Stopped by the deadline or the budget: the best configuration found, if any.
        case stopped([Int]?)
    }

    /// Multiples of the root multiplier at which the other quantity is priced.
    static let scales: [Double] = [1, 0.7, 1.4, 0.4, 2.5]

    let core: LagrangianCore
    /// Nodes visited by the last `run`.
    private(set) var nodes = 0

    init(core: LagrangianCore) { self.core = core }

    // Search state.
    private var order: [Int] = []
    private var optionOrder: [[Int]] = []
    private var hulls: [(hull: SuffixHull, exact: Int, priced: Int?, price: Double, restAmount: [Double], restValue: [Double])] = []
    private var pathValue: [Double] = []
    private var pathAmount: [[Double]] = []
    private var choice: [Int] = []
    private var best: [Int]? = nil
    private var bestValue = Double.infinity
    private var threshold = Double.infinity
    private var step = 0.0
    private var margin = 0.0
    private var stopped = false
    private var deadline: Deadline? = nil
    private var until = Date.distantFuture
    /// Per depth: the sums (value, amounts) of the last `memoSize` nodes searched completely
    /// (or dropped by the bound, which is as complete).
    private var memo: [[Double]] = []
    private var memoNext: [Int] = []
    private var memoCount: [Int] = []
    static let memoSize = 1024

    /// Searches for the configuration of least value meeting every bound that beats `target`
    /// (in the relaxation's units) by more than `LinearCut.improvement`.
    ///
    /// - Parameters:
    ///   - lambda: multipliers (one per bound, ≥ 0), ideally the LP optimum's.
    ///   - deadline: the solve's limit; when it expires the search stops.
    ///   - until: the search's own budget.
    /// - Complexity: see the type.
    func run(target: Double, lambda: [Double], deadline: Deadline?, until: Date) -> Outcome {
        let q = core.limits.count
        nodes = 0
        best = nil
        stopped = false
        self.deadline = deadline
        self.until = until
        guard (1...2).contains(q), lambda.count == q, lambda.allSatisfy({ $0 >= 0 && $0.isFinite }) else { return .stopped(nil) }
        let n = core.value.count
        // Constants (single-option items) and the order of the free items.
        var baseValue = 0.0
        var baseAmount = Array(repeating: 0.0, count: q)
        var free: [(item: Int, spread: Double, options: [Int])] = []
        choice = Array(repeating: 0, count: n)
        for i in 0..<n {
            if core.value[i].count == 1 {
                baseValue += core.value[i][0]
                for k in 0..<q { baseAmount[k] += core.amounts[k][i][0] }
                continue
            }
            let r = core.value[i].indices.map { core.reduced(i, $0, lambda) }
            let options = r.indices.sorted { r[$0] != r[$1] ? r[$0] < r[$1] : $0 < $1 }
            free.append((i, r[options[1]] - r[options[0]], options))
        }
        free.sort { $0.spread != $1.spread ? $0.spread > $1.spread : $0.item < $1.item }
        order = free.map(\.item)
        optionOrder = free.map(\.options)
        let m = order.count
        // Relaxations: each bound exact, the other priced at multiples of its multiplier.
        hulls = []
        var magnitude = 0.0
        for k in 0..<q {
            let j: Int? = q == 2 ? 1 - k : nil
            var prices: [Double] = []
            if let j { for s in Self.scales where !prices.contains(lambda[j] * s) { prices.append(lambda[j] * s) } } else { prices = [0] }
            for price in prices {
                let items = order.map { i in
                    core.value[i].indices.map { o -> (amount: Double, value: Double) in
                        (core.amounts[k][i][o], core.value[i][o] + (j.map { price * core.amounts[$0][i][o] } ?? 0))
                    }
                }
                guard let hull = SuffixHull(items: items) else { return .stopped(nil) }
                var fa = Array(repeating: 0.0, count: m + 1), fv = Array(repeating: 0.0, count: m + 1)
                for d in stride(from: m - 1, through: 0, by: -1) {
                    fa[d] = fa[d + 1] + hull.firstAmount[d]
                    fv[d] = fv[d + 1] + hull.firstValue[d]
                }
                hulls.append((hull, k, j, price, fa, fv))
                // The values summed along a path and in the relaxation.
                var total = 0.0
                for i in 0..<n {
                    total += core.value[i].indices.map { o in
                        abs(core.value[i][o]) + (j.map { price * abs(core.amounts[$0][i][o]) } ?? 0)
                    }.max() ?? 0
                }
                if let j { total += price * abs(core.limits[j]) }
                magnitude = max(magnitude, total)
            }
        }
        // Rounding of sums over n options and of the hull's fractional step.
        margin = 1e-11 * max(1, magnitude)
        step = LinearCut.improvement * (core.objective == .maximizeAccuracy ? 1 : max(1, abs(target)))
        bestValue = target
        threshold = target - step
        pathValue = Array(repeating: 0, count: m + 1)
        pathValue[0] = baseValue
        pathAmount = (0..<q).map { k in
            var a = Array(repeating: 0.0, count: m + 1)
            a[0] = baseAmount[k]
            return a
        }
        for d in 0..<m { choice[order[d]] = optionOrder[d][0] }
        memo = Array(repeating: Array(repeating: 0, count: Self.memoSize * (q + 1)), count: m + 1)
        memoNext = Array(repeating: 0, count: m + 1)
        memoCount = Array(repeating: 0, count: m + 1)
        visit(0)
        return stopped ? .stopped(best) : .complete(best)
    }

    private func visit(_ d: Int) {
        if stopped { return }
        nodes += 1
        if deadline?.check() == true { stopped = true; return }
        if nodes & 1023 == 0, Date() >= until { stopped = true; return }
        let q = pathAmount.count
        if d == order.count {
            for k in 0..<q where pathAmount[k][d] > core.limits[k] { return }
            if pathValue[d] < threshold {
                best = choice
                bestValue = pathValue[d]
                threshold = bestValue - step
            }
            return
        }
        if dominated(d) { return }
        if prunes(d) { remember(d); return }
        let item = order[d]
        for h in hulls { h.hull.remove(d) }
        for o in optionOrder[d] {
            choice[item] = o
            pathValue[d + 1] = pathValue[d] + core.value[item][o]
            for k in 0..<q { pathAmount[k][d + 1] = pathAmount[k][d] + core.amounts[k][item][o] }
            visit(d + 1)
            if stopped { break }
        }
        choice[item] = optionOrder[d][0]
        for h in hulls { h.hull.restore(d) }
        if !stopped { remember(d) }
    }

    private func dominated(_ d: Int) -> Bool {
        let q = pathAmount.count, width = q + 1
        let v = pathValue[d]
        return memo[d].withUnsafeBufferPointer { entries in
            for e in 0..<memoCount[d] {
                let base = e * width
                guard entries[base] <= v else { continue }
                var all = true
                for k in 0..<q where entries[base + 1 + k] > pathAmount[k][d] { all = false; break }
                if all { return true }
            }
            return false
        }
    }

    private func remember(_ d: Int) {
        let q = pathAmount.count, width = q + 1
        let slot = memoNext[d]
        memo[d][slot * width] = pathValue[d]
        for k in 0..<q { memo[d][slot * width + 1 + k] = pathAmount[k][d] }
        memoNext[d] = (slot + 1) % Self.memoSize
        memoCount[d] = min(memoCount[d] + 1, Self.memoSize)
    }

    /// Whether no completion of the path to depth `d` can meet the bounds and beat the
    /// threshold.
    private func prunes(_ d: Int) -> Bool {
        for h in hulls {
            let k = h.exact
            let limit = core.limits[k]
            var room = limit - pathAmount[k][d] - h.restAmount[d]
            if room < 0 {
                if room < -1e-12 * max(1, abs(limit)) { return true }
                room = 0
            }
            var bound = pathValue[d] + h.restValue[d] + h.hull.least(room: room)
            if let j = h.priced { bound += h.price * (pathAmount[j][d] - core.limits[j]) }
            if bound - margin >= threshold { return true }
        }
        return false
    }
}
