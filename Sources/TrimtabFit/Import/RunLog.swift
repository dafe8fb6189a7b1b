import TrimtabModel

/// One workflow run from a Step Functions execution log: start and end (seconds since the epoch).
public struct RunRecord: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var durationMs: Double { (end - start) * 1000 }
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// Reads a run log CSV with columns `Start, End` (seconds; as exported from the execution
/// history's ExecutionStarted / ExecutionSucceeded events).
public enum RunLogReader {
    public static func load(path: String) throws(TrimtabError) -> [RunRecord] {
        let table = try CSVTable.load(path: path)
        guard let s = table.column(["Start", "start_s", "StartTime"]) else {
            throw TrimtabError(file: path, field: "line 1: Start", "missing column (header: \(table.header.joined(separator: ", ")))")
        }
        guard let e = table.column(["End", "end_s", "EndTime", "Stop"]) else {
            throw TrimtabError(file: path, field: "line 1: End", "missing column (header: \(table.header.joined(separator: ", ")))")
        }
        guard !table.rows.isEmpty else { throw TrimtabError(file: path, field: "line 2", "no runs after the header") }
        var runs: [RunRecord] = []
        for row in table.rows {
            let start = try table.number(row, s)
            let end = try table.number(row, e)
            guard end >= start else { throw TrimtabError(file: path, field: "line \(row.line): \(table.header[e])", "ends before it starts") }
            runs.append(RunRecord(start: start, end: end))
        }
        return runs.sorted { $0.start < $1.start }
    }
}
