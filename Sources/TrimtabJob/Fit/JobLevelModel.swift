import Foundation
import TrimtabModel

/// A job-level model of cost and makespan, learnt from measured jobs.
public protocol JobLevelModel: Sendable {
    /// Fits the model to `runs`; nil when they cannot determine it.
    static func fit(_ runs: [JobRun]) -> Self?
    func predictCost(_ shape: JobShape) -> Double
    func predictMakespan(_ shape: JobShape) -> Double
}

/// Mean and worst absolute percentage error.
public struct ErrorSummary: Sendable, Equatable {
    public var meanPercent: Double
    public var maxPercent: Double

    /// Absolute percentage errors of `predicted` against `measured` (pairwise).
    public init(predicted: [Double], measured: [Double]) {
        let errors = zip(predicted, measured).map { abs($0 - $1) / $1 * 100 }
        meanPercent = errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count)
        maxPercent = errors.max() ?? 0
    }
}

/// Accuracy of a model on measured jobs.
public struct FitAccuracy: Sendable, Equatable {
    public var cost: ErrorSummary
    public var makespan: ErrorSummary
}

/// Scores job-level models on measured jobs.
public enum ModelEvaluation {
    /// Errors of `model` on `runs` (in sample).
    public static func inSample<M: JobLevelModel>(_ model: M, _ runs: [JobRun]) -> FitAccuracy {
        FitAccuracy(cost: ErrorSummary(predicted: runs.map { model.predictCost($0.shape) }, measured: runs.map(\.costUSD)),
                    makespan: ErrorSummary(predicted: runs.map { model.predictMakespan($0.shape) }, measured: runs.map(\.makespanS)))
    }

    /// Leave-one-out errors: each job is predicted by the model fitted to all the others.
    /// - Complexity: n fits of the model.
    public static func leaveOneOut<M: JobLevelModel>(_ type: M.Type, _ runs: [JobRun]) -> FitAccuracy? {
        var cost: [Double] = []
        var makespan: [Double] = []
        for i in runs.indices {
            var rest = runs
            rest.remove(at: i)
            guard let m = M.fit(rest) else { return nil }
            cost.append(m.predictCost(runs[i].shape))
            makespan.append(m.predictMakespan(runs[i].shape))
        }
        return FitAccuracy(cost: ErrorSummary(predicted: cost, measured: runs.map(\.costUSD)),
                           makespan: ErrorSummary(predicted: makespan, measured: runs.map(\.makespanS)))
    }
}

/// USD per billed worker-second, fitted as the relative least-squares ratio cost / billed seconds
/// (Obi-FaaS's measured costs are billed seconds × 5e-5, no request fee).
enum BilledPrice {
    static func fit(_ runs: [JobRun]) -> Double? {
        let usable = runs.filter { ($0.billedS ?? 0) > 0 }
        guard !usable.isEmpty else { return nil }
        return LeastSquares.relativeNonNegative(usable.map { [$0.billedS ?? 0] }, usable.map(\.costUSD))?.first
    }
}
