import Foundation
import Testing
import TrimtabKit
import TrimtabModel
import TrimtabSampling

/// A plan the time limit stops before its proof reports how far from optimal it can be at most.
@Suite struct PlanTimeLimitTests {
    /// A 1,000-stage chain whose stages share one curve shape, minimising cost under a latency
    /// bound and an accuracy floor (`trimtab-bench robust-cell chain-shared 1000 cost 1 --mix 3`):
    /// neither Trimtab nor HiGHS proves it within 30 s, while the Lagrangian bound comes within
    /// the first second. The answer is `feasible`, with a proven bound below its cost and the
    /// relative gap between them, under the JSON names the README gives.
    @Test func aPlanStoppedByItsTimeLimitReportsItsProvenGap() throws {
        let w = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(4))
            .makeChain(stages: 1000, seed: 8919, sharedShape: true)
        let request = PlanOperation.Request(workflow: .read(w, text: "", label: "chain-shared-1000"), minimize: "cost",
                                            maxLatencyMs: 4_032_319.911208192, minAccuracy: 5.645967709539175e-35,
                                            timeLimit: 15)
        let r = try PlanOperation.run(request)
        #expect(r.status == "feasible")
        let cost = try #require(r.predicted?.costPerMillionUSD)
        let bound = try #require(r.objectiveBound)
        let gap = try #require(r.gap)
        #expect(bound <= cost)
        #expect(abs(gap - (cost - bound) / cost) <= 1e-12 * max(1, gap))
        // Measured (release build, 1 and 3 s limits): 0.047 %; a bound this close is the point.
        #expect(gap < 0.01, "gap \(gap)")
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(json.contains("\"objective_bound\"") && json.contains("\"gap\""), "\(json.prefix(300))")
    }

    /// A proven plan carries neither field.
    @Test func anOptimalPlanCarriesNoBound() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/slapp-app3.yaml").path
        let r = try PlanOperation.run(.init(workflow: .file(path), timeLimit: 30))
        #expect(r.status == "optimal")
        #expect(r.objectiveBound == nil && r.gap == nil)
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(!json.contains("objective_bound") && !json.contains("\"gap\""))
    }
}
