import Foundation
import Testing
import TrimtabModel
@testable import TrimtabReplay
import TrimtabForecast
import TrimtabSolve

/// One or two stages; stage `a` takes 100 ms for one request, 160 ms for two, 280 ms for four.
func smallPipeline(stages: Int = 1) throws -> KubernetesPipeline {
    var text = """
    version: 1
    platform: {kind: kubernetes, price_per_core_hour: 0.04}
    stages:
      - name: a
        variants:
          - name: small
            accuracy: 0.8
            latency_ms_by_batch: {1: {1000: 100}, 2: {1000: 160}, 4: {1000: 280}}
    """
    if stages == 2 {
        text += """

          - name: b
            variants:
              - name: only
                accuracy: 0.5
                latency_ms: {1000: 50}
        edges: [{from: start, to: a}, {from: a, to: b}, {from: b, to: end}]
        """
    } else {
        text += "\nedges: [{from: start, to: a}, {from: a, to: end}]\n"
    }
    return try KubernetesPipeline(WorkflowParser.parse(text: text))
}

func setting(batch: Int = 1, replicas: Int = 1) -> PipelineStageSetting {
    PipelineStageSetting(variant: 0, batchSize: batch, millicores: 1000, replicas: replicas)
}

/// The replay scenario both replay tests run: a two-stage pipeline, 120 s of warm-up at 4 rps
/// then 300 s cycling 3–7 rps, and an AR(12) forecaster trained on the 10-second maxima.
func replayScenario() throws -> (KubernetesPipeline, [Double], AdaptiveReplay, AutoregressiveForecaster) {
    let pipeline = try smallPipeline(stages: 2)
    let load = Array(repeating: 4.0, count: 120) + (0..<300).map { Double(3 + $0 % 5) }
    let request = PipelinePlanRequest(loadRps: 0, sloMs: 1000, headroom: 1.2, maxReplicas: 8)
    var f = AutoregressiveForecaster(name: "ar", window: ForecastWindow(), order: 12)
    f.train(on: LoadTrace(perSecond: load).binMaxima(binSeconds: 10))
    return (pipeline, load, AdaptiveReplay(pipeline: pipeline, request: request), f)
}

@Suite struct ReplayTests {
    @Test func priceIsParsedAndStored() throws {
        #expect(try smallPipeline().pricePerCoreHour == 0.04)
    }

    @Test func fifoWaitsForTheReplica() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        try sim.reconfigure([setting()], batchTimeoutMs: [0], at: 0)
        sim.advance(arrivals: [0, 0.05, 0.5], to: 10)
        let latencies = sim.drainCompleted().map(\.latencyMs)
        #expect(zip(latencies, [100.0, 150, 100]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func fullBatchAndTimedOutBatch() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        try sim.reconfigure([setting(batch: 4)], batchTimeoutMs: [1000], at: 0)
        // Four arrivals fill a batch at 0.3 s: served together in 280 ms.
        sim.advance(arrivals: [0, 0.1, 0.2, 0.3], to: 5)
        let full = sim.drainCompleted().map(\.latencyMs)
        #expect(zip(full, [580.0, 480, 380, 280]).allSatisfy { abs($0 - $1) < 1e-9 })
        // Two arrivals at 10 s and 10.1 s: the batch times out at 11 s with two, served in 160 ms.
        sim.advance(arrivals: [10, 10.1], to: 20)
        let partial = sim.drainCompleted().map(\.latencyMs)
        #expect(zip(partial, [1160.0, 1060]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func newReplicasServeAfterTheStartupDelay() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        try sim.reconfigure([setting(replicas: 1)], batchTimeoutMs: [0], at: 0)
        try sim.reconfigure([setting(replicas: 2)], batchTimeoutMs: [0], at: 1)
        sim.advance(arrivals: [1, 1], to: 3)
        #expect(sim.drainCompleted().map(\.latencyMs).sorted().map { ($0 * 1e6).rounded() / 1e6 } == [100, 200])
        // After the delay both replicas serve in parallel.
        sim.advance(arrivals: [7, 7], to: 9)
        #expect(sim.drainCompleted().map(\.latencyMs).map { ($0 * 1e6).rounded() / 1e6 } == [100, 100])
    }

    @Test func replicasAreBilledByTheSecond() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        try sim.reconfigure([setting(replicas: 2)], batchTimeoutMs: [0], at: 0)
        sim.advance(arrivals: [], to: 3600)
        // 2 replicas × 1 core × 0.04 USD per core-hour × 1 h.
        #expect(abs(sim.costUSD - 0.08) < 1e-12)
    }

    @Test func chainAddsLatenciesAndCombinesAccuracy() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(stages: 2), startupDelaySeconds: 5)
        try sim.reconfigure([setting(), setting()], batchTimeoutMs: [0, 0], at: 0)
        sim.advance(arrivals: [0.5], to: 0.55)
        sim.advance(arrivals: [], to: 2)
        let done = sim.drainCompleted()
        #expect(done.count == 1)
        #expect(abs((done.first?.latencyMs ?? 0) - 150) < 1e-9)
        // The workflow's default rule is the product: 0.8 × 0.5.
        #expect(abs((done.first?.accuracy ?? 0) - 0.4) < 1e-12)
    }

    @Test func replayCountsEveryRequestOnce() throws {
        let (pipeline, load, replay, f) = try replayScenario()
        let (summary, intervals) = try replay.run(load: load, warmup: 120, policy: .adaptive(f),
                                              simulation: QueueingPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5))
        #expect(summary.requests == Int(load[120...].reduce(0, +)))
        #expect(intervals.count == 30)
        #expect(intervals.map(\.requests).reduce(0, +) == summary.requests)
        #expect(summary.replans == 30)
        #expect(summary.sloMisses <= summary.requests / 100)
        #expect(summary.costUSD > 0)
    }

    @Test func percentileIsNearestRank() {
        #expect(AdaptiveReplay.percentile((1...100).map(Double.init), 0.99) == 99)
        #expect(AdaptiveReplay.percentile([5], 0.99) == 5)
        #expect(AdaptiveReplay.percentile([], 0.99) == 0)
    }
}

/// Seeded arrivals: `perSecond` requests at uniform times within each of `seconds` seconds.
func uniformArrivals(perSecond: Int, seconds: Int, seed: UInt64 = 7) -> [Double] {
    var rng = SeededGenerator(seed: seed)
    return (0..<seconds).flatMap { s in
        (0..<perSecond).map { _ in Double(s) + Double(rng.next() % 1_000_000) / 1_000_000 }.sorted()
    }
}

/// Runs `settings` fixed for `arrivals` (fed interval by interval, as the replay does) and returns
/// the completed requests by arrival, and the cost.
func runFixed<S: PipelineSimulation>(_ simulation: S, _ settings: [PipelineStageSetting], timeouts: [Double],
                                     arrivals: [Double], interval: Double = 10) throws -> ([CompletedRequest], Double) {
    var sim = simulation
    try sim.reconfigure(settings, batchTimeoutMs: timeouts, at: 0)
    let end = (arrivals.last ?? 0).rounded(.up) + interval
    var t = 0.0
    while t < end {
        sim.advance(arrivals: arrivals.filter { $0 >= t && $0 < t + interval }, to: t + interval)
        t += interval
    }
    sim.advance(arrivals: [], to: t + 60)
    let done = sim.drainCompleted().sorted { ($0.arrival, $0.latencyMs) < ($1.arrival, $1.latencyMs) }
    return (done, sim.costUSD)
}

/// The replay on TrimtabSim (`SimulatorPipelineSimulation`) against the small queueing model: where
/// both model the same thing they must give the same requests the same latencies.
@Suite struct SimulatorReplayTests {
    /// Two variants: `fast` 100 ms (accuracy 0.7), `slow` 300 ms (accuracy 0.9).
    func twoVariantPipeline() throws -> KubernetesPipeline {
        try KubernetesPipeline(WorkflowParser.parse(text: """
        version: 1
        platform: {kind: kubernetes, price_per_core_hour: 0.04}
        stages:
          - name: a
            variants:
              - {name: fast, accuracy: 0.7, latency_ms: {1000: 100}}
              - {name: slow, accuracy: 0.9, latency_ms: {1000: 300}}
        edges: [{from: start, to: a}, {from: a, to: end}]
        """))
    }

    /// A loaded chain without batching (ρ = 0.6 at both stages), deterministic service: FIFO
    /// queues with the same arrivals give every request the same latency, and the same cost.
    @Test func fixedChainAgreesRequestByRequest() throws {
        let pipeline = try smallPipeline(stages: 2)
        let settings = [setting(batch: 1, replicas: 2), setting(batch: 1, replicas: 1)]
        let arrivals = uniformArrivals(perSecond: 12, seconds: 600)
        let (sim, simCost) = try runFixed(SimulatorPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5),
                                          settings, timeouts: [0, 0], arrivals: arrivals)
        let (queue, queueCost) = try runFixed(QueueingPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5),
                                              settings, timeouts: [0, 0], arrivals: arrivals)
        #expect(sim.count == arrivals.count && queue.count == arrivals.count)
        #expect(zip(sim, queue).allSatisfy { abs($0.latencyMs - $1.latencyMs) < 1e-6 && abs($0.arrival - $1.arrival) < 1e-9 })
        #expect(zip(sim, queue).allSatisfy { abs($0.accuracy - 0.4) < 1e-12 && abs($1.accuracy - 0.4) < 1e-12 })
        // Queueing happened (the check is not trivially about service times alone).
        #expect(sim.map(\.latencyMs).max() ?? 0 > 200)
        #expect(abs(simCost - queueCost) < 1e-12)
        // 3 replicas × 0.04 USD per core-hour over the simulated time (61 intervals of 10 s, then 60 s).
        #expect(abs(simCost - 3 * 0.04 * 670 / 3600) < 1e-9)
    }

    /// Batching with replicas to spare: a batch forms when 4 requests are there or 300 ms after
    /// the first, in both models, so latencies agree request by request.
    @Test func batchingWithSpareReplicasAgrees() throws {
        let pipeline = try smallPipeline()
        let settings = [setting(batch: 4, replicas: 4)]
        let arrivals = uniformArrivals(perSecond: 5, seconds: 300)
        let (sim, _) = try runFixed(SimulatorPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5),
                                    settings, timeouts: [300], arrivals: arrivals)
        let (queue, _) = try runFixed(QueueingPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5),
                                      settings, timeouts: [300], arrivals: arrivals)
        #expect(sim.count == arrivals.count && queue.count == arrivals.count)
        #expect(zip(sim, queue).allSatisfy { abs($0.latencyMs - $1.latencyMs) < 1e-6 })
        // Partial batches (timed out) and full ones both occurred.
        #expect(sim.contains { $0.latencyMs > 300 } && sim.contains { $0.latencyMs < 200 })
    }

    /// The replica start-up delay, as in the queueing model's test: a second replica ordered at
    /// 1 s serves from 6 s; until then the two requests at 1 s queue on the first.
    @Test func newReplicasServeAfterTheStartupDelay() throws {
        var sim = SimulatorPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        try sim.reconfigure([setting(replicas: 1)], batchTimeoutMs: [0], at: 0)
        try sim.reconfigure([setting(replicas: 2)], batchTimeoutMs: [0], at: 1)
        sim.advance(arrivals: [1, 1], to: 3)
        #expect(sim.drainCompleted().map(\.latencyMs).sorted().map { ($0 * 1e6).rounded() / 1e6 } == [100, 200])
        sim.advance(arrivals: [7, 7], to: 9)
        #expect(sim.drainCompleted().map(\.latencyMs).map { ($0 * 1e6).rounded() / 1e6 } == [100, 100])
        // The starting replica is billed from 1 s: 1 replica for 9 s + 1 more for 8 s.
        #expect(abs(sim.costUSD - 0.04 * 17 / 3600) < 1e-12)
    }

    /// A new variant replaces the replicas after the delay; the old variant serves meanwhile (and
    /// the served variant's accuracy is the request's).
    @Test func variantChangeTakesOverAfterTheDelay() throws {
        let pipeline = try twoVariantPipeline()
        for make in [{ SimulatorPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5) as any PipelineSimulation },
                     { QueueingPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5) }] {
            var sim = make()
            let fast = PipelineStageSetting(variant: 0, batchSize: 1, millicores: 1000, replicas: 1)
            try sim.reconfigure([fast], batchTimeoutMs: [0], at: 0)
            sim.advance(arrivals: [], to: 1)
            try sim.reconfigure([PipelineStageSetting(variant: 1, batchSize: 1, millicores: 1000, replicas: 1)], batchTimeoutMs: [0], at: 1)
            sim.advance(arrivals: [2, 7], to: 10)
            let done = sim.drainCompleted()
            #expect(done.map { ($0.latencyMs * 1e6).rounded() / 1e6 } == [100, 300])
            #expect(done.map(\.accuracy) == [0.7, 0.9])
            // Old replica 0–6 s, new one billed from 1 s to 10 s.
            #expect(abs(sim.costUSD - 0.04 * (6 + 9) / 3600) < 1e-12)
        }
    }

    /// The whole loop on TrimtabSim: every request counted once, few misses, re-plans every interval;
    /// and the same totals' order of magnitude as the queueing model.
    @Test func replayOnTrimtabSimCountsEveryRequestOnce() throws {
        let (pipeline, load, replay, f) = try replayScenario()
        let (summary, intervals) = try replay.run(load: load, warmup: 120, policy: .adaptive(f),
                                                  simulation: SimulatorPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5))
        let (queueing, _) = try replay.run(load: load, warmup: 120, policy: .adaptive(f),
                                           simulation: QueueingPipelineSimulation(pipeline: pipeline, startupDelaySeconds: 5))
        #expect(summary.requests == Int(load[120...].reduce(0, +)))
        #expect(intervals.map(\.requests).reduce(0, +) == summary.requests)
        #expect(summary.replans == 30)
        #expect(summary.sloMisses <= summary.requests / 100)
        #expect(summary.costUSD > 0 && abs(summary.costUSD - queueing.costUSD) / queueing.costUSD < 0.1)
        #expect(abs(summary.meanAccuracy - queueing.meanAccuracy) < 1e-9)
    }
}
