import Foundation
import TrimtabModel

/// Reads measured durations from a CSV file (such as the AWS Lambda logs of SLApp:
/// `Function,Memory Size,…,Duration,…`), for empirical service-time distributions, with the one
/// CSV reader, `CSVTable`.
public enum EmpiricalSamples {
    /// The values of `column` in the rows whose `filter` columns equal the given values.
    /// `path` is taken relative to `baseDirectory` unless it is absolute.
    public static func load(path: String, column: String, filter: [String: String],
                            baseDirectory: String?) throws(TrimtabError) -> [Double] {
        let resolved = path.hasPrefix("/") || baseDirectory == nil ? path : (baseDirectory ?? "") + "/" + path
        let table = try CSVTable.load(path: resolved)
        let header = table.header
        guard let valueIndex = header.firstIndex(of: column) else {
            throw TrimtabError(file: resolved, field: column, "no such column (columns: \(header.joined(separator: ", ")))")
        }
        var filterIndices: [(Int, String)] = []
        for (name, value) in filter.sorted(by: { $0.key < $1.key }) {
            guard let i = header.firstIndex(of: name) else {
                throw TrimtabError(file: resolved, field: name, "no such column to filter on")
            }
            filterIndices.append((i, value))
        }
        var samples: [Double] = []
        for row in table.rows {
            let cells = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > valueIndex else { continue }
            if filterIndices.contains(where: { cells.count <= $0.0 || cells[$0.0] != $0.1 }) { continue }
            guard let v = Double(cells[valueIndex]), v.isFinite, v > 0 else {
                throw TrimtabError(file: resolved, field: "line \(row.line)", "'\(cells[valueIndex])' is not a positive duration")
            }
            samples.append(v)
        }
        guard !samples.isEmpty else { throw TrimtabError(file: resolved, field: column, "no rows match") }
        return samples
    }
}
