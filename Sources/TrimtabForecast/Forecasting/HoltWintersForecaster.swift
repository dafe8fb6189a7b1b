/// Additive Holt-Winters with a daily season.
///
/// The seasonal profile (one value per bin of the day) is learned from the training series: the
/// mean of each time-of-day bin over the training days, smoothed over ±15 bins, minus the overall
/// mean. At prediction time the level and trend are smoothed (α, β) over the de-seasonalised
/// recent bins and the peak of the horizon is the largest of level + j·trend + season(j), j = 1…h.
/// α and β are chosen on the training series by SMAPE. Without two full days of training data
/// the season is zero (Holt's linear method).
public struct HoltWintersForecaster: Forecaster {
    public let name = "holt-winters"
    public let window: ForecastWindow
    public private(set) var alpha = 0.5
    public private(set) var beta = 0.0
    public private(set) var season: [Double] = []

    public init(window: ForecastWindow) { self.window = window }

    public mutating func train(on series: [Double]) {
        let period = window.binsPerDay
        season = Array(repeating: 0, count: period)
        if series.count >= 2 * period {
            var sums = Array(repeating: 0.0, count: period), counts = Array(repeating: 0.0, count: period)
            for (i, x) in series.enumerated() {
                sums[i % period] += x
                counts[i % period] += 1
            }
            let means = (0..<period).map { counts[$0] > 0 ? sums[$0] / counts[$0] : 0 }
            let overall = series.reduce(0, +) / Double(series.count)
            // ±2.5 minutes at 10 s bins; no smoothing for coarse bins.
            let half = min(15, period / 576)
            season = (0..<period).map { p in
                var s = 0.0
                for d in -half...half { s += means[((p + d) % period + period) % period] }
                return s / Double(2 * half + 1) - overall
            }
        }
        var candidates: [(Double, Double)] = []
        for a in stride(from: 0.1, through: 1.0001, by: 0.1) { for b in [0.0, 0.05, 0.1, 0.2, 0.3] { candidates.append((a, b)) } }
        let fitted = self
        if let best = SmoothingFit.bestParameters(candidates, series: series, window: window,
                                                  predict: { c, recent, last in fitted.forecast(recent, lastBinIndex: last, alpha: c.0, beta: c.1) }) {
            (alpha, beta) = best
        }
    }

    /// Without a position the season cannot be placed: Holt's linear method on the raw bins.
    public func predict(recent: [Double]) -> Double {
        var plain = self
        plain.season = []
        return plain.forecast(recent[...], lastBinIndex: 0, alpha: alpha, beta: beta)
    }

    public func predict(recent: [Double], lastBinIndex: Int) -> Double {
        forecast(recent[...], lastBinIndex: lastBinIndex, alpha: alpha, beta: beta)
    }

    func seasonal(_ bin: Int) -> Double {
        guard !season.isEmpty else { return 0 }
        return season[((bin % season.count) + season.count) % season.count]
    }

    func forecast(_ recent: ArraySlice<Double>, lastBinIndex: Int, alpha: Double, beta: Double) -> Double {
        guard let first = recent.first else { return 0 }
        let n = recent.count
        let firstBin = lastBinIndex - (n - 1)
        var level = first - seasonal(firstBin)
        var trend = 0.0
        for (k, x) in recent.dropFirst().enumerated() {
            let d = x - seasonal(firstBin + k + 1)
            let next = alpha * d + (1 - alpha) * (level + trend)
            trend = beta * (next - level) + (1 - beta) * trend
            level = next
        }
        var peak = -Double.infinity
        for j in 1...max(1, window.horizonBins) {
            peak = max(peak, level + Double(j) * trend + seasonal(lastBinIndex + j))
        }
        return max(0, peak)
    }
}
