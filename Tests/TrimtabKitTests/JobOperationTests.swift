import Foundation
import Testing
import TrimtabKit
import TrimtabModel

/// One 1024 MB setup, a split of j items takes 1 + 0.2·j s, init 2 s, no launch ramp or request price.
private let model = """
    kind: trimtab-job-model
    version: 1
    name: closed-form
    platform: {kind: aws-lambda, price_per_gb_second: 0.00001, price_per_request: 0, billing_granularity_ms: 1}
    split_sizes: [5, 10, 20]
    max_workers: 50
    startup_s: 0
    launch_s_per_worker: 0
    requests_per_worker: 1
    workers:
      - memory_mb: 1024
        init_s: 2
        overhead_s: 0
        split_s: {per_split: 1, per_item: 0.2}
    """

@Test func jobPredictMatchesTheClosedForm() throws {
    // docs/job.md: 95 items in splits of 10 are S = 10 splits (the last of 5 items); 4 workers take
    // k = 3 waves, the last holding r = 2 splits, so makespan = init + (k − 1)·t + t = 2 + 2·3 + 3 = 11 s.
    // Billed: 4 inits + 9 full splits of 3 s + one of 1 + 0.2·5 = 2 s = 37 s at 1 GB × 0.00001 USD.
    let r = try JobPredictOperation.run(.init(model: .text(model, label: "model"), items: 95, workers: 4, splitSize: 10))
    #expect(r.splits == 10 && r.workers == 4 && r.waves == 3 && r.memoryMB == 1024)
    #expect(abs(r.makespanS - 11) < 1e-9, "\(r.makespanS)")
    #expect(abs(r.costUSD - 37 * 0.00001) < 1e-12, "\(r.costUSD)")
    #expect(abs(r.costPerMillionItems - 37 * 0.00001 / 95 * 1e6) < 1e-9)
}

@Test func jobPlanIsTheCheapestShapeByBruteForce() throws {
    // Oracle: every split size and worker count priced one by one through `job predict` (which
    // searches nothing); the plan must cost what the cheapest shape meeting the deadline costs.
    for deadline in [6.0, 9.0, 14.0, 30.0] {
        let plan = try JobPlanOperation.run(.init(model: .text(model, label: "model"), items: 95, deadlineS: deadline))
        var cheapest = Double.infinity
        for split in [5, 10, 20] {
            for workers in 1...50 {
                let p = try JobPredictOperation.run(.init(model: .text(model, label: "model"), items: 95, workers: workers, splitSize: split))
                if p.makespanS <= deadline { cheapest = min(cheapest, p.costUSD) }
            }
        }
        if cheapest.isFinite {
            #expect(plan.status == "optimal", "deadline \(deadline)")
            #expect(abs(plan.choice.predicted.costUSD - cheapest) <= 1e-12, "deadline \(deadline)")
            #expect(plan.choice.predicted.makespanS <= deadline)
        } else {
            #expect(plan.status == "infeasible" && plan.outcome == .infeasible && (plan.relativeGap ?? 0) > 0, "deadline \(deadline)")
        }
    }
    // The plan's JSON is what `job run` reads: the choice first, then the status.
    let text = try JobPlanOperation.run(.init(model: .text(model, label: "model"), items: 95, deadlineS: 30)).jsonText()
    #expect(text.hasPrefix("{\n  \"memory_mb\": 1024,\n  \"split_size\": "), "\(text)")
    #expect(text.contains("\"model\": \"model\""))
}

@Test func jobSimulateWithoutNoiseIsTheClosedForm() throws {
    // docs/job.md: with deterministic split times `job simulate` reproduces the prediction exactly.
    let r = try JobSimulateOperation.run(.init(model: .text(model, label: "model"), items: 95, workers: "4,7", splitSize: 10, seeds: 3,
                                               sigma: 0, stragglerProbability: 0))
    #expect(r.results.map(\.policy) == ["static", "dynamic", "speculative", "static", "dynamic", "speculative"])
    for w in [4, 7] {
        let p = try JobPredictOperation.run(.init(model: .text(model, label: "model"), items: 95, workers: w, splitSize: 10))
        let dynamic = try #require(r.results.first { $0.workers == w && $0.policy == "dynamic" })
        #expect(abs(dynamic.makespanP50S - p.makespanS) < 1e-9 && abs(dynamic.makespanP99S - p.makespanS) < 1e-9)
        #expect(abs(dynamic.meanCostUSD - p.costUSD) < 1e-12)
    }
    #expect(throws: TrimtabError(field: "--workers", "'x' is not a positive worker count")) {
        try JobSimulateOperation.run(.init(model: .text(model, label: "model"), workers: "x", splitSize: 10))
    }
}
