import Foundation
import Testing
import TrimtabModel
@testable import TrimtabFit
import TrimtabSampling

@Suite struct TailTests {
    @Test func compositionRuleOnTheSpecShapes() throws {
        // Chain 1(50)→{2(300), 3(700)}→4(40) in parallel: 790, as the mean model; a branch takes
        // its worst arm; a loop with p = 0.25 needs 3 iterations to finish with 95% (1 − 0.25³ ≥ 0.95).
        #expect(TailLatency.iterations(repeatProbability: 0.25, quantile: 0.95) == 3)
        #expect(TailLatency.iterations(repeatProbability: 0.25, quantile: 0.99) == 4)
        let w = try WorkflowParser.parse(text: """
        version: 1
        stages:
          - {name: a, latency_ms: {128: 100}, latency_p95_ms: {128: 150}, latency_p99_ms: {128: 200}}
          - {name: b, latency_ms: {128: 400}, latency_p95_ms: {128: 500}, latency_p99_ms: {128: 600}}
          - {name: c, latency_ms: {128: 900}, latency_p95_ms: {128: 950}, latency_p99_ms: {128: 999}}
          - {name: d, latency_ms: {128: 100}, latency_p95_ms: {128: 120}, latency_p99_ms: {128: 130}, overhead_ms: 5}
        edges:
          - {from: start, to: a}
          - {from: a, to: b, probability: 0.3}
          - {from: a, to: c, probability: 0.7}
          - {from: b, to: d}
          - {from: c, to: d}
          - {from: d, to: d, probability: 0.25}
          - {from: d, to: end, probability: 0.75}
        """)
        let model = try WorkflowModel(w)
        let q = try TailLatency.stageQuantiles(model, quantile: 0.95, flag: "--max-latency-p95-ms")
        let tail = TailLatency.evaluate(model.root, q.map { $0[0] }, quantile: 0.95)
        #expect(abs(tail - (150 + 950 + 3 * 125)) < 1e-9)
        // overhead_ms counts in the mean latency but not in the cost.
        let p = model.predict(optionIndices: [0, 0, 0, 0])
        #expect(abs(p.latencyMs - (100 + 0.3 * 400 + 0.7 * 900 + 105 / 0.75)) < 1e-9)
        let cost = (100 + 0.3 * 400 + 0.7 * 900 + 100 / 0.75) * 0.0000166667 * 128 / 1024 / 1000 + (1 + 1 + 1 / 0.75) * 0.0000002
        #expect(abs(p.costPerMillion - cost * 1e6) < 1e-9)
    }

    @Test func extensionTablesAreValidatedLikeLatencyTables() throws {
        func parse(_ stage: String) throws -> Workflow {
            try WorkflowParser.parse(text: "version: 1\nstages:\n  - \(stage)\nedges:\n  - {from: start, to: s}\n  - {from: s, to: end}\n")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_p95_ms", "has no entry for memory size 256 of latency_ms")) {
            try parse("{name: s, latency_ms: {128: 10, 256: 5}, latency_p95_ms: {128: 12}}")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_p95_ms.512", "memory size 512 is not in latency_ms")) {
            try parse("{name: s, latency_ms: {128: 10}, latency_p95_ms: {128: 12, 512: 3}}")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_p95_ms.128", "9 is below the mean latency 10")) {
            try parse("{name: s, latency_ms: {128: 10}, latency_p95_ms: {128: 9}}")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_p99_ms.128", "11 is below the 95th percentile 12")) {
            try parse("{name: s, latency_ms: {128: 10}, latency_p95_ms: {128: 12}, latency_p99_ms: {128: 11}}")
        }
        #expect(throws: TrimtabError.self) { try parse("{name: s, latency_ms: {128: 10}, latency_p90_ms: {128: 12}}") }
        let w = try parse("{name: s, latency_ms: {128: 10}, billed_ms: {128: 100}}")
        #expect(w.stages[0].variants[0].tails.billed == [128: 100])
    }

    /// The branch and bound's answer equals brute force over every configuration.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64]) func exactAgainstBruteForce(seed: UInt64) throws {
        var w = RandomWorkflowGenerator(memorySizes: [128, 512, 1024], variantShare: 0.3, maxVariants: 2).make(stages: 6, seed: seed)
        var rng = SeededGenerator(seed: seed)
        for s in w.stages.indices {
            for v in w.stages[s].variants.indices {
                var tails = TailTables()
                for point in w.stages[s].variants[v].latency {
                    let p95 = point.latencyMs * Double.random(in: 1.05...2.0, using: &rng)
                    tails.p95[point.memoryMB] = p95
                    tails.p99[point.memoryMB] = p95 * 1.3
                }
                w.stages[s].variants[v].tails = tails
            }
        }
        let model = try WorkflowModel(w)
        let q95 = try TailLatency.stageQuantiles(model, quantile: 0.95, flag: "x")
        var all: [([Int], Prediction, Double)] = []
        func enumerate(_ s: Int, _ choice: [Int]) {
            if s == model.options.count {
                let tail = TailLatency.evaluate(model.root, choice.enumerated().map { q95[$0.offset][$0.element] }, quantile: 0.95)
                all.append((choice, model.predict(optionIndices: choice), tail))
                return
            }
            for k in model.options[s].indices { enumerate(s + 1, choice + [k]) }
        }
        enumerate(0, [])
        let tails = all.map(\.2).sorted()
        let limit = tails[tails.count / 3]
        let minAccuracy = all.map(\.1.accuracy).sorted()[all.count / 4]
        for objective in Goal.Objective.allCases {
            let goal = Goal(objective: objective, bounds: Bounds(minAccuracy: minAccuracy))
            let plan = try TailBoundPlanner.plan(model, goal: goal, tails: [TailBound(quantile: 0.95, maxMs: limit, flag: "x")])
            let feasible = all.filter { $0.2 <= limit * (1 + 1e-9) && $0.1.accuracy >= minAccuracy - 1e-9 }
            func key(_ p: Prediction) -> Double {
                switch objective {
                case .minimizeCost: return p.costPerMillion
                case .minimizeLatency: return p.latencyMs
                case .maximizeAccuracy: return -p.accuracy
                }
            }
            guard let best = feasible.map({ key($0.1) }).min() else {
                #expect(plan.status == .infeasible)
                continue
            }
            #expect(plan.status == .optimal)
            let got = try #require(plan.prediction)
            #expect(abs(key(got) - best) <= 1e-9 * max(1, abs(best)))
            #expect(try #require(plan.tails.first) <= limit * (1 + 1e-9))
        }
    }
}
