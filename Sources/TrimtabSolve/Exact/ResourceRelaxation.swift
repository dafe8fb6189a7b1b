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
    enum Quantity: Int {
        case latency, cost, accuracy

        /// The quantity an objective optimises.
        init(_ objective: Goal.Objective) {
            switch objective {
            case .minimizeLatency: self = .latency
            case .minimizeCost: self = .cost
            case .maximizeAccuracy: self = .accuracy
            }
        }
    }

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
    /// The linear relaxation of the same knapsack from each item's convex hull: exact in the
    /// amounts (no rounding), so it keeps its strength on long suffixes where the table's
    /// rounding loses up to one bin per item.
    let hull: HullRelaxation?

    static let defaultBinCount = 2048
    /// Above this many items only the hull relaxation is built.
    static let tableItemLimit = 256

    /// Nil when the quantity has no bound, or the relaxation could not prune anything.
    /// `tabulating`: whether the table is built (at most `tableItemLimit` items); else the
    /// hull alone bounds. Only goals that bound both quantities besides the objective need
    /// it (measured on the benchmark's families: on goals with one bound the hull alone
    /// solved in 0.5–0.77 of the time at 60–200 stages, as fast at 1,000 (where no table
    /// is built); with two bounds, two-bound chains of 200 stages went from 0.3–3 s to
    /// over 20 s without it).
    init?(cut original: LinearCut, quantity: Quantity, items: [[ItemOption]], limits: FoldLimits,
          algebra: AccuracyAlgebra, tabulating: Bool, binCount: Int = defaultBinCount) {
        guard let bound = Self.boundedAmount(quantity, limits: limits, algebra: algebra) else { return nil }
        let cut = Self.exact(quantity, in: original, at: bound)
        self.cut = cut
        self.quantity = quantity
        self.binCount = binCount
        limit = Self.withTolerance(bound)

        func amount(_ o: ItemOption) -> Double { Self.amount(quantity, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra) }
        hull = HullRelaxation(items: items.map { options in
            options.map { o in
                (amount(o), cut.value(latency: o.latency, cost: o.cost, accuracyMeasure: CutPlanner.measure(o.accuracy, algebra)))
            }
        })
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

        // The table rounds each item's amount down by up to one bin, so over many items it
        // loses much of its strength (and costs n × B to build and hold); the hull alone then.
        guard (tabulating && n <= Self.tableItemLimit) || hull == nil else {
            table = []
            return
        }
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

    /// The bound on q's amount (accuracy: minus the floor's measure), without tolerance. Nil
    /// when q is not bounded, or is accuracy combined by the minimum or a floor of measure −∞
    /// (not additive).
    static func boundedAmount(_ q: Quantity, limits: FoldLimits, algebra: AccuracyAlgebra) -> Double? {
        switch q {
        case .latency: return limits.maxLatency
        case .cost: return limits.maxCost
        case .accuracy:
            guard algebra.operation != .minimum, let t = limits.minAccuracyTerm else { return nil }
            let measure = CutPlanner.measure(t, algebra)
            return measure.isFinite ? -measure : nil
        }
    }

    /// A bound with the bounds' relative tolerance added.
    static func withTolerance(_ bound: Double) -> Double { bound + Bounds.tolerance * max(1, abs(bound)) }

    /// `cut` with q kept exact: its weight on q moved into the constant at q's bound, so the
    /// cut prices only the other quantities (q may then be spent freely up to the bound).
    static func exact(_ q: Quantity, in cut: LinearCut, at bound: Double) -> LinearCut {
        var cut = cut
        switch q {
        case .latency: cut.constant -= cut.wLat * bound; cut.wLat = 0
        case .cost: cut.constant -= cut.wCost * bound; cut.wCost = 0
        case .accuracy: cut.constant -= cut.wAcc * bound; cut.wAcc = 0
        }
        return cut
    }

    /// `amount` with the accuracy's measure already known.
    @inline(__always) static func amount(_ q: Quantity, latency: Double, cost: Double, measure: Double) -> Double {
        switch q {
        case .latency: return latency
        case .cost: return cost
        case .accuracy: return -measure
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
        var rest = table.isEmpty ? -Double.infinity : table[suffix][bin]
        if let hull {
            let hullRoom = limit - spent - hull.baseAmount[suffix]
            guard hullRoom >= 0 else { return .infinity }
            rest = max(rest, hull.least(room: hullRoom, suffix: suffix))
        }
        return cut.value(latency: latency, cost: cost, accuracyMeasure: measure) + rest
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
                     tabulating: Bool, binCount: Int = defaultBinCount) -> [ResourceRelaxation] {
        build(planCuts(limits: limits, cuts: installed, items: items, algebra: algebra),
              limits: limits, items: items, algebra: algebra, tabulating: tabulating, binCount: binCount)
    }

    /// The relaxations of `plan` for the items in a given order (the cuts do not depend on it).
    static func build(_ planned: [(cut: LinearCut, quantity: Quantity)], limits: FoldLimits, items: [[ItemOption]],
                      algebra: AccuracyAlgebra, tabulating: Bool, binCount: Int = defaultBinCount) -> [ResourceRelaxation] {
        planned.compactMap {
            ResourceRelaxation(cut: $0.cut, quantity: $0.quantity, items: items, limits: limits, algebra: algebra,
                               tabulating: tabulating, binCount: binCount)
        }
    }

    /// An order of the items for a fold, most decided first (Pisinger's core last): the
    /// planned objective relaxation with the best root bound gives Lagrangian prices (its
    /// multipliers and the hull's slope at the break), and an item's flexibility is the
    /// reduced cost of its second-best option at those prices. Items whose alternatives all
    /// cost much more than the best are settled at once (their other labels are pruned); the
    /// items near the break, where labels multiply, come last, when few items remain.
    /// Nil when no objective relaxation is planned.
    static func coreOrder(_ planned: [(cut: LinearCut, quantity: Quantity)], items: [[ItemOption]], limits: FoldLimits,
                          algebra: AccuracyAlgebra) -> [Int]? {
        var best: (cut: LinearCut, quantity: Quantity, hull: HullRelaxation, room: Double, bound: Double)? = nil
        for (original, q) in planned where original.isObjective {
            guard let bound = boundedAmount(q, limits: limits, algebra: algebra) else { continue }
            let cut = exact(q, in: original, at: bound)
            let limit = withTolerance(bound)
            guard let hull = HullRelaxation(items: items.map { options in
                options.map { o in
                    (amount(q, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra),
                     cut.value(latency: o.latency, cost: o.cost, accuracyMeasure: CutPlanner.measure(o.accuracy, algebra)))
                }
            }) else { continue }
            let room = limit - hull.baseAmount[0]
            guard room >= 0 else { continue }
            let value = hull.least(room: room, suffix: 0) - cut.constant
            if value > best?.bound ?? -.infinity { best = (cut, q, hull, room, value) }
        }
        guard let best else { return nil }
        let price = -best.hull.breakSlope(room: best.room)
        let flexibility = items.map { options -> Double in
            let reduced = options.map { o -> Double in
                let v = best.cut.value(latency: o.latency, cost: o.cost, accuracyMeasure: CutPlanner.measure(o.accuracy, algebra))
                return v + price * amount(best.quantity, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra)
            }.filter(\.isFinite).sorted()
            return reduced.count < 2 ? .infinity : reduced[1] - reduced[0]
        }
        return items.indices.sorted { flexibility[$0] != flexibility[$1] ? flexibility[$0] > flexibility[$1] : $0 < $1 }
    }

    /// The objective alone as a cut (weight 1 on its quantity, accuracy as its measure), with
    /// the incumbent as threshold (without one it prunes nothing, but still ranks labels for
    /// a beam). Nil without an objective, or for accuracy combined by the minimum.
    static func objectiveCut(limits: FoldLimits, algebra: AccuracyAlgebra) -> LinearCut? {
        guard let objective = limits.objective, objective != .maximizeAccuracy || algebra.operation != .minimum else { return nil }
        let incumbent = limits.incumbent ?? .infinity
        var pure = LinearCut(wLat: 0, wCost: 0, wAcc: 0, constant: 0, threshold: incumbent, isObjective: true,
                             isAccuracy: objective == .maximizeAccuracy)
        switch objective {
        case .minimizeLatency: pure.wLat = 1
        case .minimizeCost: pure.wCost = 1
        case .maximizeAccuracy:
            pure.wAcc = 1
            pure.threshold = incumbent.isFinite ? -CutPlanner.measure(-incumbent, algebra) : .infinity
        }
        return pure
    }

    /// The cuts and exact quantities of the relaxations worth building (see `plan`).
    static func planCuts(limits: FoldLimits, cuts installed: [LinearCut], items: [[ItemOption]],
                         algebra: AccuracyAlgebra) -> [(cut: LinearCut, quantity: Quantity)] {
        var result: [(cut: LinearCut, quantity: Quantity)] = []
        func add(_ cut: LinearCut, _ q: Quantity) { result.append((cut, q)) }
        let accuracyBound = limits.minAccuracyTerm.map { CutPlanner.measure($0, algebra) }
        if let objective = limits.objective, let pure = objectiveCut(limits: limits, algebra: algebra) {
            let own = Quantity(objective)
            let dual = installed.first(where: \.isObjective)
            for q in [Quantity.latency, .cost, .accuracy] where q != own {
                guard let other = [Quantity.latency, .cost, .accuracy].first(where: { $0 != own && $0 != q }) else { continue }
                let base: Double
                switch other {
                case .latency: base = dual?.wLat ?? 0
                case .cost: base = dual?.wCost ?? 0
                case .accuracy: base = dual?.wAcc ?? 0
                }
                func priced(_ w: Double) -> LinearCut? {
                    var cut = pure
                    switch other {
                    case .latency:
                        guard let bound = limits.maxLatency else { return w == 0 ? cut : nil }
                        cut.wLat = w; cut.constant = w * bound
                    case .cost:
                        guard let bound = limits.maxCost else { return w == 0 ? cut : nil }
                        cut.wCost = w; cut.constant = w * bound
                    case .accuracy:
                        guard let bound = accuracyBound, bound.isFinite else { return w == 0 ? cut : nil }
                        cut.wAcc = w; cut.constant = -w * bound
                    }
                    return cut
                }
                // The cut planner's multiplier of the other bound, at ½, 1 and 2 times. (Tuning
                // it to maximise the hull bound at the root was measured slower, not faster.)
                var multipliers: [Double] = [0]
                if priced(1) != nil && base > 0 { multipliers += [0.5 * base, base, 2 * base] }
                for w in multipliers {
                    if let cut = priced(w) { add(cut, q) }
                }
            }
        }
        if let feasibility = installed.first(where: { !$0.isObjective }) {
            for q in [Quantity.latency, .cost, .accuracy] { add(feasibility, q) }
        }
        return result
    }
}
