import Foundation
import TrimtabModel

/// A direct autoregressive model: the peak of the next horizon as a linear function (with an
/// intercept) of the last `order` bins, fitted by least squares on the training series.
///
/// Variants, by `transform`:
/// - `.identity` — AR(p) on the bin maxima themselves (`ar1` with order 1, `ar` with the whole history);
/// - `.log` — AR(p) on log(1 + bin), predicting log(1 + peak), then rounded to a whole number of
///   requests (`logar`): the trace counts whole requests, so the peak is an integer, and the log
///   scale weighs relative errors as SMAPE does.
/// `rounded` rounds any variant's prediction to the nearest whole request.
public struct AutoregressiveForecaster: Forecaster {
    public enum Transform: Sendable { case identity, log }

    public let name: String
    public let window: ForecastWindow
    public let order: Int
    public let transform: Transform
    public let rounded: Bool
    /// Intercept first, then one coefficient per bin, oldest first.
    public private(set) var coefficients: [Double]

    public init(name: String, window: ForecastWindow, order: Int, transform: Transform = .identity, rounded: Bool = false) {
        self.name = name
        self.window = window
        self.order = max(1, min(order, window.historyBins))
        self.transform = transform
        self.rounded = rounded
        // Untrained: the last bin (reactive).
        coefficients = Array(repeating: 0, count: self.order + 1)
        coefficients[self.order] = 1
    }

    func forward(_ x: Double) -> Double { transform == .log ? log1p(max(0, x)) : x }
    func backward(_ x: Double) -> Double { transform == .log ? expm1(x) : x }

    public mutating func train(on series: [Double]) {
        var ls = LeastSquares(width: order + 1)
        var row = Array(repeating: 1.0, count: order + 1)
        for (i, y) in window.pairs(series) {
            for k in 0..<order { row[k + 1] = forward(series[i - order + k]) }
            ls.add(row, forward(y))
        }
        if let c = ls.solve(.forecast) { coefficients = c }
    }

    public func predict(recent: [Double]) -> Double {
        guard !recent.isEmpty else { return 0 }
        var z = coefficients[0]
        for k in 0..<order {
            // Pad a short history with its oldest value.
            let index = recent.count - order + k
            z += coefficients[k + 1] * forward(recent[max(0, index)])
        }
        let y = max(0, backward(z))
        return rounded ? y.rounded() : y
    }
}
