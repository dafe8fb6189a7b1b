import TrimtabJob
import TrimtabModel

/// Where a job request's worker model comes from: a file (the CLI; YAML or JSON, `job fit -o`
/// output too) or its text (JSON requests: the model as YAML/JSON text or as an object).
public enum WorkerModelSource: Sendable, Codable, Equatable {
    case file(String)
    /// The model's YAML or JSON text; errors name `label`.
    case text(String, label: String)

    /// The name errors and results give the model: the file's path or the label.
    public var label: String {
        switch self {
        case .file(let path): return path
        case .text(_, let label): return label
        }
    }

    /// The parsed and validated worker model; another trimtab file is named for what it is.
    /// - Complexity: O(file size).
    public func load() throws(TrimtabError) -> WorkerModel {
        switch self {
        case .file(let path):
            do {
                return try WorkerModelFile.load(path: path)
            } catch {
                throw DocumentKind.misplaced(path, expected: .workerModel) ?? error
            }
        case .text(let text, let label):
            do {
                return try WorkerModelFile.parse(text: text)
            } catch {
                throw error.inFile(label)
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self = .text(text, label: "model")
        } else {
            let object = try c.decode(JSONValue.self)
            guard case .object = object else {
                throw DecodingError.typeMismatch(WorkerModelSource.self, .init(codingPath: decoder.codingPath,
                    debugDescription: "expected the worker model as YAML or JSON text or as an object"))
            }
            self = .text(object.render(indent: nil), label: "model")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .file(let path): try c.encode(path)
        case .text(let text, _): try c.encode(text)
        }
    }
}
