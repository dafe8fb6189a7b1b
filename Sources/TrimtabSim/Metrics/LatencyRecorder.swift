import Histogram

/// Streaming end-to-end latency statistics: an HdrHistogram (microseconds, 3 significant
/// digits) for percentiles, and exact count, mean, standard deviation, maximum and misses over
/// the SLO. Memory is constant in the number of requests.
public struct LatencyRecorder: Sendable {
    private var histogram: Histogram<UInt64>
    public private(set) var count = 0
    private var sum = 0.0
    private var sumOfSquares = 0.0
    private var maximum = 0.0
    /// Requests whose latency exceeded `sloMs`.
    public private(set) var overSLO = 0
    public let sloMs: Double?

    public init(sloMs: Double?) {
        self.sloMs = sloMs
        histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
                                      numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    @inline(__always) public mutating func record(milliseconds ms: Double) {
        count += 1
        sum += ms
        sumOfSquares += ms * ms
        if ms > maximum { maximum = ms }
        if let slo = sloMs, ms > slo { overSLO += 1 }
        // Microseconds; a latency beyond UInt64 (inputs are bounded well below) counts as the largest.
        let us = max(ms * 1000, 1).rounded()
        _ = histogram.record(us < 1.8e19 ? UInt64(us) : UInt64(1.8e19))
    }

    /// Adds `other`'s records (same SLO) to these.
    public mutating func merge(_ other: LatencyRecorder) {
        guard other.count > 0 else { return }
        histogram.add(other.histogram)
        count += other.count
        sum += other.sum
        sumOfSquares += other.sumOfSquares
        maximum = max(maximum, other.maximum)
        overSLO += other.overSLO
    }

    public mutating func reset() {
        histogram.reset()
        count = 0; sum = 0; sumOfSquares = 0; maximum = 0; overSLO = 0
    }

    public var summary: LatencySummary {
        guard count > 0 else {
            return LatencySummary(count: 0, mean: .nan, standardDeviation: .nan, p50: .nan, p95: .nan, p99: .nan, max: .nan,
                                  overSLO: 0, shareOverSLO: sloMs == nil ? nil : .nan)
        }
        let n = Double(count)
        let mean = sum / n
        let variance = count > 1 ? max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : 0
        func p(_ q: Double) -> Double { min(Double(histogram.valueAtPercentile(q)) / 1000, maximum) }
        return LatencySummary(count: count, mean: mean, standardDeviation: variance.squareRoot(), p50: p(50), p95: p(95),
                              p99: p(99), max: maximum, overSLO: overSLO,
                              shareOverSLO: sloMs == nil ? nil : Double(overSLO) / n,
                              cdf: LatencySummary.cdfPercentiles.map(p))
    }
}
