import Foundation

/// A CSV of arrival timestamps (`--arrivals trace:FILE.csv[:SCALE]`): seconds in the first column,
/// one arrival a line; a first line that is not a number is a header.
public enum ArrivalTimestamps {
    /// The timestamps, shifted so that the first arrival is at 0 and divided by `scale`
    /// (2 = twice the rate). Errors name the file and line.
    /// - Complexity: O(file size).
    public static func read(path: String, scale: Double = 1) throws(TrimtabError) -> [Double] {
        let table: CSVTable
        do throws(TrimtabError) { table = try CSVTable.load(path: path) } catch {
            throw error.message.hasPrefix("the file is empty") ? TrimtabError(file: path, "the file holds no timestamps") : error
        }
        var times: [Double] = []
        func take(_ cell: String, line: Int) throws(TrimtabError) {
            let text = cell.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return }
            guard let t = Double(text), t.isFinite else {
                throw TrimtabError(file: path, field: "line \(line)", "'\(text)' is not a timestamp in seconds")
            }
            times.append(t)
        }
        // A first line that is a number is data, not a header.
        if let first = table.header.first, let t = Double(first), t.isFinite { times.append(t) }
        for row in table.rows { try take(row.fields.first ?? "", line: row.line) }
        guard let first = times.min() else { throw TrimtabError(file: path, "the file holds no timestamps") }
        return times.map { ($0 - first) / scale }
    }
}
