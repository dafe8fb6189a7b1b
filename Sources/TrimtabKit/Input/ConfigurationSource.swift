import Foundation
import TrimtabModel

/// Where a request's configuration comes from: a file holding a `configuration` object (a
/// plan's JSON works; the CLI) or the object mapping stage names to choices itself (JSON requests).
public enum ConfigurationSource: Sendable, Codable, Equatable {
    case file(String)
    /// `{"stage": {"variant"?, "memory_mb", …}, …}`.
    case object(JSONValue)

    /// The parsed configuration; errors name the file (or `configuration.` fields).
    public func load() throws(TrimtabError) -> Configuration {
        switch self {
        case .file(let path):
            return try ConfigurationParser.load(path: path)
        case .object(let json):
            guard case .object = json else { throw TrimtabError(field: "configuration", "expected an object") }
            let value = try Value.parseJSON(Data(JSONValue.object([("configuration", json)]).render(indent: nil).utf8))
            return try ConfigurationParser.parse(FieldReader(value).required("configuration"))
        }
    }

    /// The name errors give the configuration's file, if it is one.
    public var file: String? {
        if case .file(let path) = self { return path }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        self = .object(try decoder.singleValueContainer().decode(JSONValue.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .file(let path): try c.encode(path)
        case .object(let json): try c.encode(json)
        }
    }
}
