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
    /// Stop early (the result is then incomplete, `Stats.overBudget`) once more labels than
    /// this have been kept in all.
    var labelBudget: Int? = nil
    /// Products of at least this many pairs go through `ParetoProduct` (tests set 1 to run
    /// every product through it), except in folds of chains, which pair everything (see `run`).
    var productThreshold = 4096
    /// A fold of a chain's items under two bounds builds a `TwoBoundTable` once this many
    /// labels are alive after a step (smaller folds never pay for it; tests set 1).
    var tableLabels = 1024

    /// Whether lower bounds on the final latency and cost and an upper bound on the final
    /// accuracy term (here already including the outside) can still meet the goal.
    func admits(latency: Double, cost: Double, accuracy: Double) -> Bool {
        admits(latency: latency) && admits(cost: cost) && admits(accuracy: accuracy)
    }

    /// The part of `admits` that depends on latency alone (its bound, and the incumbent when
    /// latency is the objective): nondecreasing in `latency` — once false, false for any
    /// larger latency.
    func admits(latency: Double) -> Bool {
        if let m = maxLatency, !KnapsackFold.within(latency, m) { return false }
        return objective != .minimizeLatency || beatsIncumbent(latency)
    }

    /// The part that depends on cost alone: once false, false for any larger cost.
    func admits(cost: Double) -> Bool {
        if let m = maxCost, !KnapsackFold.within(cost, m) { return false }
        return objective != .minimizeCost || beatsIncumbent(cost)
    }

    /// The part that depends on the accuracy term alone: once false, false for any smaller term.
    func admits(accuracy: Double) -> Bool {
        if let m = minAccuracyTerm, !Bounds.meets(accuracy: accuracy, floor: m) { return false }
        return objective != .maximizeAccuracy || beatsIncumbent(-accuracy)
    }

    /// Whether an objective bound (cost, latency or −accuracy term) can still beat the
    /// incumbent. The incumbent is a configuration already found: a label that cannot beat it
    /// by more than `LinearCut.improvement` (relative; accuracy relative to the product, which
    /// is tiny for many stages) is not needed, ties included.
    private func beatsIncumbent(_ bound: Double) -> Bool {
        guard let objective, let best = incumbent else { return true }
        let scale = objective == .maximizeAccuracy ? abs(best) : max(1, abs(best))
        return !(bound >= best - LinearCut.improvement * scale)
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
    final class Stats { var peakLabels = 0; var totalLabels = 0; var overBudget = false }
    let stats = Stats()

    static func within(_ value: Double, _ limit: Double) -> Bool {
        value <= limit + Bounds.tolerance * max(1, abs(limit))
    }

    func run() -> [FoldResult] {
        // An item without options (all fixed away): no configuration completes.
        guard !items.contains(where: \.isEmpty) else { return [] }
        // Only for a whole workflow: inner folds see the rest of the workflow through minima.
        let whole = limits.outsideLatency == 0 && limits.latencyScale == 1 && limits.outsideCost == 0
            && limits.outsideAccuracy == nil && limits.cutOutside.allSatisfy { $0 == 0 }
        let planned = whole ? ResourceRelaxation.planCuts(limits: limits, cuts: limits.cuts, items: items, algebra: algebra) : []
        let spreads = items.map(spread)
        // Items of single stages (chains) with an objective relaxation: the most decided first,
        // the core last (measured on 60- and 200-stage chains: faster than the core first, and
        // than the widest spread first except on the tightest two-bound goals). Items holding
        // joined blocks (measured: slower in that order on two-bound fan-outs), or no
        // relaxation: the items whose options differ most (in latency when it counts) first.
        // (Measured before: ordering by option count first was up to 3× slower on latency goals.)
        let stagesOnly = items.allSatisfy { $0.allSatisfy { $0.assignment.count <= 2 } }
        let order = (stagesOnly ? ResourceRelaxation.coreOrder(planned, items: items, limits: limits, algebra: algebra) : nil)
            ?? items.indices.sorted { spreads[$0] != spreads[$1] ? spreads[$0] > spreads[$1] : items[$0].count > items[$1].count }
        let sorted = order.map { items[$0] }
        // A whole workflow's single stages: a chain, the only fold that builds a two-bound table
        // and pairs every label with every option. Its items have few options and most pairs
        // survive to the front, so `ParetoProduct`'s tree and queue cost more than they skip
        // (measured on two-bound chains, 60–1,000 stages: the hardest 20–40 % faster, the rest
        // as before). Folds over joined blocks keep the tree: there it was faster (a 60-stage
        // nested fan-out: 0.36 s against 0.47 s without it).
        let chain = whole && stagesOnly
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
        let relaxations = ResourceRelaxation.build(planned, limits: limits, items: sorted, algebra: algebra, tabulating: dims.all)
        // (On items of a million options the set-up alone takes a good part of a second.)
        if limits.deadline?.checkNow() == true { return [] }

        // Under two bounds, once labels multiply: both bounds exact over the last items.
        var table: TwoBoundTable? = nil
        var tableTried = !chain || limits.beamWidth != nil

        var lat: [Double] = [0], cost: [Double] = [0], acc: [Double] = [algebra.identity]
        var trace: [Int32] = [-1]
        var tracePrev: [Int32] = []
        var traceOption: [Int32] = []

        for k in 0..<n {
            let options = sorted[k]
            var cLat: [Double] = [], cCost: [Double] = [], cAcc: [Double] = []
            var cParent: [Int32] = [], cOption: [Int32] = []
            var kept: [Int]
            let restLat = sufLat[k + 1], restCost = sufCost[k + 1], restAcc = sufAcc[k + 1]
            let step = FoldStepAlgebra(
                left: PairKeys(latency: lat, cost: cost, accuracy: acc),
                right: PairKeys(latency: options.map(\.latency), cost: options.map(\.cost), accuracy: options.map(\.accuracy)),
                accuracyAlgebra: algebra, limits: limits, restLatency: restLat, restCost: restCost, restAccuracy: restAcc,
                cuts: cuts, cutRest: cuts.indices.map { sufCut[$0][k + 1] + cutOutside[$0] },
                relaxations: relaxations, table: table, suffix: k + 1)
            if !chain && lat.count * options.count >= limits.productThreshold {
                // Large steps: walk a tree of pairs, skipping dominated and hopeless regions.
                guard let pairs = ParetoProduct.run(step, dims: dims, deadline: limits.deadline) else { return [] }
                cLat = pairs.map(\.latency); cCost = pairs.map(\.cost); cAcc = pairs.map(\.accuracy)
                cParent = pairs.map(\.left); cOption = pairs.map(\.right)
                kept = Array(pairs.indices)
            } else {
                // (Not the whole product: on long chains most pairs are pruned, and reserving
                // all of them would hold hundreds of megabytes for nothing.)
                let capacity = min(lat.count * options.count, 4 * lat.count + 1024)
                cLat.reserveCapacity(capacity); cCost.reserveCapacity(capacity); cAcc.reserveCapacity(capacity)
                cParent.reserveCapacity(capacity); cOption.reserveCapacity(capacity)
                for i in 0..<lat.count {
                    if limits.deadline?.check() == true { return [] }
                    for (j, o) in options.enumerated() {
                        let l = lat[i] + o.latency
                        let c = cost[i] + o.cost
                        let a = algebra.combine(acc[i], o.accuracy)
                        guard step.admits(latency: l, cost: c, accuracy: a) else { continue }
                        cLat.append(l); cCost.append(c); cAcc.append(a)
                        cParent.append(Int32(i)); cOption.append(Int32(j))
                    }
                }
                kept = ParetoFilter.nondominated(count: cLat.count, x: dims.latency ? cLat : nil,
                                                 y: dims.cost ? cCost : nil, z: dims.accuracy ? cAcc.map { -$0 } : nil)
            }
            if let beam = limits.beamWidth, kept.count > beam {
                kept = beamSelection(kept, beam: beam, lat: cLat, cost: cCost, acc: cAcc,
                                     relaxations: relaxations.filter(\.cut.isObjective), suffix: k + 1)
            }
            if !tableTried, kept.count >= limits.tableLabels {
                tableTried = true
                table = ResourceRelaxation.objectiveCut(limits: limits, algebra: algebra).flatMap {
                    TwoBoundTable(objectiveCut: $0, items: sorted, limits: limits, algebra: algebra, from: k + 1)
                }
                if let table {
                    kept = kept.filter { i in
                        !table.prunes(latency: cLat[i], cost: cCost[i], measure: CutPlanner.measure(cAcc[i], algebra), suffix: k + 1)
                    }
                }
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
            if let budget = limits.labelBudget, stats.totalLabels > budget {
                stats.overBudget = true
                return []
            }
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

    /// The labels a beam keeps: half with the best lower bounds of the objective (from the
    /// relaxations), the rest spread evenly along latency for diversity.
    func beamSelection(_ kept: [Int], beam: Int, lat: [Double], cost: [Double], acc: [Double],
                       relaxations: [ResourceRelaxation], suffix: Int) -> [Int] {
        var chosen: [Int] = []
        var taken = Set<Int>()
        if !relaxations.isEmpty {
            let bounds = kept.map { i -> Double in
                let m = CutPlanner.measure(acc[i], algebra)
                return relaxations.map { $0.bound(latency: lat[i], cost: cost[i], measure: m, suffix: suffix) }.max() ?? 0
            }
            let ranked = kept.indices.sorted { bounds[$0] < bounds[$1] }
            for r in ranked.prefix(beam / 2) where bounds[r].isFinite {
                chosen.append(kept[r])
                taken.insert(kept[r])
            }
        }
        let rest = kept.filter { !taken.contains($0) }.sorted { lat[$0] != lat[$1] ? lat[$0] < lat[$1] : cost[$0] < cost[$1] }
        let room = beam - chosen.count
        guard room > 0, !rest.isEmpty else { return chosen }
        if rest.count <= room { return chosen + rest }
        let step = Double(rest.count - 1) / Double(max(room - 1, 1))
        var seen = Set<Int>()
        for t in 0..<room {
            let i = rest[Int((Double(t) * step).rounded())]
            if seen.insert(i).inserted { chosen.append(i) }
        }
        return chosen
    }

    func spread(_ options: [ItemOption]) -> Double {
        let values: [Double]
        if dims.latency { values = options.map(\.latency) } else if dims.cost { values = options.map(\.cost) } else { values = options.map(\.accuracy) }
        guard let lo = values.min(), let hi = values.max() else { return 0 }
        return hi - lo
    }
}

/// One step of a fold as a product of the labels so far and an item's options: latency and
/// cost add, accuracy combines; a pair is admissible when the best completion by the
/// remaining items can still meet the bounds, beat the incumbent and pass every cut.
struct FoldStepAlgebra: PairAlgebra {
    let left: PairKeys
    let right: PairKeys
    let accuracyAlgebra: AccuracyAlgebra
    let limits: FoldLimits
    let restLatency: Double
    let restCost: Double
    let restAccuracy: Double
    let cuts: [LinearCut]
    /// Per cut: the least the remaining items and the outside add.
    let cutRest: [Double]
    let relaxations: [ResourceRelaxation]
    let table: TwoBoundTable?
    /// The first item not yet chosen.
    let suffix: Int

    @inline(__always) func latencyBound(_ left: Double, _ right: Double) -> Double { left + right }
    @inline(__always) func accuracy(_ left: Double, _ right: Double) -> Double { accuracyAlgebra.combine(left, right) }
    @inline(__always) func latency(_ i: Int, _ j: Int) -> Double { left.latency[i] + right.latency[j] }

    @inline(__always) func admits(latency l: Double, cost c: Double, accuracy a: Double) -> Bool {
        var accuracyBound = accuracyAlgebra.combine(a, restAccuracy)
        if let outside = limits.outsideAccuracy { accuracyBound = accuracyAlgebra.combine(accuracyBound, outside) }
        guard limits.admits(latency: limits.outsideLatency + limits.latencyScale * (l + restLatency),
                            cost: limits.outsideCost + c + restCost, accuracy: accuracyBound) else { return false }
        if !cuts.isEmpty || !relaxations.isEmpty || table != nil {
            let m = CutPlanner.measure(a, accuracyAlgebra)
            for ci in 0..<cuts.count {
                let v = cuts[ci].value(latency: limits.latencyScale * l, cost: c, accuracyMeasure: m) + cutRest[ci]
                if cuts[ci].prunes(v) { return false }
            }
            for r in relaxations where r.prunes(latency: l, cost: c, accuracy: a, measure: m, suffix: suffix) { return false }
            if let table, table.prunes(latency: l, cost: c, measure: m, suffix: suffix) { return false }
        }
        return true
    }
}
