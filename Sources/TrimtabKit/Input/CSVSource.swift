import TrimtabModel

/// Where a request's CSV measurements come from: a file (the CLI) or the CSV text itself (JSON
/// requests; a path is never read from a remote request).
public enum CSVSource: Sendable, Codable, Equatable {
    case file(String)
    /// CSV text with its header line; errors name `label`.
    case text(String, label: String)

    /// The name errors give the table: the file's path or the label.
    public var label: String {
        switch self {
        case .file(let path): return path
        case .text(_, let label): return label
        }
    }

    /// The table, read by the one CSV reader (`CSVTable`).
    /// - Complexity: O(size).
    public func load() throws(TrimtabError) -> CSVTable {
        switch self {
        case .file(let path): return try CSVTable.load(path: path)
        case .text(let text, let label): return try CSVTable(text: text, file: label)
        }
    }

    public init(from decoder: any Decoder) throws {
        self = .text(try decoder.singleValueContainer().decode(String.self), label: "measurements")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .file(let path): try c.encode(path)
        case .text(let text, _): try c.encode(text)
        }
    }
}
