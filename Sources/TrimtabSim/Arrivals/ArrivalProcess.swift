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
