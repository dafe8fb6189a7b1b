/// An empirical distribution given by its quantile function: `values[i]` is the
/// `quantiles[i]`-quantile, with linear interpolation in between.
///
/// Two format extensions use it (docs/fit.md):
/// - a stage's or variant's `latency_spread`: one invocation's latency divided by the mean
///   latency of its setting (so the latency at any memory size is its mean times this
///   distribution; cold starts' init time included where the logs had it);
/// - the platform's `overhead_spread_ms`: the per-run orchestration time beyond the model's
///   overhead, in ms, of mean about zero (`trimtab calibrate` learns it).
public struct QuantileFunction: Sendable, Equatable {
    /// Probabilities, strictly increasing from 0 to 1.
    public private(set) var quantiles: [Double]
    /// Non-decreasing values at those probabilities.
    public private(set) var values: [Double]

    /// The probabilities at which `from(sorted:)` records a sample: every 1% to 95%, then
    /// every 0.5% to 99.5%, then 99.6–99.9% and the maximum, so that p95 and p99 are resolved.
    public static let standardQuantiles: [Double] = {
        var q = (0...95).map { Double($0) / 100 }
        q += (191...199).map { Double($0) / 200 }
        q += [0.996, 0.997, 0.998, 0.999, 1]
        return q
    }()

    /// Checks the shape; returns nil when the arrays do not describe a quantile function.
    public init?(quantiles: [Double], values: [Double]) {
        guard quantiles.count >= 2, quantiles.count == values.count,
              quantiles.first == 0, quantiles.last == 1,
              quantiles.allSatisfy({ $0.isFinite }), values.allSatisfy({ $0.isFinite }),
              zip(quantiles, quantiles.dropFirst()).allSatisfy({ $0 < $1 }),
              zip(values, values.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
        self.quantiles = quantiles
        self.values = values
    }

    /// The sample quantiles ("type 7") of sorted samples at `standardQuantiles`. Nil when empty.
    public static func from(sorted xs: [Double], at qs: [Double] = standardQuantiles) -> QuantileFunction? {
        guard !xs.isEmpty else { return nil }
        let v = qs.map { q -> Double in
            let h = Double(xs.count - 1) * q
            let lo = Int(h.rounded(.down))
            let hi = Swift.min(lo + 1, xs.count - 1)
            return xs[lo] + (h - Double(lo)) * (xs[hi] - xs[lo])
        }
        return QuantileFunction(quantiles: qs, values: v)
    }

    /// The value at probability `u` in [0, 1] (linear interpolation).
    /// - Complexity: O(log K) for K points.
    public func value(at u: Double) -> Double {
        if u <= 0 { return values[0] }
        if u >= 1 { return values[values.count - 1] }
        var lo = 0, hi = quantiles.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if quantiles[mid] <= u { lo = mid } else { hi = mid }
        }
        let span = quantiles[hi] - quantiles[lo]
        return values[lo] + (u - quantiles[lo]) / span * (values[hi] - values[lo])
    }
}
