import Testing
import TrimtabModel
@testable import TrimtabSolve

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

/// A generator with few options per stage, so that exhaustive search stays small.
func smallWorkflow(seed: UInt64) -> Workflow {
    var rng = SeededGenerator(seed: seed &* 7919)
    let stages = Int.random(in: 1...7, using: &rng)
    let sizes = RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng))
    var generator = RandomWorkflowGenerator(memorySizes: sizes, variantShare: 0.4, maxVariants: 3, loopChance: 0.25, bridgeChance: 0.3)
    var w = generator.make(stages: stages, seed: seed)
    // Keep the search space under 20,000 configurations.
    while w.stages.reduce(1, { $0 * $1.variants.reduce(0) { $0 + $1.latency.count } }) > 20_000 {
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
    while w.stages.reduce(1, { $0 * $1.variants.reduce(0) { $0 + $1.latency.count } }) > 60_000 {
        generator.memorySizes = RandomWorkflowGenerator.lambdaSizes(generator.memorySizes.count - 2)
        w = generator.make(stages: stages, seed: seed)
    }
    return w
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
        if let a = goal.bounds.minAccuracy, !atMost(-p.accuracy, -a) { continue }
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
}
