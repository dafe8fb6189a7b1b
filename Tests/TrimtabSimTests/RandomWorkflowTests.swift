import Testing
import TrimtabModel
@testable import TrimtabSim
import TrimtabSampling

/// Random workflows of every shape (chains, fan-out and join with branches inside, branches,
/// cycles, self-loops, non-series–parallel bridges): with deterministic service and no cold
/// starts, the simulated mean latency and every stage's executions per run match the analytic
/// model within 4 standard errors.
@Suite struct RandomWorkflowTests {
    @Test(arguments: Array(UInt64(1)...12))
    func simulatedMeanMatchesTheModel(seed: UInt64) throws {
        let w = RandomWorkflowGenerator(memorySizes: [1024], variantShare: 0).make(stages: 10, seed: seed)
        let model = try WorkflowModel(w)
        let analytic = try model.predict(uniformConfiguration(w)).latencyMs
        let r = try simulate(w, requests: 20_000, rate: 20, seed: seed)
        #expect(r.completed == r.arrived)
        let tolerance = 4 * r.latency.standardError
        #expect(abs(r.latency.mean - analytic) <= max(tolerance, 1e-6 * analytic), "seed \(seed)")
    }
}
