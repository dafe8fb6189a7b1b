import Foundation
import Testing
import TrimtabModel
@testable import TrimtabSim

/// A batch buffer of size B with time-out T under Poisson(λ) arrivals, with instances always
/// available: a batch opens with a request and takes the arrivals of the next T seconds, up to
/// B − 1 of them, so P(size = k) = e^(−λT) (λT)^(k−1)/(k−1)! for k < B and the rest for k = B.
@Suite struct BatchingTests {
    func closedForm(rate λ: Double, timeout T: Double, batch B: Int) -> [Double] {
        var p = [0.0]
        var term = exp(-λ * T)
        for k in 1..<B {
            p.append(term)
            term *= λ * T / Double(k)
        }
        p.append(1 - p.reduce(0, +))
        return p
    }

    @Test(arguments: [(0.2, 4), (2.0, 4), (0.5, 8)])
    func batchSizeDistribution(timeoutSeconds: Double, batchSize: Int) throws {
        let w = try workflow([("infer", 0)].map { ($0.0, 50.0) }, edges: [("start", "infer", 1), ("infer", "end", 1)])
        let rate = 10.0
        let config = uniformConfiguration(w, batchSize: batchSize, timeoutMs: timeoutSeconds * 1000)
        var sim = try Simulator(workflow: w, configuration: config, arrivals: PoissonArrivals(rate: rate),
                                options: SimulationOptions(seed: 99, duration: 20_000, coldStartMs: 0))
        let r = sim.runToCompletion()
        let counts = r.stages[0].batchSizes
        let n = Double(counts.reduce(0, +))
        let expected = closedForm(rate: rate, timeout: timeoutSeconds, batch: batchSize)
        for k in 1...batchSize {
            let observed = Double(counts[k]) / n
            // 4 standard errors of a proportion, plus one batch (the last may be cut short).
            let tolerance = 4 * (expected[k] * (1 - expected[k]) / n).squareRoot() + 1 / n
            #expect(abs(observed - expected[k]) <= tolerance, "P(size=\(k)): \(observed) vs \(expected[k]) ± \(tolerance)")
        }
        #expect(r.completed == r.arrived)
    }

    @Test func aBatchTakesTheLatencyOfItsSize() throws {
        let text = """
        version: 1
        name: batched
        stages:
          - name: infer
            latency_ms_by_batch:
              1: {2048: 100}
              4: {2048: 160}
        edges:
          - {from: start, to: infer}
          - {from: infer, to: end}
        """
        let w = try WorkflowParser.parse(text: text)
        // Four requests at once: one batch of 4 (160 ms). Then two at 10 s: served at the 50 ms
        // time-out as a batch of 2 (interpolated: 120 ms), so 170 ms.
        var sim = try Simulator(workflow: w, configuration: ["infer": StageChoice(memoryMB: 2048, batchSize: 4, batchTimeoutMs: 50)],
                                arrivals: TimestampArrivals(times: [0, 0, 0, 0, 10, 10]),
                                options: SimulationOptions(seed: 1, coldStartMs: 0))
        let r = sim.runToCompletion()
        #expect(r.stages[0].batchSizes == [0, 0, 1, 0, 1])
        #expect(abs(r.latency.max - 170) < 1e-9)
        #expect(abs(r.latency.mean - (4 * 160 + 2 * 170) / 6) < 1e-9)
        // Billing per invocation: two invocations, not six.
        let expected = Platform.defaultPricePerGBSecond * 2 * (0.16 + 0.12) + 2 * Platform.defaultPricePerRequest
        #expect(abs(r.costUSD - expected) < 1e-15)
    }

    @Test func smallerBatchesAfterReconfiguration() throws {
        let w = try workflow([("infer", 100)], edges: [("start", "infer", 1), ("infer", "end", 1)])
        // Batches of 8 without a time-out; five requests wait; then batches of 2: two batches go at
        // once and one request waits for a partner (served at the end).
        var sim = try Simulator(workflow: w, configuration: uniformConfiguration(w, batchSize: 8),
                                arrivals: TimestampArrivals(times: [0, 0, 0, 0, 0]), options: SimulationOptions(seed: 1, coldStartMs: 0))
        sim.run(until: 1)
        #expect(sim.stages[0].buffer.count == 5)
        try sim.reconfigure(["infer": StageChoice(memoryMB: 1024, batchSize: 2)])
        #expect(sim.stages[0].buffer.count == 1)
        let r = sim.runToCompletion()
        #expect(r.completed == 5)
        #expect(r.stages[0].batchSizes[1...2] == [1, 2])
    }

    @Test func kubernetesBatchesQueueForReplicas() throws {
        let w = try workflow([("infer", 100)], edges: [("start", "infer", 1), ("infer", "end", 1)], extra: "platform: {kind: kubernetes}")
        // Batches of 2 (no time-out needed): 4 requests at once → two batches on one replica: 100 and 200 ms.
        var sim = try Simulator(workflow: w, configuration: uniformConfiguration(w, batchSize: 2, replicas: 1),
                                arrivals: TimestampArrivals(times: [0, 0, 0, 0]), options: SimulationOptions(seed: 1))
        let r = sim.runToCompletion()
        #expect(abs(r.latency.mean - 150) < 1e-9)
        #expect(r.stages[0].batchSizes == [0, 0, 2])
    }
}
