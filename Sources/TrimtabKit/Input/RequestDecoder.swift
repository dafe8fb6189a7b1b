import Foundation
import TrimtabModel

/// Decodes a request from its fields (a JSON body's, query parameters, an MCP tool's arguments),
/// with a one-line error naming the field when one is missing or of the wrong type.
public enum RequestDecoder {
    public static func decode<Request: Decodable>(_ pairs: [(String, JSONValue)]) throws(TrimtabError) -> Request {
        do {
            return try JSONDecoder().decode(Request.self, from: Data(JSONValue.object(pairs).render(indent: nil).utf8))
        } catch let error as DecodingError {
            throw TrimtabError(field: path(of: error), problem(of: error))
        } catch {
            throw TrimtabError(field: "body", "cannot be read: \(error)")
        }
    }

    static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): return (c.codingPath + [key]).map(\.stringValue).joined(separator: ".")
        @unknown default: return "body"
        }
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? "body" : path
    }

    static func problem(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _):
            let name = "\(type)"
            if name.contains("Double") || name.contains("Int") { return "expected a number" }
            if name.contains("Bool") { return "expected true or false" }
            if name.contains("String") { return "expected a string" }
            return "has the wrong type"
        case .valueNotFound, .keyNotFound: return "is required"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "cannot be read"
        }
    }
}

extension TrimtabError {
    /// The one-line message for a remote caller (HTTP, MCP): a request field is named as the
    /// request spells it — the CLI's `--max-latency-ms` is the field `max_latency_ms`.
    public var remoteDescription: String {
        var e = self
        if e.file == nil, let field = e.field, field.hasPrefix("--") {
            e.field = String(field.dropFirst(2)).replacingOccurrences(of: "-", with: "_")
        }
        return e.description
    }
}
