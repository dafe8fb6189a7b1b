import TrimtabModel
/// The shape of a forecast: bins of `binSeconds`, a history of `historyBins` bins, and a horizon
/// of `horizonBins` bins whose maximum is predicted (IPA: 10 s bins, 12 bins of history, 2 ahead).
public struct ForecastWindow: Sendable, Equatable {
    public var binSeconds: Int
    public var historyBins: Int
    public var horizonBins: Int

    public init(binSeconds: Int = 10, historyBins: Int = 12, horizonBins: Int = 2) {
        self.binSeconds = binSeconds
        self.historyBins = historyBins
        self.horizonBins = horizonBins
    }

    /// Builds the window from seconds, which must be positive multiples of `bin`.
    public init(historySeconds: Int, binSeconds: Int, horizonSeconds: Int) throws(TrimtabError) {
        guard binSeconds > 0 else { throw TrimtabError(field: "--bin", "\(binSeconds) must be a positive number of seconds") }
        guard historySeconds > 0, historySeconds % binSeconds == 0 else {
            throw TrimtabError(field: "--history", "\(historySeconds) must be a positive multiple of the bin (\(binSeconds) s)")
        }
        guard horizonSeconds > 0, horizonSeconds % binSeconds == 0 else {
            throw TrimtabError(field: "--horizon", "\(horizonSeconds) must be a positive multiple of the bin (\(binSeconds) s)")
        }
        self.init(binSeconds: binSeconds, historyBins: historySeconds / binSeconds, horizonBins: horizonSeconds / binSeconds)
    }

    /// Bins in a day (for daily seasons), at least 1.
    public var binsPerDay: Int { max(1, 86_400 / binSeconds) }

    /// Supervised pairs from a bin series: for every `stride`-th position `i` with a full
    /// history before it and a full horizon from it, the history `series[i-h..<i]` and the target
    /// `max(series[i..<i+horizon])`. `i` is the index of the first bin predicted.
    public func pairs(_ series: [Double], from start: Int = 0, to end: Int? = nil, stride: Int = 1) -> [(index: Int, target: Double)] {
        let stop = min(end ?? series.count, series.count)
        var out: [(Int, Double)] = []
        var i = max(start, historyBins)
        while i + horizonBins <= stop {
            var y = series[i]
            for j in i..<(i + horizonBins) where series[j] > y { y = series[j] }
            out.append((i, y))
            i += max(1, stride)
        }
        return out
    }
}
