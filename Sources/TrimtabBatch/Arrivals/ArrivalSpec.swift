import TrimtabModel

/// Arrival processes named on the command line, as the simulator names them:
/// `poisson:RATE` (requests per second) or `map:FILE:TRACE:HOUR` (a 2-state MAP from a file in
/// BATCH's hourly format `{trace: {hour: {D0: [[…]], D1: [[…]]}}}`, rates per second).
public enum ArrivalSpec {
    public static func parse(_ text: String, field: String = "--arrivals") throws(TrimtabError) -> MarkovianArrivalProcess {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "poisson":
            guard parts.count == 2, let rate = Double(parts[1]), rate.isFinite, rate > 0 else {
                throw TrimtabError(field: field, "'\(text)' is not poisson:RATE with a positive rate (requests per second)")
            }
            return try MarkovianArrivalProcess.poisson(rate: rate)
        case "map":
            guard parts.count == 4 else {
                throw TrimtabError(field: field, "'\(text)' is not map:FILE:TRACE:HOUR")
            }
            return try HourlyMAPs.load(path: parts[1]).process(trace: parts[2], hour: parts[3])
        default:
            throw TrimtabError(field: field, "'\(text)' is not an arrival process (expected poisson:RATE or map:FILE:TRACE:HOUR)")
        }
    }
}
