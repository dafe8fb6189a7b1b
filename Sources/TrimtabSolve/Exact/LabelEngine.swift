import TrimtabModel

/// Which quantities take part in dominance: a quantity that is neither the objective nor
/// bounded cannot change which answer is best, so it is left out (smaller Pareto sets).
struct Dimensions: Sendable {
    var latency: Bool
    var cost: Bool
    var accuracy: Bool

    static let all = Dimensions(latency: true, cost: true, accuracy: true)

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

/// A partial configuration of a block: its latency distribution, cost per million runs,
/// combined accuracy term, and the (stage, option) pairs that make it.
struct BlockLabel {
    var latency: Distribution
    var cost: Double
    var accuracy: Double
    var assignment: [Int32]
}

/// One choice for an item of the linear part of the workflow.
struct ItemOption {
    var latency: Double
    var cost: Double
    var accuracy: Double
    var assignment: [Int32]
}

/// Builds Pareto sets bottom-up over the block tree.
///
/// In the linear part of the tree (series, branch mixtures and loop bodies not under a
/// parallel join) expected latency is a weighted sum, so the workflow flattens into items
/// with scalar options (a multiple-choice knapsack, solved by `KnapsackFold`). Under a
/// parallel join or in a general region the whole latency distribution matters; there the
/// engine keeps distributions and prunes by first-order stochastic dominance, which is
/// exact because every later composition (sum, maximum, mixture, mean) is monotone.
struct LabelEngine {
    let model: WorkflowModel
    let dims: Dimensions
    let algebra: AccuracyAlgebra
    /// Stage options after per-stage dominance pruning: (option index).
    let stageOptions: [[Int]]

    init(model: WorkflowModel, dims: Dimensions) {
        self.model = model
        self.dims = dims
        self.algebra = model.accuracy
        var pruned: [[Int]] = []
        for s in 0..<model.workflow.stages.count {
            let opts = model.options[s]
            let lat = opts.map(\.latencyMs)
            let cost = opts.map { $0.invocationCost }
            let acc = opts.map { -model.accuracy.term(stage: s, accuracy: $0.accuracy) }
            let kept = ParetoFilter.nondominated(count: opts.count, x: dims.latency ? lat : nil,
                                                 y: dims.cost ? cost : nil, z: dims.accuracy ? acc : nil)
            pruned.append(kept.sorted())
        }
        self.stageOptions = pruned
    }

    func stageCost(_ s: Int, _ k: Int) -> Double { model.executions[s] * model.options[s][k].invocationCost * 1e6 }
    func stageAccuracy(_ s: Int, _ k: Int) -> Double { algebra.term(stage: s, accuracy: model.options[s][k].accuracy) }

    // MARK: Linear part

    /// Flattens the linear part of `block` into knapsack items; `coefficient` scales latency.
    func flatten(_ block: Block, coefficient: Double, into items: inout [[ItemOption]]) {
        switch block {
        case .empty: return
        case .stage(let s):
            items.append(stageOptions[s].map { k in
                ItemOption(latency: coefficient * model.options[s][k].latencyMs, cost: stageCost(s, k),
                           accuracy: stageAccuracy(s, k), assignment: [Int32(s), Int32(k)])
            })
        case .series(let children):
            for c in children { flatten(c, coefficient: coefficient, into: &items) }
        case .mixture(let arms):
            for a in arms { flatten(a.block, coefficient: coefficient * a.probability, into: &items) }
        case .loop(let body, let p):
            flatten(body, coefficient: coefficient / (1 - p), into: &items)
        case .parallel, .general:
            let labels = blockLabels(block)
            let options = labels.map {
                ItemOption(latency: coefficient * $0.latency.mean, cost: $0.cost, accuracy: $0.accuracy, assignment: $0.assignment)
            }
            items.append(prune(options))
        }
    }

    func prune(_ options: [ItemOption]) -> [ItemOption] {
        let kept = ParetoFilter.nondominated(count: options.count,
                                             x: dims.latency ? options.map(\.latency) : nil,
                                             y: dims.cost ? options.map(\.cost) : nil,
                                             z: dims.accuracy ? options.map { -$0.accuracy } : nil)
        return kept.map { options[$0] }
    }

    // MARK: Non-linear part

    /// The Pareto set of a block's labels, with latency distributions.
    func blockLabels(_ block: Block) -> [BlockLabel] {
        switch block {
        case .empty:
            return [BlockLabel(latency: Distribution(point: 0), cost: 0, accuracy: algebra.identity, assignment: [])]
        case .stage(let s):
            return stageOptions[s].map { k in
                BlockLabel(latency: Distribution(point: dims.latency ? model.options[s][k].latencyMs : 0),
                           cost: stageCost(s, k), accuracy: stageAccuracy(s, k), assignment: [Int32(s), Int32(k)])
            }
        case .loop(let body, let p):
            var items: [[ItemOption]] = []
            flatten(body, coefficient: 1 / (1 - p), into: &items)
            let fold = KnapsackFold(items: items, dims: dims, algebra: algebra, limits: FoldLimits())
            return fold.run().map {
                BlockLabel(latency: Distribution(point: dims.latency ? $0.latency : 0), cost: $0.cost,
                           accuracy: $0.accuracy, assignment: $0.assignment)
            }
        case .series(let children):
            return fold(children.map { blockLabels($0) }) { $0.plus($1) }
        case .parallel(let children):
            return fold(children.map { blockLabels($0) }) { $0.maximum($1) }
        case .mixture(let arms):
            var acc = blockLabels(arms[0].block)
            var weight = arms[0].probability
            for arm in arms.dropFirst() {
                let w = weight, q = arm.probability
                acc = combine(acc, blockLabels(arm.block)) {
                    Distribution.mixture([($0, w / (w + q)), ($1, q / (w + q))])
                }
                weight += q
            }
            return acc
        case .general(let region):
            let perEdge = region.edges.map { blockLabels($0.block) }
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
                    result.append(BlockLabel(latency: latency, cost: cost, accuracy: accuracy, assignment: assignment))
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

    func fold(_ sets: [[BlockLabel]], _ op: (Distribution, Distribution) -> Distribution) -> [BlockLabel] {
        sets.dropFirst().reduce(sets[0]) { combine($0, $1, op) }
    }

    func combine(_ a: [BlockLabel], _ b: [BlockLabel], _ op: (Distribution, Distribution) -> Distribution) -> [BlockLabel] {
        var out: [BlockLabel] = []
        out.reserveCapacity(a.count * b.count)
        for x in a {
            for y in b {
                out.append(BlockLabel(latency: dims.latency ? op(x.latency, y.latency) : x.latency,
                                      cost: x.cost + y.cost, accuracy: algebra.combine(x.accuracy, y.accuracy),
                                      assignment: x.assignment + y.assignment))
            }
        }
        return prune(out)
    }

    /// Removes dominated labels: latency by stochastic dominance, cost, accuracy.
    func prune(_ labels: [BlockLabel]) -> [BlockLabel] {
        if labels.allSatisfy({ $0.latency.isPoint }) {
            let kept = ParetoFilter.nondominated(count: labels.count,
                                                 x: dims.latency ? labels.map { $0.latency.values[0] } : nil,
                                                 y: dims.cost ? labels.map(\.cost) : nil,
                                                 z: dims.accuracy ? labels.map { -$0.accuracy } : nil)
            return kept.sorted().map { labels[$0] }
        }
        // Sort by mean so that a dominating label (never a larger mean) comes first.
        let order = labels.indices.sorted { labels[$0].latency.mean < labels[$1].latency.mean }
        var kept: [BlockLabel] = []
        for i in order {
            let candidate = labels[i]
            let dominated = kept.contains { k in
                (!dims.cost || k.cost <= candidate.cost)
                    && (!dims.accuracy || k.accuracy >= candidate.accuracy)
                    && (!dims.latency || k.latency.isStochasticallyAtMost(candidate.latency))
            }
            if !dominated { kept.append(candidate) }
        }
        return kept
    }
}
