import Foundation
import Testing
import TrimtabModel
@testable import TrimtabSolve
import TrimtabSampling

/// Random goals whose bounds are drawn from the spread of the workflow's own predictions,
/// so that some are tight, some loose and some infeasible.
func randomGoals(_ model: WorkflowModel, _ rng: inout SeededGenerator) -> [Goal] {
    let n = model.workflow.stages.count
    var samples: [Prediction] = []
    for _ in 0..<20 {
        samples.append(model.predict(optionIndices: (0..<n).map { Int.random(in: 0..<model.options[$0].count, using: &rng) }))
    }
    func pick(_ values: [Double]) -> Double { values.sorted()[Int.random(in: 0..<values.count, using: &rng)] * Double.random(in: 0.8...1.1, using: &rng) }
    var goals: [Goal] = []
    for objective in Goal.Objective.allCases {
        var bounds = Bounds()
        if objective != .minimizeLatency && Bool.random(using: &rng) { bounds.maxLatencyMs = pick(samples.map(\.latencyMs)) }
        if objective != .minimizeCost && Bool.random(using: &rng) { bounds.maxCostPerMillion = pick(samples.map(\.costPerMillion)) }
        if objective != .maximizeAccuracy && Bool.random(using: &rng) { bounds.minAccuracy = min(1, pick(samples.map(\.accuracy))) }
        if objective == .minimizeCost && bounds.maxLatencyMs == nil && Bool.random(using: &rng) { bounds.maxLatencyMs = pick(samples.map(\.latencyMs)) }
        goals.append(Goal(objective: objective, bounds: bounds))
    }
    return goals
}

/// The number of configurations of `w`: the product of its stages' option counts.
func configurationCount(_ w: Workflow) -> Int {
    w.stages.reduce(1) { $0 * $1.variants.reduce(0) { $0 + $1.latency.count } }
}

/// `make(stages, generator)`, remade with one stage fewer (down to `floor`), then with
/// single-variant stages, until it has at most 20,000 configurations (few enough to enumerate).
func enumerable(stages: Int, floor: Int, _ generator: RandomWorkflowGenerator,
                _ make: (Int, RandomWorkflowGenerator) -> Workflow) -> Workflow {
    var stages = stages, generator = generator
    var w = make(stages, generator)
    while configurationCount(w) > 20_000 {
        if stages > floor { stages -= 1 } else { generator.maxVariants = 1 }
        w = make(stages, generator)
    }
    return w
}

/// A generator with few options per stage, so that exhaustive search stays small.
func smallWorkflow(seed: UInt64) -> Workflow {
    var rng = SeededGenerator(seed: seed &* 7919)
    let stages = Int.random(in: 1...7, using: &rng)
    let sizes = RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng))
    var generator = RandomWorkflowGenerator(memorySizes: sizes, variantShare: 0.4, maxVariants: 3, loopChance: 0.25, bridgeChance: 0.3)
    var w = generator.make(stages: stages, seed: seed)
    // Keep the search space under 20,000 configurations.
    while configurationCount(w) > 20_000 {
        generator.memorySizes = Array(generator.memorySizes.dropLast())
        generator.maxVariants = max(1, generator.maxVariants - 1)
        w = generator.make(stages: stages, seed: seed)
    }
    return w
}

/// Three to five stages with up to 16 memory sizes and variants: label sets of hundreds.
func wideWorkflow(seed: UInt64) -> Workflow {
    var rng = SeededGenerator(seed: seed &* 104_729)
    let stages = Int.random(in: 3...5, using: &rng)
    var generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(16), variantShare: 0.4,
                                            maxVariants: 3, loopChance: 0.2, bridgeChance: 0.3)
    var w = generator.make(stages: stages, seed: seed)
    while configurationCount(w) > 60_000 {
        generator.memorySizes = RandomWorkflowGenerator.lambdaSizes(generator.memorySizes.count - 2)
        w = generator.make(stages: stages, seed: seed)
    }
    return w
}

/// Small workflows of the benchmark's families: general shapes, chains (every third with one
/// curve shape at different scales) and two-level fan-outs, under 20,000 configurations.
func mixWorkflow(seed: UInt64) -> Workflow {
    var rng = SeededGenerator(seed: seed &* 4099)
    let stages = Int.random(in: 3...8, using: &rng)
    var generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                            variantShare: 0.5, maxVariants: 3)
    func make() -> Workflow {
        switch seed % 4 {
        case 0: return generator.makeChain(stages: stages, seed: seed)
        case 1: return generator.makeChain(stages: stages, seed: seed, sharedShape: true)
        case 2: return generator.makeSeriesParallel(stages: stages + 4, seed: seed, depth: 2)
        default: return smallWorkflow(seed: seed + 5000)
        }
    }
    var w = make()
    while configurationCount(w) > 20_000 {
        if generator.memorySizes.count > 2 {
            generator.memorySizes = RandomWorkflowGenerator.lambdaSizes(generator.memorySizes.count - 1)
        } else {
            generator.maxVariants = max(1, generator.maxVariants - 1)
            if generator.maxVariants == 1 { generator.memorySizes = RandomWorkflowGenerator.lambdaSizes(1) }
        }
        w = make()
    }
    return w
}

/// Every objective with both other quantities bounded, at five levels drawn from the spread of
/// the workflow's own predictions `all`: level 0 puts each bound at its own extreme (together
/// usually unreachable), then from tight (the 2nd–12th percentile) to loose (the 60th–70th).
func twoBoundGoals(_ all: [Prediction], _ rng: inout SeededGenerator) -> [Goal] {
    func quantile(_ values: [Double], _ f: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int(f * Double(sorted.count))))]
    }
    var goals: [Goal] = []
    for objective in Goal.Objective.allCases {
        for level in [0.0, 0.02, 0.1, 0.3, 0.6] {
            var bounds = Bounds()
            let f = level == 0 ? 0 : level + 0.1 * Double.random(in: 0..<1, using: &rng)
            if objective != .minimizeLatency { bounds.maxLatencyMs = quantile(all.map(\.latencyMs), f) * (level == 0 ? 0.999 : 1) }
            if objective != .minimizeCost { bounds.maxCostPerMillion = quantile(all.map(\.costPerMillion), f) }
            if objective != .maximizeAccuracy { bounds.minAccuracy = -quantile(all.map { -$0.accuracy }, f) }
            goals.append(Goal(objective: objective, bounds: bounds))
        }
    }
    return goals
}

/// `twoBoundGoals`, plus every objective unbounded and under each single bound at a middling
/// level (the third of `all`'s values from the best).
func everyBoundMix(_ all: [Prediction], _ rng: inout SeededGenerator) -> [Goal] {
    var goals = twoBoundGoals(all, &rng)
    let sorted = (latency: all.map(\.latencyMs).sorted(), cost: all.map(\.costPerMillion).sorted(),
                  accuracy: all.map(\.accuracy).sorted(by: >))
    let middle = all.count / 3
    for objective in Goal.Objective.allCases {
        goals.append(Goal(objective: objective, bounds: Bounds()))
        if objective != .minimizeLatency { goals.append(Goal(objective: objective, bounds: Bounds(maxLatencyMs: sorted.latency[middle]))) }
        if objective != .minimizeCost { goals.append(Goal(objective: objective, bounds: Bounds(maxCostPerMillion: sorted.cost[middle]))) }
        if objective != .maximizeAccuracy { goals.append(Goal(objective: objective, bounds: Bounds(minAccuracy: sorted.accuracy[middle]))) }
    }
    return goals
}

/// A solve stopped early: its plan, or nil when the time limit stopped it before any
/// configuration meeting the bounds was found (the error naming `--time-limit`).
func stoppedSolve(_ solver: ExactSolver, _ model: WorkflowModel, _ goal: Goal) throws(TrimtabError) -> PlanResult? {
    switch Result(catching: { () throws(TrimtabError) -> PlanResult in try solver.solve(model, goal: goal) }) {
    case .success(let plan): return plan
    case .failure(let error) where error.field == "--time-limit": return nil
    case .failure(let error): throw error
    }
}

/// The oracle the solvers are checked against, written here from the definitions and sharing
/// none of the solvers' code (their enumeration, comparison, bound check or frontier): every
/// configuration's prediction by the test's own odometer over the stages' options.
func everyPrediction(_ model: WorkflowModel) -> [Prediction] {
    let counts = model.options.map(\.count)
    var choice = Array(repeating: 0, count: counts.count)
    var out: [Prediction] = []
    while true {
        out.append(model.predict(optionIndices: choice))
        var s = counts.count - 1
        while s >= 0 {
            choice[s] += 1
            if choice[s] < counts[s] { break }
            choice[s] = 0
            s -= 1
        }
        if s < 0 { return out }
    }
}

/// Whether `value` is at most `limit`, with the relative slack the spec allows a bound (1e-9).
private func atMost(_ value: Double, _ limit: Double) -> Bool { value <= limit + 1e-9 * max(1, abs(limit)) }

/// The best score a goal can reach, by definition: the least (cost, latency) or greatest
/// (accuracy) among the predictions within every bound; nil when none is.
func bestScore(_ predictions: [Prediction], _ goal: Goal) -> Double? {
    var best: Double?
    for p in predictions {
        if let l = goal.bounds.maxLatencyMs, !atMost(p.latencyMs, l) { continue }
        if let c = goal.bounds.maxCostPerMillion, !atMost(p.costPerMillion, c) { continue }
        // An accuracy floor's slack is relative to the floor itself (products over many stages
        // are tiny, where an absolute slack would admit anything).
        if let a = goal.bounds.minAccuracy, p.accuracy < a - 1e-9 * abs(a) { continue }
        let value: Double
        switch goal.objective {
        case .minimizeCost: value = p.costPerMillion
        case .minimizeLatency: value = p.latencyMs
        case .maximizeAccuracy: value = -p.accuracy
        }
        best = min(best ?? value, value)
    }
    return best
}

/// The (latency ↓, cost ↓, accuracy ↑) non-dominated set by definition, the simple way: in
/// order of latency (then cost, then accuracy), a point is kept unless a point already kept is
/// no worse in cost and accuracy (within a relative 1e-9; equal points count once).
func definitionFrontier(_ predictions: [Prediction]) -> [Prediction] {
    func near(_ a: Double, _ b: Double) -> Double { 1e-9 * max(1, abs(a), abs(b)) }
    let sorted = predictions.sorted {
        ($0.latencyMs, $0.costPerMillion, -$0.accuracy) < ($1.latencyMs, $1.costPerMillion, -$1.accuracy)
    }
    var kept: [Prediction] = []
    for p in sorted where !kept.contains(where: { k in
        k.costPerMillion <= p.costPerMillion + near(k.costPerMillion, p.costPerMillion)
            && k.accuracy >= p.accuracy - near(k.accuracy, p.accuracy)
    }) {
        kept.append(p)
    }
    return kept
}

@Suite struct ExactVersusExhaustiveTests {
    /// `solver` against enumeration on one goal: the same status and, when both find a
    /// configuration, the same objective value (1e-9 relative, at least `absoluteFloor` × 1e-9)
    /// and the bounds met. Returns whether a configuration was found.
    static func agreesWithEnumeration(_ solver: ExactSolver, _ model: WorkflowModel, _ goal: Goal, _ context: String,
                                      absoluteFloor: Double = 1,
                                      sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let exact = try solver.solve(model, goal: goal)
        let brute = try ExhaustiveSolver().solve(model, goal: goal)
        #expect(exact.status == brute.status, "\(context) \(goal)", sourceLocation: sourceLocation)
        if exact.status == .infeasible && solver.reportsClosestBounds {
            Self.closestBoundsMatchDefinition(exact.closestBounds, model, goal, context, sourceLocation: sourceLocation)
        }
        guard let e = exact.prediction, let b = brute.prediction else { return false }
        let se = e.score(goal.objective), sb = b.score(goal.objective)
        #expect(abs(se - sb) <= 1e-9 * max(absoluteFloor, abs(sb)), "\(context) \(goal): exact \(se) vs exhaustive \(sb)",
                sourceLocation: sourceLocation)
        #expect(goal.bounds.admits(e), sourceLocation: sourceLocation)
        return true
    }

    /// An infeasible goal's closest bounds, against the definition: for each bound, the best
    /// its quantity reaches over every configuration meeting the other bounds (nil when none
    /// does), all proven.
    static func closestBoundsMatchDefinition(_ reaches: [BoundReach], _ model: WorkflowModel, _ goal: Goal, _ context: String,
                                             sourceLocation: SourceLocation = #_sourceLocation) {
        let all = everyPrediction(model)
        let b = goal.bounds
        var expected: [(BoundReach.Quantity, Double?)] = []
        if b.maxLatencyMs != nil {
            var r = b; r.maxLatencyMs = nil
            expected.append((.latency, bestScore(all, Goal(objective: .minimizeLatency, bounds: r))))
        }
        if b.maxCostPerMillion != nil {
            var r = b; r.maxCostPerMillion = nil
            expected.append((.cost, bestScore(all, Goal(objective: .minimizeCost, bounds: r))))
        }
        if b.minAccuracy != nil {
            var r = b; r.minAccuracy = nil
            expected.append((.accuracy, bestScore(all, Goal(objective: .maximizeAccuracy, bounds: r)).map { -$0 }))
        }
        #expect(reaches.map(\.quantity) == expected.map(\.0), "\(context) \(goal)", sourceLocation: sourceLocation)
        for (reach, (_, want)) in zip(reaches, expected) {
            #expect(reach.proven, "\(context) \(goal)", sourceLocation: sourceLocation)
            switch (reach.best, want) {
            case (nil, nil): break
            case let (got?, want?):
                let scale = reach.quantity == .accuracy ? abs(want) : max(1, abs(want))
                #expect(abs(got - want) <= 1e-9 * scale, "\(context) \(goal) \(reach.quantity): \(got) vs \(want)",
                        sourceLocation: sourceLocation)
            default:
                Issue.record("\(context) \(goal) \(reach.quantity): \(String(describing: reach.best)) vs \(String(describing: want))",
                             sourceLocation: sourceLocation)
            }
        }
    }

    /// The exact planner agrees with enumeration on 300 random workflows × 3 goals.
    @Test func exactEqualsExhaustive() throws {
        var rng = SeededGenerator(seed: 2026)
        var compared = 0, infeasible = 0
        var shapes = Set<String>()
        for seed in UInt64(1)...300 {
            let w = smallWorkflow(seed: seed)
            let model = try WorkflowModel(w)
            shapes.formUnion(shapeNames(model.root))
            let all = everyPrediction(model)
            for goal in randomGoals(model, &rng) {
                let exact = try ExactSolver().solve(model, goal: goal)
                let brute = try ExhaustiveSolver().solve(model, goal: goal)
                let oracle = bestScore(all, goal)
                #expect(exact.status == brute.status, "seed \(seed) \(goal)")
                #expect((exact.status == .infeasible) == (oracle == nil), "seed \(seed) \(goal)")
                compared += 1
                if brute.status == .infeasible { infeasible += 1; continue }
                guard let e = exact.prediction, let b = brute.prediction, let so = oracle else { continue }
                let se = e.score(goal.objective), sb = b.score(goal.objective)
                #expect(abs(se - sb) <= 1e-9 * max(1, abs(sb)), "seed \(seed) \(goal): exact \(se) vs exhaustive \(sb)")
                #expect(abs(se - so) <= 1e-9 * max(1, abs(so)), "seed \(seed) \(goal): exact \(se) vs the definition \(so)")
                #expect(goal.bounds.admits(e))
                if let idx = exact.optionIndices { #expect(model.predict(optionIndices: idx) == e) }
            }
        }
        #expect(compared == 900)
        // The generator must have exercised every shape and both feasible and infeasible goals.
        #expect(shapes.isSuperset(of: ["series", "parallel", "mixture", "loop", "general"]), "\(shapes)")
        #expect(infeasible > 20 && infeasible < 600)
    }

    /// The same with every label product searched by `ParetoProduct` (as large workflows
    /// are), on wider workflows: fewer stages, more options each.
    @Test func exactWithProductSearchEqualsExhaustive() throws {
        var rng = SeededGenerator(seed: 2027)
        var solver = ExactSolver()
        solver.productThreshold = 1
        var compared = 0
        for seed in UInt64(1)...150 {
            let w = seed % 3 == 0 ? wideWorkflow(seed: seed) : smallWorkflow(seed: seed + 1000)
            let model = try WorkflowModel(w)
            for goal in randomGoals(model, &rng) {
                let exact = try solver.solve(model, goal: goal)
                let brute = try ExhaustiveSolver().solve(model, goal: goal)
                #expect(exact.status == brute.status, "seed \(seed) \(goal)")
                compared += 1
                guard let e = exact.prediction, let b = brute.prediction else { continue }
                let se = e.score(goal.objective), sb = b.score(goal.objective)
                #expect(abs(se - sb) <= 1e-9 * max(1, abs(sb)), "seed \(seed) \(goal): exact \(se) vs exhaustive \(sb)")
                #expect(goal.bounds.admits(e))
            }
        }
        #expect(compared == 450)
    }

    /// Every objective with every subset of the other two bounds (tight and loose, drawn from
    /// the spread of the workflow's own predictions), on small general workflows, chains
    /// (some with one curve shape at different scales) and two-level fan-outs.
    @Test func everyBoundMixEqualsExhaustive() throws {
        var compared = 0, feasible = 0, infeasible = 0
        for seed in UInt64(1)...45 {
            let model = try WorkflowModel(mixWorkflow(seed: seed))
            var rng = SeededGenerator(seed: seed &* 613)
            let n = model.workflow.stages.count
            var samples: [Prediction] = []
            for _ in 0..<30 {
                samples.append(model.predict(optionIndices: (0..<n).map { Int.random(in: 0..<model.options[$0].count, using: &rng) }))
            }
            func quantile(_ values: [Double], tight: Bool) -> Double {
                let sorted = values.sorted()
                let f = (tight ? 0.05 : 0.5) + 0.4 * Double.random(in: 0..<1, using: &rng)
                return sorted[min(sorted.count - 1, Int(f * Double(sorted.count)))]
            }
            for objective in Goal.Objective.allCases {
                let others: [Int] = [0, 1, 2].filter { $0 != [Goal.Objective.minimizeLatency, .minimizeCost, .maximizeAccuracy].firstIndex(of: objective) }
                for subset in [[], [others[0]], [others[1]], others] {
                    let tight = Bool.random(using: &rng)
                    var bounds = Bounds()
                    for q in subset {
                        switch q {
                        case 0: bounds.maxLatencyMs = quantile(samples.map(\.latencyMs), tight: tight)
                        case 1: bounds.maxCostPerMillion = quantile(samples.map(\.costPerMillion), tight: tight)
                        default: bounds.minAccuracy = -quantile(samples.map { -$0.accuracy }, tight: tight)
                        }
                    }
                    let goal = Goal(objective: objective, bounds: bounds)
                    compared += 1
                    if try Self.agreesWithEnumeration(ExactSolver(), model, goal, "seed \(seed)") { feasible += 1 } else { infeasible += 1 }
                }
            }
        }
        #expect(compared == 45 * 12)
        #expect(feasible > 300 && infeasible > 10)
    }

    /// Chains (plain and with one curve shape at different scales; accuracy a product, or a
    /// mean on a third of them) under two bounds at once,
    /// with and without the branch and bound over the free items (`branchAndBound`): every
    /// objective with both other quantities bounded — loose, tight, and beyond the reachable
    /// (infeasible) — against enumeration.
    /// Which path proves the chain: the fold against the incumbent (default), the opt-in
    /// branch and bound, the surrogate relaxation, the accuracy-row relaxation, or the targets
    /// without either (the first fold given a budget of one label, so that a relaxation or the
    /// targets run); each fold of the targets' and the default path with a `TwoBoundTable`
    /// from its first label (by default only folds with over a thousand labels build one,
    /// which these small chains never reach).
    /// `variantMoves`: past the direct fold without the max-accuracy beam or the two
    /// relaxations, so that the variant-level search finds better incumbents (and must find
    /// some) before the targets prove them.
    enum ChainPath: CaseIterable { case fold, branchAndBound, surrogate, accuracyRow, targets, foldWithTable, targetsWithTable, variantMoves }

    @Test(arguments: ChainPath.allCases) func twoBoundChainsEqualExhaustive(path: ChainPath) throws {
        var solver = ExactSolver()
        solver.branchAndBound = path == .branchAndBound
        solver.surrogateProof = path == .surrogate || path == .fold || path == .foldWithTable
        solver.accuracyRowProof = path == .accuracyRow || path == .fold || path == .foldWithTable
        if path == .surrogate || path == .accuracyRow || path == .targets || path == .targetsWithTable { solver.directLabelBudget = 1 }
        if path == .foldWithTable || path == .targetsWithTable { solver.twoBoundTableLabels = 1 }
        let log = SolveLog()
        if path == .variantMoves {
            solver.directLabelBudget = 1
            solver.accuracyChainBeam = false
            solver.log = log
        }
        var compared = 0, feasible = 0, infeasible = 0
        for seed in UInt64(1)...60 {
            var rng = SeededGenerator(seed: seed &* 7919)
            let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                                    variantShare: 0.5, maxVariants: 2)
            var stages = Int.random(in: 4...9, using: &rng)
            var w = generator.makeChain(stages: stages, seed: seed, sharedShape: seed % 2 == 0)
            while configurationCount(w) > 20_000 {
                stages -= 1
                w = generator.makeChain(stages: stages, seed: seed, sharedShape: seed % 2 == 0)
            }
            // A third of the chains combine accuracy as a mean (a sum, not a product).
            if seed % 3 == 0 { w.accuracy = .mean }
            let model = try WorkflowModel(w)
            for goal in twoBoundGoals(everyPrediction(model), &rng) {
                compared += 1
                if try Self.agreesWithEnumeration(solver, model, goal, "seed \(seed)", absoluteFloor: goal.objective == .maximizeAccuracy ? 0 : 1) {
                    feasible += 1
                } else {
                    infeasible += 1
                }
            }
        }
        #expect(compared == 60 * 15)
        #expect(feasible > 400 && infeasible > 60)
        if path == .variantMoves { #expect(log.variantImprovements > 0) }
    }

    /// Fan-outs (one and two levels of parallel joins) under two bounds at once: every
    /// objective with both other quantities bounded, from each bound at its extreme (usually
    /// unreachable together) to loose, against enumeration. These goals go through the
    /// Lagrangian core of the relaxed items (a join's latency as its largest mean): its
    /// reduced-cost fixing shrinks them, and an item left with no option proves the incumbent
    /// optimal; a fixing that removed one option too many would show here as a worse answer.
    /// Also with only the scalarised search's incumbent (`heuristicIncumbents` false): the
    /// beams and local searches find the optimum of most small workflows, after which even a
    /// wrong proof gives the right answer.
    @Test(arguments: [true, false]) func twoBoundFanOutsEqualExhaustive(heuristics: Bool) throws {
        var solver = ExactSolver()
        solver.heuristicIncumbents = heuristics
        var compared = 0, feasible = 0, infeasible = 0
        for seed in UInt64(1)...60 {
            var rng = SeededGenerator(seed: seed &* 6271)
            let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                                    variantShare: 0.5, maxVariants: 2)
            let depth = seed % 2 == 0 ? 2 : 1
            let w = enumerable(stages: Int.random(in: 6...11, using: &rng), floor: 6, generator) {
                $1.makeSeriesParallel(stages: $0, seed: seed, depth: depth)
            }
            let model = try WorkflowModel(w)
            for goal in twoBoundGoals(everyPrediction(model), &rng) {
                compared += 1
                if try Self.agreesWithEnumeration(solver, model, goal, "seed \(seed) depth \(depth)",
                                                  absoluteFloor: goal.objective == .maximizeAccuracy ? 0 : 1) {
                    feasible += 1
                } else {
                    infeasible += 1
                }
            }
        }
        #expect(compared == 60 * 15)
        #expect(feasible > 400 && infeasible > 60, "\(feasible) feasible, \(infeasible) infeasible")
    }

    /// The Pareto front equals the non-dominated set found by enumeration, with and without
    /// the product search.
    @Test(arguments: [4096, 1]) func paretoEqualsExhaustive(productThreshold: Int) throws {
        var solver = ExactSolver()
        solver.productThreshold = productThreshold
        for seed in UInt64(301)...420 {
            let w = smallWorkflow(seed: seed)
            let model = try WorkflowModel(w)
            let exact = solver.pareto(model, bounds: Bounds())
            let brute = try ExhaustiveSolver().pareto(model, bounds: Bounds())
            #expect(exact.count == brute.count, "seed \(seed)")
            // And against the front by definition (the test's own enumeration and dominance).
            let oracle = definitionFrontier(everyPrediction(model))
            #expect(exact.count == oracle.count, "seed \(seed): exact \(exact.count) points, by definition \(oracle.count)")
            for (a, o) in zip(exact, oracle) {
                #expect(abs(a.prediction.latencyMs - o.latencyMs) <= 1e-9 * max(1, o.latencyMs), "seed \(seed)")
                #expect(abs(a.prediction.costPerMillion - o.costPerMillion) <= 1e-9 * max(1, o.costPerMillion), "seed \(seed)")
                #expect(abs(a.prediction.accuracy - o.accuracy) <= 1e-12, "seed \(seed)")
            }
            for (a, b) in zip(exact, brute) {
                #expect(abs(a.prediction.latencyMs - b.prediction.latencyMs) <= 1e-9 * max(1, b.prediction.latencyMs))
                #expect(abs(a.prediction.costPerMillion - b.prediction.costPerMillion) <= 1e-9 * max(1, b.prediction.costPerMillion))
                #expect(abs(a.prediction.accuracy - b.prediction.accuracy) <= 1e-12)
            }
        }
    }
}

func shapeNames(_ block: Block) -> Set<String> {
    switch block {
    case .empty, .stage: return []
    case .series(let c): return c.reduce(["series"]) { $0.union(shapeNames($1)) }
    case .parallel(let c): return c.reduce(["parallel"]) { $0.union(shapeNames($1)) }
    case .mixture(let arms): return arms.reduce(["mixture"]) { $0.union(shapeNames($1.block)) }
    case .loop(let b, _): return shapeNames(b).union(["loop"])
    case .general(let r): return r.edges.reduce(["general"]) { $0.union(shapeNames($1.block)) }
    }
}

@Suite struct TimeLimitTests {
    /// Past its time limit the exact solver answers `feasible` (never `optimal`) with a
    /// configuration that meets the bounds.
    @Test func expiredLimitGivesFeasibleNotOptimal() throws {
        let w = RandomWorkflowGenerator().make(stages: 60, seed: 3060)
        let model = try WorkflowModel(w)
        let n = w.stages.count
        let fastest = model.predict(optionIndices: (0..<n).map { s in model.options[s].indices.min { model.options[s][$0].latencyMs < model.options[s][$1].latencyMs } ?? 0 })
        let goal = Goal(objective: .minimizeCost, bounds: Bounds(maxLatencyMs: fastest.latencyMs * 1.5))
        let limited = try ExactSolver(timeLimit: 1e-6).solve(model, goal: goal)
        #expect(limited.status == .feasible)
        let p = try #require(limited.prediction)
        #expect(goal.bounds.admits(p))
        let full = try ExactSolver().solve(model, goal: goal)
        #expect(full.status == .optimal)
        #expect((full.prediction?.costPerMillion ?? .infinity) <= p.costPerMillion + 1e-9)
    }

    /// An infeasible goal's closest bounds share the solve's time limit: past it, no reach is
    /// reported as proven — in particular none as "cannot be met" (nil and proven) for a
    /// re-solve that merely ran out of time. Without a limit the same reaches are proven.
    @Test func closestBoundsPastTheLimitAreNotProven() throws {
        let w = RandomWorkflowGenerator().make(stages: 60, seed: 3061)
        let model = try WorkflowModel(w)
        let goal = Goal(objective: .minimizeCost, bounds: Bounds(maxLatencyMs: 1e6, minAccuracy: 1e-300))
        let limited = ExactSolver(timeLimit: 0).closestBounds(model, goal: goal)
        #expect(limited.map(\.quantity) == [.latency, .accuracy])
        #expect(limited.allSatisfy { !$0.proven })
        let full = ExactSolver().closestBounds(model, goal: goal)
        #expect(full.map(\.quantity) == [.latency, .accuracy])
        #expect(full.allSatisfy { $0.proven && $0.best != nil })
    }
}

@Suite struct TinyAccuracyFloorTests {
    /// A product of 30 accuracies is about 1e-9: the floor must still bind (the tolerance is
    /// relative to the floor). Closed form: every stage cheap (accuracy 0.5) except the one
    /// whose accurate variant (0.6) costs the least extra.
    @Test func floorOfAProductOfManyStagesBinds() throws {
        var stages: [Stage] = []
        var edges = [Edge(from: "start", to: "s0")]
        for i in 0..<30 {
            let fast = 100 + Double(i)
            stages.append(Stage(name: "s\(i)", variants: [
                Variant(name: "small", accuracy: 0.5, latency: [LatencyPoint(memoryMB: 1024, latencyMs: fast)]),
                Variant(name: "large", accuracy: 0.6, latency: [LatencyPoint(memoryMB: 1024, latencyMs: fast + 50 + Double((i * 7) % 13))]),
            ]))
            edges.append(Edge(from: "s\(i)", to: i == 29 ? "end" : "s\(i + 1)"))
        }
        let model = try WorkflowModel(Workflow(name: "tiny-floor", stages: stages, edges: edges))
        let floor = pow(0.5, 29) * 0.6
        #expect(!Bounds(minAccuracy: floor).admits(Prediction(latencyMs: 0, costPerMillion: 0, accuracy: pow(0.5, 30))))
        for solver in [ExactSolver() as any Solver, GreedySolver()] {
            let r = try solver.solve(model, goal: Goal(objective: .minimizeCost, bounds: Bounds(minAccuracy: floor)))
            let p = try #require(r.prediction)
            #expect(p.accuracy >= floor * (1 - 1e-9), "\(solver.name)")
            if solver.name == "exact" {
                let cheap = (0..<30).map { model.options[$0][0].invocationCost }.reduce(0, +)
                let extra = (0..<30).map { model.options[$0][1].invocationCost - model.options[$0][0].invocationCost }.min() ?? 0
                #expect(abs(p.costPerMillion - (cheap + extra) * 1e6) < 1e-9 * p.costPerMillion)
            }
        }
    }
}

@Suite struct TinyAccuracyObjectiveTests {
    /// Maximising a product of ~150 accuracies (about 1e-25): every configuration differs from
    /// the best by far less than 1e-12 in absolute terms, so an absolute tie tolerance returned
    /// the cheapest configuration as "optimal". Closed form: each stage at its most accurate
    /// variant; with a latency bound the fastest memory of those variants still meets.
    @Test func maximisedProductOfManyStagesIsTheBestVariantEverywhere() throws {
        let w = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(4)).makeChain(stages: 300, seed: 11)
        let model = try WorkflowModel(w)
        let best = w.stages.filter(\.hasVariants).map { $0.variants.map(\.accuracy).max() ?? 1 }.reduce(1, *)
        #expect(best < 1e-12)
        // The fastest option among each stage's most accurate variant: its latency is the bound.
        let fastestAccurate = (0..<w.stages.count).map { s -> Int in
            let top = model.options[s].map(\.accuracy).max() ?? 1
            let candidates = model.options[s].indices.filter { model.options[s][$0].accuracy == top }
            return candidates.min { model.options[s][$0].latencyMs < model.options[s][$1].latencyMs } ?? 0
        }
        let limit = model.predict(optionIndices: fastestAccurate).latencyMs
        for bounds in [Bounds(), Bounds(maxLatencyMs: limit * 1.000001)] {
            let r = try ExactSolver().solve(model, goal: Goal(objective: .maximizeAccuracy, bounds: bounds))
            #expect(r.status == .optimal)
            let p = try #require(r.prediction)
            #expect(abs(p.accuracy - best) <= 1e-9 * best, "exact \(p.accuracy) vs closed form \(best)")
        }
        // Unbounded, ties among the most accurate plans go to the cheapest (as `better`
        // breaks them): per stage, the cheapest option of its most accurate variant.
        let cheapestAccurate = (0..<w.stages.count).map { s -> Int in
            let top = model.options[s].map(\.accuracy).max() ?? 1
            let candidates = model.options[s].indices.filter { model.options[s][$0].accuracy == top }
            return candidates.min { model.options[s][$0].invocationCost < model.options[s][$1].invocationCost } ?? 0
        }
        let cheapest = model.predict(optionIndices: cheapestAccurate).costPerMillion
        let r = try ExactSolver().solve(model, goal: Goal(objective: .maximizeAccuracy, bounds: Bounds()))
        let p = try #require(r.prediction)
        #expect(abs(p.costPerMillion - cheapest) <= 1e-9 * cheapest, "exact \(p.costPerMillion) vs cheapest \(cheapest)")
    }
}
