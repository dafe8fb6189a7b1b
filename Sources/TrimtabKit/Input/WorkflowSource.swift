import Foundation
import TrimtabModel

/// Where a request's workflow comes from: a file (the CLI) or its YAML or JSON text, or the
/// workflow object in a JSON request (the HTTP API, MCP).
public typealias WorkflowSource = DocumentSource<WorkflowDocument>

/// v1 workflows as request inputs.
public enum WorkflowDocument: DocumentKindReader {
    public static let label = "workflow"
    public static let acceptsObject = true
    public static let phrase = "expected the workflow as YAML or JSON text or as an object"

    public static func read(path: String) throws(TrimtabError) -> Workflow {
        do {
            return try WorkflowParser.load(path: path)
        } catch {
            // Another trimtab file (a control configuration, a job plan…): say which.
            throw DocumentKind.misplaced(path, expected: .workflow) ?? error
        }
    }

    public static func read(text: String, label: String) throws(TrimtabError) -> Workflow {
        do {
            return try WorkflowParser.parse(text: text, name: label)
        } catch {
            throw error.inFile(label)
        }
    }
}

extension DocumentSource where Kind == WorkflowDocument {
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
    public func parse() throws(TrimtabError) -> Workflow { try read() }
}
