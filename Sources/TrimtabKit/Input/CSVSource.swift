import TrimtabModel

/// Where a request's CSV measurements come from: a file (the CLI) or the CSV text itself (JSON
/// requests; a path is never read from a remote request).
public typealias CSVSource = DocumentSource<CSVDocument>

/// CSV tables (with their header line) as request inputs, read by the one CSV reader.
public enum CSVDocument: DocumentKindReader {
    public static let label = "measurements"
    public static let acceptsObject = false
    public static let phrase = "expected the measurements as CSV text"

    public static func read(path: String) throws(TrimtabError) -> CSVTable { try CSVTable.load(path: path) }
    public static func read(text: String, label: String) throws(TrimtabError) -> CSVTable { try CSVTable(text: text, file: label) }
}

extension DocumentSource where Kind == CSVDocument {
    /// The table, read by the one CSV reader (`CSVTable`).
    /// - Complexity: O(size).
    public func load() throws(TrimtabError) -> CSVTable { try read() }
}
