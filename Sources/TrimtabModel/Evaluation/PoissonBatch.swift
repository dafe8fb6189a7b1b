import Foundation

/// Batch sizes and mean wait of a buffer (maximum B, timeout T from the first request) fed by
/// Poisson arrivals: closed forms.
public struct PoissonBatch: Sendable {
    /// `sizeProbabilities[k-1]` = P(K = k).
    public let sizeProbabilities: [Double]
    public let meanSize: Double
    /// Mean wait of a request until its batch is dispatched (ms).
    public let meanWaitMs: Double

    public init(rate: Double, maxBatchSize b: Int, timeoutMs: Double) {
        let x = rate * timeoutMs / 1000
        let pmf = PoissonBatch.pmf(x, upTo: max(b - 2, 0))
        var probabilities = [Double](repeating: 0, count: max(b, 1))
        var cdf = 0.0
        var waitSum = 0.0  // seconds
        var mean = 1.0
        if b >= 2 {
            for n in 0...(b - 2) {
                probabilities[n] = pmf[n]
                cdf += pmf[n]
                let tail = max(1 - cdf, 0)  // P(N > n)
                waitSum += Double(n + 1) * tail / rate
                mean += tail
            }
            probabilities[b - 1] = max(1 - cdf, 0)
        } else {
            probabilities[0] = 1
        }
        sizeProbabilities = probabilities
        meanSize = mean
        meanWaitMs = b >= 2 && rate > 0 ? waitSum / mean * 1000 : 0
    }

    /// Poisson(x) probabilities of 0…n, from the mode outwards (no early underflow).
    static func pmf(_ x: Double, upTo n: Int) -> [Double] {
        var p = [Double](repeating: 0, count: n + 1)
        guard x > 0 else { p[0] = 1; return p }
        let mode = min(Int(x), n)
        p[mode] = exp(-x + Double(mode) * log(x) - lgamma(Double(mode) + 1))
        if mode > 0 { for k in stride(from: mode - 1, through: 0, by: -1) { p[k] = p[k + 1] * Double(k + 1) / x } }
        if mode < n { for k in (mode + 1)...n { p[k] = p[k - 1] * x / Double(k) } }
        return p
    }
}
