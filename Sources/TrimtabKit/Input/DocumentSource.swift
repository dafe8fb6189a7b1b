import Foundation
import TrimtabModel

/// What a kind of input document is: its name in errors and JSON, whether a JSON request may
/// give it as an object, and how it is read from a file or from text.
public protocol DocumentKindReader {
    associatedtype Document: Sendable
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
    /// The document already read from its text (`readOnce()`: a remote request's workflow, read
    /// once for the remote policy's checks and then planned): `read()` returns it without parsing
    /// the text again; it encodes as its text.
    case read(Kind.Document, text: String, label: String)

    /// The name errors give the document: the file's path or the label.
    public var label: String {
        switch self {
        case .file(let path): return path
        case .text(_, let label), .read(_, _, let label): return label
        }
    }

    /// The document, read and checked.
    /// - Complexity: O(size) plus the kind's checks.
    public func read() throws(TrimtabError) -> Kind.Document {
        switch self {
        case .file(let path): return try Kind.read(path: path)
        case .text(let text, let label): return try Kind.read(text: text, label: label)
        case .read(let document, _, _): return document
        }
    }

    /// The document, read, and the source that holds it read (so the next `read()` does not
    /// parse again): one parse for a check on the document and the operation after it.
    /// - Complexity: that of `read()`.
    public func readOnce() throws(TrimtabError) -> (document: Kind.Document, source: DocumentSource) {
        let document = try read()
        switch self {
        case .file, .read: return (document, self)
        case .text(let text, let label): return (document, .read(document, text: text, label: label))
        }
    }

    /// Sources are equal when they name the same file or hold the same text under the same label
    /// (a read source as the text it was read from).
    public static func == (a: DocumentSource, b: DocumentSource) -> Bool {
        switch (a, b) {
        case (.file(let x), .file(let y)): return x == y
        case (.text(let x, let l), .text(let y, let m)), (.read(_, let x, let l), .read(_, let y, let m)),
             (.text(let x, let l), .read(_, let y, let m)), (.read(_, let x, let l), .text(let y, let m)):
            return x == y && l == m
        default: return false
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
        case .text(let text, _), .read(_, let text, _): try c.encode(text)
        }
    }
}
