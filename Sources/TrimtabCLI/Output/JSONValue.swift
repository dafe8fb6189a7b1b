import Foundation
import TrimtabModel

/// A JSON value that keeps the order of object keys, for stable, readable output.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.render() == b.render() }

    /// Compact or indented text.
    public func render(indent: Int? = 2) -> String {
        var out = ""
        write(into: &out, level: 0, indent: indent)
        return out
    }

    private func write(into out: inout String, level: Int, indent: Int?) {
        let newline = indent == nil ? "" : "\n"
        let pad = { (l: Int) in String(repeating: " ", count: (indent ?? 0) * l) }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let d): out += JSONValue.format(d)
        case .string(let s): out += JSONValue.quote(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad(level + 1)
                item.write(into: &out, level: level + 1, indent: indent)
                out += (i < items.count - 1 ? "," : "") + newline
            }
            out += pad(level) + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{" + newline
            for (i, pair) in pairs.enumerated() {
                out += pad(level + 1) + JSONValue.quote(pair.0) + (indent == nil ? ":" : ": ")
                pair.1.write(into: &out, level: level + 1, indent: indent)
                out += (i < pairs.count - 1 ? "," : "") + newline
            }
            out += pad(level) + "}"
        }
    }

    /// Shortest round-tripping form; integers without a fraction; non-finite as null.
    /// `nonFinite`: spell NaN and infinities (`nan`, `inf`, `-inf`) instead of `null`, for messages.
    static func format(_ d: Double, nonFinite: Bool = false) -> String {
        guard d.isFinite else { return nonFinite ? (d.isNaN ? "nan" : d > 0 ? "inf" : "-inf") : "null" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

extension JSONValue: Decodable {
    /// Any JSON text; object keys come out sorted (a decoder does not keep their order).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        let o = try c.decode([String: JSONValue].self)
        self = .object(o.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The JSON of a Codable result (its own keys, sorted), to embed in a command's output.
    static func encoding(_ value: some Encodable) throws(TrimtabError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        } catch {
            throw TrimtabError(code: .unsupported, "cannot encode the result as JSON: \(error)")
        }
    }
}
