import TrimtabModel

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
