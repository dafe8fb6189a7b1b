import Foundation
import Testing
import TrimtabModel
@testable import TrimtabJob

func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
func referencePath(_ name: String) -> String { packageRoot() + "/../shared/reference/" + name }
func examplePath(_ name: String) -> String { packageRoot() + "/examples/" + name }

/// Measured Obi-FaaS costs are billed seconds × 5e-5 USD (3 GB × 1.66667e-5, no request fee).
let obiPricePerBilledSecond = 0.00005

@Suite struct FitTests {
    let runs: [JobRun]
    init() throws { runs = try JobRun.load(path: referencePath("obifaas/summary.json")) }

    @Test func summaryHolds59Jobs() {
        #expect(runs.count == 59)
        #expect(runs.allSatisfy { $0.splitSize == 32 })
        #expect(runs.map(\.items).max() == 20_000)
        #expect(runs.map(\.workers).max() == 521)
        // Every measured cost is billed seconds × 5e-5 USD.
        #expect(runs.allSatisfy { abs(($0.billedS ?? 0) * obiPricePerBilledSecond - $0.costUSD) < 1e-9 })
    }

    @Test func publishedObiFaaSRegressionMisses13_45PercentOnAverage() throws {
        let m = try ObiFaaSRegression.load(path: referencePath("obifaas/cpr_model.json"), pricePerBilledSecond: obiPricePerBilledSecond)
        let acc = ModelEvaluation.inSample(m, runs)
        #expect(abs(acc.cost.meanPercent - 13.45) < 0.005)
        #expect(abs(acc.cost.maxPercent - 37.7) < 0.05)
    }

    @Test func mechanisticModelBeatsObiFaaSLeaveOneOut() throws {
        let ours = try #require(ModelEvaluation.leaveOneOut(MechanisticJobModel.self, runs))
        let theirs = try #require(ModelEvaluation.leaveOneOut(ObiFaaSRegression.self, runs))
        #expect(ours.cost.meanPercent < 4)
        #expect(ours.cost.meanPercent < theirs.cost.meanPercent / 2)
        #expect(ours.cost.maxPercent < theirs.cost.maxPercent)
        #expect(ours.makespan.meanPercent < 8)
        #expect(ours.makespan.meanPercent < theirs.makespan.meanPercent / 2)
        print("LOO ours", ours, "theirs", theirs)
    }

    @Test func fittedModelIsPhysicalAndPlannable() throws {
        let m = try #require(MechanisticJobModel.fit(runs))
        #expect(m.initS > 3 && m.initS < 6)   // measured init per worker is 4.64 s on average
        #expect(m.perItemS > 0.05 && m.perItemS < 0.3)
        #expect(abs(m.pricePerBilledSecond - obiPricePerBilledSecond) < 1e-9)
        let wm = m.workerModel(name: "fit", source: nil, memoryMB: 3008, splitSizes: [32], maxWorkers: 600)
        let setup = try #require(wm.setups.first)
        // The planner's predictor and the fit agree (1 ms billing adds at most 1 ms per worker).
        for run in runs {
            let p = try #require(JobPredictor.predict(run.shape, setup: setup, model: wm))
            #expect(abs(p.costUSD - m.predictCost(run.shape)) <= Double(run.workers) * 0.001 * obiPricePerBilledSecond + 1e-12)
            #expect(abs(p.makespanS - m.predictMakespan(run.shape)) < 1e-9)
        }
        // And the saved YAML reads back to the same model.
        let back = try WorkerModelFile.parse(text: WorkerModelFile.yaml(wm))
        #expect(back == wm)
    }

    @Test func billedSecondsAloneAreEnoughToFit() throws {
        // Without the init/function split, init and overhead merge into one per-worker term.
        let billedOnly = runs.map { JobRun(items: $0.items, workers: $0.workers, splitSize: $0.splitSize, costUSD: $0.costUSD,
                                           makespanS: $0.makespanS, billedS: $0.billedS) }
        let m = try #require(MechanisticJobModel.fit(billedOnly))
        #expect(m.workerOverheadS == 0)
        #expect(m.initS > 4.6 && m.initS < 6.5)
        let loo = try #require(ModelEvaluation.leaveOneOut(MechanisticJobModel.self, billedOnly))
        #expect(loo.cost.meanPercent < 5)
        #expect(ObiFaaSRegression.fit(billedOnly) == nil)   // its form needs init and function time apart
    }

    /// Runs generated from a known contention law (σ = 0.1: each extra actor stretches the work
    /// by 10%, as actors sharing a machine's cores do) give the law back: σ on its grid point and
    /// every coefficient; runs without contention give σ = 0.
    @Test func contentionBetweenWorkersIsFittedFromTheRuns() throws {
        let (initS, overhead, perItem, perSplit) = (2.0, 0.5, 0.01, 0.05)
        func run(_ items: Int, _ workers: Int, _ splitSize: Int, sigma: Double = 0.1) -> JobRun {
            let shape = JobShape(items: items, splitSize: splitSize, workers: workers)
            let f = 1 + sigma * Double(shape.activeWorkers - 1)
            let function = overhead * Double(workers) + (perItem * Double(items) + perSplit * Double(shape.splits)) * f
            let makespan = 3 + 0.2 * Double(shape.waves) + 0.012 * Double(min(items, shape.waves * splitSize)) * f
            let billed = initS * Double(workers) + function
            return JobRun(items: items, workers: workers, splitSize: splitSize, costUSD: billed * 1e-5, makespanS: makespan,
                          billedS: billed, initS: initS * Double(workers), functionS: function)
        }
        let shapes = [(1000, 1, 50), (4000, 2, 100), (2000, 3, 20), (8000, 4, 200), (3000, 2, 30), (6000, 1, 300),
                      (5000, 4, 25), (7000, 3, 70)]
        let runs = shapes.map { run($0.0, $0.1, $0.2) }
        let m = try #require(MechanisticJobModel.fit(runs))
        #expect(abs(m.slowdownPerExtraWorker - 0.1) < 1e-12)
        #expect(abs(m.perItemS - perItem) < 1e-9 && abs(m.perSplitS - perSplit) < 1e-9)
        #expect(abs(m.workerOverheadS - overhead) < 1e-9 && abs(m.initS - initS) < 1e-9)
        #expect(abs(m.makespan.perCriticalItemS - 0.012) < 1e-9 && abs(m.makespan.constantS - 3) < 1e-9)
        // The planner's predictor stretches the split times the same way: 4 workers on 8,000 items
        // in splits of 200 (40 splits, 10 waves), by hand.
        let wm = m.workerModel(name: "fit", source: nil, memoryMB: 1024, splitSizes: [200], maxWorkers: 4)
        let setup = try #require(wm.setups.first)
        let p = try #require(JobPredictor.predict(JobShape(items: 8000, splitSize: 200, workers: 4), setup: setup, model: wm))
        let split = (0.05 + 0.01 * 200) * 1.3
        #expect(abs(p.billedSeconds - 4 * (2.5 + 10 * split)) < 0.004 + 1e-9)
        #expect(abs(p.makespanS - (3 + 0.2 * 10 + 0.012 * 2000 * 1.3)) < 1e-9)
        let back = try WorkerModelFile.parse(text: WorkerModelFile.yaml(wm))
        #expect(back == wm && back.setups.first?.slowdownPerExtraWorker == m.slowdownPerExtraWorker)
        let independent = try #require(MechanisticJobModel.fit(shapes.map { run($0.0, $0.1, $0.2, sigma: 0) }))
        #expect(independent.slowdownPerExtraWorker == 0)
        #expect(abs(independent.perItemS - perItem) < 1e-9)
    }

    @Test func aMalformedRunNamesFileAndField() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("runs.json").path
        try #"[{"num_images": 10, "num_task_managers": 1, "split_size": 32, "cost": 0.001, "latency": 9},"#
            .appending(#"{"num_images": 20, "num_task_managers": 0, "split_size": 32, "cost": 0.001, "latency": 9}]"#)
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try JobRun.load(path: path)
        } throws: { error in
            (error as? TrimtabError)?.description == "\(path): [1].num_task_managers: 0 must be positive"
        }
    }
}
