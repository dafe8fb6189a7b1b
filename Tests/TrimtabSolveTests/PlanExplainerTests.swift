import Testing
import TrimtabModel
@testable import TrimtabSolve

@Suite struct PlanExplainerTests {
    /// Binding bounds and the moved-bound optima agree with enumeration (a separate solve of
    /// each moved goal by `ExhaustiveSolver`), on random small workflows and goals.
    @Test func movedBoundOptimaEqualEnumeration() throws {
        var rng = SeededGenerator(seed: 1919)
        var bindingSeen = 0, infeasibleMoves = 0, moves = 0
        for seed in UInt64(1)...120 {
            let model = try WorkflowModel(smallWorkflow(seed: seed))
            for goal in randomGoals(model, &rng) {
                let plan = try ExactSolver().solve(model, goal: goal)
                guard plan.status == .optimal, let indices = plan.optionIndices, let p = plan.prediction else { continue }
                let e = try PlanExplainer().explain(model, goal: goal, plan: indices, planIsOptimal: true)
                #expect(e.bounds.count == [goal.bounds.maxLatencyMs, goal.bounds.maxCostPerMillion, goal.bounds.minAccuracy].compactMap { $0 }.count)
                for b in e.bounds {
                    var dropped = goal
                    switch b.bound {
                    case .latency: dropped.bounds.maxLatencyMs = nil
                    case .cost: dropped.bounds.maxCostPerMillion = nil
                    case .accuracy: dropped.bounds.minAccuracy = nil
                    }
                    let free = try ExhaustiveSolver().solve(model, goal: dropped)
                    let freeScore = try #require(free.prediction).score(goal.objective)
                    let binds = freeScore < p.score(goal.objective) - 1e-9 * max(1, abs(p.score(goal.objective)))
                    #expect(b.binding == binds, "seed \(seed) \(goal) \(b.bound)")
                    #expect(b.slack >= -1e-9 * max(1, abs(b.limit)))
                    let moved = e.sensitivity.first { $0.bound == b.bound }
                    #expect((moved != nil) == binds)
                    guard let moved else { continue }
                    bindingSeen += 1
                    #expect(moved.variations.map(\.relaxPercent) == [-10, -5, 5, 10])
                    for v in moved.variations {
                        var g = goal
                        // The oracle moves the limit itself: up for latency and cost, down for accuracy.
                        let factor = 1 + v.relaxPercent / 100
                        switch b.bound {
                        case .latency: g.bounds.maxLatencyMs = b.limit * factor
                        case .cost: g.bounds.maxCostPerMillion = b.limit * factor
                        case .accuracy: g.bounds.minAccuracy = b.limit * (2 - factor)
                        }
                        let brute = try ExhaustiveSolver().solve(model, goal: g)
                        moves += 1
                        #expect(v.outcome.status == brute.status.rawValue, "seed \(seed) \(g)")
                        if brute.status == .infeasible {
                            infeasibleMoves += 1
                            #expect(v.outcome.objectiveValue == nil)
                            continue
                        }
                        let want = try #require(brute.prediction).score(goal.objective)
                        let got = try #require(v.outcome.predicted).score(goal.objective)
                        #expect(abs(want - got) <= 1e-9 * max(1, abs(want)), "seed \(seed) \(g): \(got) vs \(want)")
                        #expect(g.bounds.admits(try #require(v.outcome.predicted)))
                    }
                }
            }
        }
        // The random goals must have exercised binding bounds and infeasible moves.
        #expect(bindingSeen > 50)
        #expect(infeasibleMoves > 5)
        #expect(moves == bindingSeen * 4)
    }

    /// The best single change per stage equals a brute force over every single change, with the
    /// ranking written out here: free improvements first (largest gain), then the largest
    /// relative gain per relative excess over the broken bounds.
    @Test func bestSingleChangeEqualsBruteForce() throws {
        var rng = SeededGenerator(seed: 77)
        var withChange = 0, breaking = 0
        for seed in UInt64(200)...260 {
            let model = try WorkflowModel(smallWorkflow(seed: seed))
            for goal in randomGoals(model, &rng) {
                let plan = try ExactSolver().solve(model, goal: goal)
                guard plan.status == .optimal, let indices = plan.optionIndices, let p = plan.prediction else { continue }
                let e = try PlanExplainer().explain(model, goal: goal, plan: indices, planIsOptimal: true)
                #expect(e.changes.count == indices.count)
                for (s, change) in e.changes.enumerated() {
                    var bestScore: (Bool, Double)? = nil   // (breaks nothing, ratio or gain)
                    var bestK: [Int] = []
                    for k in model.options[s].indices where k != indices[s] {
                        var c = indices
                        c[s] = k
                        let q = model.predict(optionIndices: c)
                        let base = p.score(goal.objective)
                        let gain = base - q.score(goal.objective)
                        guard gain > 1e-9 * max(1, abs(base)) else { continue }
                        var worst = 0.0
                        if let l = goal.bounds.maxLatencyMs, q.latencyMs > l * (1 + 1e-9) { worst = max(worst, (q.latencyMs - l) / l) }
                        if let l = goal.bounds.maxCostPerMillion, q.costPerMillion > l * (1 + 1e-9) { worst = max(worst, (q.costPerMillion - l) / l) }
                        if let a = goal.bounds.minAccuracy, q.accuracy < a - 1e-9 * a { worst = max(worst, (a - q.accuracy) / a) }
                        let score = worst == 0 ? (true, gain) : (false, gain / abs(base) / worst)
                        if let b = bestScore, b.0 == score.0, abs(b.1 - score.1) <= 1e-12 * max(1, abs(b.1)) {
                            bestK.append(k)
                        } else if bestScore == nil || (score.0 && !bestScore!.0) || (score.0 == bestScore!.0 && score.1 > bestScore!.1) {
                            bestScore = score
                            bestK = [k]
                        }
                    }
                    if bestK.isEmpty {
                        #expect(change.to == nil, "seed \(seed) stage \(s)")
                        continue
                    }
                    withChange += 1
                    let to = try #require(change.to, "seed \(seed) stage \(s)")
                    let labels = bestK.map { PlanExplainer.label(model, s, $0) }
                    #expect(labels.contains(to), "seed \(seed) \(goal) stage \(s): \(to) not in \(labels)")
                    if !change.breaks.isEmpty { breaking += 1 }
                    // An optimal plan has no free improvement.
                    #expect(!change.breaks.isEmpty)
                }
            }
        }
        #expect(withChange > 30)
        #expect(breaking == withChange)
    }

    /// Latency shares against closed forms: a fan-out whose slower arm is critical, a branch
    /// (shares by probability) and a self-loop (1/(1 − p) executions).
    @Test func sharesFollowTheCriticalPath() throws {
        func stage(_ name: String, _ ms: Double, _ mb: Int = 1024) -> Stage {
            Stage(name: name, latency: [LatencyPoint(memoryMB: mb, latencyMs: ms)])
        }
        let w = Workflow(name: "shares",
                         stages: [stage("a", 100), stage("b", 300), stage("c", 200), stage("d", 50), stage("e", 400), stage("f", 80)],
                         edges: [Edge(from: "start", to: "a"),
                                 Edge(from: "a", to: "b"), Edge(from: "a", to: "c"),         // fan-out
                                 Edge(from: "b", to: "d"), Edge(from: "c", to: "d"),         // join
                                 Edge(from: "d", to: "e", probability: 0.25), Edge(from: "d", to: "f", probability: 0.75),
                                 Edge(from: "f", to: "f", probability: 0.5), Edge(from: "f", to: "end", probability: 0.5),
                                 Edge(from: "e", to: "end")],
                         accuracy: .product)
        let model = try WorkflowModel(w)
        let indices = Array(repeating: 0, count: 6)
        let e = try PlanExplainer().explain(model, goal: Goal(objective: .minimizeCost), plan: indices, planIsOptimal: true)
        // L = 100 + max(300, 200) + 50 + 0.25·400 + 0.75·80/(1 − 0.5) = 670
        let latency = 100 + 300 + 50 + 0.25 * 400 + 0.75 * 80 / 0.5
        #expect(abs(e.stages.map { $0.latencyMs * $0.criticality }.reduce(0, +) - latency) < 1e-8 * latency)
        let expected: [String: Double] = ["a": 1, "b": 1, "c": 0, "d": 1, "e": 0.25, "f": 0.75 / 0.5]
        for s in e.stages {
            #expect(abs(s.criticality - (expected[s.stage] ?? -1)) < 1e-6, "\(s.stage): \(s.criticality)")
            #expect(abs(s.latencyShare - s.latencyMs * (expected[s.stage] ?? 0) / latency) < 1e-9)
        }
        #expect(e.criticalPath == ["a", "b", "d", "e", "f"])
        #expect(abs(e.stages.map(\.costShare).reduce(0, +) - 1) < 1e-12)
        #expect(e.bounds.isEmpty && e.sensitivity.isEmpty && e.resolves == 0)
    }
}
