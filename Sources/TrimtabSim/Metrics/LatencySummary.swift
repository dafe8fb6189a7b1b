/// Latency statistics (ms) of completed requests. Percentiles come from the histogram (within
/// 0.1%); mean, standard deviation and maximum are exact.
public struct LatencySummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var standardDeviation: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double
    public var overSLO: Int
    /// Share of requests over the SLO (nil without an SLO).
    public var shareOverSLO: Double?

    /// Standard error of the mean, σ/√n (for independent samples).
    public var standardError: Double { count > 0 ? standardDeviation / Double(count).squareRoot() : .nan }
}
