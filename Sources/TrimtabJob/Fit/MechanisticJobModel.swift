import Foundation
import TrimtabModel

/// A job model built from the job's mechanics rather than a log-linear curve:
///
/// - billed seconds = w × (init + per-worker overhead) + (N × per-item + S × per-split) × (1 + σ(w − 1))
///   (each worker pays its init once; the splits' work is shared among workers and stretched by
///   σ per extra worker when workers contend for shared hardware);
/// - makespan = c0 + c_w × w + c_k × k + c_i × min(N, k × s) × (1 + σ(w − 1)), with k = ⌈S/w⌉ waves
///   (the last wave decides the end; c_w is the launch ramp, c_k the per-split overhead on the
///   critical worker, c_i its per-item time);
/// - cost = billed seconds × price per billed second.
///
/// Coefficients are fitted by relative (percentage) least squares and kept non-negative, so the
/// model stays physical (no negative per-split time) and can be handed to the planner as a
/// worker model (`workerModel`). The contention σ is fitted by profile least squares: the work
/// fit is solved at each σ of a grid (0, and 10⁻⁵ to 1 in 20 steps per decade) and the σ of
/// least relative error kept — 0 when the runs have one worker count or do not show contention
/// (serverless workers, Obi-FaaS's jobs).
public struct MechanisticJobModel: JobLevelModel, Equatable {
    public var initS: Double
    public var workerOverheadS: Double
    public var perItemS: Double
    public var perSplitS: Double
    /// σ: each active worker beyond the first stretches every worker's split time by this fraction.
    public var slowdownPerExtraWorker: Double
    public var pricePerBilledSecond: Double
    public var makespan: MakespanLaw

    /// Fits the model to `runs` (init and function time apart when both are measured).
    /// - Complexity: O(G · J) for J jobs and a grid of G = 102 contention values (a 4-column fit each).
    public static func fit(_ runs: [JobRun]) -> MechanisticJobModel? {
        guard let price = BilledPrice.fit(runs) else { return nil }
        let split = runs.allSatisfy { ($0.initS ?? 0) > 0 && ($0.functionS ?? 0) > 0 }
        let workTimes = runs.map { split ? ($0.functionS ?? 0) : ($0.billedS ?? 0) }
        // Function (or billed) time at contention σ: [w, N·f, S·f] with f = 1 + σ(w − 1).
        func workFit(_ sigma: Double) -> (coefficients: [Double], error: Double)? {
            let rows = runs.map { run -> [Double] in
                let f = WorkerSetup.contention(sigma, activeWorkers: run.shape.activeWorkers)
                return [Double(run.workers), Double(run.items) * f, Double(run.shape.splits) * f]
            }
            guard let c = LeastSquares.relativeNonNegative(rows, workTimes) else { return nil }
            let error = zip(rows, workTimes).reduce(0.0) { sum, pair in
                let predicted = zip(pair.0, c).reduce(0.0) { $0 + $1.0 * $1.1 }
                let relative = pair.1 > 0 ? (predicted - pair.1) / pair.1 : 0
                return sum + relative * relative
            }
            return (c, error)
        }
        guard var best = workFit(0).map({ (sigma: 0.0, fit: $0) }) else { return nil }
        if Set(runs.map(\.shape.activeWorkers)).count > 1 {
            for step in 0...100 {
                let sigma = pow(10, -5 + Double(step) / 20)
                if let candidate = workFit(sigma), candidate.error < best.fit.error * (1 - 1e-9) { best = (sigma, candidate) }
            }
        }
        let sigma = best.sigma
        var initS = 0.0, overhead = 0.0
        let perItem = best.fit.coefficients[1], perSplit = best.fit.coefficients[2]
        if split {
            // Init measured apart: fitted on its own mechanism; the work fit's per-worker term is the overhead.
            guard let i = LeastSquares.relativeNonNegative(runs.map { [Double($0.workers)] }, runs.map { $0.initS ?? 0 }) else { return nil }
            (initS, overhead) = (i[0], best.fit.coefficients[0])
        } else {
            initS = best.fit.coefficients[0]
        }
        let rows = runs.map { run -> [Double] in
            let shape = run.shape
            let f = WorkerSetup.contention(sigma, activeWorkers: shape.activeWorkers)
            return [1, Double(shape.activeWorkers), Double(shape.waves), Double(min(run.items, shape.waves * run.splitSize)) * f]
        }
        guard let m = LeastSquares.relativeNonNegative(rows, runs.map(\.makespanS)) else { return nil }
        return MechanisticJobModel(initS: initS, workerOverheadS: overhead, perItemS: perItem, perSplitS: perSplit,
                                   slowdownPerExtraWorker: sigma, pricePerBilledSecond: price,
                                   makespan: MakespanLaw(constantS: m[0], perWorkerS: m[1], perWaveS: m[2], perCriticalItemS: m[3]))
    }

    /// The contention factor at `shape`'s active workers: 1 + σ(w − 1).
    func contention(_ shape: JobShape) -> Double { WorkerSetup.contention(slowdownPerExtraWorker, activeWorkers: shape.activeWorkers) }

    /// Billed worker seconds of a job of this shape.
    public func billedSeconds(_ shape: JobShape) -> Double {
        Double(shape.activeWorkers) * (initS + workerOverheadS)
            + (Double(shape.items) * perItemS + Double(shape.splits) * perSplitS) * contention(shape)
    }

    /// Cost (USD): billed seconds × price per billed second.
    public func predictCost(_ shape: JobShape) -> Double { billedSeconds(shape) * pricePerBilledSecond }

    /// Makespan (s) from the fitted law.
    public func predictMakespan(_ shape: JobShape) -> Double {
        let k = shape.waves
        return makespan.constantS + makespan.perWorkerS * Double(shape.activeWorkers) + makespan.perWaveS * Double(k)
            + makespan.perCriticalItemS * Double(min(shape.items, k * shape.splitSize)) * contention(shape)
    }

    /// The model as a planner input: one worker setup at `memoryMB`, priced so that a billed
    /// second costs what it cost in the measurements (no separate request fee: it is inside the
    /// fitted price), billed per 1 ms, with the fitted makespan law.
    public func workerModel(name: String, source: String?, memoryMB: Int, splitSizes: [Int], maxWorkers: Int) -> WorkerModel {
        let platform = Platform(kind: .awsLambda, pricePerGBSecond: pricePerBilledSecond / (Double(memoryMB) / 1024),
                                pricePerRequest: 0, billingGranularityMs: 1)
        let setup = WorkerSetup(memoryMB: memoryMB, initS: initS, workerOverheadS: workerOverheadS,
                                splitTime: .linear(perSplitS: perSplitS, perItemS: perItemS),
                                slowdownPerExtraWorker: slowdownPerExtraWorker)
        return WorkerModel(name: name, source: source, platform: platform, setups: [setup], splitSizes: splitSizes,
                           maxWorkers: maxWorkers, makespanLaw: makespan)
    }
}
