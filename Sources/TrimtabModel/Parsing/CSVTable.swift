import Foundation

/// A CSV file read into a header and rows of fields (RFC 4180 quoting: fields in double
/// quotes may hold commas, newlines and doubled quotes). Errors name the file and line.
///
/// The one CSV reader: measurements and run logs (`fit`, `import`), empirical service times
/// (`simulate`), arrival timestamps (`--arrivals trace:FILE.csv`). Written here rather than taken
/// from a package: the mirror offers none for Swift, and the files are small.
public struct CSVTable: Sendable {
    public let file: String
    public let header: [String]
    /// Each row's fields and the line it starts on (1-based; the header is line 1).
    public let rows: [(line: Int, fields: [String])]

    /// Reads and splits `path`.
    /// - Complexity: O(n) in the file's length.
    public static func load(path: String) throws(TrimtabError) -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TrimtabError(file: path, field: "line 1", "the file is not UTF-8 text")
        }
        return try CSVTable(text: text, file: path)
    }

    public init(text: String, file: String) throws(TrimtabError) {
        self.file = file
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            field = ""
            // Skip blank lines.
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                records.append((recordLine, fields))
            }
            fields = []
        }
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"": inQuotes = true
                case ",": fields.append(field); field = ""
                case "\r": break
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default: field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw TrimtabError(file: file, field: "line \(recordLine)", "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = records.first else { throw TrimtabError(file: file, field: "line 1", "the file is empty (expected a header row)") }
        header = first.1.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = records.dropFirst().map { (line: $0.0, fields: $0.1) }
    }

    /// Index of the first header matching one of `names` (case-insensitive; spaces and
    /// underscores are the same).
    public func column(_ names: [String]) -> Int? {
        func norm(_ s: String) -> String { s.lowercased().replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces) }
        let wanted = Set(names.map(norm))
        return header.firstIndex { wanted.contains(norm($0)) }
    }

    /// The field of `row` in `column` as a finite number, or an error naming line and column.
    public func number(_ row: (line: Int, fields: [String]), _ column: Int) throws(TrimtabError) -> Double {
        let text = try string(row, column)
        guard let v = Double(text), v.isFinite else {
            throw TrimtabError(file: file, field: "line \(row.line): \(header[column])", "'\(text)' is not a number")
        }
        return v
    }

    public func string(_ row: (line: Int, fields: [String]), _ column: Int) throws(TrimtabError) -> String {
        guard column < row.fields.count else {
            throw TrimtabError(file: file, field: "line \(row.line): \(header[column])", "missing value (the row has \(row.fields.count) fields)")
        }
        let text = row.fields[column].trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            throw TrimtabError(file: file, field: "line \(row.line): \(header[column])", "empty value")
        }
        return text
    }

    public func optionalString(_ row: (line: Int, fields: [String]), _ column: Int?) -> String? {
        guard let column, column < row.fields.count else { return nil }
        let text = row.fields[column].trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }
}
