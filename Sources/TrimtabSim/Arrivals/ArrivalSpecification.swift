import Foundation
import TrimtabModel

/// Parses the command-line form of an arrival process:
/// `poisson:RATE`, `trace:FILE[:SCALE]` (per-second counts, or a `.tbz2` tarball of them as the
/// reference traces come; a `.csv` file holds timestamps) or
/// `map:FILE:TRACE:HOUR` (a MAP from a file shaped like BATCH's `hourly_maps.json`).
public enum ArrivalSpecification {
    /// The arrival process `text` describes. Files are read here; errors name the flag or file.
    public static func parse(_ text: String, flag: String = "--arrivals") throws(TrimtabError) -> any ArrivalProcess {
        guard let colon = text.firstIndex(of: ":") else {
            throw TrimtabError(field: flag, "'\(text)' is not an arrival process (expected poisson:RATE, trace:FILE[:SCALE] or map:FILE:TRACE:HOUR)")
        }
        let kind = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        switch kind {
        case "poisson":
            guard let rate = Double(rest), rate.isFinite, rate > 0 else {
                throw TrimtabError(field: flag, "poisson rate '\(rest)' must be a positive number of requests per second")
            }
            return PoissonArrivals(rate: rate)
        case "trace":
            var path = rest
            var scale = 1.0
            if let last = rest.lastIndex(of: ":"), let s = Double(rest[rest.index(after: last)...]) {
                guard s.isFinite, s > 0 else { throw TrimtabError(field: flag, "trace scale \(s) must be positive") }
                scale = s
                path = String(rest[..<last])
            }
            guard !path.isEmpty else { throw TrimtabError(field: flag, "trace: needs a file") }
            let lowered = path.lowercased()
            if lowered.hasSuffix(".tbz2") || lowered.hasSuffix(".tar.bz2") {
                return TraceArrivals(counts: try TraceArrivals.readPackedCounts(path: path), scale: scale)
            }
            if lowered.hasSuffix(".csv") {
                return TimestampArrivals(times: try TraceArrivals.readTimestamps(path: path, scale: scale))
            }
            return TraceArrivals(counts: try TraceArrivals.readCounts(path: path), scale: scale)
        case "map":
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3 else {
                throw TrimtabError(field: flag, "'\(text)' must be map:FILE:TRACE:HOUR")
            }
            let path = parts.dropLast(2).joined(separator: ":")
            return try MarkovianArrivals.load(path: path, trace: parts[parts.count - 2], hour: parts[parts.count - 1])
        default:
            throw TrimtabError(field: flag, "unknown arrival kind '\(kind)' (expected poisson, trace or map)")
        }
    }
}
