/// Predicts the peak load of the next interval from recent per-bin peaks.
///
/// The seam between the forecasting code (adaptive replay, `trimtab forecast`) and the
/// live control loop: both hold a `Forecaster` and feed it per-bin maxima, oldest first.
public protocol Forecaster: Sendable {
    /// The predictor's name as the CLI spells it (`reactive`, `ar1`, …).
    var name: String { get }
    /// Learns parameters from a training series of per-bin maxima (oldest first).
    mutating func train(on series: [Double])
    /// The predicted maximum load of the next horizon, given the most recent bins (oldest first).
    func predict(recent: [Double]) -> Double
    /// The prediction knowing where the last recent bin sits in the trace (seasonal models use it).
    func predict(recent: [Double], lastBinIndex: Int) -> Double
}

/// The reactive baseline: the next interval's peak is the last bin's peak.
public struct LastValueForecaster: Forecaster {
    public let name = "reactive"
    public init() {}
    public mutating func train(on series: [Double]) {}
    public func predict(recent: [Double]) -> Double { recent.last ?? 0 }
}

extension Forecaster {
    /// The prediction when the forecaster may use the position of the last recent bin in the
    /// trace (`lastBinIndex`, bin 0 being the first bin of the training series), as a seasonal
    /// model does. By default the position is ignored.
    public func predict(recent: [Double], lastBinIndex: Int) -> Double { predict(recent: recent) }
}
