/// Accuracy of a series of predictions against the truth.
///
/// - `smape`: the mean of 2|ŷ − y| / (|ŷ| + |y|), a term being 0 when both are 0 (range 0–2).
/// - `mape`: the mean of |ŷ − y| / |y| over the points whose truth is not 0 (0 when there are none).
/// - `underShare`: the share of predictions strictly below the truth (each one risks SLO misses).
/// - `points`: how many predictions were scored.
public struct ForecastMetrics: Sendable, Equatable {
    public var smape: Double
    public var mape: Double
    public var underShare: Double
    public var points: Int

    public init(smape: Double, mape: Double, underShare: Double, points: Int) {
        self.smape = smape
        self.mape = mape
        self.underShare = underShare
        self.points = points
    }

    /// Scores `predictions` against `truth` (same length; extra elements of either are ignored).
    public init(predictions: [Double], truth: [Double]) {
        let n = min(predictions.count, truth.count)
        var smapeSum = 0.0, mapeSum = 0.0, mapeCount = 0, under = 0
        for i in 0..<n {
            let p = predictions[i], y = truth[i]
            smapeSum += Self.smapeTerm(p, y)
            if y != 0 {
                mapeSum += abs(p - y) / abs(y)
                mapeCount += 1
            }
            if p < y { under += 1 }
        }
        self.init(smape: n == 0 ? 0 : smapeSum / Double(n),
                  mape: mapeCount == 0 ? 0 : mapeSum / Double(mapeCount),
                  underShare: n == 0 ? 0 : Double(under) / Double(n),
                  points: n)
    }

    /// One SMAPE term: 2|ŷ − y| / (|ŷ| + |y|), 0 when both are 0.
    public static func smapeTerm(_ p: Double, _ y: Double) -> Double {
        let d = abs(p) + abs(y)
        return d == 0 ? 0 : 2 * abs(p - y) / d
    }
}
