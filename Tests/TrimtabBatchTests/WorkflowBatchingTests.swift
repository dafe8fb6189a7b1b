import Foundation
import Testing
import TrimtabModel
import TrimtabSolve
import TrimtabSampling

/// Workflow planning with batching: batched options are ordinary options, so the exact solver
/// must agree with exhaustive enumeration; and a batched option's numbers are the closed forms.
@Suite struct WorkflowBatchingTests {
    /// A random workflow whose first one or two stages get a batch dimension and candidate timeouts.
    static func batchedWorkflow(seed: UInt64) -> Workflow {
        var rng = SeededGenerator(seed: seed &* 104_729)
        let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...3, using: &rng)),
                                                variantShare: 0.3, maxVariants: 2, loopChance: 0.25, bridgeChance: 0.2)
        var w = generator.make(stages: Int.random(in: 2...4, using: &rng), seed: seed)
        for s in 0..<min(w.stages.count, Int.random(in: 1...2, using: &rng)) {
            for v in w.stages[s].variants.indices {
                let base = w.stages[s].variants[v].latency
                w.stages[s].variants[v].batchLatency = [(1, 1.0), (3, 1.7), (6, 2.6)].map { size, factor in
                    BatchLatencyTable(batchSize: size, latency: base.map { LatencyPoint(memoryMB: $0.memoryMB, latencyMs: $0.latencyMs * factor) })
                }
            }
            w.stages[s].batchTimeoutsMs = [20, 200]
        }
        w.goal = Goal(objective: .minimizeCost, loadRps: Double.random(in: 2...80, using: &rng))
        return w
    }

    @Test func exactEqualsExhaustiveWithBatching() throws {
        var checked = 0
        for seed: UInt64 in 1...20 {
            let w = Self.batchedWorkflow(seed: seed)
            let model = try WorkflowModel(w)
            let size = model.options.reduce(1) { $0 * $1.count }
            guard size <= 60_000 else { continue }
            #expect(model.options[0].contains { $0.batchSize != nil })
            let cheapest = model.predict(optionIndices: model.options.map { opts in opts.indices.min { opts[$0].invocationCost < opts[$1].invocationCost } ?? 0 })
            let fastest = model.predict(optionIndices: model.options.map { opts in opts.indices.min { opts[$0].latencyMs < opts[$1].latencyMs } ?? 0 })
            let midLatency = (cheapest.latencyMs + fastest.latencyMs) / 2
            let midCost = (cheapest.costPerMillion + fastest.costPerMillion) / 2
            for goal in [Goal(objective: .minimizeCost, bounds: Bounds(maxLatencyMs: midLatency), loadRps: w.goal?.loadRps),
                         Goal(objective: .minimizeLatency, bounds: Bounds(maxCostPerMillion: midCost), loadRps: w.goal?.loadRps)] {
                let exact = try #require(Solvers.named("exact")).solve(model, goal: goal)
                let brute = try #require(Solvers.named("exhaustive")).solve(model, goal: goal)
                #expect(exact.status == brute.status, "seed \(seed)")
                if let a = exact.prediction, let b = brute.prediction {
                    #expect(abs(a.score(goal.objective) - b.score(goal.objective)) <= 1e-9 * max(1, abs(b.score(goal.objective))), "seed \(seed)")
                }
                // The configuration round-trips through names (batch size and timeout included).
                if let indices = exact.optionIndices {
                    let again = try model.optionIndices(for: model.configuration(optionIndices: indices))
                    #expect(model.predict(optionIndices: again) == model.predict(optionIndices: indices))
                }
            }
            checked += 1
        }
        #expect(checked >= 10)
    }

    /// One batched option against the closed forms, by hand: λ = 10/s, B = 3, T = 200 ms ⇒
    /// N ~ Poisson(2): p1 = e⁻², p2 = 2e⁻², p3 = 1 − 3e⁻²; service 100, 170 (interpolated), 240 ms.
    @Test func batchedOptionIsTheClosedForm() throws {
        let stage = Stage(name: "s", latency: [LatencyPoint(memoryMB: 1024, latencyMs: 100)],
                          batchLatency: [BatchLatencyTable(batchSize: 1, latency: [LatencyPoint(memoryMB: 1024, latencyMs: 100)]),
                                         BatchLatencyTable(batchSize: 5, latency: [LatencyPoint(memoryMB: 1024, latencyMs: 380)])])
        var withTimeouts = stage
        withTimeouts.batchTimeoutsMs = [200]
        let w = Workflow(name: "one", stages: [withTimeouts], edges: [Edge(from: "start", to: "s"), Edge(from: "s", to: "end")],
                         goal: Goal(objective: .minimizeCost, loadRps: 10))
        let model = try WorkflowModel(w)
        let option = try #require(model.options[0].first { $0.batchSize == 3 && $0.batchTimeoutMs == 200 })
        let e2 = exp(-2.0)
        let p = [e2, 2 * e2, 1 - 3 * e2]
        let service = [100.0, 170, 240]
        let meanSize = p[0] + 2 * p[1] + 3 * p[2]
        // E[Σ waits] = (1/λ)(1·P(N>0) + 2·P(N>1)) s.
        let waitMs = (1 * (1 - e2) + 2 * (1 - 3 * e2)) / 10 * 1000 / meanSize
        let serviceMean = (p[0] * 100 + 2 * p[1] * 170 + 3 * p[2] * 240) / meanSize
        #expect(abs(option.latencyMs - (waitMs + serviceMean)) < 1e-9)
        let platform = Platform()
        let cost = zip(p, service).reduce(0) { $0 + $1.0 * platform.invocationCost(memoryMB: 1024, latencyMs: $1.1) } / meanSize
        #expect(abs(option.invocationCost - cost) < 1e-18)
        // Without load_rps the stage is planned unbatched only.
        var unloaded = w
        unloaded.goal = Goal(objective: .minimizeCost)
        #expect(try WorkflowModel(unloaded).options[0].allSatisfy { $0.batchSize == nil })
    }
}
