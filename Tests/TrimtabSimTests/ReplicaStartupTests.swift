import Testing
import TrimtabModel
@testable import TrimtabSim

/// Kubernetes replica start-up delay on reconfiguration, per-run records and arrivals fed step by step
/// (what the adaptive replay of TrimtabReplay drives the simulator with).
@Suite struct ReplicaStartupTests {
    /// One stage with variants `fast` (100 ms) and `slow` (300 ms), 0.36 USD per core-hour.
    func twoVariants() throws -> Workflow {
        try WorkflowParser.parse(text: """
        version: 1
        platform: {kind: kubernetes, price_per_core_hour: 0.36}
        stages:
          - name: a
            variants:
              - {name: fast, accuracy: 0.7, latency_ms: {1000: 100}}
              - {name: slow, accuracy: 0.9, latency_ms: {1000: 300}}
        edges: [{from: start, to: a}, {from: a, to: end}]
        """)
    }

    func choice(_ variant: String, replicas: Int) -> Configuration {
        ["a": StageChoice(variant: variant, memoryMB: 1000, replicas: replicas, cores: 1)]
    }

    func options(delay: Double) -> SimulationOptions {
        SimulationOptions(mode: .kubernetes, replicaStartupSeconds: delay, recordCompletedRuns: true)
    }

    @Test func addedReplicasServeAfterTheDelayAndAreBilledFromTheOrder() throws {
        var sim = try Simulator(workflow: twoVariants(), configuration: choice("fast", replicas: 1),
                                arrivals: TimestampArrivals(times: [2, 2, 8, 8]), options: options(delay: 5))
        sim.run(until: 1)
        try sim.reconfigure(choice("fast", replicas: 2))
        let report = sim.runToCompletion()
        let runs = sim.drainCompletedRuns()
        // At 2 s the second replica is still starting: the two requests queue on one (100, 200 ms).
        // At 8 s both serve (100, 100 ms).
        #expect(runs.map { ($0.latencyMs * 1e6).rounded() / 1e6 } == [100, 200, 100, 100])
        #expect(runs.allSatisfy { $0.variants == [0] })
        // One replica for 8.1 s, the second billed from 1 s (starting included): 15.2 core-seconds.
        #expect(abs(report.costUSD - 0.36 * 15.2 / 3600) < 1e-12)
        // Without the delay the second replica serves at once.
        var instant = try Simulator(workflow: twoVariants(), configuration: choice("fast", replicas: 1),
                                    arrivals: TimestampArrivals(times: [2, 2]), options: options(delay: 0))
        instant.run(until: 1)
        try instant.reconfigure(choice("fast", replicas: 2))
        instant.run(until: 10)
        #expect(instant.drainCompletedRuns().map { ($0.latencyMs * 1e6).rounded() / 1e6 } == [100, 100])
    }

    /// A new variant replaces the replicas after the delay: the old one serves until then and
    /// finishes its invocation while the new replica already serves.
    @Test func newVariantTakesOverAfterTheDelay() throws {
        var sim = try Simulator(workflow: twoVariants(), configuration: choice("fast", replicas: 1),
                                arrivals: TimestampArrivals(times: [5.95, 6.0, 6.01]), options: options(delay: 5))
        sim.run(until: 1)
        try sim.reconfigure(choice("slow", replicas: 1))
        let report = sim.runToCompletion()
        let runs = sim.drainCompletedRuns()
        // 5.95 s: the old (fast) replica, until 6.05 s. 6.0 s: the new (slow) replica, free at once;
        // 6.01 s: waits for it until 6.3 s.
        #expect(runs.map { ($0.latencyMs * 1e6).rounded() / 1e6 } == [100, 300, 590])
        #expect(runs.map(\.variants) == [[0], [1], [1]])
        // Old replica 0–6 s, new one from the order at 1 s to the end at 6.6 s: 11.6 core-seconds.
        #expect(abs(report.costUSD - 0.36 * 11.6 / 3600) < 1e-12)
        #expect(report.completed == 3)
    }

    @Test func arrivalsCanBeFedStepByStep() throws {
        var sim = try Simulator(workflow: twoVariants(), configuration: choice("fast", replicas: 1),
                                arrivals: TimestampArrivals(times: []), options: options(delay: 0))
        #expect(sim.run(until: 5).arrived == 0)
        sim.continueArrivals(with: TimestampArrivals(times: [6, 7]))
        let interval = sim.run(until: 10)
        #expect(interval.arrived == 2 && interval.completed == 2)
        #expect(sim.drainCompletedRuns().map(\.arrival) == [6, 7])
        #expect(sim.drainCompletedRuns().isEmpty)
    }
}
