/// The one `--arrivals` grammar, shared by every command that takes arrivals (`simulate`, `batch`):
///
/// | form | arrivals |
/// |---|---|
/// | `poisson:RATE` | a Poisson process of RATE requests per second |
/// | `trace:FILE[:SCALE]` | a per-second trace (counts per second, or a `.tbz2`/`.tar.bz2`/`.tar.gz` archive of them), every count × SCALE with the fractions carried (`PerSecondTrace`); a `.csv` FILE holds arrival timestamps in seconds instead (SCALE divides them) |
/// | `map:FILE:TRACE:HOUR` | one hour's MAP from a file shaped like BATCH's `hourly_maps.json` (`HourlyMAPs`) |
///
/// FILE may itself contain `:`: for `trace:` a last part that is a number is the scale, for `map:`
/// the last two parts are the trace and the hour; everything before is the path. Parsing reads no
/// file; each command turns the specification into what it computes with (the simulator samples
/// it, the batching model needs a MAP).
public enum ArrivalSpecification: Sendable, Equatable {
    case poisson(rate: Double)
    /// Per-second counts (or an archive of them), multiplied by `scale`.
    case trace(path: String, scale: Double)
    /// A CSV of arrival timestamps (seconds, first column), divided by `scale`.
    case timestamps(path: String, scale: Double)
    case map(path: String, trace: String, hour: String)

    /// The grammar in one line, for help texts and messages.
    public static let grammar = "poisson:RATE, trace:FILE[:SCALE] or map:FILE:TRACE:HOUR"

    /// Parses `text`; errors name `flag`.
    public static func parse(_ text: String, flag: String = "--arrivals") throws(TrimtabError) -> ArrivalSpecification {
        guard let colon = text.firstIndex(of: ":") else {
            throw TrimtabError(field: flag, "'\(text)' is not an arrival process (expected \(grammar))")
        }
        let kind = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        switch kind {
        case "poisson":
            guard let rate = Double(rest), rate.isFinite, rate > 0 else {
                throw TrimtabError(field: flag, "poisson rate '\(rest)' must be a positive number of requests per second")
            }
            return .poisson(rate: rate)
        case "trace":
            var path = rest
            var scale = 1.0
            if let last = rest.lastIndex(of: ":"), let s = Double(rest[rest.index(after: last)...]) {
                guard s.isFinite, s > 0 else { throw TrimtabError(field: flag, "trace scale \(s) must be positive") }
                scale = s
                path = String(rest[..<last])
            }
            guard !path.isEmpty else { throw TrimtabError(field: flag, "trace: needs a file") }
            return path.lowercased().hasSuffix(".csv") ? .timestamps(path: path, scale: scale) : .trace(path: path, scale: scale)
        case "map":
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, parts.allSatisfy({ !$0.isEmpty }) else {
                throw TrimtabError(field: flag, "'\(text)' must be map:FILE:TRACE:HOUR")
            }
            return .map(path: parts.dropLast(2).joined(separator: ":"), trace: parts[parts.count - 2], hour: parts[parts.count - 1])
        default:
            throw TrimtabError(field: flag, "unknown arrival kind '\(kind)' (expected \(grammar))")
        }
    }
}
