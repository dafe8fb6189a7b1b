import Foundation

/// Mean latency measured at one (memory, batch) setting.
public struct SettingMean: Sendable, Equatable {
    public var memoryMB: Int
    public var batchSize: Int
    public var latencyMs: Double
    /// Invocations behind the mean.
    public var count: Int
    public init(memoryMB: Int, batchSize: Int = 1, latencyMs: Double, count: Int = 1) {
        self.memoryMB = memoryMB
        self.batchSize = batchSize
        self.latencyMs = latencyMs
        self.count = count
    }
}

/// Fits the curve families to setting means.
///
/// Parametric families: a grid over the shape parameter (a2 from 8 to 40,000 MB, c from 0.01
/// to 4, log-spaced), then a finer grid around the best cell; for each shape the remaining
/// coefficients are a weighted linear least-squares fit with weights 1/latency², i.e. least
/// squares in relative error, which is what MAPE measures.
public enum CurveFitter {
    /// Fewest distinct memory sizes a parametric family is fitted to (3 coefficients).
    public static let minimumSizesForParametric = 3

    /// The best curve of `family` for `points`, or nil when the family cannot be fitted.
    /// - Complexity: O(G·n) for G ≈ 200 shape values and n points.
    public static func fit(_ family: CurveFamily, _ points: [SettingMean]) -> LatencyCurve? {
        guard !points.isEmpty else { return nil }
        let usesBatch = Set(points.map(\.batchSize)).count > 1
        if family == .piecewiseLinear { return piecewise(points, usesBatch: usesBatch) }
        let sizes = Set(points.map(\.memoryMB)).count
        guard sizes >= minimumSizesForParametric else { return nil }
        let (lo, hi): (Double, Double) = family == .exponential ? (8, 40_000) : (0.01, 4)
        let steps = 120
        let ratio = pow(hi / lo, 1 / Double(steps - 1))
        var best: (Double, LatencyCurve)? = nil
        func consider(_ shape: Double) {
            guard let curve = linearFit(family, shape, points, usesBatch: usesBatch) else { return }
            let err = relativeSquaredError(curve, points)
            if err.isFinite, best.map({ err < $0.0 }) ?? true { best = (err, curve) }
        }
        var shape = lo
        for _ in 0..<steps { consider(shape); shape *= ratio }
        if let centre = best?.1.shape {
            let fine = 40
            let a = centre / ratio, b = centre * ratio
            for i in 0...fine { consider(a * pow(b / a, Double(i) / Double(fine))) }
        }
        return best?.1
    }

    static func linearFit(_ family: CurveFamily, _ shape: Double, _ points: [SettingMean], usesBatch: Bool) -> LatencyCurve? {
        let rows = points.map { LatencyCurve.regressors(family, shape, Double($0.memoryMB), Double($0.batchSize), usesBatch: usesBatch) }
        let y = points.map(\.latencyMs)
        let w = points.map { 1 / ($0.latencyMs * $0.latencyMs) }
        guard let beta = LeastSquares.solve(rows, y, weights: w) else { return nil }
        return LatencyCurve(family: family, shape: shape, coefficients: beta, usesBatch: usesBatch)
    }

    static func piecewise(_ points: [SettingMean], usesBatch: Bool) -> LatencyCurve {
        var knots: [(batch: Int, memory: [Double], latency: [Double])] = []
        for batch in Set(points.map(\.batchSize)).sorted() {
            let group = points.filter { $0.batchSize == batch }.sorted { $0.memoryMB < $1.memoryMB }
            let fitted = LeastSquares.nonIncreasing(group.map(\.latencyMs), weights: group.map { Double($0.count) })
            knots.append((batch, group.map { Double($0.memoryMB) }, fitted))
        }
        return LatencyCurve(family: .piecewiseLinear, shape: 0, coefficients: [], usesBatch: usesBatch, knots: knots)
    }

    static func relativeSquaredError(_ curve: LatencyCurve, _ points: [SettingMean]) -> Double {
        points.reduce(0) { acc, p in
            let e = (curve.latency(memoryMB: Double(p.memoryMB), batchSize: Double(p.batchSize)) - p.latencyMs) / p.latencyMs
            return acc + e * e
        }
    }

    /// Mean absolute percentage error (%) of `curve` on `points`.
    public static func mape(_ curve: LatencyCurve, _ points: [SettingMean]) -> Double {
        guard !points.isEmpty else { return .nan }
        return 100 * points.reduce(0) { acc, p in
            acc + abs(curve.latency(memoryMB: Double(p.memoryMB), batchSize: Double(p.batchSize)) - p.latencyMs) / p.latencyMs
        } / Double(points.count)
    }

    /// Leave-one-memory-size-out cross-validated MAPE (%): each memory size (all its batch
    /// sizes) is predicted by the family fitted to the other sizes. Nil with too few sizes.
    /// - Complexity: O(S) fits for S memory sizes.
    public static func crossValidatedMAPE(_ family: CurveFamily, _ points: [SettingMean]) -> Double? {
        let sizes = Set(points.map(\.memoryMB)).sorted()
        let needed = family == .piecewiseLinear ? 2 : minimumSizesForParametric + 1
        guard sizes.count >= needed else { return nil }
        var total = 0.0
        var n = 0
        for held in sizes {
            let train = points.filter { $0.memoryMB != held }
            let test = points.filter { $0.memoryMB == held }
            guard let curve = fit(family, train) else { return nil }
            for p in test {
                let pred = curve.latency(memoryMB: Double(p.memoryMB), batchSize: Double(p.batchSize))
                guard pred.isFinite else { return nil }
                total += abs(pred - p.latencyMs) / p.latencyMs
                n += 1
            }
        }
        return n > 0 ? 100 * total / Double(n) : nil
    }
}
