/// The next interval's peak is the largest bin of the whole history (over-provisions, rarely misses).
public struct MovingMaximumForecaster: Forecaster {
    public let name = "movmax"
    public init() {}
    public mutating func train(on series: [Double]) {}
    public func predict(recent: [Double]) -> Double { recent.max() ?? 0 }
}
