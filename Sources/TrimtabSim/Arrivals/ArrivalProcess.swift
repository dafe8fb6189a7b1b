import TrimtabModel

/// A stream of request arrival times, pulled one at a time (so that a day of traffic never
/// has to be held in memory).
///
/// Implementations: `PoissonArrivals`, `TraceArrivals` (requests per second),
/// `TimestampArrivals` (a list of times) and `MarkovianArrivals` (a MAP such as the hourly fits
/// of BATCH). Times are in seconds from the start of the simulation and never decrease.
public protocol ArrivalProcess: Sendable {
    /// The time (s) of the next arrival, or nil when the process has no more arrivals.
    mutating func next(using rng: inout SeededGenerator) -> Double?
    /// The long-run mean arrival rate (requests per second).
    var meanRate: Double { get }
}

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

/// Arrivals at given times (seconds), for example read from a CSV of timestamps.
public struct TimestampArrivals: ArrivalProcess {
    public let times: [Double]
    private var index = 0

    /// - Parameter times: arrival times in seconds; sorted here.
    public init(times: [Double]) {
        self.times = times.sorted()
    }

    public var meanRate: Double {
        guard let first = times.first, let last = times.last, last > first else { return Double(times.count) }
        return Double(times.count) / (last - first)
    }

    public mutating func next(using rng: inout SeededGenerator) -> Double? {
        guard index < times.count else { return nil }
        defer { index += 1 }
        return times[index]
    }
}
