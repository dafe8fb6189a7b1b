/// Chooses smoothing parameters by SMAPE on (a sample of) the training pairs.
enum SmoothingFit {
    /// At most this many training pairs are scored per candidate.
    static let samplePairs = 20_000

    static func bestParameters<P>(_ candidates: [P], series: [Double], window: ForecastWindow,
                                  predict: (P, ArraySlice<Double>, Int) -> Double) -> P? {
        let all = window.pairs(series)
        let stride = max(1, all.count / samplePairs)
        var best: (P, Double)?
        for c in candidates {
            var sum = 0.0
            var k = 0
            while k < all.count {
                let (i, y) = all[k]
                sum += ForecastMetrics.smapeTerm(predict(c, series[(i - window.historyBins)..<i], i - 1), y)
                k += stride
            }
            if best == nil || sum < (best?.1 ?? .infinity) { best = (c, sum) }
        }
        return best?.0
    }
}
