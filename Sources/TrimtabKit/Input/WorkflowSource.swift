import Foundation
import TrimtabModel

/// Where a request's workflow comes from: a file (the CLI) or its text (the HTTP API, MCP).
///
/// In JSON a workflow is given as its YAML or JSON text (a string) or as the workflow object
/// itself; a file path is never read from a remote request.
public enum WorkflowSource: Sendable, Codable, Equatable {
    /// A v1 workflow file (YAML or JSON by its extension); errors name the file.
    case file(String)
    /// A v1 workflow as YAML or JSON text; errors name `label` (for example `workflow`).
    case text(String, label: String)

    /// The name errors give the workflow: the file's path or the label.
    public var label: String {
        switch self {
        case .file(let path): return path
        case .text(_, let label): return label
        }
    }

    /// The parsed and validated workflow with its analytic model.
    /// - Complexity: O(S + E) parsing plus the model's construction.
    public func load() throws(TrimtabError) -> WorkflowModel {
        let workflow = try parse()
        do {
            return try WorkflowModel(workflow)
        } catch {
            throw error.inFile(label)
        }
    }

    /// The parsed and validated workflow, without its analytic model (for operations that use
    /// one stage, as `batch` does).
    /// - Complexity: O(S + E).
    public func parse() throws(TrimtabError) -> Workflow {
        switch self {
        case .file(let path):
            do {
                return try WorkflowParser.load(path: path)
            } catch {
                // Another trimtab file (a control configuration, a job plan…): say which.
                throw DocumentKind.misplaced(path, expected: .workflow) ?? error
            }
        case .text(let text, let label):
            do {
                return try WorkflowParser.parse(text: text, name: label)
            } catch {
                throw error.inFile(label)
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self = .text(text, label: "workflow")
        } else {
            let object = try c.decode(JSONValue.self)
            guard case .object = object else {
                throw DecodingError.typeMismatch(WorkflowSource.self, .init(codingPath: decoder.codingPath,
                    debugDescription: "expected the workflow as YAML or JSON text or as an object"))
            }
            self = .text(object.render(indent: nil), label: "workflow")
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
