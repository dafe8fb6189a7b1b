import TrimtabModel

/// Poisson arrivals at a constant rate.
public struct PoissonArrivals: ArrivalProcess {
    public let rate: Double
    private var time: Double

    /// - Parameter rate: requests per second (positive).
    public init(rate: Double, startingAt start: Double = 0) {
        self.rate = rate
        self.time = start
    }

    public var meanRate: Double { rate }

    public mutating func next(using rng: inout SeededGenerator) -> Double? {
        time += rng.exponential(mean: 1 / rate)
        return time
    }
}
