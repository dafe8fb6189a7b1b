import Testing
import TrimtabModel
@testable import TrimtabSim

/// Deterministic service, no cold starts, no limits: every run's latency is the length of its
/// longest path, so the simulated mean estimates the analytic expectation. Tolerance: 4 standard
/// errors of the mean (σ̂/√n from the same run; a fixed seed makes each test deterministic).
@Suite struct AnalyticMeanTests {
    func expectMean(_ r: SimulationReport, equals expected: Double, _ what: String) {
        let tolerance = 4 * r.latency.standardError
        #expect(abs(r.latency.mean - expected) <= max(tolerance, 1e-9), "\(what): simulated \(r.latency.mean) vs analytic \(expected) ± \(tolerance)")
    }

    @Test func chainIsExact() throws {
        let w = try workflow([("a", 100), ("b", 250), ("c", 40)],
                             edges: [("start", "a", 1), ("a", "b", 1), ("b", "c", 1), ("c", "end", 1)])
        let r = try simulate(w, requests: 20_000)
        #expect(r.completed == r.arrived)
        #expect(abs(r.latency.mean - 390) < 1e-9)
        #expect(abs(r.latency.max - 390) < 1e-9)
        #expect(abs(r.latency.p99 - 390) <= 0.39)  // histogram: 3 significant digits
    }

    @Test func branchMatchesTheSpecsValue() throws {
        // Spec: 1(100) → 2(400) p .3 | 3(900) p .7 gives 850.
        let w = try workflow([("s1", 100), ("s2", 400), ("s3", 900)],
                             edges: [("start", "s1", 1), ("s1", "s2", 0.3), ("s1", "s3", 0.7), ("s2", "end", 1), ("s3", "end", 1)])
        #expect(abs(try WorkflowModel(w).predict(uniformConfiguration(w)).latencyMs - 850) < 1e-9)
        let r = try simulate(w, requests: 100_000)
        expectMean(r, equals: 850, "branch")
        // Executions: s2 runs in 30% of runs (4 SE of a proportion).
        let share = Double(r.stages[1].invocations) / Double(r.completed)
        #expect(abs(share - 0.3) <= 4 * (0.3 * 0.7 / Double(r.completed)).squareRoot())
    }

    @Test func selfLoopMatchesTheSpecsValue() throws {
        // Spec: 1(100) → 2(200), 2 → 2 p .25: 100 + 200/0.75 = 366.6667.
        let w = try workflow([("s1", 100), ("s2", 200)],
                             edges: [("start", "s1", 1), ("s1", "s2", 1), ("s2", "s2", 0.25), ("s2", "end", 0.75)])
        let r = try simulate(w, requests: 100_000)
        expectMean(r, equals: 100 + 200 / 0.75, "self-loop")
    }

    @Test func cycleWithJoinsAndBranchesMatchesTheSpecsExample() throws {
        // The spec's example graph: 1739.2857 ms, ne = 1.428571, 0.285714, 1.142857, 1.428571, 1.428571, 1.25.
        let w = try workflow([("n1", 100), ("n2", 500), ("n3", 1000), ("n4", 210), ("n5", 130), ("n6", 100)],
                             edges: [("start", "n1", 1), ("n1", "n2", 0.2), ("n1", "n3", 0.8), ("n1", "n4", 1),
                                     ("n2", "n5", 1), ("n3", "n5", 1), ("n4", "n5", 1), ("n5", "n6", 0.7), ("n5", "n1", 0.3),
                                     ("n6", "n6", 0.2), ("n6", "end", 0.8)])
        let model = try WorkflowModel(w)
        let analytic = try model.predict(uniformConfiguration(w)).latencyMs
        #expect(abs(analytic - 1739.2857) < 1e-3)
        let r = try simulate(w, requests: 100_000, rate: 20)
        expectMean(r, equals: analytic, "cycle")
        // Expected executions per run, within 4 SE. A stage run with probability q in each of K
        // iterations of a loop that repeats with probability p (K geometric: mean 1/(1 − p), variance
        // p/(1 − p)²) runs N times per run with variance E[K]·q(1 − q) + Var[K]·q². n1…n5 are in the
        // cycle (p = 0.3, q = ne·(1 − p)); n6 is its own self-loop (p = 0.2, q = 1).
        for (s, stage) in r.stages.enumerated() {
            let p = s < 5 ? 0.3 : 0.2
            let q = model.executions[s] * (1 - p)
            let variance = q * (1 - q) / (1 - p) + q * q * p / ((1 - p) * (1 - p))
            let se = (variance / Double(r.completed)).squareRoot()
            let ne = Double(stage.invocations) / Double(r.completed)
            #expect(abs(ne - model.executions[s]) <= 4 * se, "ne(\(stage.name)) = \(ne) vs \(model.executions[s]) ± \(4 * se)")
        }
    }

    @Test func parallelJoinOfRandomLatenciesExceedsMaxOfMeans() throws {
        // Two parallel stages with exponential service, means 100 and 100 ms, after a 20 ms stage.
        // The analytic model (max of means) says 120; E[max of two exponentials] = 100 + 100 − 50 = 150.
        let w = try workflow([("pre", 20), ("a", 100), ("b", 100)],
                             edges: [("start", "pre", 1), ("pre", "a", 1), ("pre", "b", 1), ("a", "end", 1), ("b", "end", 1)])
        let analytic = try WorkflowModel(w).predict(uniformConfiguration(w)).latencyMs
        #expect(abs(analytic - 120) < 1e-9)
        let r = try simulate(w, requests: 100_000, serviceTime: .exponential)
        // pre is exponential too: 20 + 150 = 170.
        expectMean(r, equals: 170, "parallel join")
        #expect(r.latency.mean > analytic + 40)
    }

    @Test func sameSeedSameResult() throws {
        let w = try workflow([("s1", 100), ("s2", 400), ("s3", 900)],
                             edges: [("start", "s1", 1), ("s1", "s2", 0.3), ("s1", "s3", 0.7), ("s2", "end", 1), ("s3", "end", 1)])
        let a = try simulate(w, requests: 5_000, seed: 11, serviceTime: .lognormal(cv: 0.5))
        let b = try simulate(w, requests: 5_000, seed: 11, serviceTime: .lognormal(cv: 0.5))
        let c = try simulate(w, requests: 5_000, seed: 12, serviceTime: .lognormal(cv: 0.5))
        #expect(a.latency == b.latency)
        #expect(a.costUSD == b.costUSD)
        #expect(a.latency != c.latency)
    }
}
