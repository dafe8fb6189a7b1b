import TrimtabJob
import TrimtabModel

/// Where a job request's worker model comes from: a file (the CLI; YAML or JSON, `job fit -o`
/// output too) or its text (JSON requests: the model as YAML/JSON text or as an object).
public typealias WorkerModelSource = DocumentSource<WorkerModelDocument>

/// Worker models (`job fit -o` output) as request inputs.
public enum WorkerModelDocument: DocumentKindReader {
    public static let label = "model"
    public static let acceptsObject = true
    public static let phrase = "expected the worker model as YAML or JSON text or as an object"

    public static func read(path: String) throws(TrimtabError) -> WorkerModel {
        do {
            return try WorkerModelFile.load(path: path)
        } catch {
            throw DocumentKind.misplaced(path, expected: .workerModel) ?? error
        }
    }

    public static func read(text: String, label: String) throws(TrimtabError) -> WorkerModel {
        do {
            return try WorkerModelFile.parse(text: text)
        } catch {
            throw error.inFile(label)
        }
    }
}

extension DocumentSource where Kind == WorkerModelDocument {
    /// The parsed and validated worker model; another trimtab file is named for what it is.
    /// - Complexity: O(file size).
    public func load() throws(TrimtabError) -> WorkerModel { try read() }
}
