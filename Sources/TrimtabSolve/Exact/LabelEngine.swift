import TrimtabModel

/// Which quantities take part in dominance: a quantity that is neither the objective nor
/// bounded cannot change which answer is best, so it is left out (smaller Pareto sets).
struct Dimensions: Sendable {
    var latency: Bool
    var cost: Bool
    var accuracy: Bool

    init(latency: Bool, cost: Bool, accuracy: Bool) {
        self.latency = latency
        self.cost = cost
        self.accuracy = accuracy
    }

    init(goal: Goal) {
        latency = goal.objective == .minimizeLatency || goal.bounds.maxLatencyMs != nil
        cost = goal.objective == .minimizeCost || goal.bounds.maxCostPerMillion != nil
        accuracy = goal.objective == .maximizeAccuracy || goal.bounds.minAccuracy != nil
    }
}

/// A partial configuration of a block: its latency (a point, or a distribution when a
/// branch sits under a join), cost per million runs, combined accuracy term, and the
/// (stage, option) pairs that make it.
struct BlockLabel {
    /// The mean latency (the value itself when `distribution` is nil).
    var mean: Double
    var distribution: Distribution?
    var cost: Double
    var accuracy: Double
    var assignment: [Int32]

    var latency: Distribution { distribution ?? Distribution(point: mean) }
}

/// One choice for an item of the linear part of the workflow.
struct ItemOption {
    var latency: Double
    var cost: Double
    var accuracy: Double
    var assignment: [Int32]
}

/// Where a sub-block sits, for admissible bounds: the final expected latency is at least
/// `restLatency + weight × mean(sub-block)`.
struct Context {
    var restLatency: Double
    var weight: Double
    /// Per Lagrangian cut: the least the other top-level items add, plus the least the
    /// stages of this item add through cost and accuracy alone.
    var cutOutside: [Double] = []
}

/// Builds Pareto sets bottom-up over the block tree.
///
/// In the linear part of the tree (series, branch mixtures and loop bodies not under a
/// parallel join) expected latency is a weighted sum, so the workflow flattens into items
/// with scalar options (a multiple-choice knapsack, solved by `KnapsackFold`). Under a
/// parallel join or in a general region the whole latency distribution matters; there the
/// engine keeps distributions and prunes by first-order stochastic dominance, which is
/// exact because every later composition (sum, maximum, mixture, mean) is monotone.
/// Every label is also checked against admissible bounds: the best the rest of the
/// workflow could add must still meet the goal's bounds and be able to beat the incumbent.
struct LabelEngine {
    let model: WorkflowModel
    let dims: Dimensions
    let algebra: AccuracyAlgebra
    let limits: FoldLimits
    /// Stage options after per-stage dominance pruning (option indices).
    let stageOptions: [[Int]]
    let minLatency: [Double]
    let minCost: [Double]
    let bestAccuracy: [Double]
    /// Expected latency with every stage at its fastest option: Σ of all items' minima.
    let totalMinLatency: Double
    /// Lagrangian cuts (thresholds set), and per cut and stage the least value of the
    /// cost and accuracy part alone.
    var cuts: [LinearCut] = []
    var stageCutMinimum: [[Double]] = []
    /// Per cut, the sum over top-level items of their least contribution.
    var cutTotal: [Double] = []
    /// When set, every block keeps at most this many labels: a fast heuristic pass whose
    /// answer seeds the exact pass with an incumbent. Nil for exact work.
    var labelCap: Int? = nil

    init(model: WorkflowModel, dims: Dimensions, limits: FoldLimits) {
        self.model = model
        self.dims = dims
        self.limits = limits
        self.algebra = model.accuracy
        var pruned: [[Int]] = []
        var minLat: [Double] = [], minCost: [Double] = [], bestAcc: [Double] = []
        for s in 0..<model.workflow.stages.count {
            let opts = model.options[s]
            let lat = opts.map(\.latencyMs)
            let cost = opts.map { $0.invocationCost }
            let acc = opts.map { -model.accuracy.term(stage: s, accuracy: $0.accuracy) }
            let kept = ParetoFilter.nondominated(count: opts.count, x: dims.latency ? lat : nil,
                                                 y: dims.cost ? cost : nil, z: dims.accuracy ? acc : nil)
            pruned.append(kept.sorted())
            minLat.append(lat.min() ?? 0)
            minCost.append((cost.min() ?? 0) * model.executions[s] * 1e6)
            bestAcc.append(-(acc.min() ?? 0))
        }
        self.stageOptions = pruned
        self.minLatency = minLat
        self.minCost = minCost
        self.bestAccuracy = bestAcc
        self.totalMinLatency = model.expectedLatency(stageLatencies: minLat)
    }

    /// Top-level items as (block, coefficient), in flattening order.
    func topItems(_ block: Block, coefficient: Double, into out: inout [(Block, Double)]) {
        switch block {
        case .empty: return
        case .stage: out.append((block, coefficient))
        case .series(let children): for c in children { topItems(c, coefficient: coefficient, into: &out) }
        case .mixture(let arms): for a in arms { topItems(a.block, coefficient: coefficient * a.probability, into: &out) }
        case .loop(let body, let p): topItems(body, coefficient: coefficient / (1 - p), into: &out)
        case .parallel, .general: out.append((block, coefficient))
        }
    }

    /// Lower bounds of each item's (latency, cost, accuracy measure) options for the dual.
    func dualItems(_ items: [(Block, Double)]) -> [[(lat: Double, cost: Double, acc: Double)]] {
        items.map { block, coefficient in
            if case .stage(let s) = block {
                return stageOptions[s].map { k in
                    (coefficient * model.options[s][k].latencyMs, stageCost(s, k), CutPlanner.measure(stageAccuracy(s, k), algebra))
                }
            }
            let stages = block.stages
            let cost = stages.reduce(0) { $0 + minCost[$1] }
            let acc = stages.reduce(0.0) { $0 + CutPlanner.measure(bestAccuracy[$1], algebra) }
            return [(coefficient * WorkflowModel.distribution(block, minLatency).mean, cost, acc)]
        }
    }

    /// Installs Lagrangian cuts: per-stage minima and per-cut totals over top-level items.
    mutating func install(cuts: [LinearCut]) {
        self.cuts = cuts
        stageCutMinimum = cuts.map { cut in
            (0..<minCost.count).map { s in
                stageOptions[s].map { k in cut.value(latency: 0, cost: stageCost(s, k), accuracyMeasure: CutPlanner.measure(stageAccuracy(s, k), algebra)) }.min() ?? 0
            }
        }
        var items: [(Block, Double)] = []
        topItems(model.root, coefficient: 1, into: &items)
        cutTotal = cuts.indices.map { c in items.reduce(0) { $0 + itemCutMinimum($1.0, $1.1, c) } }
    }

    /// A lower bound of a top-level item's contribution to cut `c`.
    func itemCutMinimum(_ block: Block, _ coefficient: Double, _ c: Int) -> Double {
        let cut = cuts[c]
        if case .stage(let s) = block {
            return stageOptions[s].map { k in
                cut.value(latency: coefficient * model.options[s][k].latencyMs, cost: stageCost(s, k),
                          accuracyMeasure: CutPlanner.measure(stageAccuracy(s, k), algebra))
            }.min() ?? 0
        }
        let noLatency = block.stages.reduce(0) { $0 + stageCutMinimum[c][$1] }
        return noLatency + cut.wLat * coefficient * WorkflowModel.distribution(block, minLatency).mean
    }

    func stageCost(_ s: Int, _ k: Int) -> Double { model.executions[s] * model.options[s][k].invocationCost * 1e6 }
    func stageAccuracy(_ s: Int, _ k: Int) -> Double { algebra.term(stage: s, accuracy: model.options[s][k].accuracy) }

    /// The least cost and best accuracy term of the stages outside `block`.
    func outside(_ block: Block) -> (cost: Double, accuracy: Double) {
        var inside = Array(repeating: false, count: minCost.count)
        for s in block.stages { inside[s] = true }
        var cost = 0.0, acc = algebra.identity
        for s in 0..<minCost.count where !inside[s] {
            cost += minCost[s]
            acc = algebra.combine(acc, bestAccuracy[s])
        }
        return (cost, acc)
    }

    /// Limits for a fold inside `block` at `context`.
    func innerLimits(_ block: Block, _ context: Context) -> FoldLimits {
        var inner = limits
        let rest = outside(block)
        inner.outsideLatency = context.restLatency
        inner.latencyScale = context.weight
        inner.outsideCost = rest.cost
        inner.outsideAccuracy = rest.accuracy
        inner.beamWidth = labelCap
        inner.cuts = cuts
        inner.cutOutside = cutOutside(block, context)
        return inner
    }

    /// Per cut: what everything outside `block` adds at least.
    func cutOutside(_ block: Block, _ context: Context) -> [Double] {
        guard !cuts.isEmpty else { return [] }
        // Without a known outside no cut can prune safely.
        guard context.cutOutside.count == cuts.count else { return Array(repeating: -.infinity, count: cuts.count) }
        let stages = block.stages
        return cuts.indices.map { c in context.cutOutside[c] - stages.reduce(0) { $0 + stageCutMinimum[c][$1] } }
    }

    // MARK: Linear part

    /// Flattens the linear part of `block` into knapsack items; `coefficient` scales latency.
    /// `context` is nil at the top level (each non-linear item then gets its own).
    func flatten(_ block: Block, coefficient: Double, context: Context?, into items: inout [[ItemOption]]) {
        switch block {
        case .empty: return
        case .stage(let s):
            items.append(stageOptions[s].map { k in
                ItemOption(latency: coefficient * model.options[s][k].latencyMs, cost: stageCost(s, k),
                           accuracy: stageAccuracy(s, k), assignment: [Int32(s), Int32(k)])
            })
        case .series(let children):
            for c in children { flatten(c, coefficient: coefficient, context: context, into: &items) }
        case .mixture(let arms):
            for a in arms { flatten(a.block, coefficient: coefficient * a.probability, context: context, into: &items) }
        case .loop(let body, let p):
            flatten(body, coefficient: coefficient / (1 - p), context: context, into: &items)
        case .parallel, .general:
            let itemContext: Context
            if let context {
                itemContext = Context(restLatency: context.restLatency, weight: context.weight * coefficient,
                                      cutOutside: context.cutOutside)
            } else {
                let own = coefficient * WorkflowModel.distribution(block, minLatency).mean
                let stages = block.stages
                // Outside this item: the other items' minima; inside it: its stages' cost and
                // accuracy minima (their latency is accounted by the label itself).
                let outside = cuts.indices.map { c in
                    cutTotal[c] - itemCutMinimum(block, coefficient, c) + stages.reduce(0) { $0 + stageCutMinimum[c][$1] }
                }
                itemContext = Context(restLatency: totalMinLatency - own, weight: coefficient, cutOutside: outside)
            }
            let labels = blockLabels(block, itemContext, keepDistribution: false)
            let options = labels.map {
                ItemOption(latency: coefficient * $0.mean, cost: $0.cost, accuracy: $0.accuracy, assignment: $0.assignment)
            }
            items.append(pruneItems(options))
        }
    }

    func pruneItems(_ options: [ItemOption]) -> [ItemOption] {
        let kept = ParetoFilter.nondominated(count: options.count,
                                             x: dims.latency ? options.map(\.latency) : nil,
                                             y: dims.cost ? options.map(\.cost) : nil,
                                             z: dims.accuracy ? options.map { -$0.accuracy } : nil)
        return kept.sorted().map { options[$0] }
    }

    // MARK: Non-linear part

    /// Whether a label of a sub-block can still be part of an answer.
    func admissible(mean: Double, cost: Double, accuracy: Double, rest: Rest, _ context: Context) -> Bool {
        let latencyBound = context.restLatency + context.weight * mean
        let costBound = rest.cost + cost
        let accuracyBound = algebra.combine(rest.accuracy, accuracy)
        guard limits.admits(latency: latencyBound, cost: costBound, accuracy: accuracyBound) else { return false }
        if !cuts.isEmpty && rest.cuts.count == cuts.count {
            let m = CutPlanner.measure(accuracy, algebra)
            for c in 0..<cuts.count {
                let v = cuts[c].value(latency: context.weight * mean, cost: cost, accuracyMeasure: m) + rest.cuts[c]
                if cuts[c].prunes(v) { return false }
            }
        }
        return true
    }

    /// What everything outside a block adds at least: cost, accuracy term, and per cut.
    struct Rest {
        var cost: Double
        var accuracy: Double
        var cuts: [Double]
    }

    func rest(_ block: Block, _ context: Context) -> Rest {
        let o = outside(block)
        return Rest(cost: o.cost, accuracy: o.accuracy, cuts: cutOutside(block, context))
    }

    /// The Pareto set of a block's labels.
    /// `keepDistribution`: false when only the mean of the result matters (a join in the
    /// linear part), which makes the last composition cheap.
    func blockLabels(_ block: Block, _ context: Context, keepDistribution: Bool = true) -> [BlockLabel] {
        let labels = exactBlockLabels(block, context, keepDistribution: keepDistribution)
        guard let cap = labelCap, labels.count > cap else { return labels }
        // Heuristic mode: keep an even spread along the front (by mean latency).
        let sorted = labels.sorted { $0.mean != $1.mean ? $0.mean < $1.mean : $0.cost < $1.cost }
        let step = Double(sorted.count - 1) / Double(cap - 1)
        return (0..<cap).map { sorted[Int((Double($0) * step).rounded())] }
    }

    func exactBlockLabels(_ block: Block, _ context: Context, keepDistribution: Bool) -> [BlockLabel] {
        let rest = rest(block, context)
        switch block {
        case .empty:
            return [BlockLabel(mean: 0, distribution: nil, cost: 0, accuracy: algebra.identity, assignment: [])]
        case .stage(let s):
            return stageOptions[s].compactMap { k in
                let mean = dims.latency ? model.options[s][k].latencyMs : 0
                let cost = stageCost(s, k), acc = stageAccuracy(s, k)
                guard admissible(mean: mean, cost: cost, accuracy: acc, rest: rest, context) else { return nil }
                return BlockLabel(mean: mean, distribution: nil, cost: cost, accuracy: acc, assignment: [Int32(s), Int32(k)])
            }
        case .loop(let body, let p):
            var items: [[ItemOption]] = []
            flatten(body, coefficient: 1 / (1 - p), context: context, into: &items)
            let fold = KnapsackFold(items: items, dims: dims, algebra: algebra, limits: innerLimits(block, context))
            return fold.run().map {
                BlockLabel(mean: dims.latency ? $0.latency : 0, distribution: nil, cost: $0.cost,
                           accuracy: $0.accuracy, assignment: $0.assignment)
            }
        case .series(let children):
            if block.isDeterministic {
                // A chain of fixed-latency parts under a join is a knapsack of its own: fold it
                // with bounds instead of pairing whole Pareto sets.
                var items: [[ItemOption]] = []
                for c in children { flatten(c, coefficient: 1, context: context, into: &items) }
                let fold = KnapsackFold(items: items, dims: dims, algebra: algebra, limits: innerLimits(block, context))
                return fold.run().map {
                    BlockLabel(mean: dims.latency ? $0.latency : 0, distribution: nil, cost: $0.cost,
                               accuracy: $0.accuracy, assignment: $0.assignment)
                }
            }
            let sets = children.map { blockLabels($0, context) }
            return compose(sets, rest, context, .sum, keepDistribution)
        case .parallel(let children):
            let sets = children.map { blockLabels($0, context) }
            return compose(sets, rest, context, .max, keepDistribution)
        case .mixture(let arms):
            var acc = blockLabels(arms[0].block, Context(restLatency: context.restLatency, weight: context.weight * arms[0].probability, cutOutside: context.cutOutside))
            var weight = arms[0].probability
            for arm in arms.dropFirst() {
                let next = blockLabels(arm.block, Context(restLatency: context.restLatency, weight: context.weight * arm.probability, cutOutside: context.cutOutside))
                let last = arm.block.stages == arms[arms.count - 1].block.stages
                acc = combine(acc, next, rest, context, .mixture(weight / (weight + arm.probability)), keepDistribution || !last)
                weight += arm.probability
            }
            return acc
        case .general(let region):
            let perEdge = region.edges.map { blockLabels($0.block, Context(restLatency: context.restLatency, weight: 0, cutOutside: context.cutOutside)) }
            var result: [BlockLabel] = []
            var pick = Array(repeating: 0, count: perEdge.count)
            func visit(_ e: Int) {
                if e == perEdge.count {
                    var cost = 0.0, accuracy = algebra.identity
                    var assignment: [Int32] = []
                    var dists: [Distribution] = []
                    for (i, k) in pick.enumerated() {
                        let l = perEdge[i][k]
                        cost += l.cost
                        accuracy = algebra.combine(accuracy, l.accuracy)
                        assignment += l.assignment
                        dists.append(l.latency)
                    }
                    let latency = dims.latency ? WorkflowModel.regionDistribution(region, dists) : Distribution(point: 0)
                    guard admissible(mean: latency.mean, cost: cost, accuracy: accuracy, rest: rest, context) else { return }
                    result.append(BlockLabel(mean: latency.mean, distribution: latency.isPoint ? nil : latency,
                                             cost: cost, accuracy: accuracy, assignment: assignment))
                    if result.count > 4096 { result = prune(result) }
                    return
                }
                for k in 0..<perEdge[e].count {
                    pick[e] = k
                    visit(e + 1)
                }
            }
            visit(0)
            return prune(result)
        }
    }

    enum Composition { case sum, max, mixture(Double) }

    func compose(_ sets: [[BlockLabel]], _ rest: Rest, _ context: Context,
                 _ op: Composition, _ keepDistribution: Bool) -> [BlockLabel] {
        var acc = sets[0]
        for (i, next) in sets.enumerated().dropFirst() {
            acc = combine(acc, next, rest, context, op, keepDistribution || i < sets.count - 1)
        }
        return acc
    }

    /// All admissible pairs of labels, composed, then pruned; assignments are built only
    /// for the survivors.
    func combine(_ a: [BlockLabel], _ b: [BlockLabel], _ rest: Rest, _ context: Context,
                 _ op: Composition, _ keepDistribution: Bool) -> [BlockLabel] {
        if case .max = op, dims.latency, a.allSatisfy({ $0.distribution == nil }), b.allSatisfy({ $0.distribution == nil }) {
            return combineMaximumOfPoints(a, b, rest, context)
        }
        var out: [BlockLabel] = []
        var parents: [(Int32, Int32)] = []
        func flush() {
            let kept = pruneIndices(out)
            var nextOut: [BlockLabel] = []
            var nextParents: [(Int32, Int32)] = []
            nextOut.reserveCapacity(kept.count)
            for i in kept { nextOut.append(out[i]); nextParents.append(parents[i]) }
            out = nextOut
            parents = nextParents
        }
        // Plain arrays in the hot loop: touching the labels themselves retains their storage.
        let aMean = a.map(\.mean), aCost = a.map(\.cost), aAcc = a.map(\.accuracy), aPoint = a.map { $0.distribution == nil }
        let bMean = b.map(\.mean), bCost = b.map(\.cost), bAcc = b.map(\.accuracy), bPoint = b.map { $0.distribution == nil }
        for ia in 0..<a.count {
            if limits.deadline?.check() == true { break }
            for ib in 0..<b.count {
                let cost = aCost[ia] + bCost[ib]
                let accuracy = algebra.combine(aAcc[ia], bAcc[ib])
                let bothPoints = aPoint[ia] && bPoint[ib]
                var mean = 0.0
                var distribution: Distribution? = nil
                if dims.latency {
                    switch op {
                    case .sum: mean = aMean[ia] + bMean[ib]
                    case .max: mean = Swift.max(aMean[ia], bMean[ib])
                    case .mixture(let w): mean = w * aMean[ia] + (1 - w) * bMean[ib]
                    }
                    // For a join the point maximum is a lower bound of E[max]: test it first.
                    guard admissible(mean: mean, cost: cost, accuracy: accuracy, rest: rest, context) else { continue }
                    if !bothPoints || (keepDistribution && !(aMean[ia] == bMean[ib])) {
                        let x = a[ia], y = b[ib]
                        if !keepDistribution {
                            if case .max = op {
                                if let dx = x.distribution, let dy = y.distribution { mean = Distribution.meanOfMaximum(dx, dy) }
                                else if let dy = y.distribution { mean = dy.meanOfMaximum(withPoint: x.mean) }
                                else if let dx = x.distribution { mean = dx.meanOfMaximum(withPoint: y.mean) }
                            }
                        } else if !bothPoints || { if case .mixture = op { return true } else { return false } }() {
                            let d: Distribution
                            switch op {
                            case .sum: d = x.latency.plus(y.latency)
                            case .max: d = x.latency.maximum(y.latency)
                            case .mixture(let w): d = Distribution.mixture([(x.latency, w), (y.latency, 1 - w)])
                            }
                            mean = d.mean
                            distribution = d.isPoint ? nil : d
                        }
                    }
                }
                guard admissible(mean: mean, cost: cost, accuracy: accuracy, rest: rest, context) else { continue }
                out.append(BlockLabel(mean: mean, distribution: distribution, cost: cost, accuracy: accuracy, assignment: []))
                parents.append((Int32(ia), Int32(ib)))
            }
            if out.count > 1 << 19 { flush() }
        }
        flush()
        for i in out.indices {
            out[i].assignment = a[Int(parents[i].0)].assignment + b[Int(parents[i].1)].assignment
        }
        return out
    }

    func prune(_ labels: [BlockLabel]) -> [BlockLabel] { pruneIndices(labels).map { labels[$0] } }

    /// The join of two sets of fixed-latency labels. When `a` is the slower side, its partner
    /// need only be one of the (cost, accuracy)-Pareto labels of `b` that are no slower, so
    /// each label pairs with a small front instead of the whole other set.
    /// - Complexity: O((|a| + |b|) · f) for fronts of size f, instead of O(|a| · |b|).
    func combineMaximumOfPoints(_ a: [BlockLabel], _ b: [BlockLabel], _ rest: Rest,
                                _ context: Context) -> [BlockLabel] {
        var out: [BlockLabel] = []
        var parents: [(Int32, Int32)] = []
        func sweep(_ slow: [BlockLabel], _ fast: [BlockLabel], slowIsA: Bool) {
            let slowOrder = slow.indices.sorted { slow[$0].mean < slow[$1].mean }
            let fastOrder = fast.indices.sorted { fast[$0].mean < fast[$1].mean }
            var front: [Int] = []  // indices into fast, cost ascending, accuracy ascending
            var next = 0
            for i in slowOrder {
                if limits.deadline?.check() == true { break }
                let x = slow[i]
                while next < fastOrder.count && fast[fastOrder[next]].mean <= x.mean {
                    insert(fastOrder[next], into: &front, fast)
                    next += 1
                }
                for j in front {
                    let y = fast[j]
                    let cost = x.cost + y.cost
                    let accuracy = algebra.combine(x.accuracy, y.accuracy)
                    guard admissible(mean: x.mean, cost: cost, accuracy: accuracy, rest: rest, context) else { continue }
                    out.append(BlockLabel(mean: x.mean, distribution: nil, cost: cost, accuracy: accuracy, assignment: []))
                    parents.append(slowIsA ? (Int32(i), Int32(j)) : (Int32(j), Int32(i)))
                }
            }
        }
        sweep(a, b, slowIsA: true)
        sweep(b, a, slowIsA: false)
        let kept = pruneIndices(out)
        return kept.map { i in
            var l = out[i]
            l.assignment = a[Int(parents[i].0)].assignment + b[Int(parents[i].1)].assignment
            return l
        }
    }

    /// Inserts label `j` into a (cost ↓, accuracy ↑) front kept sorted by cost.
    func insert(_ j: Int, into front: inout [Int], _ labels: [BlockLabel]) {
        let y = labels[j]
        let costMatters = dims.cost, accuracyMatters = dims.accuracy
        for k in front {
            let z = labels[k]
            if (!costMatters || z.cost <= y.cost) && (!accuracyMatters || z.accuracy >= y.accuracy) { return }
        }
        front.removeAll { k in
            let z = labels[k]
            return (!costMatters || y.cost <= z.cost) && (!accuracyMatters || y.accuracy >= z.accuracy)
        }
        let position = front.firstIndex { labels[$0].cost > y.cost } ?? front.count
        front.insert(j, at: position)
    }

    /// Removes dominated labels: latency by stochastic dominance, cost, accuracy.
    func pruneIndices(_ labels: [BlockLabel]) -> [Int] {
        if labels.allSatisfy({ $0.distribution == nil }) {
            let kept = ParetoFilter.nondominated(count: labels.count,
                                                 x: dims.latency ? labels.map(\.mean) : nil,
                                                 y: dims.cost ? labels.map(\.cost) : nil,
                                                 z: dims.accuracy ? labels.map { -$0.accuracy } : nil)
            return kept.sorted()
        }
        // A dominating label never has a larger mean, so sorting by mean lets each label be
        // checked against the kept ones only; scalar tests first, the distribution last.
        let order = labels.indices.sorted {
            labels[$0].mean != labels[$1].mean ? labels[$0].mean < labels[$1].mean : labels[$0].cost < labels[$1].cost
        }
        var kept: [Int] = []
        for i in order {
            let candidate = labels[i]
            let dominated = kept.contains { j in
                let k = labels[j]
                return (!dims.cost || k.cost <= candidate.cost)
                    && (!dims.accuracy || k.accuracy >= candidate.accuracy)
                    && (!dims.latency || (k.mean <= candidate.mean && k.latency.isStochasticallyAtMost(candidate.latency)))
            }
            if !dominated { kept.append(i) }
        }
        return kept
    }
}
