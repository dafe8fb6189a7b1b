import Foundation
import TrimtabModel

/// How a fit's error was cross-validated.
public enum ValidationMethod: String, Sendable {
    /// Each measured memory size predicted from the others (needs ≥ 4 sizes).
    case leaveOneSizeOut = "leave-one-memory-size-out"
    /// Too few sizes for that: 5 folds over invocations, each fold's setting means predicted
    /// from the other folds (measures how well the means are known, not the curve's shape).
    case invocationFolds = "5-fold over invocations"
}

/// One family's cross-validated error for a stage.
public struct FamilyScore: Sendable, Equatable {
    public var family: CurveFamily
    /// Cross-validated MAPE (%), nil when the family could not be fitted.
    public var cvMAPE: Double?
}

/// Everything `fit` learned about one stage (or one variant of it).
public struct StageFit: Sendable {
    public var stage: String
    public var variant: String?
    public var settings: [SettingMean]
    public var scores: [FamilyScore]
    /// The chosen curve, fitted to all settings.
    public var curve: LatencyCurve
    /// Its cross-validated MAPE (%).
    public var cvMAPE: Double?
    public var validation: ValidationMethod
    /// Latency / setting mean of every invocation, sorted (the tail model's residuals).
    public var ratios: [Double]
    /// Mean billed duration by setting, and the billing step inferred from the logs.
    public var billedMeans: [Int: Double]
    public var billingGranularityMs: Double?
    public var invocations: Int
    public var coldStarts: Int
    public var meanInitMs: Double?
    /// When the chosen curve is piecewise-linear (which does not extrapolate), the best
    /// parametric curve, used beyond the measured sizes (scaled to meet the piecewise curve
    /// at the nearest measured size). Nil when no parametric family could be fitted.
    public var extrapolation: LatencyCurve? = nil
    /// The distribution of one invocation's response relative to its setting's mean (init time
    /// of cold starts included): the `latency_spread` written for composed tails.
    public var spread: QuantileFunction? = nil

    public var memorySizes: [Int] { Set(settings.map(\.memoryMB)).sorted() }
    public var batchSizes: [Int] { Set(settings.map(\.batchSize)).sorted() }

    /// Predicted mean latency (ms).
    public func latency(memoryMB: Int, batchSize: Int = 1) -> Double {
        let b = Double(batchSize)
        if curve.family == .piecewiseLinear, let ext = extrapolation, let lo = memorySizes.first, let hi = memorySizes.last,
           memoryMB < lo || memoryMB > hi {
            let edge = Double(memoryMB < lo ? lo : hi)
            let scale = curve.latency(memoryMB: edge, batchSize: b) / ext.latency(memoryMB: edge, batchSize: b)
            return ext.latency(memoryMB: Double(memoryMB), batchSize: b) * scale
        }
        return curve.latency(memoryMB: Double(memoryMB), batchSize: b)
    }

    /// Predicted latency quantile (ms): the curve times the quantile of the pooled
    /// latency/mean ratios (the residual distribution is taken as the same at every size).
    public func latency(memoryMB: Int, batchSize: Int = 1, quantile q: Double) -> Double {
        latency(memoryMB: memoryMB, batchSize: batchSize) * Quantile.of(sorted: ratios, q)
    }

    /// Mean billed duration (ms) around a mean latency of `mean` ms (the curve's by default):
    /// the mean of the rounded-up durations the residual ratios give. With `measured`, sizes
    /// that were measured give their measured mean billed duration instead.
    public func billed(memoryMB: Int, batchSize: Int = 1, mean given: Double? = nil, measured: Bool = false) -> Double? {
        guard let g = billingGranularityMs else { return nil }
        if measured, batchSizes.count <= 1, let b = billedMeans[memoryMB] { return b }
        let mean = given ?? latency(memoryMB: memoryMB, batchSize: batchSize)
        guard !ratios.isEmpty else { return (mean / g).rounded(.up) * g }
        return ratios.reduce(0) { $0 + (mean * $1 / g * (1 - 1e-12)).rounded(.up) * g } / Double(ratios.count)
    }

    /// Whether the fit may be used at `memoryMB`: the parametric families extrapolate; a
    /// piecewise-linear curve does so only through `extrapolation` (with fewer than 4 measured
    /// sizes there is none, and only the measured range is covered).
    public func covers(memoryMB m: Int) -> Bool {
        guard curve.family == .piecewiseLinear, extrapolation == nil else { return true }
        guard let lo = memorySizes.first, let hi = memorySizes.last else { return false }
        return m >= lo && m <= hi
    }

    /// The score of `family`.
    public func score(_ family: CurveFamily) -> Double? { scores.first { $0.family == family }?.cvMAPE }
}

/// Sample quantiles (linear interpolation between order statistics, "type 7").
public enum Quantile {
    public static func of(sorted xs: [Double], _ q: Double) -> Double {
        guard !xs.isEmpty else { return 1 }
        let h = Double(xs.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, xs.count - 1)
        return xs[lo] + (h - Double(lo)) * (xs[hi] - xs[lo])
    }
}
