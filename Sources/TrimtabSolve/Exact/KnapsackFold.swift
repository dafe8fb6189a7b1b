import TrimtabModel

/// Bounds and incumbent used to prune partial labels during a fold.
struct FoldLimits {
    var maxLatency: Double?
    var maxCost: Double?
    /// Lower bound on the combined accuracy term (see `AccuracyAlgebra.unfinish`).
    var minAccuracyTerm: Double?
    var objective: Goal.Objective?
    /// Best objective value known (cost per million, latency ms, or −accuracy term).
    var incumbent: Double?
    /// Keep at most this many labels per step (a heuristic; the result is then not exact).
    var beamWidth: Int?
    /// For a fold inside a block: what the rest of the workflow adds at best. The final
    /// latency is at least `outsideLatency + latencyScale × (partial + rest of the fold)`.
    var outsideLatency: Double = 0
    var latencyScale: Double = 1
    var outsideCost: Double = 0
    var outsideAccuracy: Double? = nil
    /// Lagrangian cuts, and what the rest of the workflow adds to each at least.
    var cuts: [LinearCut] = []
    var cutOutside: [Double] = []
    /// Stop early (the result is then incomplete) once this has passed.
    var deadline: Deadline? = nil

    /// Whether lower bounds on the final latency and cost and an upper bound on the final
    /// accuracy term (here already including the outside) can still meet the goal.
    func admits(latency: Double, cost: Double, accuracy: Double) -> Bool {
        if let m = maxLatency, !KnapsackFold.within(latency, m) { return false }
        if let m = maxCost, !KnapsackFold.within(cost, m) { return false }
        if let m = minAccuracyTerm, !KnapsackFold.within(-accuracy, -m) { return false }
        if let objective, let best = incumbent {
            let bound: Double
            switch objective {
            case .minimizeCost: bound = cost
            case .minimizeLatency: bound = latency
            case .maximizeAccuracy: bound = -accuracy
            }
            if bound > best + 1e-12 * max(1, abs(best)) { return false }
        }
        return true
    }
}

/// A complete label of a fold: the same fields as an item option.
typealias FoldResult = ItemOption

/// Dynamic programming over knapsack items (one option each) with dominance pruning
/// and admissible bounds: a partial label is dropped when even the best completion of the
/// remaining items would break a bound or could not beat the incumbent.
struct KnapsackFold {
    let items: [[ItemOption]]
    let dims: Dimensions
    let algebra: AccuracyAlgebra
    let limits: FoldLimits

    /// Largest number of labels alive after any step (a measure of the work done).
    final class Stats { var peakLabels = 0; var totalLabels = 0 }
    let stats = Stats()

    static func within(_ value: Double, _ limit: Double) -> Bool {
        value <= limit + Bounds.tolerance * max(1, abs(limit))
    }

    func run() -> [FoldResult] {
        // Items whose options differ most go first: bounds are tight by the time the
        // many small decisions are taken.
        let order = items.indices.sorted { items[$0].count != items[$1].count ? items[$0].count > items[$1].count : spread(items[$0]) > spread(items[$1]) }
        let sorted = order.map { items[$0] }
        let n = sorted.count
        var sufLat = Array(repeating: 0.0, count: n + 1)
        var sufCost = Array(repeating: 0.0, count: n + 1)
        var sufAcc = Array(repeating: algebra.identity, count: n + 1)
        for k in stride(from: n - 1, through: 0, by: -1) {
            sufLat[k] = sufLat[k + 1] + (sorted[k].map(\.latency).min() ?? 0)
            sufCost[k] = sufCost[k + 1] + (sorted[k].map(\.cost).min() ?? 0)
            sufAcc[k] = algebra.combine(sufAcc[k + 1], sorted[k].map(\.accuracy).max() ?? algebra.identity)
        }

        // Per cut: each remaining item's least contribution, summed from the end.
        let scale = limits.latencyScale
        let cuts = limits.cuts
        var sufCut = Array(repeating: Array(repeating: 0.0, count: n + 1), count: cuts.count)
        for (ci, cut) in cuts.enumerated() {
            for k in stride(from: n - 1, through: 0, by: -1) {
                var best = Double.infinity
                for o in sorted[k] {
                    let v = cut.value(latency: scale * o.latency, cost: o.cost, accuracyMeasure: CutPlanner.measure(o.accuracy, algebra))
                    if v < best { best = v }
                }
                sufCut[ci][k] = sufCut[ci][k + 1] + best
            }
        }
        let cutOutside = limits.cutOutside.count == cuts.count ? limits.cutOutside : Array(repeating: 0, count: cuts.count)

        var lat: [Double] = [0], cost: [Double] = [0], acc: [Double] = [algebra.identity]
        var trace: [Int32] = [-1]
        var tracePrev: [Int32] = []
        var traceOption: [Int32] = []

        for k in 0..<n {
            let options = sorted[k]
            var cLat: [Double] = [], cCost: [Double] = [], cAcc: [Double] = []
            var cParent: [Int32] = [], cOption: [Int32] = []
            let capacity = lat.count * options.count
            cLat.reserveCapacity(capacity); cCost.reserveCapacity(capacity); cAcc.reserveCapacity(capacity)
            cParent.reserveCapacity(capacity); cOption.reserveCapacity(capacity)
            let restLat = sufLat[k + 1], restCost = sufCost[k + 1], restAcc = sufAcc[k + 1]
            for i in 0..<lat.count {
                if limits.deadline?.check() == true { return [] }
                for (j, o) in options.enumerated() {
                    let l = lat[i] + o.latency
                    let c = cost[i] + o.cost
                    let a = algebra.combine(acc[i], o.accuracy)
                    var accBound = algebra.combine(a, restAcc)
                    if let outside = limits.outsideAccuracy { accBound = algebra.combine(accBound, outside) }
                    guard limits.admits(latency: limits.outsideLatency + limits.latencyScale * (l + restLat),
                                        cost: limits.outsideCost + c + restCost, accuracy: accBound) else { continue }
                    if !cuts.isEmpty {
                        let m = CutPlanner.measure(a, algebra)
                        var pruned = false
                        for ci in 0..<cuts.count {
                            let v = cuts[ci].value(latency: scale * l, cost: c, accuracyMeasure: m) + sufCut[ci][k + 1] + cutOutside[ci]
                            if cuts[ci].prunes(v) { pruned = true; break }
                        }
                        if pruned { continue }
                    }
                    cLat.append(l); cCost.append(c); cAcc.append(a)
                    cParent.append(Int32(i)); cOption.append(Int32(j))
                }
            }
            var kept = ParetoFilter.nondominated(count: cLat.count, x: dims.latency ? cLat : nil,
                                                 y: dims.cost ? cCost : nil, z: dims.accuracy ? cAcc.map { -$0 } : nil)
            if let beam = limits.beamWidth, kept.count > beam {
                kept.sort { cLat[$0] != cLat[$1] ? cLat[$0] < cLat[$1] : cCost[$0] < cCost[$1] }
                let step = Double(kept.count - 1) / Double(beam - 1)
                kept = (0..<beam).map { kept[Int((Double($0) * step).rounded())] }
            }
            var nLat: [Double] = [], nCost: [Double] = [], nAcc: [Double] = [], nTrace: [Int32] = []
            nLat.reserveCapacity(kept.count); nCost.reserveCapacity(kept.count)
            nAcc.reserveCapacity(kept.count); nTrace.reserveCapacity(kept.count)
            for idx in kept {
                tracePrev.append(trace[Int(cParent[idx])])
                traceOption.append(cOption[idx])
                nTrace.append(Int32(tracePrev.count - 1))
                nLat.append(cLat[idx]); nCost.append(cCost[idx]); nAcc.append(cAcc[idx])
            }
            lat = nLat; cost = nCost; acc = nAcc; trace = nTrace
            stats.peakLabels = max(stats.peakLabels, lat.count)
            stats.totalLabels += lat.count
            if lat.isEmpty { return [] }
        }

        var results: [FoldResult] = []
        results.reserveCapacity(lat.count)
        for i in 0..<lat.count {
            var assignment: [Int32] = []
            var node = trace[i]
            var k = n - 1
            while node >= 0 && k >= 0 {
                assignment += sorted[k][Int(traceOption[Int(node)])].assignment
                node = tracePrev[Int(node)]
                k -= 1
            }
            results.append(FoldResult(latency: lat[i], cost: cost[i], accuracy: acc[i], assignment: assignment))
        }
        return results
    }

    func spread(_ options: [ItemOption]) -> Double {
        let values: [Double]
        if dims.latency { values = options.map(\.latency) } else if dims.cost { values = options.map(\.cost) } else { values = options.map(\.accuracy) }
        guard let lo = values.min(), let hi = values.max() else { return 0 }
        return hi - lo
    }
}
