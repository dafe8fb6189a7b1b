import Foundation

/// A CSV of arrival timestamps (`--arrivals trace:FILE.csv[:SCALE]`): seconds in the first column,
/// one arrival a line; a first line that is not a number is a header.
public enum ArrivalTimestamps {
    /// The timestamps, shifted so that the first arrival is at 0 and divided by `scale`
    /// (2 = twice the rate). Errors name the file and line.
    /// - Complexity: O(file size).
    public static func read(path: String, scale: Double = 1) throws(TrimtabError) -> [Double] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TrimtabError(code: .io, file: path, "cannot read the timestamps file")
        }
        var times: [Double] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let cell = line.split(separator: ",", omittingEmptySubsequences: false).first.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? ""
            if cell.isEmpty { continue }
            guard let t = Double(cell), t.isFinite else {
                if index == 0 { continue }  // header
                throw TrimtabError(file: path, field: "line \(index + 1)", "'\(cell)' is not a timestamp in seconds")
            }
            times.append(t)
        }
        guard let first = times.min() else { throw TrimtabError(file: path, "the file holds no timestamps") }
        return times.map { ($0 - first) / scale }
    }
}
