import Foundation
import Testing
import TrimtabModel
@testable import TrimtabSolve
import TrimtabSampling

func randomPipeline(stages: Int, seed: UInt64, variants: ClosedRange<Int> = 1...3,
                    rule: AccuracyRule = .product) throws -> KubernetesPipeline {
    try RandomPipelineGenerator(variants: variants).make(stages: stages, seed: seed, rule: rule)
}

@Suite struct PipelinePlannerTests {
    static let objectives: [PipelineObjective] = [.weighted(alpha: 1, beta: 1, gamma: 0.001), .accuracyThenCost, .costThenAccuracy,
                                                  .weighted(alpha: 0.2, beta: 3, gamma: 0.01)]
    /// The project's root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The exact planner finds the brute-force optimum on small random pipelines, for every objective,
    /// accuracy rule, and loads from light to saturating.
    @Test(arguments: 0..<24)
    func exactMatchesBruteForce(seed: Int) throws {
        let rules: [AccuracyRule] = [.product, .mean, .min]
        let stages = 2 + seed % 2
        let pipeline = try randomPipeline(stages: stages, seed: UInt64(seed + 100), variants: 1...(stages == 2 ? 3 : 2), rule: rules[seed % 3])
        var feasible = 0
        for objective in Self.objectives {
            for load in [0.5, 8.0, 40.0] {
                for slo in [250.0, 1200.0] {
                    let request = PipelinePlanRequest(loadRps: load, sloMs: slo, headroom: 1.1, maxReplicas: 4, objective: objective)
                    let exact = PipelinePlanner().plan(pipeline, request)
                    let brute = BruteForcePipelinePlanner().plan(pipeline, request)
                    #expect((exact == nil) == (brute == nil), "seed \(seed) load \(load) slo \(slo) \(objective)")
                    if let e = exact, let b = brute {
                        feasible += 1
                        #expect(!b.score.beats(e.score) && !e.score.beats(b.score), "seed \(seed) load \(load) slo \(slo) \(objective)")
                        #expect(e.latencyMs <= slo * (1 + 1e-9))
                    }
                }
            }
        }
        // The grid must exercise real optima, not only infeasible requests.
        #expect(feasible >= 6)
    }

    /// Every stage of a plan has the capacity for the load with headroom, and the reported figures add up.
    @Test func plansHaveCapacityAndConsistentTotals() throws {
        let pipeline = try randomPipeline(stages: 4, seed: 9)
        let request = PipelinePlanRequest(loadRps: 30, sloMs: 3000, headroom: 1.25, maxReplicas: 32)
        let plan = try #require(PipelinePlanner().plan(pipeline, request))
        var latency = 0.0, cost = 0.0
        for (k, s) in plan.settings.enumerated() {
            let variant = pipeline.stage(k).variants[s.variant]
            let service = try #require(variant.latencyMs(memoryMB: s.millicores, batchSize: s.batchSize))
            #expect(Double(s.replicas) * 1000 * Double(s.batchSize) / service >= 30 * 1.25 - 1e-9)
            latency += StageLatencyModel.stageMs(serviceMs: service, batchSize: s.batchSize, replicas: s.replicas, loadRps: 30)
            cost += Double(s.replicas) * Double(s.millicores) / 1000 * 0.04
        }
        #expect(abs(latency - plan.latencyMs) < 1e-9 && abs(cost - plan.costPerHour) < 1e-12)
    }

    @Test func queueingModelClosedForms() {
        // M/D/1 (b = 1, n = 1): ρS / (2(1 − ρ)); S = 100 ms, λ = 5/s → ρ = 0.5 → 50 ms.
        #expect(abs(StageLatencyModel.queueingMs(serviceMs: 100, batchSize: 1, replicas: 1, loadRps: 5) - 50) < 1e-9)
        #expect(StageLatencyModel.queueingMs(serviceMs: 100, batchSize: 1, replicas: 1, loadRps: 10) == .infinity)
        // Forming: 3 more requests at 20/s = 150 ms.
        #expect(abs(StageLatencyModel.formingMs(batchSize: 4, loadRps: 20) - 150) < 1e-9)
    }

    @Test func nonChainsAndLambdaPlatformsAreRejected() throws {
        let video = try WorkflowParser.load(path: Self.root + "/examples/video-pipeline.yaml")
        #expect(throws: TrimtabError.self) { try KubernetesPipeline(video) }
        var k8s = video
        k8s.platform.kind = .kubernetes
        #expect(throws: TrimtabError.self) { try KubernetesPipeline(k8s) }
    }
}
