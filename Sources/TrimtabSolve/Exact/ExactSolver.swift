import Foundation
import TrimtabModel

/// The exact planner: dynamic programming over the workflow's block decomposition with
/// dominance pruning and admissible bounds. Its answers are proven optimal.
///
/// How it works:
/// 1. Each stage keeps only options not dominated in the quantities that matter for the goal.
/// 2. Blocks under parallel joins (and general regions) build Pareto sets of
///    (latency distribution, cost, accuracy) bottom-up; dominated labels are dropped
///    (latency in the increasing convex order: exact, since every composition above is an
///    increasing convex function of a label's latency and only means are finally compared).
///    Products of label sets are searched best-first by `ParetoProduct`.
/// 3. The rest of the workflow is linear in expected latency (series add, branches mix,
///    loops scale), so it flattens into a multiple-choice knapsack whose items are stages
///    and joined blocks. A fold over the items keeps the Pareto set of partial sums and
///    drops a partial label when the best completion of the remaining items (a
///    `ResourceRelaxation` per bounded quantity, Lagrangian cuts, and on chains under two
///    bounds, once labels multiply, a `TwoBoundTable` with both bounds exact over the last
///    items) would break a bound or could not beat the incumbent.
/// 4. Incumbents come from a scalarised search, a capped beam, and beams over the problem with
///    join latencies relaxed to their largest mean, whose items (lower bounds of the true
///    ones) also bound the rest of the workflow when a join's labels are built. Chains, and
///    with joins under two bounds the relaxed items, go through a `LagrangianCore` (local
///    search, reduced-cost fixing); there a relaxed item left with no option after the fixing
///    proves the incumbent optimal.
/// 5. Under two bounds with no configuration found by the first search, a goal with one bound
///    (`feasibilityCheck`) settles first whether both bounds can be met at all.
///
/// - Complexity: O(Σ_k L_k · o_k · log) for L_k labels alive before item k with o_k options;
///   L_k is bounded by the Pareto front size, in practice thousands for 100 stages.
public struct ExactSolver: Solver {
    public var name: String { "exact" }
    /// Wall-clock limit in seconds; when it passes, the best configuration found so far is
    /// returned as `feasible` (not proven optimal). Nil: no limit.
    public var timeLimit: Double?
    /// Stop once the answer is proven within this relative gap of the optimum (|answer − bound|
    /// / |answer|, as a MILP solver's gap): the answer is then `feasible` with its
    /// `objectiveBound`. Nil: prove optimality (or stop at the time limit).
    public var relativeGap: Double?
    public init(timeLimit: Double? = nil, relativeGap: Double? = nil) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
    }
    /// Set from elsewhere (a client that went away, a shutdown), it stops the solve as the
    /// time limit does.
    public var cancellation: SolveCancellation?
    /// Label products of at least this many pairs are searched by `ParetoProduct`.
    var productThreshold = 4096
    /// Whether an infeasible answer carries `closestBounds` (one more solve per bound). The
    /// explanation's re-solves only need the status.
    public var reportsClosestBounds = true
    /// Whether chains under two bounds with few free items go through `CoreBranchAndBound`
    /// before the targets. Off by default: measured (docs/solver-note.md, branch `solver-bb`)
    /// it was no faster than the fold and slower on some instances; kept for measurements
    /// (`TRIMTAB_BENCH_BRANCH=1` in `trimtab-bench robust-cell`) and checked by the
    /// exact-versus-enumeration tests.
    public var branchAndBound = false
    /// Whether chains under two bounds try the surrogate relaxation (`SurrogateRelaxation`)
    /// before the targets. On by default; `TRIMTAB_BENCH_SURROGATE=0` in `trimtab-bench
    /// robust-cell` turns it off for measurements.
    public var surrogateProof = true
    /// Whether chains minimising cost or latency under an accuracy floor and a bound on the
    /// other quantity try `AccuracyRowRelaxation` before the targets. On by default;
    /// `TRIMTAB_BENCH_ACCURACY_ROW=0` in `trimtab-bench robust-cell` turns it off.
    public var accuracyRowProof = true
    /// Whether chains maximising accuracy under two bounds that the direct fold does not prove
    /// search a beam for a better incumbent before the surrogate relaxation and the targets.
    /// On by default; `TRIMTAB_BENCH_BEAM=0` in `trimtab-bench robust-cell` turns it off.
    public var accuracyChainBeam = true
    /// Whether chains maximising accuracy under two bounds that the direct fold does not prove
    /// search patterns of variant moves for a better incumbent after the beam
    /// (`VariantLevelSearch`). On by default; `TRIMTAB_BENCH_VARIANTS=0` in `trimtab-bench
    /// robust-cell` turns it off.
    public var variantMoves = true
    /// The width of the beam over the exact pass's items that looks for an incumbent on
    /// workflows with branches (series–parallel workflows keep 1,024; chains none). Measured on
    /// `general` workflows (release build, 1,024 then 256 per cell, quiet machine, two runs):
    /// 60 stages, 360 goals, 12.05 → 11.48 s in all, the slowest 0.63 → 0.48 s; two-bound goals
    /// at 100 and 200 stages 28.7 → 24.5 s (60 goals) and 25.7 → 21.9 s (40), the slowest
    /// 2.05 → 1.68 s and 2.86 → 1.80 s; every answer identical. `TRIMTAB_BENCH_EXACT_BEAM` in `trimtab-bench
    /// robust-cell` sets it.
    public var exactBeamWidthWithBranches = 256
    /// Whether the objective is bounded by the split relaxation (`LabelEngine.splitItems`:
    /// each join's latency a weighted average of its arms'): on workflows with joins for
    /// `relativeGap`, and on any workflow for an answer the time limit stops with no bound yet
    /// or only one from a Lagrangian core the limit interrupted (a chain's split relaxation is
    /// that core's own relaxation, at its best multipliers). On by default;
    /// `TRIMTAB_BENCH_SPLIT=0` in `trimtab-bench robust-cell` turns it off for measurements.
    public var splitBound = true
    /// Whether an answer the time limit stops gets the split relaxation's bound computed past
    /// the limit. Off in the solve's own re-solves (the feasibility check, the closest bounds,
    /// an explanation's moved goals), whose bounds nobody reads.
    var boundsStoppedAnswers = true
    /// On chains, the fold against the incumbent that runs before the targets stops after
    /// this many labels (nil: `directLabels`, or `directLabelsPerItem` per item when more);
    /// over it the targets take over. Tests set 1 to send every goal through the targets.
    var directLabelBudget: Int? = nil
    /// Tests only: stop before the folds against the incumbent (the direct one and the last
    /// one), as if the time limit had passed there, so that the proven bound a `feasible`
    /// answer reports can be checked against enumeration.
    var stopsBeforeIncumbentFolds = false
    /// Tests only: records what the heuristic searches found.
    var log: SolveLog? = nil
    /// Labels per block in the heuristic pass, and in the first, capped relaxed items of
    /// series–parallel workflows. Tests set them small so that the caps cut small workflows.
    var heuristicLabelCap = 32
    var relaxedLabelCap = ExactSolver.relaxedCoreCap
    /// Folds of a chain under two bounds build a `TwoBoundTable` once this many labels are
    /// alive (nil: `FoldLimits`' default). Tests set 1 to build it in every such fold.
    var twoBoundTableLabels: Int? = nil
    /// Workflows with joins: whether beams and local searches look for incumbents before the
    /// exact pass. Tests set false to leave only the scalarised search's incumbent, so that the
    /// reduced-cost fixing and the exact pass do all the work (on small workflows the
    /// heuristics usually find the optimum, which would hide a fixing that removed too much).
    var heuristicIncumbents = true

    public func solve(_ model: WorkflowModel, goal: Goal) throws(TrimtabError) -> PlanResult {
        try solve(model, goal: goal, deadline: Deadline(seconds: timeLimit, cancellation: cancellation))
    }

    /// `solve` against a deadline shared with the solves around it (the feasibility check
    /// below, the closest bounds of an infeasible answer): together they keep one time limit.
    func solve(_ model: WorkflowModel, goal: Goal, deadline: Deadline) throws(TrimtabError) -> PlanResult {
        let dims = Dimensions(goal: goal)
        var limits = FoldLimits(maxLatency: goal.bounds.maxLatencyMs, maxCost: goal.bounds.maxCostPerMillion,
                                minAccuracyTerm: goal.bounds.minAccuracy.map { model.accuracy.unfinish($0) },
                                objective: goal.objective)
        limits.deadline = deadline
        limits.productThreshold = productThreshold
        if let labels = twoBoundTableLabels { limits.tableLabels = labels }
        // The incumbent, and the pruning state derived from it (fold bound, cut thresholds).
        var incumbent: Candidate? = nil
        var cuts: [LinearCut] = []
        /// The Lagrangian bound of every bound at once (`LagrangianCore`'s units), when known.
        var rootBound: Double? = nil
        /// The second bound's Lagrangian multiplier last found: the next search starts near it.
        var knownMultiplier: Double? = nil
        /// A proven lower bound on the objective of every configuration better than the
        /// incumbent (`LagrangianCore`'s units): reported, with the incumbent, when the time
        /// limit stops the proof. Only from relaxations of every configuration (items capped
        /// by a beam's label cap do not count).
        var provenBound: Double? = nil
        /// Whether `provenBound` came from a Lagrangian core whose multiplier search the
        /// deadline may have cut short (a valid bound, but possibly far below the relaxation's).
        var boundCutShort = false
        func prove(atLeast value: Double) {
            guard value.isFinite else { return }
            provenBound = max(provenBound ?? -.infinity, value)
            stopIfWithinGap()
        }
        /// With `relativeGap`: once the incumbent is proven within it, the solve stops as at
        /// the time limit (every later step checks the deadline).
        func stopIfWithinGap() {
            guard let wanted = relativeGap, let bound = provenBound, let best = incumbent,
                  let reported = reportedBound(bound, best: best.prediction, goal: goal, model: model),
                  Self.gap(answer: best.prediction, bound: reported, objective: goal.objective) <= max(wanted, Bounds.tolerance) else { return }
            deadline.expire()
        }
        func adopt(_ candidate: Candidate?) {
            guard let candidate, incumbent.map({ Self.better(candidate.prediction, than: $0.prediction, goal: goal) }) ?? true else { return }
            incumbent = candidate
            stopIfWithinGap()
            let score = foldScore(candidate.prediction, goal: goal, model: model)
            limits.incumbent = score
            let threshold = objectiveThreshold(score, goal: goal, model: model)
            for i in cuts.indices where cuts[i].isObjective { cuts[i].threshold = threshold }
        }
        /// The configuration of one option per item, when it meets the bounds (evaluated exactly).
        func candidate(_ items: [[ItemOption]], _ choice: [Int]) -> Candidate? {
            var assignment: [Int32] = []
            for i in items.indices { assignment += items[i][choice[i]].assignment }
            let indices = Self.indices(assignment, stageCount: model.workflow.stages.count)
            let prediction = model.predict(optionIndices: indices)
            return goal.bounds.admits(prediction) ? Candidate(indices: indices, prediction: prediction) : nil
        }
        /// The items with only the options that can still beat the incumbent (reduced-cost
        /// fixing by the Lagrangian bound of every bound at once), and first the incumbent
        /// improved from that relaxation's rounded solution.
        /// `bounds`: the items hold every configuration that could beat the incumbent (not
        /// capped), so their Lagrangian bound is proven.
        func core(_ items: [[ItemOption]], searchCores: Bool = true, bounds: Bool = true) -> [[ItemOption]]? {
            guard !deadline.checkNow(), let relaxation = LagrangianCore(items: items, limits: limits, algebra: model.accuracy) else { return nil }
            let rootLambda = searchCores ? relaxation.multipliers(near: knownMultiplier) : nil
            if let l = rootLambda, l.count > 1 { knownMultiplier = l[1] }
            func fixing() -> (alive: [[Int]], lambda: [Double])? {
                guard let score = limits.incumbent else { return nil }
                let result = relaxation.kept(target: LagrangianCore.objectiveValue(foldScore: score, objective: goal.objective,
                                                                                   algebra: model.accuracy),
                                             near: knownMultiplier, known: rootLambda)
                if let l = result?.lambda, l.count > 1 { knownMultiplier = l[1] }
                return result
            }
            let choice = searchCores ? relaxation.incumbent(until: deadline.capping(Date().addingTimeInterval(Self.localSearchSeconds)), lambda: rootLambda) : nil
            if let choice { adopt(candidate(items, choice)) }
            guard var (alive, lambda) = fixing() else { return nil }
            // A core around the relaxation's solution solved exactly (the other items kept at
            // the local search's choice): items whose two best options differ least in reduced
            // cost, 32 then 64 and 128 of them while each is quick — only cores smaller than
            // the problem: a core of every free item is the exact pass's own fold, cut off at
            // 0.25 s (measured: a 60-stage two-bound chain spent that long on it for nothing).
            if searchCores, let choice, alive.contains(where: { $0.count > 1 }), !deadline.checkNow() {
                let gaps = items.indices.map { i -> Double in
                    let r = alive[i].map { relaxation.reduced(i, $0, lambda) }.sorted()
                    return r.count < 2 ? .infinity : r[1] - r[0]
                }
                let order = items.indices.filter { gaps[$0].isFinite }.sorted { gaps[$0] < gaps[$1] }
                var size = 32
                while size < order.count {
                    let inCore = Set(order.prefix(size))
                    var sub: [[ItemOption]] = []
                    var rest = ItemOption(latency: 0, cost: 0, accuracy: model.accuracy.identity, assignment: [])
                    for i in items.indices {
                        if inCore.contains(i) { sub.append(alive[i].map { items[i][$0] }) } else {
                            let o = items[i][choice[i]]
                            rest.latency += o.latency
                            rest.cost += o.cost
                            rest.accuracy = model.accuracy.combine(rest.accuracy, o.accuracy)
                            rest.assignment += o.assignment
                        }
                    }
                    sub.append([rest])
                    var subLimits = limits
                    subLimits.cuts = cuts
                    let started = Date()
                    subLimits.deadline = deadline.sub(seconds: 0.25)
                    let fold = KnapsackFold(items: sub, dims: dims, algebra: model.accuracy, limits: subLimits)
                    adopt(bestAdmitted(fold.run(), model: model, goal: goal))
                    guard Date().timeIntervalSince(started) < 0.1, !deadline.expired else { break }
                    size *= 2
                }
                if let again = fixing() { (alive, lambda) = again }
            }
            guard let score = limits.incumbent else { return nil }
            // The bound at the best multipliers is a cut too; installed first, it gives the
            // fold's hull relaxations their multipliers.
            cuts.removeAll { $0.isLagrangian }
            var cut = relaxation.cut(lambda, threshold: objectiveThreshold(score, goal: goal, model: model))
            cut.isLagrangian = true
            cuts.insert(cut, at: 0)
            let lagrangian = relaxation.bound(lambda)
            rootBound = lagrangian.value
            if bounds {
                prove(atLeast: lagrangian.value - lagrangian.error)
                // Past the deadline the multiplier searches above may have stopped early.
                if deadline.expired { boundCutShort = true }
            }
            return alive.indices.map { i in alive[i].map { items[i][$0] } }
        }
        /// A beam of the fold over `items`: its best answer, evaluated exactly, is adopted.
        /// Returns the labels it kept (its work).
        func beam(_ items: [[ItemOption]], width: Int) -> Int {
            // Not after the deadline: on relaxed items of a million options one beam took 1.1 s.
            guard !deadline.checkNow() else { return 0 }
            var beamLimits = limits
            beamLimits.cuts = cuts
            beamLimits.beamWidth = width
            let fold = KnapsackFold(items: items, dims: dims, algebra: model.accuracy, limits: beamLimits)
            adopt(bestAdmitted(fold.run(), model: model, goal: goal))
            return fold.stats.totalLabels
        }

        /// Max accuracy under two bounds on a chain: patterns of variant moves around the
        /// incumbent (`VariantLevelSearch`), each checked by choosing every stage's memory size
        /// again (the least cost under the latency bound, from the Lagrangian core's rounding and
        /// local search); the first pattern that beats the incumbent is adopted and the search
        /// repeated around it. Whether it improved the incumbent.
        func searchVariantLevels(_ items: [[ItemOption]]) -> Bool {
            guard let relaxation = LagrangianCore(items: items, limits: limits, algebra: model.accuracy),
                  relaxation.limits.count == 2, let lambda = relaxation.multipliers(near: knownMultiplier) else { return false }
            let search = VariantLevelSearch(core: relaxation, lambda: lambda)
            var memoryLimits = FoldLimits(maxLatency: limits.maxLatency, maxCost: nil, minAccuracyTerm: nil, objective: .minimizeCost)
            memoryLimits.deadline = deadline
            var improvedAny = false
            for _ in 0..<Self.variantRounds where !deadline.checkNow() {
                guard let best = incumbent, let choice = Self.choice(of: best.indices, in: items) else { break }
                var improved = false
                for pattern in search.patterns(choice: choice, candidates: Self.variantCandidates, keep: Self.variantPatterns)
                where !deadline.checkNow() {
                    guard let restricted = search.restricted(items, choice: choice, pattern: pattern),
                          let memory = LagrangianCore(items: restricted, limits: memoryLimits, algebra: model.accuracy),
                          let pick = memory.incumbent(until: deadline.capping(Date().addingTimeInterval(Self.variantCheckSeconds))) else { continue }
                    let before = incumbent?.prediction
                    adopt(candidate(restricted, pick))
                    guard let now = incumbent?.prediction, now != before else { continue }
                    // (Better also on a tie in accuracy at less cost: the memory sizes alone.)
                    if let before, now.accuracy > before.accuracy { log?.recordVariantImprovement() }
                    improved = true
                    break
                }
                guard improved else { break }
                improvedAny = true
            }
            return improvedAny
        }
        /// Whether `proveSplitBound` ran (with an incumbent): past the limit it is not repeated.
        var splitBoundTried = false
        /// Proves the Lagrangian bound of the split relaxation (`LabelEngine.splitItems`) at
        /// a few weightings of each join's arms: all on the arm slowest in the incumbent; then
        /// each arm weighted as its mean latency in the incumbent to the 8th power (the
        /// slowest most), refined by exponentiated supergradient steps (the bound is concave
        /// in the weights, and its supergradient at a join is each arm's latency in the
        /// relaxation's solution: weight moves to the arms the solution makes slow). Any
        /// weights give a valid bound; the search only strengthens it. Its multiplier search
        /// ignores the deadline: this also runs when the limit has stopped the solve, to bound
        /// its answer (40–110 ms per relaxation at 1,000 stages).
        /// - Complexity: O(R · S log S) for R = `rounds` + 2 relaxations over S stage options
        ///   (one relaxation without joins).
        func proveSplitBound(_ engine: LabelEngine, rounds: Int) {
            guard splitBound, let best = incumbent else { return }
            var splitLimits = limits
            splitLimits.deadline = nil
            let incumbentLatencies = best.indices.enumerated().map { model.options[$0.offset][$0.element].latencyMs }
            func armMeans(_ arms: [Block], _ t: [Double]) -> [Double] { arms.map { WorkflowModel.distribution($0, t).mean } }
            func normalized(_ w: [Double]) -> [Double] {
                let floored = w.map { max($0, 1e-12) }
                let total = floored.reduce(0, +)
                return floored.map { $0 / total }
            }
            /// One relaxation at the weights `weigh` gives each join (in `splitItems`' order);
            /// proves its bound and returns each stage's latency in its solution.
            func relax(_ weigh: (Int, [Block]) -> [Double]) -> [Double]? {
                var join = 0
                var items: [[ItemOption]] = []
                engine.splitItems(model.root, coefficient: 1, armWeights: { arms in
                    defer { join += 1 }
                    return weigh(join, arms)
                }, into: &items)
                guard let relaxation = LagrangianCore(items: items, limits: splitLimits, algebra: model.accuracy),
                      let lambda = relaxation.multipliers(near: knownMultiplier) else { return nil }
                let bound = relaxation.bound(lambda)
                prove(atLeast: bound.value - bound.error)
                var latencies = incumbentLatencies
                for (i, o) in relaxation.solution(lambda).enumerated() where items[i][o].assignment.count == 2 {
                    let s = Int(items[i][o].assignment[0]), k = Int(items[i][o].assignment[1])
                    latencies[s] = model.options[s][k].latencyMs
                }
                return latencies
            }
            splitBoundTried = true
            // Each join's arm means in the incumbent, recorded by the first relaxation.
            var incumbentMeans: [[Double]] = []
            _ = relax { _, arms in
                let m = armMeans(arms, incumbentLatencies)
                incumbentMeans.append(m)
                let top = m.indices.max { m[$0] < m[$1] } ?? 0
                return m.indices.map { $0 == top ? 1 : 0 }
            }
            // No joins (a chain): no weights to search, the first relaxation is the bound.
            guard !incumbentMeans.isEmpty else { return }
            var weights = incumbentMeans.map { m in
                let top = max(m.max() ?? 0, .leastNormalMagnitude)
                return normalized(m.map { pow($0 / top, 8) })
            }
            var solution = relax { join, _ in weights.indices.contains(join) ? weights[join] : [] }
            var step = Self.splitFirstStep
            for _ in 0..<rounds {
                guard let t = solution else { break }
                solution = relax { join, arms in
                    guard weights.indices.contains(join), weights[join].count == arms.count else { return [] }
                    let m = armMeans(arms, t)
                    let top = max(m.max() ?? 0, .leastNormalMagnitude)
                    weights[join] = normalized(weights[join].indices.map { weights[join][$0] * exp(step * (m[$0] - top) / top) })
                    return weights[join]
                }
                step /= 2
            }
        }

        var work = 0
        // A quick scalarised search gives a first incumbent for the bounds.
        adopt(ScalarizedSearch.incumbent(model, goal: goal).map { Candidate(indices: $0.indices, prediction: $0.prediction) })

        // Two bounds and no configuration found yet: whether any meets both does not depend
        // on the objective, so the least of one bounded quantity under the other bound (one
        // bound: much faster) settles it. Over its limit, the goal is infeasible, proven here
        // in place of the exact pass. Under a cost bound and an accuracy floor (least latency)
        // that check is the least cost under the floor: no latency, so no join's labels
        // (measured on 1,000-stage fan-outs: 0.3–0.5 s with the closest bounds, where the
        // exact pass took 4–10 s or stopped unproven at 10 s). Only when the search above
        // found nothing: a configuration it found already shows the bounds can be met. Within
        // the limit, the check's configuration is not taken as an incumbent: optimal for
        // another quantity, it is usually far from the objective's optimum, and on chains an
        // incumbent sends the solve down the Lagrangian core's path, which it then prunes
        // badly (measured: one re-solve of a 60-stage chain's explanation took 3.3 s with it,
        // the whole explanation 0.7 s without).
        if incumbent == nil, let quantity = Self.feasibilityCheck(goal), let limit = goal.bounds.limit(quantity) {
            var checker = self
            checker.reportsClosestBounds = false
            // It shares the deadline: a gap reached there must not stop this solve.
            checker.relativeGap = nil
            checker.boundsStoppedAnswers = false
            let least = try? checker.solve(model, goal: Self.reachGoal(quantity, goal.bounds), deadline: deadline)
            work += least?.work ?? 0
            if let least, !deadline.expired,
               least.status == .infeasible || least.prediction.map({ !goal.bounds.admits($0) }) ?? true {
                let reach = BoundReach(quantity: quantity, limit: limit, best: least.prediction.map { quantity.value(of: $0) })
                return PlanResult(status: .infeasible,
                                  closestBounds: reportsClosestBounds ? closestBounds(model, goal: goal, deadline: deadline, known: [reach]) : [],
                                  work: work)
            }
        }

        var engine = LabelEngine(model: model, dims: dims, limits: limits)
        // Later engines (new limits) are renewed from this one, keeping its stage tables.
        let fresh = engine
        var topItems: [(Block, Double)] = []
        engine.topItems(model.root, coefficient: 1, into: &topItems)
        cuts = CutPlanner(algebra: model.accuracy).cuts(goal: goal, items: engine.dualItems(topItems))
        let threshold = limits.incumbent.map { objectiveThreshold($0, goal: goal, model: model) } ?? .infinity
        for i in cuts.indices where cuts[i].isObjective { cuts[i].threshold = threshold }
        engine.install(cuts: cuts)

        // A heuristic pass (every block capped to a few labels, then a beam) usually finds a
        // near-optimal incumbent in a fraction of the time; the exact pass prunes against it.
        var heuristic = engine
        heuristic.labelCap = heuristicLabelCap
        var roughItems: [[ItemOption]] = []
        heuristic.flatten(model.root, coefficient: 1, context: nil, into: &roughItems)
        // With the Lagrangian core (reduced-cost fixing, a rounded relaxation improved by
        // local search, small cores solved exactly) the beams are not needed: measured on
        // 1,000-stage chains, they took most of the time and never improved its incumbent.
        // Only for chains (every item a single stage): on 200-stage fan-outs the core in place
        // of the beams measured slower (two-bound goals past the time limit that the beams'
        // incumbents let the fold prove), so workflows with joins keep the beams, and the
        // core's local search then starts from their incumbent.
        let chain = !model.root.hasJoins
        let cored = chain && core(roughItems) != nil
        // With joins, a gap to stop at: the split relaxation bounds the objective at once
        // (1,000-stage fan-outs: the relaxed items' bound below comes 4–5 s in).
        if !chain && relativeGap != nil { proveSplitBound(engine, rounds: Self.splitRounds) }
        // Workflows with joins under two bounds (besides the objective's own) also go through
        // the Lagrangian core of the relaxed items below. (Other goals do without: their folds
        // keep their one bound exact, and the extra passes cost 0.1–0.3 ms on goals that take
        // about a millisecond — measured in the benchmark against HiGHS.)
        let fixesRelaxed = !cored && dims.all
        if !cored && heuristicIncumbents {
            work += beam(roughItems, width: 256)
            if fixesRelaxed { _ = core(roughItems, bounds: false) }
        }
        // Without branches (series–parallel workflows, where the relaxed items are close to
        // the true ones): a first, cheap version of the relaxed items below, each block capped
        // to `relaxedCoreCap` labels, whose Lagrangian core's local search usually finds a
        // better incumbent than the beams; the uncapped relaxed items then prune against it
        // (measured on the 102 slowest two-bound fan-outs: 132 s → 107 s in all; with branches
        // it cost more than it found).
        /// The workflow with every join's latency relaxed to its largest mean (point labels
        /// only), each block capped at `labelCap` labels when given. `current`: built with the
        /// incumbent and cuts found so far (the engine above still holds the first ones).
        func buildRelaxedItems(labelCap: Int? = nil, current: Bool) -> [[ItemOption]] {
            var relaxed = engine
            if current {
                relaxed = fresh.renewed(limits: limits)
                relaxed.install(cuts: cuts)
            }
            relaxed.meanOnly = true
            relaxed.labelCap = labelCap
            var items: [[ItemOption]] = []
            relaxed.flatten(model.root, coefficient: 1, context: nil, into: &items)
            return items
        }
        if fixesRelaxed && heuristicIncumbents && model.root.isDeterministic {
            _ = core(buildRelaxedItems(labelCap: relaxedLabelCap, current: true), bounds: false)
        }

        // The same workflow with every join's latency relaxed to its largest mean (point labels
        // only): each configuration's relaxed latency is at most its true one, so the relaxed
        // items bound the rest of the workflow from below in the exact pass, and searches over
        // them find near-optimal incumbents (evaluated exactly). For the relaxed core, built
        // with the incumbent and cuts found so far. (Not for a cored chain: without joins they
        // are the items themselves, and its exact pass needs no beams.)
        var relaxedItems = cored ? [] : buildRelaxedItems(current: fixesRelaxed)
        // With joins: the Lagrangian core of the relaxed items. Its local search and small
        // cores find incumbents, and its reduced-cost fixing keeps only the options that can
        // be part of a configuration beating the incumbent: every configuration's relaxed
        // numbers are at most its true ones, so one that beats the incumbent is a relaxed
        // configuration that does too. The fixing shrinks the relaxed items (measured on
        // 200-stage fan-outs: 200,000 options to a few hundred) and so every beam over them;
        // it is repeated after each better incumbent; an item left with no option proves the
        // incumbent optimal.
        //
        // With branches (not deterministic), the relaxed items' local search and small cores
        // and the wide beams over them are skipped; the fixing and the narrow beam stay, and
        // the exact pass's beam looks for incumbents. Measured on `general` workflows under two
        // bounds (10 seeds, release build, both ways in the same runs): at 60 stages the
        // slowest goal 1.40 → 0.86 s and 1.23 → 0.80 s (two runs), with bounds drawn tight
        // 1.20 → 0.59 s, in the middle 1.46 → 1.17 s and 1.44 → 0.96 s; at 200 stages the
        // slowest 4.5 → 3.6 s and 5.9 → 4.4 s; totals within the runs' noise (−32 % to +13 %).
        // On the goal profiled, neither search improved the incumbent (0.5 s of 1.3 s).
        let searchesRelaxed = heuristicIncumbents && model.root.isDeterministic
        var relaxedFixed = false
        if fixesRelaxed, let fixed = core(relaxedItems, searchCores: searchesRelaxed) {
            relaxedItems = fixed
            relaxedFixed = true
            if heuristicIncumbents && !relaxedItems.contains(where: \.isEmpty) {
                // A narrow beam first: cheap over many options, and its incumbent lets the
                // fixing shrink them before the wide beams.
                work += beam(relaxedItems, width: Self.narrowBeamWidth)
                if let again = core(relaxedItems, searchCores: false) { relaxedItems = again }
            }
        }
        // Repeated while it improves: each better incumbent prunes the next beam harder.
        for _ in 0..<(cored || !searchesRelaxed || relaxedItems.contains(where: \.isEmpty) ? 0 : Self.relaxedBeamRounds)
        where !deadline.checkNow() {
            let before = limits.incumbent
            work += beam(relaxedItems, width: 1024)
            if relaxedFixed, limits.incumbent != before, let again = core(relaxedItems, searchCores: false) {
                relaxedItems = again
                if again.contains(where: \.isEmpty) { break }
            }
            guard let now = limits.incumbent, let was = before, now < was - 1e-3 * abs(was) else { break }
        }

        let provenByFixing = relaxedFixed && relaxedItems.contains { $0.isEmpty }
        // The exact pass; the rest of the workflow is bounded with the relaxed items.
        var results: [FoldResult] = []
        if !provenByFixing && !deadline.checkNow() {
            engine = fresh.renewed(limits: limits)
            engine.relaxedTopItems = relaxedItems
            engine.install(cuts: cuts)
            var items: [[ItemOption]] = []
            engine.flatten(model.root, coefficient: 1, context: nil, into: &items)
            // The items before any fixing, kept only for the variant moves below (which restrict
            // every stage to a level, the incumbent's options included): otherwise not held
            // through the exact pass.
            let searchesVariants = cored && dims.all && goal.objective == .maximizeAccuracy && heuristicIncumbents && variantMoves
            let flattened = searchesVariants ? items : []
            // Reduced-cost fixing shrinks the items to a core; a beam over them usually
            // improves the incumbent once more, which tightens every bound of the fold (and
            // the fixing, repeated).
            // (The same items as the first core's, whose cores need not be searched again.)
            if cored, let reduced = core(items, searchCores: false) { items = reduced } else if heuristicIncumbents { work += beam(items, width: model.root.isDeterministic ? 1024 : exactBeamWidthWithBranches) }
            // Targets between the Lagrangian bound and the incumbent, lowest first: a fold
            // pruning against a target keeps every configuration better than it, so when it
            // finds one, the best it finds is optimal; when not, the next target is tried. The
            // partial plans within the gap multiply fast with its width, so a near-optimal
            // incumbent found this way is cheaper to prove than the gap to the first one.
            var proven = false
            /// The fold against the incumbent itself: every configuration better than it.
            /// Nil when it stopped at `budget` labels.
            func foldAgainstIncumbent(budget: Int?) -> [FoldResult]? {
                var passLimits = limits
                passLimits.cuts = cuts
                passLimits.labelBudget = budget
                let fold = KnapsackFold(items: items, dims: dims, algebra: model.accuracy, limits: passLimits)
                let found = fold.run()
                work += fold.stats.totalLabels
                return fold.stats.overBudget ? nil : found
            }
            // First on a small budget of labels: most goals need far fewer, and then the
            // targets' folds and relaxations are not needed. Over budget, the targets take over.
            if cored, !deadline.expired, !stopsBeforeIncumbentFolds,
               let found = foldAgainstIncumbent(budget: directLabelBudget ?? max(Self.directLabels, Self.directLabelsPerItem * items.count)),
               !deadline.expired {
                results = found
                proven = true
            }
            // Max accuracy under two bounds on a chain, not proven by the direct fold: a beam
            // for a better incumbent first (the Lagrangian core's rounding and local search
            // can end far below the optimum there: a 1,000-stage shared-shape chain stopped at
            // the limit 41 % below its bound, 0.5 % with the beam), then the fixing again.
            if !proven, cored, dims.all, goal.objective == .maximizeAccuracy, heuristicIncumbents, accuracyChainBeam,
               !deadline.checkNow() {
                work += beam(items, width: Self.accuracyChainBeamWidth)
                if let again = core(items, searchCores: false) { items = again }
            }
            // Then variant moves around the incumbent (`searchVariantLevels`), and the fixing
            // again when they found a better one.
            if !proven, searchesVariants, !deadline.checkNow(), searchVariantLevels(flattened),
               let again = core(items, searchCores: false) {
                items = again
            }
            // The items' additive form, shared by the searches below (it does not depend on
            // the incumbent).
            let itemsCore = proven ? nil : LagrangianCore(items: items, limits: limits, algebra: model.accuracy)
            /// The fold of a relaxation's items with one bound (the surrogate's, the
            /// accuracy-row's), on a budget of `surrogateLabelsPerItem` labels per item: its
            /// results, or nil when it ran past the budget or the deadline.
            func relaxationFold(_ relaxed: [[ItemOption]], _ relaxedDims: Dimensions, _ relaxedLimits: FoldLimits) -> [FoldResult]? {
                var budgeted = relaxedLimits
                budgeted.labelBudget = Self.surrogateLabelsPerItem * items.count
                let fold = KnapsackFold(items: relaxed, dims: relaxedDims, algebra: model.accuracy, limits: budgeted)
                let found = fold.run()
                work += fold.stats.totalLabels
                return fold.stats.overBudget || deadline.expired ? nil : found
            }
            // Two bounds on a chain: the surrogate relaxation (both bounds summed at the linear
            // relaxation's multipliers, the configuration integral), solved by a fold with one
            // bound against the incumbent. Nothing left proves the incumbent optimal; a best
            // configuration that meets both bounds is optimal; otherwise its value is a lower
            // bound, from which the targets start.
            if !proven, cored, surrogateProof, !deadline.expired, limits.incumbent != nil,
               let relaxation = itemsCore,
               relaxation.limits.count == 2, SurrogateRelaxation.pays(roughItems, objective: goal.objective),
               let lambda = relaxation.multipliers(near: knownMultiplier),
               let surrogate = SurrogateRelaxation(items: items, core: relaxation, lambda: lambda, fold: limits, algebra: model.accuracy) {
                if let found = relaxationFold(surrogate.items, surrogate.dims, surrogate.limits) {
                    if let least = found.map({ score($0, goal) }).min() {
                        // The least value (ties within the fold's margin) meeting both bounds: optimal.
                        // (Accuracy ties are relative to the product, as everywhere.)
                        let tie = LinearCut.improvement * (goal.objective == .maximizeAccuracy ? abs(least) : max(1, abs(least)))
                        let best = bestAdmitted(found.filter { score($0, goal) <= least + tie }, model: model, goal: goal)
                        if let best, foldScore(best.prediction, goal: goal, model: model) <= least + tie {
                            adopt(best)
                            proven = true
                        } else {
                            adopt(bestAdmitted(found, model: model, goal: goal))
                            let value = LagrangianCore.objectiveValue(foldScore: least, objective: goal.objective, algebra: model.accuracy)
                            rootBound = max(rootBound ?? -.infinity, value)
                            prove(atLeast: value - LinearCut.improvement * max(1, abs(value)))
                        }
                    } else {
                        proven = true
                    }
                }
            }
            // Two bounds on a chain minimising cost or latency, one of them an accuracy floor
            // over stages whose accuracy takes few values (`AccuracyRowRelaxation`): the other
            // bound priced into the objective at its linear multiplier, the accuracy floor kept
            // integral, solved by a fold with that one bound against the incumbent. Nothing
            // left proves the incumbent optimal; otherwise the least value is a lower bound,
            // below which no target is tried. (Only while the priced bound's share μ·limit is at
            // most 10 times the incumbent: the fold's tie margin is relative to their sum.)
            if !proven, cored, accuracyRowProof, !deadline.expired, let incumbentScore = limits.incumbent,
               goal.objective != .maximizeAccuracy, let relaxation = itemsCore,
               relaxation.limits.count == 2, relaxation.quantities.contains(.accuracy),
               SurrogateRelaxation.pays(roughItems, objective: .maximizeAccuracy),
               let lambda = relaxation.multipliers(near: knownMultiplier),
               let row = AccuracyRowRelaxation(items: items, core: relaxation, lambda: lambda, fold: limits, algebra: model.accuracy),
               abs(row.offset) <= 10 * max(1, abs(incumbentScore)) {
                if let found = relaxationFold(row.items, row.dims, row.limits) {
                    if let least = found.map({ score($0, goal) }).min() {
                        adopt(bestAdmitted(found, model: model, goal: goal))
                        let value = least - row.offset
                        let tie = LinearCut.improvement * max(1, abs(value))
                        if let score = limits.incumbent, score <= value + tie {
                            proven = true
                        } else {
                            // Proven, but not where the targets start: they stay spread from the
                            // linear bound, and those below this bound are skipped (their folds
                            // would find nothing). Started from it, every target sat within the
                            // linear relaxation's gap of the incumbent, and each fold cost about
                            // as much as the one against the incumbent (a 1,000-stage chain whose
                            // incumbent was optimal: 3.6 s → 12.6 s, six targets of 1.8 s each).
                            prove(atLeast: value - tie)
                        }
                    } else {
                        proven = true
                    }
                }
            }
            // Optionally (`branchAndBound`), two bounds on a chain: a depth-first branch and
            // bound over the free items, with the linear relaxation (one bound exact, the other
            // priced) of the undecided ones at each node. Completed, it proves the optimum;
            // stopped by its budget, its best configuration is adopted and the targets below
            // take over.
            if !proven, cored, branchAndBound, !deadline.expired, let score = limits.incumbent,
               let relaxation = itemsCore,
               relaxation.limits.count == 2, relaxation.value.filter({ $0.count > 1 }).count <= Self.branchFreeItems,
               let lambda = relaxation.multipliers() {
                let z = LagrangianCore.objectiveValue(foldScore: score, objective: goal.objective, algebra: model.accuracy)
                let search = CoreBranchAndBound(core: relaxation)
                let budget = min(timeLimit.map { Self.branchShare * $0 } ?? Self.branchSeconds, Self.branchSeconds)
                let outcome = search.run(target: z, lambda: lambda, deadline: deadline, until: Date().addingTimeInterval(budget))
                work += search.nodes
                switch outcome {
                case .complete(nil):
                    proven = !deadline.expired
                case .complete(let choice?):
                    if let found = candidate(items, choice) {
                        adopt(found)
                        proven = !deadline.expired && incumbent?.indices == found.indices
                    }
                case .stopped(let choice):
                    if let choice { adopt(candidate(items, choice)) }
                }
            }
            if !proven, let bound = rootBound, let score = limits.incumbent,
               let relaxation = itemsCore {
                let z = LagrangianCore.objectiveValue(foldScore: score, objective: goal.objective, algebra: model.accuracy)
                for fraction in Self.targetFractions where z - bound > 0 && !deadline.expired {
                    let target = bound + fraction * (z - bound)
                    // Already proven: nothing is better than this target.
                    if let known = provenBound, target <= known { continue }
                    guard let (alive, _) = relaxation.kept(target: target, near: knownMultiplier) else { break }
                    let targetScore = LagrangianCore.foldScore(objectiveValue: target, objective: goal.objective, algebra: model.accuracy)
                    var targetLimits = limits
                    targetLimits.incumbent = targetScore
                    targetLimits.cuts = cuts
                    let threshold = objectiveThreshold(targetScore, goal: goal, model: model)
                    for i in targetLimits.cuts.indices where targetLimits.cuts[i].isObjective { targetLimits.cuts[i].threshold = threshold }
                    let fold = KnapsackFold(items: alive.indices.map { i in alive[i].map { items[i][$0] } }, dims: dims,
                                            algebra: model.accuracy, limits: targetLimits)
                    let found = fold.run()
                    work += fold.stats.totalLabels
                    guard !deadline.expired else { break }
                    if let f = bestAdmitted(found, model: model, goal: goal) {
                        adopt(f)
                        proven = true
                        break
                    }
                    // Nothing better than the target: it is a lower bound (less the margin
                    // by which the fold drops labels that tie with it).
                    if found.isEmpty { prove(atLeast: target - LinearCut.improvement * max(1, abs(target))) }
                    // (Until the `TwoBoundTable`, the targets stopped when the work hardly grew
                    // from one to the next. With the table a failed target is cheap next to the
                    // fold against the incumbent: measured on two-bound chains, going on through
                    // the targets halved a 60-stage chain's time and cost little elsewhere.)
                }
            }
            if !proven && !deadline.expired && !stopsBeforeIncumbentFolds {
                results = foldAgainstIncumbent(budget: nil) ?? []
            }
            if !proven && stopsBeforeIncumbentFolds { deadline.expire() }
        }
        let found = bestAdmitted(results, model: model, goal: goal)
        var best = found ?? incumbent
        if let f = found, let i = incumbent, Self.better(i.prediction, than: f.prediction, goal: goal) { best = i }
        if deadline.expired {
            // Out of time: nothing is proven, in either direction.
            // No bound yet, or only one from a multiplier search the deadline cut short: the
            // split relaxation's bound for the answer the limit stopped (with joins 4
            // relaxations past the limit: 0.2–0.4 s at 1,000 stages; a chain's is one, its
            // Lagrangian core's own relaxation, for chains stopped before that core ran or
            // while it searched). Where the relaxed items' bound is known it is at least as
            // strong (a join's largest arm mean against a weighted average of its arms'):
            // measured on 1,000-stage fan-outs, computing the split bound there too changed no
            // median gap and ran up to 0.85 s past the limit.
            if boundsStoppedAnswers && (provenBound == nil || boundCutShort) && !splitBoundTried {
                proveSplitBound(engine, rounds: Self.splitRoundsPastLimit)
            }
            guard let best else {
                throw TrimtabError(code: .unsupported, field: "--time-limit",
                                   "no configuration meeting the bounds was found within \(timeLimit ?? 0) s and infeasibility is not proven; allow more time")
            }
            let bound = provenBound.flatMap { reportedBound($0, best: best.prediction, goal: goal, model: model) }
            // A bound that reaches the answer, within the tolerance bounds are met with, proves it.
            if let bound, Self.gap(answer: best.prediction, bound: bound, objective: goal.objective) <= Bounds.tolerance {
                return PlanResult(status: .optimal, optionIndices: best.indices, prediction: best.prediction, work: work)
            }
            return PlanResult(status: .feasible, optionIndices: best.indices, prediction: best.prediction, work: work,
                              objectiveBound: bound)
        }
        guard let best else {
            return PlanResult(status: .infeasible,
                              closestBounds: reportsClosestBounds ? closestBounds(model, goal: goal, deadline: deadline) : [],
                              work: work)
        }
        return PlanResult(status: .optimal, optionIndices: best.indices, prediction: best.prediction, work: work)
    }

    /// |answer − bound| / |answer| for the objective (accuracy: of the accuracies themselves).
    public static func gap(answer: Prediction, bound: Double, objective: Goal.Objective) -> Double {
        let value = objective == .maximizeAccuracy ? answer.accuracy : answer.score(objective)
        return abs(value - bound) / max(abs(value), .leastNormalMagnitude)
    }

    /// A proven bound in the user's units (latency or cost: at most the answer's; accuracy: at
    /// least), from `LagrangianCore`'s units. Nil when it is not finite.
    func reportedBound(_ value: Double, best: Prediction, goal: Goal, model: WorkflowModel) -> Double? {
        switch goal.objective {
        case .minimizeCost, .minimizeLatency:
            return value.isFinite ? min(value, best.score(goal.objective)) : nil
        case .maximizeAccuracy:
            let term = -LagrangianCore.foldScore(objectiveValue: value, objective: goal.objective, algebra: model.accuracy)
            let accuracy = model.accuracy.finish(term)
            return accuracy.isFinite ? max(accuracy, best.accuracy) : nil
        }
    }

    /// The Lagrangian core's local search stops after this long at most (measured: one
    /// 1,000-stage max-accuracy chain took 9 s of tiny improvements without a limit).
    static let localSearchSeconds = 1.0

    /// The branch and bound over a chain's free items (two bounds) stops after this share of
    /// the time limit, and after this many seconds at most; the targets and the fold then
    /// continue from its best configuration.
    static let branchShare = 0.1
    static let branchSeconds = 1.0
    /// … and runs only when at most this many items are still free after the fixing: with
    /// more (33–980 measured on 100- and 1,000-stage chains) it ran out of its budget on
    /// nearly every two-bound goal, where the fold's dominance merges what it enumerates.
    static let branchFreeItems = 32

    /// The surrogate and accuracy-row relaxations' folds stop after this many labels per item
    /// (then the targets go on as without them).
    static let surrogateLabelsPerItem = 200

    /// The fold against the incumbent that runs before the targets (chains) stops after
    /// this many labels, or this many per item when more (measured on 60–1,000-stage chains:
    /// most goals need far fewer, and skipping the targets' folds and relaxations halved
    /// their time; over budget it wastes at most this much before the targets).
    static let directLabels = 20_000
    static let directLabelsPerItem = 20

    /// The exact pass's targets, as fractions of the way from the Lagrangian bound to the
    /// incumbent (then the incumbent itself).
    static let targetFractions = [0.1, 0.2, 0.3, 0.4, 0.55, 0.75]

    /// At most this many beams over the relaxed problem.
    static let relaxedBeamRounds = 2
    /// The narrow beam over the fixed relaxed items of a workflow with joins (measured on
    /// 138 hard two-bound fan-outs: 16 before the wide beams, 171 s in all against 185 s
    /// without it).
    static let narrowBeamWidth = 16
    /// Rounds of the split relaxation's weighting (`proveSplitBound`) when a gap is set.
    static let splitRounds = 6
    /// … and past the time limit, for the answer it stopped.
    static let splitRoundsPastLimit = 2
    /// The first exponentiated step of the split relaxation's weights (halved each round).
    /// Measured on 200-stage fan-outs under two bounds: 2 converged slower (cost gaps
    /// 0.15–0.18 % against 0.15 % at 4), 16 overshot (13.7 % on the first step where 4 gave
    /// 2.1 %); 8 ended about where 4 did.
    static let splitFirstStep = 4.0
    /// The beam for max-accuracy chains under two bounds (`accuracyChainBeam`). Measured on
    /// 60 two-bound goals (chains and shared-shape chains of 60, 200 and 1,000 stages, one
    /// build, 10 s limit): against 1,024 labels, 28.3 s in all for the proven ones against
    /// 30.2 s, the slowest 1,000-stage ones 4.1 and 1.5 s against 5.4 and 3.4 s, the one
    /// answer the beam rescues as good (gap 0.52 %); a 60-stage goal 0.24 → 0.58 s.
    static let accuracyChainBeamWidth = 256
    /// The variant-level search (`searchVariantLevels`): stages whose variant may move, patterns
    /// checked per round, seconds per check, rounds.
    static let variantCandidates = 12
    static let variantPatterns = 8
    static let variantCheckSeconds = 0.05
    static let variantRounds = 8
    /// The label cap of the first, cheap relaxed items of a series–parallel workflow
    /// (measured on the 102 slowest two-bound fan-outs: 1,024 → 107 s in all, 4,096 → 125 s,
    /// 256 then 2,048 → 116 s, none → 132 s).
    static let relaxedCoreCap = 1024

    /// Every non-dominated (latency ↓, cost ↓, accuracy ↑) point meeting `bounds`, one per
    /// distinct vector, sorted by latency.
    /// - Complexity: as `solve`, with all three quantities in the dominance test.
    public func pareto(_ model: WorkflowModel, bounds: Bounds) -> [ParetoPoint] {
        let hasAccuracy = model.workflow.stages.contains { $0.hasVariants }
        let dims = Dimensions(latency: true, cost: true, accuracy: hasAccuracy)
        var limits = FoldLimits(maxLatency: bounds.maxLatencyMs, maxCost: bounds.maxCostPerMillion,
                                minAccuracyTerm: bounds.minAccuracy.map { model.accuracy.unfinish($0) })
        limits.productThreshold = productThreshold
        let engine = LabelEngine(model: model, dims: dims, limits: limits)
        var items: [[ItemOption]] = []
        engine.flatten(model.root, coefficient: 1, context: nil, into: &items)
        let results = KnapsackFold(items: items, dims: dims, algebra: model.accuracy, limits: limits).run()
        let points = results.map { r -> ParetoPoint in
            let indices = Self.indices(r.assignment, stageCount: model.workflow.stages.count)
            return ParetoPoint(optionIndices: indices, prediction: model.predict(optionIndices: indices))
        }.filter { bounds.admits($0.prediction) }
        return ParetoPoint.frontier(points)
    }

    struct Candidate {
        var indices: [Int]
        var prediction: Prediction
    }

    /// Per item, the option a configuration (an option index per stage) takes; nil when an
    /// item has no option matching it.
    static func choice(of indices: [Int], in items: [[ItemOption]]) -> [Int]? {
        var choice: [Int] = []
        choice.reserveCapacity(items.count)
        for options in items {
            guard let o = options.firstIndex(where: { option in
                var k = 0
                while k + 1 < option.assignment.count {
                    let stage = Int(option.assignment[k])
                    guard indices.indices.contains(stage), indices[stage] == Int(option.assignment[k + 1]) else { return false }
                    k += 2
                }
                return true
            }) else { return nil }
            choice.append(o)
        }
        return choice
    }

    static func indices(_ assignment: [Int32], stageCount: Int) -> [Int] {
        var result = Array(repeating: 0, count: stageCount)
        var i = 0
        while i + 1 < assignment.count {
            result[Int(assignment[i])] = Int(assignment[i + 1])
            i += 2
        }
        return result
    }

    /// The best fold result whose exact re-evaluation meets the bounds.
    func bestAdmitted(_ results: [FoldResult], model: WorkflowModel, goal: Goal) -> Candidate? {
        let order = results.indices.sorted { a, b in
            let x = results[a], y = results[b]
            let sx = score(x, goal), sy = score(y, goal)
            if sx != sy { return sx < sy }
            if x.cost != y.cost { return x.cost < y.cost }
            if x.latency != y.latency { return x.latency < y.latency }
            return x.accuracy > y.accuracy
        }
        var best: Candidate? = nil
        var checked = 0
        for i in order {
            let indices = Self.indices(results[i].assignment, stageCount: model.workflow.stages.count)
            let prediction = model.predict(optionIndices: indices)
            checked += 1
            if goal.bounds.admits(prediction) {
                if let b = best, !Self.better(prediction, than: b.prediction, goal: goal) {} else {
                    best = Candidate(indices: indices, prediction: prediction)
                }
            }
            // Re-check a few near-ties so rounding in the fold cannot pick a worse one.
            if best != nil && checked >= 8 { break }
        }
        return best
    }

    func score(_ r: FoldResult, _ goal: Goal) -> Double {
        switch goal.objective {
        case .minimizeCost: return r.cost
        case .minimizeLatency: return r.latency
        case .maximizeAccuracy: return -r.accuracy
        }
    }

    /// The objective cuts' threshold for an incumbent fold score (accuracy in measure form).
    func objectiveThreshold(_ score: Double, goal: Goal, model: WorkflowModel) -> Double {
        guard goal.objective == .maximizeAccuracy else { return score }
        return -CutPlanner.measure(-score, model.accuracy)
    }

    func foldScore(_ p: Prediction, goal: Goal, model: WorkflowModel) -> Double {
        switch goal.objective {
        case .minimizeCost: return p.costPerMillion
        case .minimizeLatency: return p.latencyMs
        case .maximizeAccuracy: return -model.accuracy.unfinish(p.accuracy)
        }
    }

    /// Strictly better for the goal's objective, ties broken by cost, latency, accuracy.
    /// Accuracy ties are relative: a product of many accuracies is far below 1, where an
    /// absolute tolerance would call every configuration a tie.
    static func better(_ a: Prediction, than b: Prediction, goal: Goal) -> Bool {
        let sa = a.score(goal.objective), sb = b.score(goal.objective)
        let tol = 1e-12 * (goal.objective == .maximizeAccuracy ? abs(sb) : max(1, abs(sb)))
        if sa < sb - tol { return true }
        if sa > sb + tol { return false }
        if a.costPerMillion != b.costPerMillion { return a.costPerMillion < b.costPerMillion }
        if a.latencyMs != b.latencyMs { return a.latencyMs < b.latencyMs }
        return a.accuracy > b.accuracy
    }

    /// For a goal with two bounds, neither on its objective's quantity: the bounded quantity
    /// whose least value under the other bound (`reachGoal`) shows whether both bounds can be
    /// met — over its limit, no configuration meets both. Cost for least latency (so that no
    /// quantity involves a join's maximum), latency for least cost, cost for most accuracy.
    static func feasibilityCheck(_ goal: Goal) -> BoundReach.Quantity? {
        let bounded = goal.bounds.quantities
        switch goal.objective {
        case .minimizeLatency: return bounded == [.cost, .accuracy] ? .cost : nil
        case .minimizeCost: return bounded == [.latency, .accuracy] ? .latency : nil
        case .maximizeAccuracy: return bounded == [.latency, .cost] ? .cost : nil
        }
    }

    /// The goal whose optimum is the best `quantity` can reach with its own bound dropped and
    /// the other bounds kept (its closest-bound reach).
    static func reachGoal(_ quantity: BoundReach.Quantity, _ bounds: Bounds) -> Goal {
        let objective: Goal.Objective = quantity == .latency ? .minimizeLatency : quantity == .cost ? .minimizeCost : .maximizeAccuracy
        return Goal(objective: objective, bounds: bounds.with(quantity, nil))
    }

    /// For an infeasible goal: for each bound, the best its quantity can do with the others kept
    /// (one solve per bound, all within one `timeLimit`).
    public func closestBounds(_ model: WorkflowModel, goal: Goal) -> [BoundReach] {
        closestBounds(model, goal: goal, deadline: Deadline(seconds: timeLimit, cancellation: cancellation))
    }

    /// `closestBounds` within the deadline of the solve that proved the goal infeasible, so that
    /// the answer keeps its time limit; `known`: reaches that solve already found. A re-solve
    /// stopped by the deadline gives an unproven reach (its best value found, or none) — never
    /// "cannot be met", which only a completed solve shows.
    func closestBounds(_ model: WorkflowModel, goal: Goal, deadline: Deadline, known: [BoundReach] = []) -> [BoundReach] {
        var statusOnly = self
        statusOnly.reportsClosestBounds = false
        // Each reach is the best value there is (or an unproven one past the deadline, which
        // they share): a gap reached in one must not stop the others.
        statusOnly.relativeGap = nil
        statusOnly.boundsStoppedAnswers = false
        return goal.bounds.quantities.map { quantity -> BoundReach in
            let limit = goal.bounds.limit(quantity) ?? 0
            if let r = known.first(where: { $0.quantity == quantity }) { return r }
            let sub = try? statusOnly.solve(model, goal: Self.reachGoal(quantity, goal.bounds), deadline: deadline)
            let proven = sub.map { $0.status == .optimal || $0.status == .infeasible } ?? false
            return BoundReach(quantity: quantity, limit: limit, best: sub?.prediction.map { quantity.value(of: $0) }, proven: proven)
        }
    }
}

/// One point of a Pareto front.
public struct ParetoPoint: Sendable {
    public var optionIndices: [Int]
    public var prediction: Prediction

    /// The non-dominated points among `points`, one per distinct (latency, cost, accuracy)
    /// vector (compared at 12 significant digits), sorted by latency then cost.
    public static func frontier(_ points: [ParetoPoint]) -> [ParetoPoint] {
        func q(_ x: Double) -> Double {
            guard x != 0, x.isFinite else { return x }
            let scale = pow10(11 - Int(floor(log10(abs(x)))))
            return (x * scale).rounded() / scale
        }
        let lat = points.map { q($0.prediction.latencyMs) }
        let cost = points.map { q($0.prediction.costPerMillion) }
        let acc = points.map { -q($0.prediction.accuracy) }
        let kept = ParetoFilter.nondominated(count: points.count, x: lat, y: cost, z: acc)
        return kept.map { points[$0] }.sorted {
            $0.prediction.latencyMs != $1.prediction.latencyMs ? $0.prediction.latencyMs < $1.prediction.latencyMs
                : $0.prediction.costPerMillion < $1.prediction.costPerMillion
        }
    }
}

func pow10(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
    return r
}
