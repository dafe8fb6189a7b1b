import Foundation
import Testing
import TrimtabModel
@testable import TrimtabFit
import TrimtabSampling

/// The Monte Carlo composition against closed forms, and the tail planner against enumeration.
@Suite struct ComposedTailTests {
    /// A stage whose latency is uniform on [0.5, 1.5] × its mean.
    static let uniform = "latency_spread: {quantiles: [0, 1], values: [0.5, 1.5]}"
    static let constant = "latency_spread: {quantiles: [0, 1], values: [1, 1]}"

    func composed(_ yaml: String, runs: Int = 200_000, quantiles: [Double]) throws -> [Double] {
        let model = try WorkflowModel(try WorkflowParser.parse(text: yaml))
        let sampler = try ComposedTailLatency(model, runs: runs, seed: 7, flag: "test")
        return sampler.quantiles(ComposedTailLatency.settings(model, optionIndices: model.options.map { _ in 0 }), quantiles)
    }

    @Test func seriesOfTwoUniformsIsTriangular() throws {
        // U(50,150) + U(50,150): P(X > x) = (300 − x)² / (2 · 100²) above 200, so p95 = 300 − √1000.
        let q = try composed("""
        version: 1
        stages:
          - {name: a, latency_ms: {128: 100}, \(Self.uniform)}
          - {name: b, latency_ms: {128: 100}, \(Self.uniform)}
        edges: [{from: start, to: a}, {from: a, to: b}, {from: b, to: end}]
        """, quantiles: [0.5, 0.95])
        #expect(abs(q[0] - 200) < 1.5)
        #expect(abs(q[1] - (300 - 1000.0.squareRoot())) < 1.5)
    }

    @Test func parallelJoinIsTheMaximumOfIndependentBranches() throws {
        // max of two independent U(50,150): F(x) = ((x − 50)/100)², p95 = 50 + 100·√0.95; overhead adds.
        let q = try composed("""
        version: 1
        stages:
          - {name: a, latency_ms: {128: 100}, \(Self.uniform)}
          - {name: b, latency_ms: {128: 100}, \(Self.uniform)}
          - {name: c, latency_ms: {128: 10}, \(Self.constant), overhead_ms: 5}
        edges: [{from: start, to: a}, {from: start, to: b}, {from: a, to: c}, {from: b, to: c}, {from: c, to: end}]
        """, quantiles: [0.95])
        #expect(abs(q[0] - (50 + 100 * 0.95.squareRoot() + 15)) < 1.5)
    }

    @Test func loopCountIsGeometricAndBranchesMix() throws {
        // Self-loop p = 0.5 on a constant 100 ms stage: P(N ≤ n) = 1 − 0.5ⁿ, so p90 = 400 (0.9375)
        // and p95 = 500 (0.96875). A 0.9/0.1 branch of 10 and 1000 ms after it.
        let q = try composed("""
        version: 1
        stages:
          - {name: a, latency_ms: {128: 100}, \(Self.constant)}
          - {name: fast, latency_ms: {128: 10}, \(Self.constant)}
          - {name: slow, latency_ms: {128: 1000}, \(Self.constant)}
        edges:
          - {from: start, to: a}
          - {from: a, to: a, probability: 0.5}
          - {from: a, to: fast, probability: 0.45}
          - {from: a, to: slow, probability: 0.05}
          - {from: fast, to: end}
          - {from: slow, to: end}
        """, quantiles: [0.3, 0.85])
        // P(N = 1, fast) = 0.5 · 0.9 = 0.45 → p30 = 110; P(total ≤ 410) = P(N ≤ 4)·0.9 = 0.84375,
        // P(total ≤ 510) = 0.96875·0.9 = 0.871875 → p85 = 510.
        #expect(abs(q[0] - 110) < 1e-9)
        #expect(abs(q[1] - 510) < 1e-9)
    }

    @Test func coldStartsFromTheLogsReachTheTail() throws {
        // 95 warm invocations of 100 ms and 5 cold ones of 100 ms + 1000 ms init.
        let logs = (0..<100).map { i in MeasuredInvocation(stage: "f", memoryMB: 512, latencyMs: 100, initMs: i < 5 ? 1000 : nil) }
        let fit = LatencyFitter.fitStage(logs)
        let spread = try #require(fit.spread)
        #expect(abs(spread.value(at: 0.5) - 1) < 1e-9)
        #expect(abs(spread.value(at: 0.999) - 11) < 1e-9)
        // The table mean stays the warm mean; the composed mean carries the init share (5% × 1000 ms).
        let yaml = "version: 1\n" + FitTables.yaml([fit], grid: nil) + "edges: [{from: start, to: f}, {from: f, to: end}]\n"
        let model = try WorkflowModel(try WorkflowParser.parse(text: yaml))
        let sampler = try ComposedTailLatency(model, runs: 100_000, flag: "test")
        let s = sampler.summary(ComposedTailLatency.settings(model, optionIndices: [0]), quantiles: [0.9, 0.99])
        #expect(abs(s.valuesMs[0] - 100) < 1e-6)
        #expect(s.valuesMs[1] > 1000)
        // 150 ms, up to the linear interpolation across the warm/cold step of the stored quantiles
        // (the step between the 95% and 96% points adds about 0.5% × 1000 ms / 2).
        #expect(abs(s.meanMs - 150) < 5)
    }

    @Test func orderStatisticsEqualSorting() {
        var rng = SeededGenerator(seed: 5)
        for n in [1, 2, 7, 100, 1001] {
            let xs = (0..<n).map { _ in Double(Int.random(in: 0..<50, using: &rng)) }
            let sorted = xs.sorted()
            let ks = [0, 1, n / 2, n, n + 1, max(1, n - 3)]
            let got = StageResponse.orderStatistics(xs, ks)
            for (k, v) in zip(ks, got) {
                let expected = k < 1 ? -Double.infinity : k > n ? Double.infinity : sorted[k - 1]
                #expect(v == expected)
            }
        }
    }

    @Test func responseReproducesEveryRun() throws {
        // V_r(x) = max(a_r, b_r + x) must give each run's latency for every option of the stage.
        for seed in 0..<6 {
            let w = try Self.randomWorkflow(seed: UInt64(seed) + 40, stages: 5)
            let model = try WorkflowModel(w)
            let sampler = try ComposedTailLatency(model, runs: 300, flag: "test")
            var rng = SeededGenerator(seed: UInt64(seed))
            let choice = model.options.map { Int.random(in: 0..<$0.count, using: &rng) }
            let base = ComposedTailLatency.settings(model, optionIndices: choice)
            for s in model.options.indices where sampler.invokedAtMostOnce[s] {
                var settings = base
                settings[s] = .undecided
                let response = try #require(sampler.response(settings, stage: s))
                for k in model.options[s].indices {
                    var full = base
                    let o = model.options[s][k]
                    let mean = o.latencyMs - w.stages[s].overheadMs
                    full[s] = .chosen(meanMs: mean, variant: o.variant)
                    let expected = sampler.samples(full)
                    for r in 0..<sampler.runs {
                        #expect(abs(response.latency(run: r, meanMs: mean, variant: o.variant) - expected[r]) < 1e-6 * max(1, expected[r]))
                    }
                }
            }
        }
    }

    @Test func undecidedStagesBoundEveryCompletionFromBelow() throws {
        let w = try Self.randomWorkflow(seed: 3, stages: 5)
        let model = try WorkflowModel(w)
        let sampler = try ComposedTailLatency(model, runs: 300, flag: "test")
        let lower = sampler.samples(model.options.map { _ in .undecided })
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20 {
            let choice = model.options.map { Int.random(in: 0..<$0.count, using: &rng) }
            let full = sampler.samples(ComposedTailLatency.settings(model, optionIndices: choice))
            #expect(zip(lower, full).allSatisfy { $0 <= $1 + 1e-9 })
        }
    }

    /// Small random workflows (variants with different spreads, branches, loops, parallel
    /// joins) with a spread on every variant.
    static func randomWorkflow(seed: UInt64, stages: Int) throws -> Workflow {
        let generator = RandomWorkflowGenerator(memorySizes: [128, 512, 1024], variantShare: 0.5, maxVariants: 2)
        var w = generator.make(stages: stages, seed: seed)
        var rng = SeededGenerator(seed: seed &+ 99)
        for s in w.stages.indices {
            for v in w.stages[s].variants.indices {
                let lo = Double.random(in: 0.6...0.95, using: &rng), hi = Double.random(in: 1.15...2.5, using: &rng)
                w.stages[s].variants[v].tails.spread = QuantileFunction(quantiles: [0, 0.9, 1], values: [lo, 1.1, hi])
            }
        }
        return w
    }

    /// The branch and bound under composed tails finds the optimum of enumeration (same
    /// sampler, so the same criterion), for each objective.
    @Test(arguments: 0..<12) func composedTailPlanningEqualsEnumeration(seed: Int) throws {
        let w = try Self.randomWorkflow(seed: UInt64(seed), stages: 4)
        let model = try WorkflowModel(w)
        let runs = 400
        let sampler = try ComposedTailLatency(model, runs: runs, flag: "test")
        var all: [(choice: [Int], p: Prediction, tail: Double)] = []
        func enumerate(_ s: Int, _ choice: inout [Int]) {
            if s == model.options.count {
                let tail = sampler.quantiles(ComposedTailLatency.settings(model, optionIndices: choice), [0.95])[0]
                all.append((choice, model.predict(optionIndices: choice), tail))
                return
            }
            for k in model.options[s].indices { choice[s] = k; enumerate(s + 1, &choice) }
        }
        var c = Array(repeating: 0, count: model.options.count)
        enumerate(0, &c)
        let tails = all.map(\.tail).sorted()
        let limit = tails[tails.count / 3]
        let costs = all.map(\.p.costPerMillion).sorted()
        for objective in [Goal.Objective.minimizeCost, .minimizeLatency, .maximizeAccuracy] {
            var bounds = Bounds()
            if objective != .minimizeCost { bounds.maxCostPerMillion = costs[costs.count * 2 / 3] }
            let goal = Goal(objective: objective, bounds: bounds)
            let plan = try TailBoundPlanner.plan(model, goal: goal, tails: [TailBound(quantile: 0.95, maxMs: limit, flag: "t")],
                                                 rule: .composed, runs: runs)
            let costLimit = bounds.maxCostPerMillion ?? .infinity
            let feasible = all.filter { $0.tail <= limit * (1 + 1e-9) && $0.p.costPerMillion <= costLimit * (1 + 1e-9) }
            func value(_ p: Prediction) -> Double {
                switch objective {
                case .minimizeCost: return p.costPerMillion
                case .minimizeLatency: return p.latencyMs
                case .maximizeAccuracy: return -p.accuracy
                }
            }
            let best = feasible.map { value($0.p) }.min()
            #expect(plan.rule == .composed)
            if let best {
                #expect(plan.status == .optimal)
                let got = try #require(plan.prediction)
                #expect(abs(value(got) - best) <= 1e-9 * max(1, abs(best)))
                #expect(plan.tails[0] <= limit * (1 + 1e-9))
            } else {
                #expect(plan.status == .infeasible)
            }
        }
    }

    @Test func aMissingSpreadIsNamedAndTheRuleFallsBackOnlyByDefault() throws {
        let w = try WorkflowParser.parse(text: """
        version: 1
        stages:
          - {name: a, latency_ms: {128: 100}, latency_p95_ms: {128: 150}, latency_p99_ms: {128: 200}, \(Self.uniform)}
          - {name: b, latency_ms: {128: 100}, latency_p95_ms: {128: 150}, latency_p99_ms: {128: 200}}
        edges: [{from: start, to: a}, {from: a, to: b}, {from: b, to: end}]
        """)
        #expect(TailRule.automatic(for: w) == .conservative)
        let model = try WorkflowModel(w)
        let bound = TailBound(quantile: 0.95, maxMs: 1000, flag: "--max-latency-p95-ms")
        #expect(throws: TrimtabError(field: "stages.b.latency_spread",
                                     "is needed by --max-latency-p95-ms (trimtab fit and trimtab import write it; --tail-rule conservative uses latency_p95_ms/latency_p99_ms instead)")) {
            try TailBoundPlanner.plan(model, goal: Goal(objective: .minimizeCost), tails: [bound], rule: .composed)
        }
        let plan = try TailBoundPlanner.plan(model, goal: Goal(objective: .minimizeCost), tails: [bound])
        #expect(plan.rule == .conservative && abs(plan.tails[0] - 300) < 1e-9)
    }

    @Test func spreadsAreValidatedWithTheirField() throws {
        func parse(_ spread: String) throws -> Workflow {
            try WorkflowParser.parse(text: "version: 1\nstages:\n  - {name: s, latency_ms: {128: 10}, latency_spread: \(spread)}\nedges: [{from: start, to: s}, {from: s, to: end}]\n")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_spread.quantiles", "must start at 0 and end at 1")) {
            try parse("{quantiles: [0.1, 1], values: [1, 2]}")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_spread.values[1]", "0.5 is below the value before it (1): values must not decrease")) {
            try parse("{quantiles: [0, 1], values: [1, 0.5]}")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_spread.values", "has 3 values for 2 quantiles")) {
            try parse("{quantiles: [0, 1], values: [1, 2, 3]}")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_spread.values[0]", "0 must be positive (values are latency / mean)")) {
            try parse("{quantiles: [0, 1], values: [0, 2]}")
        }
        #expect(throws: TrimtabError(field: "stages[0].latency_spread.quantiles[2]", "0.5 does not increase on 0.5")) {
            try parse("{quantiles: [0, 0.5, 0.5, 1], values: [1, 1, 1, 1]}")
        }
    }
}
