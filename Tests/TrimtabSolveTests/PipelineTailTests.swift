import Foundation
import Testing
import TrimtabModel
@testable import TrimtabSolve

/// The pipeline planner with a percentile SLO: the wait's quantile against a simulated queue, the
/// stage's tail from its `latency_spread` against a hand computation, the exact planner against
/// brute force, and the fastest plan when no setting meets the bound.
@Suite struct PipelineTailTests {
    /// SplitMix64: a seeded generator, so the simulated queue is the same on every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The wait of one server with Poisson arrivals and a fixed service time (M/D/1), by Lindley's
    /// recursion W' = max(0, W + S − A) over `count` arrivals: its `p`-quantile in ms.
    static func simulatedWaitQuantile(serviceMs s: Double, loadRps lambda: Double, p: Double, count: Int = 400_000) -> Double {
        var rng = SplitMix(state: 42)
        var wait = 0.0
        var waits: [Double] = []
        waits.reserveCapacity(count)
        for _ in 0..<count {
            waits.append(wait)
            let gap = -log(1 - Double.random(in: 0..<1, using: &rng)) / lambda * 1000
            wait = max(0, wait + s - gap)
        }
        waits.sort()
        return waits[Int(Double(count - 1) * p)]
    }

    @Test(arguments: [(0.5, 0.99), (0.6, 0.99), (0.7, 0.99), (0.7, 0.95)])
    func waitQuantileIsAConservativeBoundOfTheSimulatedQueue(rho: Double, p: Double) {
        let s = 10.0, lambda = rho * 1000 / s
        let model = StageLatencyModel.queueingQuantileMs(serviceMs: s, batchSize: 1, replicas: 1, loadRps: lambda, probability: p)
        let simulated = Self.simulatedWaitQuantile(serviceMs: s, loadRps: lambda, p: p)
        // Exponential waits over a deterministic service: above the exact M/D/1 quantile, and not by much.
        #expect(model >= simulated && model <= 1.6 * simulated + s, "ρ \(rho) p \(p): model \(model) ms, simulated \(simulated) ms")
        // Its mean is the mean wait: P · (Wq / P) — checked through the tail's integral at a fine grid.
        let mean = StageLatencyModel.queueingMs(serviceMs: s, batchSize: 1, replicas: 1, loadRps: lambda)
        let grid = (1...9999).map { Double($0) / 10000 }
        let integral = grid.map { StageLatencyModel.queueingQuantileMs(serviceMs: s, batchSize: 1, replicas: 1, loadRps: lambda, probability: $0) }
            .reduce(0, +) / Double(grid.count)
        #expect(abs(integral - mean) / mean < 0.01, "∫ quantiles \(integral) vs mean \(mean)")
    }

    @Test func aLightlyLoadedQueueHasNoWaitAtThePercentileAndASaturatedOneNoBound() {
        // One replica at ρ = 0.005: it waits with probability 0.005 < 1 %, so its p99 wait is 0.
        #expect(StageLatencyModel.queueingQuantileMs(serviceMs: 10, batchSize: 1, replicas: 1, loadRps: 0.5, probability: 0.99) == 0)
        #expect(StageLatencyModel.queueingQuantileMs(serviceMs: 10, batchSize: 1, replicas: 1, loadRps: 100, probability: 0.99).isInfinite)
    }

    static func workflow(spread: String?) throws -> KubernetesPipeline {
        let spreadLine = spread.map { "        latency_spread: \($0)\n" } ?? ""
        let text = """
            version: 1
            name: tail
            platform: {kind: kubernetes, price_per_core_hour: 0.04}
            stages:
              - name: model
                overhead_ms: 3
                variants:
                  - name: only
                    accuracy: 0.9
                    latency_ms_by_batch:
                      1: {1000: 20, 2000: 12}
            \(spreadLine)edges: [{from: start, to: model}, {from: model, to: end}]
            """
        return try KubernetesPipeline(try WorkflowParser.parse(text: text))
    }

    @Test func aStagesTailIsItsSpreadTimesTheServiceTimePlusTheWaitsQuantile() throws {
        // latency_spread: the 0.99-quantile of time / mean is 2.
        let pipeline = try Self.workflow(spread: "{quantiles: [0, 0.5, 0.99, 1], values: [0.5, 1, 2, 3]}")
        let load = 20.0
        let request = PipelinePlanRequest(loadRps: load, sloMs: 1000, percentile: 0.99, headroom: 1, maxReplicas: 3, objective: .costThenAccuracy)
        let options = PipelineStageOption.all(pipeline, stage: 0, request)[0]
        // 1 core: 20 ms, 50 requests/s per replica; 2 cores: 12 ms, 83.3 requests/s. Every replica count 1…3.
        #expect(options.count == 6)
        for o in options {
            let s = o.setting.millicores == 1000 ? 20.0 : 12.0, n = Double(o.setting.replicas)
            // Hand computation: ρ = λs/(1000n), P = ρ^(√(2(n+1)) − 1), Wq = P/2 · s/(n(1 − ρ)) (b = 1: ca² = 1),
            // wait quantile (Wq/P)·ln(P/0.01) when P > 0.01.
            let rho = load * s / (1000 * n)
            let waiting = pow(rho, (2 * (n + 1)).squareRoot() - 1)
            let wq = 0.5 * waiting / (n * (1 - rho)) * s
            let tail = waiting > 0.01 ? wq / waiting * log(waiting / 0.01) : 0
            #expect(abs(o.latencyMs - (2 * s + 3 + tail)) < 1e-9, "\(o.setting): \(o.latencyMs) vs \(2 * s + 3 + tail)")
        }
        // Without a spread the service time counts at its mean; without a percentile, everything does.
        let plain = try Self.workflow(spread: nil)
        let o = try #require(PipelineStageOption.all(plain, stage: 0, request)[0].first { $0.setting.millicores == 1000 && $0.setting.replicas == 1 })
        let w = StageLatencyModel.queueingQuantileMs(serviceMs: 20, batchSize: 1, replicas: 1, loadRps: load, probability: 0.99)
        #expect(abs(o.latencyMs - (20 + 3 + w)) < 1e-9)
        var meanRequest = request
        meanRequest.percentile = nil
        let m = try #require(PipelineStageOption.all(pipeline, stage: 0, meanRequest)[0].first { $0.setting.millicores == 1000 && $0.setting.replicas == 1 })
        #expect(abs(m.latencyMs - StageLatencyModel.stageMs(serviceMs: 20, batchSize: 1, replicas: 1, loadRps: load) - 3) < 1e-9)
    }

    /// The exact planner finds the brute-force optimum with a percentile SLO too, and a tail bound
    /// never buys less than the mean bound of the same SLO.
    @Test(arguments: 0..<12)
    func exactMatchesBruteForceUnderAPercentile(seed: Int) throws {
        let pipeline = try randomPipeline(stages: 2 + seed % 2, seed: UInt64(seed + 500), variants: 1...2)
        var feasible = 0
        for objective in PipelinePlannerTests.objectives {
            for load in [0.5, 8.0, 40.0] {
                for slo in [400.0, 1500.0] {
                    for p in [0.95, 0.99] {
                        let request = PipelinePlanRequest(loadRps: load, sloMs: slo, percentile: p, headroom: 1.1, maxReplicas: 4, objective: objective)
                        let exact = PipelinePlanner().plan(pipeline, request)
                        let brute = BruteForcePipelinePlanner().plan(pipeline, request)
                        #expect((exact == nil) == (brute == nil), "seed \(seed) load \(load) slo \(slo) p \(p)")
                        guard let e = exact, let b = brute else { continue }
                        feasible += 1
                        #expect(!b.score.beats(e.score) && !e.score.beats(b.score), "seed \(seed) load \(load) slo \(slo) p \(p) \(objective)")
                        #expect(e.latencyMs <= slo * (1 + 1e-9))
                        // The mean bound admits every setting the tail bound does.
                        var mean = request
                        mean.percentile = nil
                        let m = try #require(PipelinePlanner().plan(pipeline, mean))
                        #expect(!e.score.beats(m.score), "seed \(seed): the tail plan beats the mean plan")
                    }
                }
            }
        }
        #expect(feasible >= 6)
    }
}
