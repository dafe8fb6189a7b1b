import Foundation
import TrimtabModel

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
/// Parametric families: a grid over the shape parameter (80 values, a2 from 8 to 40,000 MB, c
/// from 0.01 to 4, log-spaced), then 25 finer values around the best cell and a golden-section search; for each shape the remaining
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
        let steps = 80
        let ratio = pow(hi / lo, 1 / Double(steps - 1))
        let m = points.map { Double($0.memoryMB) }, b = points.map { Double($0.batchSize) }, y = points.map(\.latencyMs)
        var best: (error: Double, shape: Double, beta: [Double])? = nil
        @discardableResult func consider(_ shape: Double) -> Double {
            let phi = m.map { LatencyCurve.basis(family, shape, $0) }
            guard let beta = linearFit(phi: phi, b: b, y: y, usesBatch: usesBatch) else { return .infinity }
            var err = 0.0
            for i in 0..<y.count {
                let pred = usesBatch ? beta[0] + beta[1] * b[i] + (beta[2] + beta[3] * b[i]) * phi[i] : beta[0] + beta[1] * phi[i]
                let e = (pred - y[i]) / y[i]
                err += e * e
            }
            if err.isFinite, best.map({ err < $0.error }) ?? true { best = (err, shape, beta) }
            return err.isFinite ? err : .infinity
        }
        var shape = lo
        for _ in 0..<steps { consider(shape); shape *= ratio }
        if let centre = best?.shape {
            let fine = 24
            let a = centre / ratio, c = centre * ratio
            for i in 0...fine { consider(a * pow(c / a, Double(i) / Double(fine))) }
        }
        // Golden-section search (in log θ) within one fine step of the best grid value.
        if let centre = best?.shape {
            let step = pow(ratio, 2.0 / 24)
            var lo = log(centre / step), hi = log(centre * step)
            let g = (sqrt(5.0) - 1) / 2
            for _ in 0..<30 {
                let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo)
                if consider(exp(x1)) <= consider(exp(x2)) { hi = x2 } else { lo = x1 }
            }
        }
        return best.map { LatencyCurve(family: family, shape: $0.shape, coefficients: $0.beta, usesBatch: usesBatch) }
    }

    /// Weighted (1/y²) least squares for fixed basis values φ: [α0, β0] or [α0, α1, β0, β1].
    static func linearFit(phi: [Double], b: [Double], y: [Double], usesBatch: Bool) -> [Double]? {
        let k = usesBatch ? 4 : 2
        var system = LeastSquares(width: k)
        var x = Array(repeating: 0.0, count: k)
        for i in 0..<y.count {
            if usesBatch { x[0] = 1; x[1] = b[i]; x[2] = phi[i]; x[3] = b[i] * phi[i] } else { x[0] = 1; x[1] = phi[i] }
            system.add(x, y[i], weight: 1 / (y[i] * y[i]))
        }
        return system.solve(.curveFit)
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
