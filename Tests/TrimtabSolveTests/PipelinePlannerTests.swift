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

    /// A stage measured on a serving engine (`trimtab profile --ray-serve`): the measured
    /// throughput per replica sizes the replicas and sets the utilisation of the queueing model,
    /// and the stage's `overhead_ms` adds to its latency. Hand-computed: 10 requests/s with
    /// headroom 1.5 need 15 / 12 → 2 replicas of 12 requests/s (the batch latency alone, 5 ms,
    /// would give 200 requests/s and one replica); latency = 5 + 7 + Wq with a replica busy
    /// 1000/12 ms per request, ρ = 10 · 83.33 / 2000 = 0.41667, Allen–Cunneen
    /// Wq = ½ · ρ^(√6 − 1) / (2 (1 − ρ)) · 83.33 = 10.0399 ms → 22.0399 ms. Without the
    /// throughput table: one replica, 5 + 7 + M/D/1 wait 0.05 · 5 / (2 · 0.95) = 12.1316 ms.
    @Test func measuredThroughputAndOverheadDriveThePlan() throws {
        func pipeline(throughput: Bool) throws -> KubernetesPipeline {
            try KubernetesPipeline(try WorkflowParser.parse(text: """
                version: 1
                name: served
                platform: {kind: kubernetes, price_per_core_hour: 1}
                stages:
                  - name: s
                    overhead_ms: 7
                    variants:
                      - name: v
                        accuracy: 0.9
                        latency_ms_by_batch:
                          1: {1000: 5}
                """ + (throughput ? "\n        throughput_rps_by_batch:\n          1: {1000: 12}\n" : "\n") + """
                edges: [{from: start, to: s}, {from: s, to: end}]
                goal: {maximize: accuracy, subject_to: {latency_ms: 1000}}
                """))
        }
        let request = PipelinePlanRequest(loadRps: 10, sloMs: 1000, headroom: 1.5, maxReplicas: 4, objective: .costThenAccuracy)
        let measured = try #require(PipelinePlanner().plan(try pipeline(throughput: true), request))
        #expect(measured.settings.map(\.replicas) == [2])
        #expect(abs(measured.latencyMs - 22.039906624634394) < 1e-9, "\(measured.latencyMs)")
        let offline = try #require(PipelinePlanner().plan(try pipeline(throughput: false), request))
        #expect(offline.settings.map(\.replicas) == [1])
        #expect(abs(offline.latencyMs - 12.131578947368421) < 1e-9, "\(offline.latencyMs)")
        // The brute force agrees with the exact planner on the measured pipeline.
        let brute = try #require(BruteForcePipelinePlanner().plan(try pipeline(throughput: true), request))
        #expect(brute.settings.map(\.replicas) == [2] && abs(brute.latencyMs - measured.latencyMs) < 1e-9)
    }

    /// `throughput_rps_by_batch` names only batch and CPU sizes of the variant's latency table.
    @Test func throughputTableOutsideTheLatencyTableIsBadInput() {
        let text = { (row: String) in """
            version: 1
            name: served
            platform: {kind: kubernetes}
            stages:
              - name: s
                variants:
                  - name: v
                    accuracy: 0.9
                    latency_ms_by_batch:
                      1: {1000: 5}
                    throughput_rps_by_batch:
                      \(row)
            edges: [{from: start, to: s}, {from: s, to: end}]
            goal: {maximize: accuracy}
            """ }
        for (row, field) in [("2: {1000: 12}", "stages[0].variants[0].throughput_rps_by_batch.2"),
                             ("1: {500: 12}", "stages[0].variants[0].throughput_rps_by_batch.1.500")] {
            do {
                _ = try WorkflowParser.parse(text: text(row))
                Issue.record("\(row) was accepted")
            } catch {
                #expect(error.description.contains(field), "\(error.description)")
            }
        }
    }
}
