import Foundation
import TrimtabModel

/// A lower bound for partial labels of a fold that keeps one bounded quantity exact and
/// prices the others with a cut's multipliers.
///
/// A `LinearCut` relaxes every bound at once, so its bound for a partial label is the label's
/// own value plus each remaining item's least value, whatever that costs in the bounded
/// quantities. Here one bounded quantity q (latency, cost or accuracy) stays a hard
/// constraint: for each suffix of items, the least value of the other terms is tabulated
/// against the amount of q spent (a min-plus knapsack over `binCount` bins of q, rounded
/// down so that the table never overstates the least value). A partial label that has spent
/// r of q can then only be completed by suffixes spending at most `limit − r`. Its bound is
/// at least as strong as the cut's for every completion that meets the bound on q.
///
/// - Complexity: O(n · B · d) to build for n items, B bins and d distinct option bins per
///   item; O(1) per query.
struct ResourceRelaxation {
    enum Quantity: Int { case latency, cost, accuracy }

    /// The cut with the exact quantity's weight removed.
    let cut: LinearCut
    let quantity: Quantity
    /// The bound on the quantity's amount (accuracy: minus the measure), with tolerance.
    let limit: Double
    /// Per suffix k: the least amount of q the items k..<n can spend.
    let suffixShift: [Double]
    /// Per suffix k: for each bin b, the least value of items k..<n spending at most
    /// b·width of q above `suffixShift[k]` (non-increasing in b; +∞: impossible).
    let table: [[Double]]
    let width: Double
    let binCount: Int

    static let defaultBinCount = 2048

    /// Nil when the quantity has no bound, or the relaxation could not prune anything.
    init?(cut original: LinearCut, quantity: Quantity, items: [[ItemOption]], limits: FoldLimits,
          algebra: AccuracyAlgebra, binCount: Int = defaultBinCount) {
        var cut = original
        let bound: Double
        switch quantity {
        case .latency:
            guard let m = limits.maxLatency else { return nil }
            bound = m
            cut.constant -= cut.wLat * m
            cut.wLat = 0
        case .cost:
            guard let m = limits.maxCost else { return nil }
            bound = m
            cut.constant -= cut.wCost * m
            cut.wCost = 0
        case .accuracy:
            guard algebra.operation != .minimum, let t = limits.minAccuracyTerm else { return nil }
            let measure = CutPlanner.measure(t, algebra)
            guard measure.isFinite else { return nil }
            bound = -measure
            cut.constant += cut.wAcc * measure
            cut.wAcc = 0
        }
        self.cut = cut
        self.quantity = quantity
        self.binCount = binCount
        limit = bound + Bounds.tolerance * max(1, abs(bound))

        func amount(_ o: ItemOption) -> Double { Self.amount(quantity, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra) }
        let n = items.count
        var shift = Array(repeating: 0.0, count: n + 1)
        for k in stride(from: n - 1, through: 0, by: -1) {
            shift[k] = shift[k + 1] + (items[k].map(amount).min() ?? 0)
        }
        suffixShift = shift
        let span = limit - shift[0]
        guard span.isFinite, span > 0 else { return nil }
        // Bin b holds amounts in [b·width, (b + 1)·width): the last bin starts at the limit.
        width = span / Double(binCount - 1)

        var tables = Array(repeating: [Double](), count: n + 1)
        var current = Array(repeating: 0.0, count: binCount)  // the empty suffix: value 0 everywhere
        tables[n] = current
        for k in stride(from: n - 1, through: 0, by: -1) {
            let lowest = items[k].map(amount).min() ?? 0
            // The item's options as (bin offset, least value), one per offset.
            var best: [Int: Double] = [:]
            for o in items[k] {
                let r = amount(o) - lowest
                guard r.isFinite else { continue }
                // Rounded down (and nudged down against rounding up in the division).
                let offset = Int((r / width * (1 - 1e-12)).rounded(.down))
                guard offset < binCount else { continue }
                let v = cut.value(latency: o.latency, cost: o.cost, accuracyMeasure: CutPlanner.measure(o.accuracy, algebra))
                if v < best[offset] ?? .infinity { best[offset] = v }
            }
            // Keep only offsets that improve on every smaller offset (a staircase).
            var options: [(Int, Double)] = []
            for (offset, v) in best.sorted(by: { $0.key < $1.key }) where v < (options.last?.1 ?? .infinity) {
                options.append((offset, v))
            }
            var next = Array(repeating: Double.infinity, count: binCount)
            next.withUnsafeMutableBufferPointer { out in
                current.withUnsafeBufferPointer { previous in
                    for (offset, v) in options {
                        var b = 0
                        while b + offset < binCount {
                            let candidate = previous[b] + v
                            if candidate < out[b + offset] { out[b + offset] = candidate }
                            b += 1
                        }
                    }
                    // At most b bins: the least over all smaller bins too.
                    for b in 1..<binCount where out[b - 1] < out[b] { out[b] = out[b - 1] }
                }
            }
            current = next
            tables[k] = current
        }
        table = tables
    }

    @inline(__always) static func amount(_ q: Quantity, latency: Double, cost: Double, accuracy: Double,
                                         _ algebra: AccuracyAlgebra) -> Double {
        switch q {
        case .latency: return latency
        case .cost: return cost
        case .accuracy: return -CutPlanner.measure(accuracy, algebra)
        }
    }

    /// The least cut value of any completion of a partial label (items before `suffix`
    /// chosen) that meets the bound on q, the label's own value included; +∞ when none does.
    @inline(__always) func leastValue(latency: Double, cost: Double, measure: Double, suffix: Int) -> Double {
        let spent: Double
        switch quantity {
        case .latency: spent = latency
        case .cost: spent = cost
        case .accuracy: spent = -measure
        }
        let room = limit - spent - suffixShift[suffix]
        guard room >= 0 else { return .infinity }
        // One bin of slack against rounding in the division.
        let bin = min(binCount - 1, Int((room / width).rounded(.down)) + 1)
        return cut.value(latency: latency, cost: cost, accuracyMeasure: measure) + table[suffix][bin]
    }

    /// `leastValue` minus the cut's constant: for an objective cut, a lower bound of the
    /// objective of any completion.
    func bound(latency: Double, cost: Double, measure: Double, suffix: Int) -> Double {
        leastValue(latency: latency, cost: cost, measure: measure, suffix: suffix) - cut.constant
    }

    /// Whether a partial label (items before `suffix` chosen) can be pruned.
    @inline(__always) func prunes(latency: Double, cost: Double, accuracy: Double, measure: Double,
                                  suffix: Int) -> Bool {
        let value = leastValue(latency: latency, cost: cost, measure: measure, suffix: suffix)
        return !value.isFinite || cut.prunes(value)
    }

    /// The relaxations worth building for a fold. For each bounded quantity q other than the
    /// objective: the objective with the third quantity priced at several multiples of the
    /// dual optimum's multiplier (0 included: the objective alone), q kept exact; then the
    /// best feasibility cut with each bounded quantity kept exact.
    /// `items` are all the items that complete a label; `cuts` the installed cuts.
    static func plan(limits: FoldLimits, cuts installed: [LinearCut], items: [[ItemOption]], algebra: AccuracyAlgebra,
                     binCount: Int = defaultBinCount) -> [ResourceRelaxation] {
        var result: [ResourceRelaxation] = []
        func add(_ cut: LinearCut, _ q: Quantity) {
            if let r = ResourceRelaxation(cut: cut, quantity: q, items: items, limits: limits, algebra: algebra, binCount: binCount) {
                result.append(r)
            }
        }
        let accuracyBound = limits.minAccuracyTerm.map { CutPlanner.measure($0, algebra) }
        if let objective = limits.objective, objective != .maximizeAccuracy || algebra.operation != .minimum {
            // Without an incumbent it prunes nothing, but still ranks labels for a beam.
            let incumbent = limits.incumbent ?? .infinity
            var pure = LinearCut(wLat: 0, wCost: 0, wAcc: 0, constant: 0, threshold: incumbent, isObjective: true)
            let own: Quantity
            switch objective {
            case .minimizeLatency: pure.wLat = 1; own = .latency
            case .minimizeCost: pure.wCost = 1; own = .cost
            case .maximizeAccuracy:
                pure.wAcc = 1; own = .accuracy
                pure.threshold = incumbent.isFinite ? -CutPlanner.measure(-incumbent, algebra) : .infinity
            }
            let dual = installed.first(where: \.isObjective)
            for q in [Quantity.latency, .cost, .accuracy] where q != own {
                guard let other = [Quantity.latency, .cost, .accuracy].first(where: { $0 != own && $0 != q }) else { continue }
                let base: Double
                switch other {
                case .latency: base = dual?.wLat ?? 0
                case .cost: base = dual?.wCost ?? 0
                case .accuracy: base = dual?.wAcc ?? 0
                }
                for factor in base > 0 ? [0, 0.5, 1, 2] : [0.0] {
                    var cut = pure
                    let w = factor * base
                    switch other {
                    case .latency: cut.wLat = w; cut.constant = w * (limits.maxLatency ?? 0)
                    case .cost: cut.wCost = w; cut.constant = w * (limits.maxCost ?? 0)
                    case .accuracy:
                        guard let bound = accuracyBound, bound.isFinite else { continue }
                        cut.wAcc = w; cut.constant = -w * bound
                    }
                    add(cut, q)
                }
            }
        }
        if let feasibility = installed.first(where: { !$0.isObjective }) {
            for q in [Quantity.latency, .cost, .accuracy] { add(feasibility, q) }
        }
        return result
    }
}
