import Foundation
import TrimtabModel

/// A job model built from the job's mechanics rather than a log-linear curve:
///
/// - billed seconds = w × (init + per-worker overhead) + N × per-item + S × per-split
///   (each worker pays its init once; the splits' work is shared among workers);
/// - makespan = c0 + c_w × w + c_k × k + c_i × min(N, k × s), with k = ⌈S/w⌉ waves (the last
///   wave decides the end; c_w is the launch ramp, c_k the per-split overhead on the critical
///   worker, c_i its per-item time);
/// - cost = billed seconds × price per billed second.
///
/// Coefficients are fitted by relative (percentage) least squares and kept non-negative, so the
/// model stays physical (no negative per-split time) and can be handed to the planner as a
/// worker model (`workerModel`).
public struct MechanisticJobModel: JobLevelModel, Equatable {
    public var initS: Double
    public var workerOverheadS: Double
    public var perItemS: Double
    public var perSplitS: Double
    public var pricePerBilledSecond: Double
    public var makespan: MakespanLaw

    /// Fits the model to `runs` (init and function time apart when both are measured).
    public static func fit(_ runs: [JobRun]) -> MechanisticJobModel? {
        guard let price = BilledPrice.fit(runs) else { return nil }
        let split = runs.allSatisfy { ($0.initS ?? 0) > 0 && ($0.functionS ?? 0) > 0 }
        var initS = 0.0, overhead = 0.0, perItem = 0.0, perSplit = 0.0
        if split {
            // Init and function time measured apart: fit each on its own mechanism.
            guard let i = LeastSquares.relativeNonNegative(runs.map { [Double($0.workers)] }, runs.map { $0.initS ?? 0 }),
                  let f = LeastSquares.relativeNonNegative(runs.map { [Double($0.workers), Double($0.items), Double($0.shape.splits)] },
                                                           runs.map { $0.functionS ?? 0 }) else { return nil }
            (initS, overhead, perItem, perSplit) = (i[0], f[0], f[1], f[2])
        } else {
            guard let b = LeastSquares.relativeNonNegative(runs.map { [Double($0.workers), Double($0.items), Double($0.shape.splits)] },
                                                           runs.map { $0.billedS ?? 0 }) else { return nil }
            (initS, perItem, perSplit) = (b[0], b[1], b[2])
        }
        let rows = runs.map { run -> [Double] in
            let shape = run.shape
            return [1, Double(shape.activeWorkers), Double(shape.waves), Double(min(run.items, shape.waves * run.splitSize))]
        }
        guard let m = LeastSquares.relativeNonNegative(rows, runs.map(\.makespanS)) else { return nil }
        return MechanisticJobModel(initS: initS, workerOverheadS: overhead, perItemS: perItem, perSplitS: perSplit,
                                   pricePerBilledSecond: price,
                                   makespan: MakespanLaw(constantS: m[0], perWorkerS: m[1], perWaveS: m[2], perCriticalItemS: m[3]))
    }

    /// Billed worker seconds of a job of this shape.
    public func billedSeconds(_ shape: JobShape) -> Double {
        Double(shape.activeWorkers) * (initS + workerOverheadS) + Double(shape.items) * perItemS + Double(shape.splits) * perSplitS
    }

    /// Cost (USD): billed seconds × price per billed second.
    public func predictCost(_ shape: JobShape) -> Double { billedSeconds(shape) * pricePerBilledSecond }

    /// Makespan (s) from the fitted law.
    public func predictMakespan(_ shape: JobShape) -> Double {
        let k = shape.waves
        return makespan.constantS + makespan.perWorkerS * Double(shape.activeWorkers) + makespan.perWaveS * Double(k)
            + makespan.perCriticalItemS * Double(min(shape.items, k * shape.splitSize))
    }

    /// The model as a planner input: one worker setup at `memoryMB`, priced so that a billed
    /// second costs what it cost in the measurements (no separate request fee: it is inside the
    /// fitted price), billed per 1 ms, with the fitted makespan law.
    public func workerModel(name: String, source: String?, memoryMB: Int, splitSizes: [Int], maxWorkers: Int) -> WorkerModel {
        let platform = Platform(kind: .awsLambda, pricePerGBSecond: pricePerBilledSecond / (Double(memoryMB) / 1024),
                                pricePerRequest: 0, billingGranularityMs: 1)
        let setup = WorkerSetup(memoryMB: memoryMB, initS: initS, workerOverheadS: workerOverheadS,
                                splitTime: .linear(perSplitS: perSplitS, perItemS: perItemS))
        return WorkerModel(name: name, source: source, platform: platform, setups: [setup], splitSizes: splitSizes,
                           maxWorkers: maxWorkers, makespanLaw: makespan)
    }
}
