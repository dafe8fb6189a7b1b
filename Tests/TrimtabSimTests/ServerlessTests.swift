import Foundation
import Testing
import TrimtabModel
@testable import TrimtabSim

/// Cold starts, keep-alive, concurrency limits and billing of the serverless mode, on small
/// deterministic scenarios whose answers are known exactly.
@Suite struct ServerlessTests {
    func single(_ ms: Double, extra: String = "") throws -> Workflow {
        try workflow([("f", ms)], edges: [("start", "f", 1), ("f", "end", 1)], extra: extra)
    }

    func run(_ w: Workflow, at times: [Double], coldStartMs: Double? = nil, configuration: Configuration? = nil) throws -> (Simulator, SimulationReport) {
        var sim = try Simulator(workflow: w, configuration: configuration ?? uniformConfiguration(w), arrivals: TimestampArrivals(times: times),
                                options: SimulationOptions(seed: 1, coldStartMs: coldStartMs, recordTimeline: true))
        let r = sim.runToCompletion()
        return (sim, r)
    }

    @Test func keepAliveDecidesColdStarts() throws {
        let times = [0.0, 10, 20, 30]
        let short = try single(100, extra: "simulation: {keep_alive_s: 5, cold_start_ms: 400}")
        let (_, a) = try run(short, at: times)
        #expect(a.coldStarts == 4)
        #expect(abs(a.latency.mean - 500) < 1e-9)
        let long = try single(100, extra: "simulation: {keep_alive_s: 600, cold_start_ms: 400}")
        let (_, b) = try run(long, at: times)
        #expect(b.coldStarts == 1)
        #expect(abs(b.latency.max - 500) < 1e-9)
        #expect(abs(b.latency.mean - (500 + 3 * 100) / 4) < 1e-9)
        #expect(b.stages[0].peakInstances == 1)
    }

    @Test func defaultColdStartIsTheMeasuredObiFaaSInitMedian() throws {
        // Median of duration_init / num_task_managers over the 59 Obi-FaaS jobs.
        let data = try Data(contentsOf: URL(fileURLWithPath: referencePath("obifaas/summary.json")))
        let jobs = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let perWorker = jobs.compactMap { j -> Double? in
            guard let i = j["duration_init"] as? Double, let n = j["num_task_managers"] as? Double else { return nil }
            return i / n
        }.sorted()
        #expect(perWorker.count == 59)
        let median = perWorker[perWorker.count / 2]
        #expect(abs(median * 1000 - SimulationOptions.defaultLambdaColdStartMs) < 1)
        let (_, r) = try run(try single(100), at: [0])
        #expect(abs(r.latency.max - 100 - SimulationOptions.defaultLambdaColdStartMs) < 1e-6)
    }

    @Test func billingRoundsUpAndBillsColdStarts() throws {
        // 100 ms billing: a 120 ms run bills 200 ms; the first, with a 250 ms cold start, 370 → 400 ms.
        let w = try single(120, extra: "platform: {billing_granularity_ms: 100}\nsimulation: {cold_start_ms: 250}")
        let (_, r) = try run(w, at: [0, 1, 2])
        let gbSecond = Platform.defaultPricePerGBSecond  // 1024 MB = 1 GB
        let expected = gbSecond * (0.4 + 0.2 + 0.2) + 3 * Platform.defaultPricePerRequest
        #expect(abs(r.costUSD - expected) < 1e-15)
        #expect(abs(r.costPerMillion - expected / 3 * 1e6) < 1e-9)
    }

    @Test func concurrencyLimitQueues() throws {
        let w = try single(100, extra: "simulation: {concurrency_limit: 1, cold_start_ms: 0}")
        let (_, r) = try run(w, at: [0, 0.01, 0.02])
        // FIFO on one instance: 100, 190, 280 ms.
        #expect(abs(r.latency.mean - (100 + 190 + 280) / 3) < 1e-9)
        #expect(r.stages[0].peakInstances == 1)
        #expect(abs(r.stages[0].meanWaitMs - (0 + 90 + 180) / 3) < 1e-9)
    }

    @Test func concurrencyLimitThrottles() throws {
        let w = try single(100, extra: "simulation: {concurrency_limit: 1, on_limit: throttle, cold_start_ms: 0}")
        let (_, r) = try run(w, at: [0, 0.01, 0.02, 0.5])
        #expect(r.completed == 2)
        #expect(r.failed == 2)
        #expect(r.stages[0].throttled == 2)
        #expect(r.stages[0].invocations == 2)
    }

    @Test func perStageSettingsOverrideTheWorkflows() throws {
        let w = try workflow([("a", 10), ("b", 20)], edges: [("start", "a", 1), ("a", "b", 1), ("b", "end", 1)],
                             extra: "simulation: {cold_start_ms: 100, stages: {b: {cold_start_ms: 1000}}}")
        let (_, r) = try run(w, at: [0])
        #expect(abs(r.latency.mean - (10 + 100 + 20 + 1000)) < 1e-9)
        #expect(r.stages.map(\.coldStarts) == [1, 1])
    }

    @Test func aNewMemorySizeStartsCold() throws {
        let text = """
        version: 1
        stages: [{name: f, latency_ms: {1024: 100, 2048: 60}}]
        edges: [{from: start, to: f}, {from: f, to: end}]
        simulation: {cold_start_ms: 500}
        """
        let w = try WorkflowParser.parse(text: text)
        var sim = try Simulator(workflow: w, configuration: ["f": StageChoice(memoryMB: 1024)],
                                arrivals: TimestampArrivals(times: [0, 1, 2, 3]), options: SimulationOptions(seed: 1))
        let warm = sim.run(until: 1.5)
        #expect(warm.coldStarts == 1)
        #expect(abs(warm.latency.mean - (600 + 100) / 2) < 1e-9)
        try sim.reconfigure(["f": StageChoice(memoryMB: 2048)])
        let after = sim.run(until: 10)
        #expect(after.coldStarts == 1)
        #expect(abs(after.latency.mean - (560 + 60) / 2) < 1e-9)
        try sim.reconfigure(["f": StageChoice(memoryMB: 2048)])  // unchanged: stays warm
        #expect(sim.stages[0].idleSince.count == 1)
    }

    @Test func timelineCountsEverySecond() throws {
        let (sim, r) = try run(try single(100, extra: "simulation: {keep_alive_s: 1.5, cold_start_ms: 0}"), at: [0.2, 0.4, 3.5])
        let rows = sim.timeline
        #expect(rows.map(\.arrivals) == [2, 0, 0, 1])
        #expect(rows.map(\.completions) == [2, 0, 0, 1])
        // One instance, reclaimed 1.5 s after it went idle at 0.5 s (so gone by the end of second 2).
        #expect(rows.map(\.instances) == [1, 1, 0, 1])
        #expect(r.completed == 3)
        #expect(abs((rows[0].latencyP95Ms) - 100) <= 1)
    }

    @Test func utilisationOfOneWarmInstance() throws {
        // Requests every second, 100 ms each, one instance kept warm from 0 to the end (10.1 s).
        let (_, r) = try run(try single(100, extra: "simulation: {cold_start_ms: 0}"), at: (0..<11).map(Double.init))
        #expect(r.stages[0].peakInstances == 1)
        #expect(abs(r.stages[0].utilisation - 1.1 / 10.1) < 1e-9)
    }

    @Test func throttledBranchesStillCompleteTheirRuns() throws {
        // A fan-out whose one arm is throttled: the run fails but its slot is released (no run left in flight).
        let w = try workflow([("a", 10), ("b", 50), ("c", 10)],
                             edges: [("start", "a", 1), ("start", "b", 1), ("a", "c", 1), ("b", "c", 1), ("c", "end", 1)],
                             extra: "simulation: {cold_start_ms: 0, stages: {b: {concurrency_limit: 1, on_limit: throttle}}}")
        let (sim, r) = try run(w, at: [0, 0.001, 0.002])
        #expect(r.completed + r.failed == 3)
        #expect(r.failed == 2)
        #expect(sim.runsInFlight == 0)
    }
}

/// Kubernetes replicas, billing per core-hour, and stepping with reconfiguration.
@Suite struct KubernetesTests {
    @Test func replicaCostAndReconfigurationBetweenSteps() throws {
        // 1 s deterministic service, 1.5 requests/s: one replica is overloaded, three are not.
        let w = try workflow([("serve", 1000)], edges: [("start", "serve", 1), ("serve", "end", 1)],
                             extra: "platform: {kind: kubernetes, price_per_core_hour: 3.6}")
        var sim = try Simulator(workflow: w, configuration: uniformConfiguration(w, replicas: 1),
                                arrivals: PoissonArrivals(rate: 1.5), options: SimulationOptions(seed: 3, duration: 400))
        let first = sim.run(until: 200)
        // 3.6 USD per core-hour = 0.001 USD per core-second.
        #expect(abs(first.costUSD - 0.2) < 1e-12)
        #expect(first.latency.p99 > 20_000)  // the queue grows by ~0.5 requests per second
        try sim.reconfigure(["serve": StageChoice(memoryMB: 1024, replicas: 3)])
        let second = sim.run(until: 400)
        #expect(abs(second.costUSD - 0.6) < 1e-12)
        #expect(second.completed > first.completed)
        // Per stage: the first interval ends with a queue and a busy replica; the second has three.
        #expect(first.stages[0].queued > 50)
        #expect(first.stages[0].instances == 1)
        #expect(first.stages[0].utilisation > 0.99)
        #expect(first.stages[0].meanWaitMs > second.stages[0].meanWaitMs)
        #expect(second.stages[0].instances == 3)
        #expect(second.stages[0].invocations > first.stages[0].invocations)
        let r = sim.runToCompletion()
        #expect(r.stages[0].peakInstances == 3)
        #expect(sim.runsInFlight == 0)
        // Everything that arrived completed, and the last interval emptied the backlog.
        #expect(r.completed == r.arrived)
    }

    @Test func reconfigureRejectsUnknownMemory() throws {
        let w = try workflow([("serve", 1000)], edges: [("start", "serve", 1), ("serve", "end", 1)])
        var sim = try Simulator(workflow: w, configuration: uniformConfiguration(w), arrivals: PoissonArrivals(rate: 1))
        #expect(throws: TrimtabError.self) { try sim.reconfigure(["serve": StageChoice(memoryMB: 4096)]) }
    }
}
