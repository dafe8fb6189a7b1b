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
    /// The latency distribution: the latency at each of `LatencySummary.cdfPercentiles` (ms).
    public var cdf: [Double] = []

    /// Percentiles the `cdf` is given at: 1, 2, …, 99, 99.5, 99.9.
    public static let cdfPercentiles: [Double] = (1...99).map(Double.init) + [99.5, 99.9]

    /// Standard error of the mean, σ/√n (for independent samples).
    public var standardError: Double { count > 0 ? standardDeviation / Double(count).squareRoot() : .nan }
}
