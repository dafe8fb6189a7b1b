import Foundation
import Testing
import TrimtabModel
@testable import TrimtabBatch

/// Deterministic service s(k) = base + perRequest × k (BATCH's "manual" service model).
struct LinearService: BatchServiceModel {
    var memorySizes: [Int]
    var maxBatchSize: Int
    var baseMs: Double
    var perRequestMs: Double
    func service(memoryMB: Int, batchSize: Int) -> [ServicePoint] {
        [ServicePoint(latencyMs: baseMs + perRequestMs * Double(batchSize))]
    }
}

@Suite struct OptimizerTests {
    /// BATCH (rickypinci/BATCH, solver.py `getCostRequest`): cost per request =
    /// (service s × memory GB × 0.0000166667 + 0.0000002) / requests in the batch. Worked case:
    /// the "manual" service model s(k) = 0.034 k + 0.01 s, a batch of 10 at 2048 MB:
    /// (0.35 × 2 × 0.0000166667 + 0.0000002) / 10 = 1.186669e-6 USD per request.
    /// Our model with batches that always fill (1000 req/s, B = 10, T = 1 s) gives the same.
    @Test func reproducesBATCHsCostFormula() throws {
        let batchFormula = (0.35 * 2048 / 1024 * 0.0000166667 + 0.0000002) / 10
        #expect(abs(batchFormula - 1.186669e-6) < 1e-15)
        let process = try MarkovianArrivalProcess.poisson(rate: 1000)
        let evaluator = BatchGridEvaluator(process: process, grid: BatchGrid(memorySizes: [2048], batchSizes: [10], timeoutsMs: [1000]))
        let behaviour = try #require(evaluator.behaviours.first)
        #expect(behaviour.batchSizeProbabilities[9] > 1 - 1e-12)
        let p = BatchPerformanceModel.evaluate(behaviour, service: LinearService(memorySizes: [2048], maxBatchSize: 10, baseMs: 10, perRequestMs: 34),
                                               memoryMB: 2048, platform: Platform())
        #expect(abs(p.costPerMillion - batchFormula * 1e6) < 1e-9)
        #expect(abs(p.meanBatchSize - 10) < 1e-12)
        // Mean wait of a full batch of 10 at 1000/s: (0 + 1 + … + 9) ms / 10 = 4.5 ms.
        #expect(abs(p.meanWaitMs - 4.5) < 1e-6)
    }

    /// The workflow planner's Poisson closed forms (TrimtabModel) and the MAP model agree.
    @Test func poissonClosedFormsAgreeWithTheMAPModel() throws {
        for (rate, b, t) in [(5.0, 4, 300.0), (40, 10, 100), (120, 25, 250), (0.5, 3, 2000)] {
            let closed = PoissonBatch(rate: rate, maxBatchSize: b, timeoutMs: t)
            let evaluator = BatchGridEvaluator(process: try .poisson(rate: rate), grid: BatchGrid(memorySizes: [1], batchSizes: [b], timeoutsMs: [t]))
            let behaviour = try #require(evaluator.behaviours.first)
            for k in 0..<b { #expect(abs(closed.sizeProbabilities[k] - behaviour.batchSizeProbabilities[k]) < 1e-10) }
            #expect(abs(closed.meanWaitMs - behaviour.meanWaitMs) < 1e-8 * max(1, closed.meanWaitMs))
        }
    }

    /// Thinning keeps the phase structure and scales the rate.
    @Test func thinnedMAPHasTheThinnedRate() throws {
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        let p = try maps.process(trace: "nys", hour: "9")
        #expect(abs(p.thinned(0.25).rate - 0.25 * p.rate) < 1e-9 * p.rate)
    }

    /// The grid evaluator (shared tables) equals configurations evaluated one by one from scratch,
    /// and its optimum is at least as good as every configuration of the grid.
    @Test func gridOptimumIsExactOverTheGrid() throws {
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        let process = try maps.process(trace: "twitter", hour: "12")
        let table = try MBSServiceTable.load(path: referencePath("mbs/service_time_256.json"))
        let service = try SizeClassServiceModel(table: table, sizeClass: 3)
        let grid = BatchGrid(memorySizes: [1024, 2048, 3072, 4096], batchSizes: Array(1...12), timeoutsMs: [20, 80, 300, 900])
        let all = BatchGridEvaluator(process: process, grid: grid).evaluateAll(service: service, platform: Platform())
        #expect(all.count == grid.count)
        for p in all.enumerated().filter({ $0.offset % 7 == 0 }).map(\.element) {
            let single = RandomGridSearch.evaluate(process: process, service: service, platform: Platform(), memoryMB: p.memoryMB,
                                                   batchSize: p.batchSize, timeoutMs: p.timeoutMs)
            #expect(abs(single.costPerMillion - p.costPerMillion) < 1e-9 * p.costPerMillion)
            #expect(abs(single.latencyPercentileMs - p.latencyPercentileMs) < 1e-3)
        }
        let goal = BatchGoal.minimizeCost(maxLatencyPercentileMs: 4000)
        let best = try #require(BatchGridEvaluator.select(all, goal: goal).best)
        #expect(all.filter { goal.admits($0) }.allSatisfy { $0.costPerMillion >= best.costPerMillion })
        for seed: UInt64 in 1...3 {
            let random = RandomGridSearch(process: process, grid: grid).search(service: service, platform: Platform(), goal: goal, budget: 60, seed: seed)
            if let r = random.best { #expect(r.costPerMillion >= best.costPerMillion - 1e-12) }
        }
        // The latency objective: lowest p95 within a cost bound.
        let latencyGoal = BatchGoal.minimizeLatency(maxCostPerMillion: best.costPerMillion * 1.5)
        let fastest = try #require(BatchGridEvaluator.select(all, goal: latencyGoal).best)
        #expect(fastest.latencyPercentileMs <= best.latencyPercentileMs)
        #expect(all.filter { latencyGoal.admits($0) }.allSatisfy { $0.latencyPercentileMs >= fastest.latencyPercentileMs })
    }

    /// The Gaussian process interpolates its data, and the Bayesian search never beats the exact
    /// optimum (it evaluates grid points with the same model).
    @Test func bayesianSearchIsBoundedByTheExactOptimum() throws {
        let xs: [[Double]] = [[0, 0, 0], [0.5, 0.2, 0.9], [1, 1, 0.3], [0.2, 0.7, 0.5]]
        let ys = [3.0, -1.0, 2.5, 0.5]
        let gp = GaussianProcess(xs: xs, ys: ys, lengthScale: 0.3)
        for (x, y) in zip(xs, ys) {
            let (m, sd) = gp.predict(x)
            #expect(abs(m - y) < 1e-3)
            #expect(sd < 0.01)
        }
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        let process = try maps.process(trace: "twitter", hour: "5")
        let table = try MBSServiceTable.load(path: referencePath("mbs/service_time_256.json"))
        let service = try SizeClassServiceModel(table: table, sizeClass: 0)
        let grid = BatchGrid(memorySizes: [1024, 1536, 2048, 3072], batchSizes: Array(1...12), timeoutsMs: [25, 100, 400, 1600])
        let exact = try #require(BatchGridEvaluator(process: process, grid: grid)
            .optimize(service: service, platform: Platform(), goal: .minimizeCost(maxLatencyPercentileMs: 3000)).best)
        let found = BayesianGridSearch(process: process, grid: grid).search(service: service, platform: Platform(),
                                                                           maxLatencyPercentileMs: 3000, budget: 30, seed: 4)
        #expect(found.evaluated == 30)
        let best = try #require(found.best)
        #expect(best.costPerMillion >= exact.costPerMillion - 1e-12)
        #expect(best.latencyPercentileMs <= 3000)
    }

    /// A buffer mixing size classes is served at its largest request's speed:
    /// P(max class = c | k) = Q_c^k − Q_{c−1}^k.
    @Test func mixedBufferServiceFollowsTheLargestRequest() throws {
        let table = try MBSServiceTable.load(path: referencePath("mbs/service_time_256.json"))
        let service = try SizeClassServiceModel(table: table, classes: [(2, 0.5), (7, 0.5)])
        let points = service.service(memoryMB: 2048, batchSize: 3)
        #expect(points.count == 2)
        #expect(abs(points[0].probability - 0.125) < 1e-15)
        #expect(points[0].latencyMs == table.latencyMs(memoryMB: 2048, sizeClass: 2, batchSize: 3))
        #expect(points[1].latencyMs == table.latencyMs(memoryMB: 2048, sizeClass: 7, batchSize: 3))
    }

    /// Our equal-load split reproduces MBS's own splits (requests_and_loads_original.json) for 1–8 buffers.
    @Test func equalLoadSplitReproducesMBS() throws {
        let path = referencePath("mbs/requests_and_loads_original.json")
        let loads = try BufferSplit.loadClassLoads(path: path)
        #expect(loads.count == 32)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        for n in 1...8 {
            let entry = try #require(root[String(n)] as? [String: Any])
            let classes = try #require(entry["requests"] as? [[Int]])
            let shares = try #require(entry["load"] as? [[Double]])
            let ours = BufferSplit.equalLoad(loads, buffers: n)
            #expect(ours.count == n)
            for (i, buffer) in ours.enumerated() {
                #expect(buffer.map(\.sizeClass) == classes[i], "n=\(n) buffer \(i)")
                for (a, b) in zip(buffer.map(\.share), shares[i]) { #expect(abs(a - b) < 1e-9) }
            }
        }
    }

    /// Several buffers: each buffer meets the bound, the plan's overall p95 does too, and one
    /// buffer equals the single-function optimum over all classes.
    @Test func buffersMeetTheBoundAndOneBufferIsTheSingleOptimum() throws {
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        let process = try maps.process(trace: "twitter", hour: "15")
        let table = try MBSServiceTable.load(path: referencePath("mbs/service_time_256.json"))
        let loads = try BufferSplit.loadClassLoads(path: referencePath("mbs/requests_and_loads_original.json"))
        let grid = BatchGrid(memorySizes: [2048, 3072, 4096, 6144], batchSizes: Array(1...10), timeoutsMs: [50, 200, 800])
        let planner = BufferPlanner(process: process, table: table, classLoads: loads, grid: grid, platform: Platform())
        let plans = try planner.plan(maxBuffers: 3, maxLatencyPercentileMs: 20000)
        #expect(plans.count == 3)
        for plan in plans {
            let choices = try #require(plan.choices)
            #expect(choices.allSatisfy { $0.performance.latencyPercentileMs <= 20000 })
            #expect(try #require(plan.overallLatencyPercentileMs) <= 20000 + 1e-3)
            #expect(abs(choices.reduce(0) { $0 + $1.share } - 1) < 1e-9)
        }
        let single = BatchGridEvaluator(process: process, grid: grid).optimize(
            service: try SizeClassServiceModel(table: table, classes: loads.enumerated().map { ($0.offset, $0.element) }),
            platform: Platform(), goal: .minimizeCost(maxLatencyPercentileMs: 20000))
        #expect(abs((plans[0].costPerMillion ?? 0) - (single.best?.costPerMillion ?? -1)) < 1e-9)
        // Splitting by size lets small requests skip the large ones' padding: cheaper here.
        #expect((plans[2].costPerMillion ?? .infinity) < (plans[0].costPerMillion ?? 0))
    }

    /// For each of the 24 Twitter hours the optimum over the grid is cheaper than no batching at
    /// the same p95 bound (3 s, DeepSpeech size class 0); measured savings 2.0–2.1× (coarse grid here).
    @Test func batchingSavesInEveryTwitterHour() throws {
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        let table = try MBSServiceTable.load(path: referencePath("mbs/service_time_256.json"))
        let service = try SizeClassServiceModel(table: table, sizeClass: 0)
        let grid = BatchGrid(memorySizes: table.memorySizes, batchSizes: Array(1...25), timeoutsMs: [50, 100, 200, 400, 800, 1600, 3000])
        let goal = BatchGoal.minimizeCost(maxLatencyPercentileMs: 3000)
        for hour in maps.hours(of: "twitter") {
            let all = BatchGridEvaluator(process: try maps.process(trace: "twitter", hour: hour), grid: grid)
                .evaluateAll(service: service, platform: Platform())
            let best = try #require(BatchGridEvaluator.select(all, goal: goal).best)
            let unbatched = try #require(BatchGridEvaluator.select(all.filter { $0.batchSize == 1 }, goal: goal).best)
            let saving = unbatched.costPerMillion / best.costPerMillion
            #expect(saving > 1.8 && saving < 2.3, "hour \(hour): saving \(saving)")
            #expect(best.batchSize > 1)
        }
    }

    @Test func badArrivalSpecsAreNamedErrors() throws {
        #expect(throws: TrimtabError.self) { try ArrivalSpecification.parse("poisson:-3").markovianProcess() }
        #expect(throws: TrimtabError.self) { try ArrivalSpecification.parse("map:/nonexistent.json:twitter:1").markovianProcess() }
        do {
            _ = try ArrivalSpecification.parse("map:\(referencePath("batch/hourly_maps.json")):twitter:25").markovianProcess()
            Issue.record("hour 25 accepted")
        } catch {
            #expect(error.description.contains("twitter.25"))
        }
        #expect(throws: TrimtabError.self) { try MarkovianArrivalProcess(d0: [[-1, 2], [0, -1]], d1: [[0, 0], [0, 1]]) }
    }
}
