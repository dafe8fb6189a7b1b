import TrimtabModel

extension ArrivalSpecification {
    /// The MAP the batching model computes with, for arrivals in the one `--arrivals` grammar:
    /// `poisson:RATE` and `map:FILE:TRACE:HOUR` exactly; a `trace:` (per-second counts or
    /// timestamps) as a Poisson process at the trace's mean rate — the analytic model sees the
    /// trace's load, not its burstiness, and the label says so (`trimtab simulate` replays the
    /// trace itself).
    public func markovianProcess(flag: String = "--arrivals") throws(TrimtabError) -> MarkovianArrivalProcess {
        switch self {
        case .poisson(let rate):
            return try MarkovianArrivalProcess.poisson(rate: rate)
        case .map(let path, let trace, let hour):
            return try HourlyMAPs.load(path: path).process(trace: trace, hour: hour)
        case .trace(let path, let scale):
            let trace = try PerSecondTrace.read(path: path)
            do throws(TrimtabError) { try PerSecondTrace.checkScale(scale, total: trace.total) } catch {
                throw TrimtabError(field: flag, "trace scale: \(error.message)")
            }
            return try Self.meanRatePoisson(Double(trace.total) * scale / Double(trace.seconds), file: path)
        case .timestamps(let path, let scale):
            let times = try ArrivalTimestamps.read(path: path, scale: scale)
            guard times.count >= 2, let last = times.max(), last > 0 else {
                throw TrimtabError(file: path, "needs at least two distinct timestamps for a mean rate")
            }
            // n arrivals over [0, last]: n − 1 gaps.
            return try Self.meanRatePoisson(Double(times.count - 1) / last, file: path)
        }
    }

    private static func meanRatePoisson(_ rate: Double, file: String) throws(TrimtabError) -> MarkovianArrivalProcess {
        guard rate > 0 else { throw TrimtabError(file: file, "the trace holds no requests") }
        var p = try MarkovianArrivalProcess.poisson(rate: rate)
        p.label = "trace \(file) as Poisson at its mean rate"
        return p
    }
}
