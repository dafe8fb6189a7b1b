import Foundation
import TrimtabModel

/// Arrivals from a per-second trace: `counts[k]` requests arrive during second k (such as the
/// Twitter and NASA traces of the reference data, one integer per second).
///
/// Within a second the arrivals are spread `.random`ly (independent uniform times, i.e. a Poisson
/// process conditioned on the count; the default) or `.even`ly (at (i + ½)/n). A `scale` multiplies
/// every count as `PerSecondTrace.scaled(by:)` does — fractions carried, so the total is
/// ⌊scale × total⌋ and `forecast`/`adapt` see the same requests per second as this process.
/// Files are read by the one trace reader, `PerSecondTrace.read(path:)`.
public struct TraceArrivals: ArrivalProcess {
    public enum Spread: String, Sendable { case random, even }

    public let counts: [Int32]
    public let scale: Double
    public let spread: Spread
    private var second = -1
    private var inSecond = 0
    private var remaining = 0
    private var position = 0.0
    private var scaler: PerSecondTrace.ScaledCounter

    public init(counts: [Int32], scale: Double = 1, spread: Spread = .random) {
        self.counts = counts
        self.scale = scale
        self.spread = spread
        self.scaler = PerSecondTrace.ScaledCounter(scale: scale)
    }

    /// The arrivals of a trace read by `PerSecondTrace.read(path:)`.
    /// - Throws: `--scale` for a scale that is not positive or makes the total exceed 2⁵³.
    public init(trace: PerSecondTrace, scale: Double = 1, spread: Spread = .random) throws(TrimtabError) {
        try PerSecondTrace.checkScale(scale, total: trace.total)
        self.init(counts: trace.counts, scale: scale, spread: spread)
    }

    /// Seconds covered by the trace.
    public var seconds: Int { counts.count }

    public var meanRate: Double {
        counts.isEmpty ? 0 : Double(counts.reduce(0) { $0 + Int($1) }) * scale / Double(counts.count)
    }

    public mutating func next(using rng: inout SeededGenerator) -> Double? {
        while remaining == 0 {
            second += 1
            guard second < counts.count else { return nil }
            let n = scaler.take(counts[second])
            inSecond = n
            remaining = n
            position = 0
        }
        let i = inSecond - remaining
        switch spread {
        case .even:
            position = (Double(i) + 0.5) / Double(inSecond)
        case .random:
            // The next of `remaining` sorted uniforms on (position, 1): 1 − (1 − x)·U^(1/remaining).
            position = 1 - (1 - position) * Foundation.pow(rng.uniform(), 1 / Double(remaining))
        }
        remaining -= 1
        return Double(second) + position
    }
}
