import TrimtabModel

/// Which quantities take part in dominance: a quantity that is neither the objective nor
/// bounded cannot change which answer is best, so it is left out (smaller Pareto sets).
struct Dimensions: Sendable {
    var latency: Bool
    var cost: Bool
    var accuracy: Bool

    /// Every quantity: the goal bounds both quantities besides its objective.
    var all: Bool { latency && cost && accuracy }

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
    /// Bounds over the other top-level items that keep one bounded quantity exact.
    var relaxations: [ResourceRelaxation] = []
    /// The stages of the top-level item this block belongs to.
    var itemStages: [Int] = []

    /// The same place with the block's latency weighted by `weight` instead.
    func weighted(_ weight: Double) -> Context {
        var c = self
        c.weight = weight
        return c
    }
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
    private(set) var limits: FoldLimits
    /// Stage options after per-stage dominance pruning (option indices).
    let stageOptions: [[Int]]
    let minLatency: [Double]
    let minCost: [Double]
    let bestAccuracy: [Double]
    /// Expected latency with every stage at its fastest option: Σ of all items' minima.
    let totalMinLatency: Double
    /// Per stage and option: its cost per million runs, accuracy term and that term's
    /// measure (computed once: the cuts' minima read them for every cut and option).
    private let optionCost: [[Double]]
    private let optionAccuracy: [[Double]]
    private let optionMeasure: [[Double]]
    /// Lagrangian cuts (thresholds set), and per cut and stage the least value of the
    /// cost and accuracy part alone.
    var cuts: [LinearCut] = []
    var stageCutMinimum: [[Double]] = []
    /// Per cut, the sum over top-level items of their least contribution.
    var cutTotal: [Double] = []
    /// The top-level items (block, latency coefficient), in flattening order.
    var topLevel: [(Block, Double)] = []
    /// When set, every block keeps at most this many labels: a fast heuristic pass whose
    /// answer seeds the exact pass with an incumbent. Nil for exact work.
    var labelCap: Int? = nil
    /// When set, latencies compose by their means only (a join's latency is the largest
    /// mean, not the mean of the largest): every label's latency is then a lower bound of the
    /// true one (Jensen: the compositions are convex), so the fold's optimum is a lower bound
    /// of the true optimum, found with point labels only.
    var meanOnly = false
    /// Options of each top-level item from a `meanOnly` pass (lower bounds of the true ones),
    /// used instead of a block's ideal corner when bounding the rest of the workflow.
    var relaxedTopItems: [[ItemOption]]? = nil

    init(model: WorkflowModel, dims: Dimensions, limits: FoldLimits) {
        self.model = model
        self.dims = dims
        self.limits = limits
        self.algebra = model.accuracy
        let terms = model.options.indices.map { s in model.options[s].map { model.accuracy.term(stage: s, accuracy: $0.accuracy) } }
        var pruned: [[Int]] = []
        var minLat: [Double] = [], minCost: [Double] = [], bestAcc: [Double] = []
        for s in 0..<model.workflow.stages.count {
            let opts = model.options[s]
            let lat = opts.map(\.latencyMs)
            let cost = opts.map { $0.invocationCost }
            let acc = terms[s].map { -$0 }
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
        optionCost = model.options.indices.map { s in model.options[s].map { model.executions[s] * $0.invocationCost * 1e6 } }
        optionAccuracy = terms
        optionMeasure = terms.map { stage in stage.map { CutPlanner.measure($0, model.accuracy) } }
    }

    /// The engine for new limits (a better incumbent, say), without cuts, cap or relaxed
    /// items: the stage tables depend on the model and the dimensions only, so they are kept
    /// (rebuilding them took a sixth of a one-bound 1,000-stage chain's solve).
    func renewed(limits: FoldLimits) -> LabelEngine {
        var engine = self
        engine.limits = limits
        engine.cuts = []
        engine.stageCutMinimum = []
        engine.cutTotal = []
        engine.topLevel = []
        engine.labelCap = nil
        engine.meanOnly = false
        engine.relaxedTopItems = nil
        return engine
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
                    (coefficient * model.options[s][k].latencyMs, stageCost(s, k), optionMeasure[s][k])
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
                leastCutValue(cut, stage: s, latencyWeight: 0)
            }
        }
        var items: [(Block, Double)] = []
        topItems(model.root, coefficient: 1, into: &items)
        cutTotal = cuts.indices.map { c in items.reduce(0) { $0 + itemCutMinimum($1.0, $1.1, c) } }
        topLevel = items
    }

    /// The top-level items other than the one holding `stage`, as knapsack items for a
    /// `ResourceRelaxation`: stages with their options; blocks with their `relaxedTopItems`
    /// options when known, else as one ideal option (least latency and cost, best accuracy
    /// of their stages).
    func otherItems(than stage: Int) -> [[ItemOption]] {
        topLevel.enumerated().compactMap { index, item in
            let (block, coefficient) = item
            let stages = block.stages
            guard !stages.contains(stage) else { return nil }
            if let relaxed = relaxedTopItems, relaxed.count == topLevel.count, !relaxed[index].isEmpty {
                return relaxed[index]
            }
            if case .stage(let s) = block {
                return stageOptions[s].map { k in
                    ItemOption(latency: coefficient * model.options[s][k].latencyMs, cost: stageCost(s, k),
                               accuracy: stageAccuracy(s, k), assignment: [])
                }
            }
            let cost = stages.reduce(0) { $0 + minCost[$1] }
            let accuracy = stages.reduce(algebra.identity) { algebra.combine($0, bestAccuracy[$1]) }
            return [ItemOption(latency: coefficient * WorkflowModel.distribution(block, minLatency).mean,
                               cost: cost, accuracy: accuracy, assignment: [])]
        }
    }

    /// A lower bound of a top-level item's contribution to cut `c`.
    func itemCutMinimum(_ block: Block, _ coefficient: Double, _ c: Int) -> Double {
        let cut = cuts[c]
        if case .stage(let s) = block {
            return leastCutValue(cut, stage: s, latencyWeight: coefficient)
        }
        let noLatency = block.stages.reduce(0) { $0 + stageCutMinimum[c][$1] }
        return noLatency + cut.wLat * coefficient * WorkflowModel.distribution(block, minLatency).mean
    }

    /// The least value of `cut` over a stage's kept options, latency scaled by
    /// `latencyWeight` (0 when there are none).
    private func leastCutValue(_ cut: LinearCut, stage s: Int, latencyWeight: Double) -> Double {
        var least: Double? = nil
        for k in stageOptions[s] {
            let v = cut.value(latency: latencyWeight * model.options[s][k].latencyMs, cost: optionCost[s][k],
                              accuracyMeasure: optionMeasure[s][k])
            if least.map({ v < $0 }) ?? true { least = v }
        }
        return least ?? 0
    }

    func stageCost(_ s: Int, _ k: Int) -> Double { optionCost[s][k] }
    func stageAccuracy(_ s: Int, _ k: Int) -> Double { optionAccuracy[s][k] }

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
            items.append(stageItem(s, coefficient: coefficient))
        case .series(let children):
            for c in children { flatten(c, coefficient: coefficient, context: context, into: &items) }
        case .mixture(let arms):
            for a in arms { flatten(a.block, coefficient: coefficient * a.probability, context: context, into: &items) }
        case .loop(let body, let p):
            flatten(body, coefficient: coefficient / (1 - p), context: context, into: &items)
        case .parallel, .general:
            // Out of time: the block's labels are not built (the item is left without
            // options; the solve then reports its best configuration, not proven optimal).
            // Measured on 1,000-stage fan-outs: the rest of a flatten took over a second past
            // the deadline, most of it bounding each join's fold by the other items.
            if limits.deadline?.checkNow() == true {
                items.append([])
                return
            }
            let itemContext: Context
            if let context {
                itemContext = context.weighted(context.weight * coefficient)
            } else {
                let own = coefficient * WorkflowModel.distribution(block, minLatency).mean
                let stages = block.stages
                // Outside this item: the other items' minima; inside it: its stages' cost and
                // accuracy minima (their latency is accounted by the label itself).
                let outside = cuts.indices.map { c in
                    cutTotal[c] - itemCutMinimum(block, coefficient, c) + stages.reduce(0) { $0 + stageCutMinimum[c][$1] }
                }
                var top = Context(restLatency: totalMinLatency - own, weight: coefficient, cutOutside: outside)
                if labelCap == nil, let first = stages.first {
                    top.relaxations = ResourceRelaxation.plan(limits: limits, cuts: cuts, items: otherItems(than: first),
                                                              algebra: algebra, tabulating: dims.all, binCount: 1024)
                    top.itemStages = stages
                }
                itemContext = top
            }
            let labels = blockLabels(block, itemContext, keepDistribution: false)
            let options = labels.map {
                ItemOption(latency: coefficient * $0.mean, cost: $0.cost, accuracy: $0.accuracy, assignment: $0.assignment)
            }
            items.append(pruneItems(options))
        }
    }

    /// The workflow as one item per stage, each join split into its arms: a stage's latency
    /// is weighted by its arm's share of the join (`armWeights`, summing to 1 at each join,
    /// multiplied down nested joins), and a general region's stages weigh nothing. Every
    /// configuration's split latency is at most its mean latency (a join's mean is at least
    /// its arms' largest mean, which is at least any weighted average of them), and its cost
    /// and accuracy are its own, so bounds over these items are bounds over the workflow.
    /// Unlike the relaxed items, no join's labels are built: O(options) items.
    func splitItems(_ block: Block, coefficient: Double, armWeights: ([Block]) -> [Double],
                    into items: inout [[ItemOption]]) {
        switch block {
        case .empty: return
        case .stage(let s):
            items.append(pruneItems(stageItem(s, coefficient: coefficient)))
        case .series(let children):
            for c in children { splitItems(c, coefficient: coefficient, armWeights: armWeights, into: &items) }
        case .mixture(let arms):
            for a in arms { splitItems(a.block, coefficient: coefficient * a.probability, armWeights: armWeights, into: &items) }
        case .loop(let body, let p):
            splitItems(body, coefficient: coefficient / (1 - p), armWeights: armWeights, into: &items)
        case .parallel(let arms):
            let weights = armWeights(arms)
            for (a, arm) in arms.enumerated() {
                let w = a < weights.count ? weights[a] : 0
                splitItems(arm, coefficient: coefficient * w, armWeights: armWeights, into: &items)
            }
        case .general:
            for s in block.stages { splitItems(.stage(s), coefficient: 0, armWeights: armWeights, into: &items) }
        }
    }

    /// Stage `s` as an item: each kept option, its latency times `coefficient`.
    func stageItem(_ s: Int, coefficient: Double) -> [ItemOption] {
        stageOptions[s].map { k in
            ItemOption(latency: coefficient * model.options[s][k].latencyMs, cost: stageCost(s, k),
                       accuracy: stageAccuracy(s, k), assignment: [Int32(s), Int32(k)])
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
        if !context.relaxations.isEmpty {
            // The item: this label plus the least its other stages add; the rest: the table.
            let itemCost = cost + rest.itemCost
            let itemAccuracy = algebra.combine(accuracy, rest.itemAccuracy)
            let m = CutPlanner.measure(itemAccuracy, algebra)
            for r in context.relaxations
            where r.prunes(latency: context.weight * mean, cost: itemCost, accuracy: itemAccuracy, measure: m, suffix: 0) {
                return false
            }
        }
        return true
    }

    /// What everything outside a block adds at least: cost, accuracy term, and per cut.
    struct Rest {
        var cost: Double
        var accuracy: Double
        var cuts: [Double]
        /// The least cost and best accuracy term of the stages of the top-level item outside
        /// the block (for the item's relaxations).
        var itemCost: Double = 0
        var itemAccuracy: Double
    }

    func rest(_ block: Block, _ context: Context) -> Rest {
        let o = outside(block)
        var result = Rest(cost: o.cost, accuracy: o.accuracy, cuts: cutOutside(block, context), itemAccuracy: algebra.identity)
        if !context.itemStages.isEmpty {
            let inside = Set(block.stages)
            for s in context.itemStages where !inside.contains(s) {
                result.itemCost += minCost[s]
                result.itemAccuracy = algebra.combine(result.itemAccuracy, bestAccuracy[s])
            }
        }
        return result
    }

    /// The Pareto set of a block's labels.
    /// `keepDistribution`: false when only the mean of the result matters (a join in the
    /// linear part), which makes the last composition cheap.
    func blockLabels(_ block: Block, _ context: Context, keepDistribution: Bool = true) -> [BlockLabel] {
        let labels = exactBlockLabels(block, context, keepDistribution: keepDistribution && !meanOnly)
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
            var acc = blockLabels(arms[0].block, context.weighted(context.weight * arms[0].probability))
            var weight = arms[0].probability
            for arm in arms.dropFirst() {
                let next = blockLabels(arm.block, context.weighted(context.weight * arm.probability))
                let last = arm.block.stages == arms[arms.count - 1].block.stages
                acc = combine(acc, next, rest, context, .mixture(weight / (weight + arm.probability)), keepDistribution || !last)
                weight += arm.probability
            }
            return acc
        case .general(let region):
            let perEdge = region.edges.map { blockLabels($0.block, context.weighted(0)) }
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

    /// Combines the sets left to right. A partial combination is bounded with the least that
    /// the sets still to come add (`LaterSets`), not only with what lies outside the block.
    func compose(_ sets: [[BlockLabel]], _ rest: Rest, _ context: Context,
                 _ op: Composition, _ keepDistribution: Bool) -> [BlockLabel] {
        guard !sets.contains(where: \.isEmpty) else { return [] }
        let later = LaterSets(sets, op: op, engine: self, weight: context.weight, cutsKnown: rest.cuts.count == cuts.count)
        var acc = sets[0]
        for (i, next) in sets.enumerated().dropFirst() {
            let (partialRest, partialContext) = later.after(i, rest, context)
            acc = combine(acc, next, partialRest, partialContext, op, keepDistribution || i < sets.count - 1)
        }
        return acc
    }

    /// The least that the label sets after each one add to a combination with `op`: least
    /// cost, best accuracy term and, per cut, least value through cost and accuracy — and, in
    /// a series (`.sum`), least latency, in the latency bound and the cuts. (In a join the
    /// slowest arm's latency is the label's own or larger, so the label's latency stays a
    /// lower bound.) Every completion takes one label of each later set, so these are lower
    /// bounds of what it adds. Nothing for branch mixtures.
    struct LaterSets {
        /// Per set index i: the sum over the sets after i (suffix sums).
        var cost: [Double] = [], meanSum: [Double] = []
        var accuracy: [Double] = []
        var cut: [[Double]] = []
        let series: Bool
        let active: Bool
        let algebra: AccuracyAlgebra

        /// - Complexity: O(labels · cuts).
        init(_ sets: [[BlockLabel]], op: Composition, engine: LabelEngine, weight: Double, cutsKnown: Bool) {
            switch op {
            case .sum: series = true; active = true
            case .max: series = false; active = true
            case .mixture: series = false; active = false
            }
            algebra = engine.algebra
            guard active else { return }
            let cuts = engine.cuts
            let withCuts = cutsKnown && !cuts.isEmpty
            let n = sets.count
            cost = Array(repeating: 0, count: n + 1)
            meanSum = Array(repeating: 0, count: n + 1)
            accuracy = Array(repeating: algebra.identity, count: n + 1)
            cut = Array(repeating: Array(repeating: 0, count: withCuts ? cuts.count : 0), count: n + 1)
            for k in stride(from: n - 1, through: 0, by: -1) {
                var leastCost = Double.infinity, bestAccuracy = -Double.infinity, leastMean = Double.infinity
                var leastCut = Array(repeating: Double.infinity, count: withCuts ? cuts.count : 0)
                for label in sets[k] {
                    leastCost = min(leastCost, label.cost)
                    bestAccuracy = max(bestAccuracy, label.accuracy)
                    leastMean = min(leastMean, label.mean)
                    if withCuts {
                        let m = CutPlanner.measure(label.accuracy, algebra)
                        for c in cuts.indices {
                            leastCut[c] = min(leastCut[c], cuts[c].value(latency: series ? weight * label.mean : 0, cost: label.cost, accuracyMeasure: m))
                        }
                    }
                }
                let known = leastCost.isFinite && bestAccuracy.isFinite && leastMean.isFinite
                cost[k] = cost[k + 1] + (known ? leastCost : 0)
                meanSum[k] = meanSum[k + 1] + (known ? leastMean : 0)
                accuracy[k] = known ? algebra.combine(accuracy[k + 1], bestAccuracy) : accuracy[k + 1]
                cut[k] = cut[k + 1].indices.map { c in cut[k + 1][c] + (known && leastCut[c].isFinite ? leastCut[c] : 0) }
            }
        }

        /// `rest` and `context` for the combination of the sets up to `i` with the sets after it.
        func after(_ i: Int, _ rest: Rest, _ context: Context) -> (Rest, Context) {
            guard active, i + 1 < cost.count else { return (rest, context) }
            var rest = rest, context = context
            rest.cost += cost[i + 1]
            rest.itemCost += cost[i + 1]
            rest.accuracy = algebra.combine(rest.accuracy, accuracy[i + 1])
            rest.itemAccuracy = algebra.combine(rest.itemAccuracy, accuracy[i + 1])
            if rest.cuts.count == cut[i + 1].count {
                for c in rest.cuts.indices { rest.cuts[c] += cut[i + 1][c] }
            }
            if series { context.restLatency += context.weight * meanSum[i + 1] }
            return (rest, context)
        }
    }

    /// All admissible pairs of labels, composed, then pruned; assignments are built only
    /// for the survivors.
    func combine(_ a: [BlockLabel], _ b: [BlockLabel], _ rest: Rest, _ context: Context,
                 _ op: Composition, _ keepDistribution: Bool) -> [BlockLabel] {
        let keepDistribution = keepDistribution && !meanOnly
        let allPoints = a.allSatisfy({ $0.distribution == nil }) && b.allSatisfy({ $0.distribution == nil })
        if case .max = op, dims.latency, allPoints {
            return combineMaximumOfPoints(a, b, rest, context)
        }
        let pointResult: Bool = {
            if !keepDistribution || !dims.latency { return true }
            if case .sum = op { return allPoints }
            return false
        }()
        if pointResult && a.count * b.count >= limits.productThreshold {
            // Only means matter: walk a tree of pairs, skipping dominated and hopeless regions.
            let join = JoinAlgebra(a, b, op: op, dims: dims, engine: self, rest: rest, context: context)
            guard let pairs = ParetoProduct.run(join, dims: dims, deadline: limits.deadline) else { return [] }
            return pairs.map {
                BlockLabel(mean: $0.latency, distribution: nil, cost: $0.cost, accuracy: $0.accuracy,
                           assignment: a[Int($0.left)].assignment + b[Int($0.right)].assignment)
            }
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
        pairs: for ia in 0..<a.count {
            for ib in 0..<b.count {
                if limits.deadline?.check() == true { break pairs }
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
    /// each label pairs with a small front instead of the whole other set. Both sets are swept
    /// together in order of latency, so the joined labels come out in that order too, and one
    /// dominated by a joined label already kept (no slower, no dearer, no less accurate) is
    /// dropped at once by a (cost, accuracy) staircase — before its bound checks and without
    /// being stored (measured on 60-stage fan-outs under two bounds: most pairs, and the
    /// final filter over all of them was half the join's time).
    /// - Complexity: O((|a| + |b|) · f · log s) for fronts of size f and a staircase of s.
    func combineMaximumOfPoints(_ a: [BlockLabel], _ b: [BlockLabel], _ rest: Rest,
                                _ context: Context) -> [BlockLabel] {
        var out: [BlockLabel] = []
        var parents: [(Int32, Int32)] = []
        // Both sets in order of latency (label index, from `a`?); on ties `a` first.
        var order: [(Int32, Bool)] = a.indices.map { (Int32($0), true) } + b.indices.map { (Int32($0), false) }
        order.sort { x, y in
            let mx = x.1 ? a[Int(x.0)].mean : b[Int(x.0)].mean
            let my = y.1 ? a[Int(y.0)].mean : b[Int(y.0)].mean
            return mx != my ? mx < my : (x.1 && !y.1)
        }
        var frontA: [Int] = [], frontB: [Int] = []  // (cost, accuracy) fronts of each set so far
        var kept = Staircase()  // (cost, −accuracy) of the joined labels kept so far
        let useCost = dims.cost, useAccuracy = dims.accuracy
        sweep: for (index, fromA) in order {
            if limits.deadline?.check() == true { break }
            let i = Int(index)
            let x = fromA ? a[i] : b[i]
            // In order of latency: once x's latency alone is out of bounds (or cannot beat the
            // incumbent), so is every later label's, and every pair they would make.
            if !limits.admits(latency: context.restLatency + context.weight * x.mean) { break sweep }
            // x is the slower of every pair it makes now: its partners are the other set's
            // front so far (each pair is made once, when its slower label comes).
            let front = fromA ? frontB : frontA
            let other = fromA ? b : a
            // The front is in order of cost and, when both count, of accuracy term too: the
            // partners whose accuracy alone is out of bounds are a prefix (skipped by bisection),
            // those whose cost alone is a suffix (the loop stops at the first).
            var first = 0
            if useCost && useAccuracy {
                var high = front.count
                while first < high {
                    let middle = (first + high) / 2
                    let term = algebra.combine(rest.accuracy, algebra.combine(x.accuracy, other[front[middle]].accuracy))
                    if limits.admits(accuracy: term) { high = middle } else { first = middle + 1 }
                }
            }
            for j in front[first...] {
                // (Per pair too: a front of thousands made 1,024 outer steps last seconds.)
                if limits.deadline?.check() == true { break sweep }
                let y = other[j]
                let cost = x.cost + y.cost
                if !limits.admits(cost: rest.cost + cost) { break }
                let accuracy = algebra.combine(x.accuracy, y.accuracy)
                let ky = useCost ? cost : 0, kz = useAccuracy ? -accuracy : 0
                if kept.dominates(ky, kz) { continue }
                guard admissible(mean: x.mean, cost: cost, accuracy: accuracy, rest: rest, context) else { continue }
                kept.insert(ky, kz)
                out.append(BlockLabel(mean: x.mean, distribution: nil, cost: cost, accuracy: accuracy, assignment: []))
                parents.append(fromA ? (Int32(i), Int32(j)) : (Int32(j), Int32(i)))
            }
            if fromA { insert(i, into: &frontA, a) } else { insert(i, into: &frontB, b) }
        }
        // Labels of equal latency can still dominate one another (a later one an earlier one).
        let survivors = pruneIndices(out)
        return survivors.map { k in
            var l = out[k]
            l.assignment = a[Int(parents[k].0)].assignment + b[Int(parents[k].1)].assignment
            return l
        }
    }

    /// Inserts label `j` into a (cost ↓, accuracy ↑) front kept sorted by cost.
    ///
    /// - Complexity: O(log front + labels it removes) plus the array's shift when both cost
    ///   and accuracy count (the front is then in order of both); O(front) otherwise.
    func insert(_ j: Int, into front: inout [Int], _ labels: [BlockLabel]) {
        let y = labels[j]
        let costMatters = dims.cost, accuracyMatters = dims.accuracy
        if costMatters && accuracyMatters {
            // Cost ascending, so accuracy ascending too. The labels costing at most y's end at
            // `position`; the last of them is the most accurate: it alone can dominate y.
            var position = 0, high = front.count
            while position < high {
                let middle = (position + high) / 2
                if labels[front[middle]].cost <= y.cost { position = middle + 1 } else { high = middle }
            }
            if position > 0, labels[front[position - 1]].accuracy >= y.accuracy { return }
            // y dominates the labels from its own cost on (a tie in cost just before
            // `position`) for as long as they are no more accurate.
            var start = position
            while start > 0, labels[front[start - 1]].cost == y.cost { start -= 1 }
            var end = start
            while end < front.count, labels[front[end]].accuracy <= y.accuracy { end += 1 }
            front.replaceSubrange(start..<end, with: CollectionOfOne(j))
            return
        }
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
        // Latency is compared in the increasing convex order: every use of a label's latency
        // (sums, maxima and mixtures with independent parts, then the mean) is an increasing
        // convex function of it, so a label that is no worse there is no worse anywhere.
        let mean = labels.map(\.mean), cost = labels.map(\.cost), accuracy = labels.map(\.accuracy)
        let support = LatencySupport(labels)
        let order = labels.indices.sorted { mean[$0] != mean[$1] ? mean[$0] < mean[$1] : cost[$0] < cost[$1] }
        let useCost = dims.cost, useAccuracy = dims.accuracy, useLatency = dims.latency
        var kept: [Int] = []
        var keptMean: [Double] = [], keptCost: [Double] = [], keptAccuracy: [Double] = []
        for i in order {
            let m = mean[i], c = cost[i], a = accuracy[i]
            var dominated = false
            // Most recent first: labels of similar mean are the likeliest to dominate.
            var k = kept.count - 1
            while k >= 0 {
                if (!useCost || keptCost[k] <= c) && (!useAccuracy || keptAccuracy[k] >= a)
                    && (!useLatency || (keptMean[k] <= m && support.isIncreasingConvexAtMost(kept[k], i))) {
                    dominated = true
                    break
                }
                k -= 1
            }
            if !dominated {
                kept.append(i)
                keptMean.append(m); keptCost.append(c); keptAccuracy.append(a)
            }
        }
        return kept
    }
}

/// The latency supports of labels, flat: label k's values are `values[start[k]..<start[k + 1]]`
/// (a point label has one value with probability 1).
struct LatencySupport {
    var start: [Int] = [0]
    var values: [Double] = []
    var probabilities: [Double] = []

    init(_ labels: [BlockLabel]) {
        for l in labels {
            if let d = l.distribution {
                values += d.values
                probabilities += d.probabilities
            } else {
                values.append(l.mean)
                probabilities.append(1)
            }
            start.append(values.count)
        }
    }

    /// Whether label x's latency is at most label y's in the increasing convex order:
    /// E[(X − t)⁺] ≤ E[(Y − t)⁺] for every t. Both sides are piecewise linear in t with
    /// breaks at the support points, so checking those points (and the means, for t below
    /// both supports, which the caller compares) is enough.
    /// - Complexity: O(s_x + s_y).
    func isIncreasingConvexAtMost(_ x: Int, _ y: Int) -> Bool {
        let xs = start[x], ys = start[y]
        var p = start[x + 1] - 1, q = start[y + 1] - 1
        // Tails above t: probability mass and first moment.
        var xMass = 0.0, xMoment = 0.0, yMass = 0.0, yMoment = 0.0
        while p >= xs || q >= ys {
            let u = p >= xs ? values[p] : -Double.infinity
            let v = q >= ys ? values[q] : -Double.infinity
            let t = Swift.max(u, v)
            // E[(X − t)⁺] with the points above t only.
            let xExcess = xMoment - t * xMass, yExcess = yMoment - t * yMass
            if xExcess > yExcess + 1e-12 * Swift.max(1, abs(yExcess)) { return false }
            if u == t { xMass += probabilities[p]; xMoment += probabilities[p] * u; p -= 1 }
            if v == t { yMass += probabilities[q]; yMoment += probabilities[q] * v; q -= 1 }
        }
        return true
    }
}

/// Two label sets of a block combined by their means only (a join or branch whose
/// distribution is no longer needed, or a sum), for `ParetoProduct`.
struct JoinAlgebra: PairAlgebra {
    let left: PairKeys
    let right: PairKeys
    let op: LabelEngine.Composition
    let useLatency: Bool
    let engine: LabelEngine
    let rest: LabelEngine.Rest
    let context: Context
    let leftSupport: LatencySupport
    let rightSupport: LatencySupport

    init(_ a: [BlockLabel], _ b: [BlockLabel], op: LabelEngine.Composition, dims: Dimensions,
         engine: LabelEngine, rest: LabelEngine.Rest, context: Context) {
        left = PairKeys(latency: a.map(\.mean), cost: a.map(\.cost), accuracy: a.map(\.accuracy))
        right = PairKeys(latency: b.map(\.mean), cost: b.map(\.cost), accuracy: b.map(\.accuracy))
        self.op = op
        useLatency = dims.latency
        self.engine = engine
        self.rest = rest
        self.context = context
        if case .max = op, dims.latency {
            leftSupport = LatencySupport(a)
            rightSupport = LatencySupport(b)
        } else {
            leftSupport = LatencySupport([])
            rightSupport = LatencySupport([])
        }
    }

    @inline(__always) func latencyBound(_ x: Double, _ y: Double) -> Double {
        guard useLatency else { return 0 }
        switch op {
        case .sum: return x + y
        case .max: return Swift.max(x, y)  // E[max(X, Y)] ≥ max(E[X], E[Y])
        case .mixture(let w): return w * x + (1 - w) * y
        }
    }

    @inline(__always) func accuracy(_ x: Double, _ y: Double) -> Double { engine.algebra.combine(x, y) }

    func latency(_ i: Int, _ j: Int) -> Double {
        guard useLatency else { return 0 }
        switch op {
        case .sum: return left.latency[i] + right.latency[j]
        case .mixture(let w): return w * left.latency[i] + (1 - w) * right.latency[j]
        case .max:
            let xs = leftSupport.start[i], xe = leftSupport.start[i + 1]
            let ys = rightSupport.start[j], ye = rightSupport.start[j + 1]
            if xe - xs == 1 && ye - ys == 1 { return Swift.max(left.latency[i], right.latency[j]) }
            if ye - ys == 1 { return Self.meanOfMaximum(leftSupport, xs, xe, withPoint: right.latency[j]) }
            if xe - xs == 1 { return Self.meanOfMaximum(rightSupport, ys, ye, withPoint: left.latency[i]) }
            // E[max] from the product of the two distribution functions (as `Distribution`).
            let xv = leftSupport.values, xp = leftSupport.probabilities
            let yv = rightSupport.values, yp = rightSupport.probabilities
            var p = xs, q = ys
            var fx = 0.0, fy = 0.0, previous = 0.0, mean = 0.0
            while p < xe || q < ye {
                let u = p < xe ? xv[p] : Double.infinity
                let v = q < ye ? yv[q] : Double.infinity
                let next = Swift.min(u, v)
                if u == next { fx += xp[p]; p += 1 }
                if v == next { fy += yp[q]; q += 1 }
                let cdf = fx * fy
                mean += (cdf - previous) * next
                previous = cdf
            }
            return mean
        }
    }

    /// E[max(X, b)], summed in the order `Distribution.meanOfMaximum(withPoint:)` uses.
    @inline(__always) static func meanOfMaximum(_ s: LatencySupport, _ start: Int, _ end: Int, withPoint b: Double) -> Double {
        var sum = 0.0
        for k in start..<end { sum += s.probabilities[k] * Swift.max(s.values[k], b) }
        return sum
    }

    @inline(__always) func admits(latency: Double, cost: Double, accuracy: Double) -> Bool {
        engine.admissible(mean: latency, cost: cost, accuracy: accuracy, rest: rest, context)
    }
}
