import Foundation
import Testing
@testable import TrimtabForecast
import TrimtabModel

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

@Suite struct ReplayTests {
    @Test func priceIsParsedAndStored() throws {
        #expect(try smallPipeline().pricePerCoreHour == 0.04)
    }

    @Test func fifoWaitsForTheReplica() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        sim.reconfigure([setting()], batchTimeoutMs: [0], at: 0)
        sim.advance(arrivals: [0, 0.05, 0.5], to: 10)
        let latencies = sim.drainCompleted().map(\.latencyMs)
        #expect(zip(latencies, [100.0, 150, 100]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func fullBatchAndTimedOutBatch() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        sim.reconfigure([setting(batch: 4)], batchTimeoutMs: [1000], at: 0)
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
        sim.reconfigure([setting(replicas: 1)], batchTimeoutMs: [0], at: 0)
        sim.reconfigure([setting(replicas: 2)], batchTimeoutMs: [0], at: 1)
        sim.advance(arrivals: [1, 1], to: 3)
        #expect(sim.drainCompleted().map(\.latencyMs).sorted().map { ($0 * 1e6).rounded() / 1e6 } == [100, 200])
        // After the delay both replicas serve in parallel.
        sim.advance(arrivals: [7, 7], to: 9)
        #expect(sim.drainCompleted().map(\.latencyMs).map { ($0 * 1e6).rounded() / 1e6 } == [100, 100])
    }

    @Test func replicasAreBilledByTheSecond() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(), startupDelaySeconds: 5)
        sim.reconfigure([setting(replicas: 2)], batchTimeoutMs: [0], at: 0)
        sim.advance(arrivals: [], to: 3600)
        // 2 replicas × 1 core × 0.04 USD per core-hour × 1 h.
        #expect(abs(sim.costUSD - 0.08) < 1e-12)
    }

    @Test func chainAddsLatenciesAndCombinesAccuracy() throws {
        var sim = QueueingPipelineSimulation(pipeline: try smallPipeline(stages: 2), startupDelaySeconds: 5)
        sim.reconfigure([setting(), setting()], batchTimeoutMs: [0, 0], at: 0)
        sim.advance(arrivals: [0.5], to: 0.55)
        sim.advance(arrivals: [], to: 2)
        let done = sim.drainCompleted()
        #expect(done.count == 1)
        #expect(abs((done.first?.latencyMs ?? 0) - 150) < 1e-9)
        // The workflow's default rule is the product: 0.8 × 0.5.
        #expect(abs((done.first?.accuracy ?? 0) - 0.4) < 1e-12)
    }

    @Test func replayCountsEveryRequestOnce() throws {
        let pipeline = try smallPipeline(stages: 2)
        let load = Array(repeating: 4.0, count: 120) + (0..<300).map { Double(3 + $0 % 5) }
        let request = PipelinePlanRequest(loadRps: 0, sloMs: 1000, headroom: 1.2, maxReplicas: 8)
        let replay = AdaptiveReplay(pipeline: pipeline, request: request)
        var f = AutoregressiveForecaster(name: "ar", window: ForecastWindow(), order: 12)
        f.train(on: LoadTrace(perSecond: load).binMaxima(binSeconds: 10))
        let (summary, intervals) = replay.run(load: load, warmup: 120, policy: .adaptive(f),
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
