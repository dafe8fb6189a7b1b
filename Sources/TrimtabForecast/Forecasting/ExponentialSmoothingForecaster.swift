/// Simple exponential smoothing of the recent bins; the smoothed level is the predicted peak.
/// The smoothing factor α is chosen on the training series (grid 0.05–1 by SMAPE).
public struct ExponentialSmoothingForecaster: Forecaster {
    public let name = "ewma"
    public let window: ForecastWindow
    public private(set) var alpha: Double

    public init(window: ForecastWindow, alpha: Double = 0.5) {
        self.window = window
        self.alpha = alpha
    }

    public mutating func train(on series: [Double]) {
        let grid = stride(from: 0.05, through: 1.0001, by: 0.05).map { $0 }
        if let a = SmoothingFit.bestParameters(grid, series: series, window: window,
                                               predict: { a, recent, _ in Self.level(recent, alpha: a) }) {
            alpha = a
        }
    }

    public func predict(recent: [Double]) -> Double { Self.level(recent[...], alpha: alpha) }

    static func level(_ recent: ArraySlice<Double>, alpha: Double) -> Double {
        guard var level = recent.first else { return 0 }
        for x in recent.dropFirst() { level = alpha * x + (1 - alpha) * level }
        return level
    }
}
