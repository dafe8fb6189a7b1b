import Foundation
import TrimtabModel

/// What a kind of input document is: its name in errors and JSON, whether a JSON request may
/// give it as an object, and how it is read from a file or from text.
public protocol DocumentKindReader {
    associatedtype Document
    /// The name errors give a document that came as text (`workflow`, `model`, `measurements`).
    static var label: String { get }
    /// Whether a JSON request may give the document as an object (else only as text).
    static var acceptsObject: Bool { get }
    /// What the document is, for the error when a JSON value of the wrong kind comes.
    static var phrase: String { get }
    static func read(path: String) throws(TrimtabError) -> Document
    static func read(text: String, label: String) throws(TrimtabError) -> Document
}

/// Where a request's document comes from: a file (the CLI) or its text (the HTTP API, MCP — a
/// path is never read from a remote request). In JSON a document is its text (a string) or,
/// where the kind allows, the object itself. One implementation for every kind of input file.
public enum DocumentSource<Kind: DocumentKindReader>: Sendable, Codable, Equatable {
    /// A file (YAML or JSON by its extension); errors name the file.
    case file(String)
    /// The document's text; errors name `label`.
    case text(String, label: String)

    /// The name errors give the document: the file's path or the label.
    public var label: String {
        switch self {
        case .file(let path): return path
        case .text(_, let label): return label
        }
    }

    /// The document, read and checked.
    /// - Complexity: O(size) plus the kind's checks.
    public func read() throws(TrimtabError) -> Kind.Document {
        switch self {
        case .file(let path): return try Kind.read(path: path)
        case .text(let text, let label): return try Kind.read(text: text, label: label)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self = .text(text, label: Kind.label)
            return
        }
        let object = try c.decode(JSONValue.self)
        guard Kind.acceptsObject, case .object = object else {
            throw DecodingError.typeMismatch(DocumentSource.self, .init(codingPath: decoder.codingPath, debugDescription: Kind.phrase))
        }
        self = .text(object.render(indent: nil), label: Kind.label)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .file(let path): try c.encode(path)
        case .text(let text, _): try c.encode(text)
        }
    }
}
