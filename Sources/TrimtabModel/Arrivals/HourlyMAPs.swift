/// MAPs fitted hour by hour to traces (BATCH's `solver/*/MAPs/` as one JSON file,
/// `{TRACE: {HOUR: {"D0": [[…]], "D1": [[…]]}}}`, rates per second) — the one reader of that
/// format, for `batch` and `simulate` alike.
public struct HourlyMAPs: Sendable {
    public let path: String
    /// trace → hour → process.
    public let processes: [String: [String: MarkovianArrivalProcess]]

    public static func load(path: String) throws(TrimtabError) -> HourlyMAPs {
        do throws(TrimtabError) {
            let root = FieldReader(try Value.load(path: path))
            var result: [String: [String: MarkovianArrivalProcess]] = [:]
            for (trace, traceReader) in try root.entries() {
                var hours: [String: MarkovianArrivalProcess] = [:]
                for (hour, reader) in try traceReader.entries() {
                    func matrix(_ key: String) throws(TrimtabError) -> [[Double]] {
                        var rows: [[Double]] = []
                        for row in try reader.required(key).items() {
                            var values: [Double] = []
                            for item in try row.items() { values.append(try item.double()) }
                            rows.append(values)
                        }
                        return rows
                    }
                    do throws(TrimtabError) {
                        hours[hour] = try MarkovianArrivalProcess(d0: try matrix("D0"), d1: try matrix("D1"), label: "\(trace) hour \(hour)")
                    } catch {
                        var e = error
                        e.field = "\(reader.path).\(e.field ?? "")"
                        throw e
                    }
                }
                result[trace] = hours
            }
            return HourlyMAPs(path: path, processes: result)
        } catch {
            throw error.inFile(path)
        }
    }

    public func process(trace: String, hour: String) throws(TrimtabError) -> MarkovianArrivalProcess {
        guard let hours = processes[trace] else {
            throw TrimtabError(file: path, field: trace, "no such trace (expected one of \(processes.keys.sorted().joined(separator: ", ")))")
        }
        guard let p = hours[hour] else {
            throw TrimtabError(file: path, field: "\(trace).\(hour)", "no such hour (expected 1–\(hours.count))")
        }
        return p
    }

    /// The hours of a trace in numeric order.
    public func hours(of trace: String) -> [String] {
        (processes[trace]?.keys.map { $0 } ?? []).sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
    }
}
