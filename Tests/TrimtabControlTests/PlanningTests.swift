import Testing
import TrimtabAdapters
import TrimtabModel
@testable import TrimtabControl

@Suite struct PlanningTests {
    @Test func replicaCountIsTheClosedForm() {
        let planner = ReplicaPlanner(headroom: 1.2, minimum: 1, maximum: 50)
        // ceil(10 × 1.2 × (1/0.9) × 0.716) = ceil(9.5466…) = 10
        #expect(planner.capacity(forecast: 10, executions: 1 / 0.9, latencyMs: 716) == 10)
        // Exactly 2 replicas' worth stays 2 (no floating-point round-up).
        #expect(ReplicaPlanner(headroom: 1).capacity(forecast: 10, executions: 1, latencyMs: 200) == 2)
        // Zero load keeps the minimum, never zero; huge load is capped.
        #expect(planner.capacity(forecast: 0, executions: 1, latencyMs: 100) == 1)
        #expect(planner.capacity(forecast: 1e9, executions: 1, latencyMs: 100) == 50)
    }

    @Test func kubernetesPlanSizesReplicasForTheChosenVariant() throws {
        let plan = try Workflows.planner(headroom: 1.5).plan(forecast: 20)
        // The accuracy bound forces the large variant: 20 × 1.5 × 0.5 s = 15 replicas.
        #expect(plan.settings == [
            StageSetting(stage: "pre", replicas: 3),
            StageSetting(stage: "model", variant: "large", replicas: 15),
            StageSetting(stage: "post", replicas: 2),
        ])
        #expect(abs(plan.prediction.latencyMs - 650) < 1e-9)
    }

    @Test func lambdaPlanSetsMemoryAndConcurrency() throws {
        let plan = try Workflows.planner(capacity: .concurrency).plan(forecast: 10)
        #expect(plan.settings == [
            StageSetting(stage: "pre", memoryMB: 512, concurrency: 1),
            StageSetting(stage: "model", variant: "large", memoryMB: 1024, concurrency: 5),
            StageSetting(stage: "post", memoryMB: 256, concurrency: 1),
        ])
    }

    @Test func gainComparesTheRunningChoiceWithThePlan() throws {
        // Minimise latency: the 2048 MB size of `a` (95 ms) against 1024 MB (200 ms), `b` fixed at 100 ms.
        let text = """
            version: 1
            stages:
              - {name: a, latency_ms: {1024: 200, 2048: 95}}
              - {name: b, latency_ms: {512: 100}}
            edges: [{from: start, to: a}, {from: a, to: b}, {from: b, to: end}]
            goal: {minimize: latency}
            """
        let planner = try Workflows.planner(text, capacity: .concurrency)
        let plan = try planner.plan(forecast: 1)
        let running = ["a": StageSetting(stage: "a", memoryMB: 1024), "b": StageSetting(stage: "b", memoryMB: 512)]
        let gain = try #require(planner.gain(of: plan, over: running))
        #expect(abs(gain - (300.0 - 195.0) / 300.0) < 1e-12)
        #expect(planner.gain(of: plan, over: [:]) == nil)
    }

    @Test func runningChoiceThatBreaksABoundHasNoGainFigure() throws {
        let planner = try Workflows.planner()
        let plan = try planner.plan(forecast: 1)
        // The small variant breaks the accuracy bound: any change is worth it.
        let running = ["pre": StageSetting(stage: "pre"), "model": StageSetting(stage: "model", variant: "small"),
                       "post": StageSetting(stage: "post")]
        #expect(planner.gain(of: plan, over: running) == nil)
    }
}
