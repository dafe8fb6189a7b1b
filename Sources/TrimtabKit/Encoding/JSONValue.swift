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
    public static func format(_ d: Double, nonFinite: Bool = false) -> String {
        guard d.isFinite else { return nonFinite ? (d.isNaN ? "nan" : d > 0 ? "inf" : "-inf") : "null" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }

    public static func quote(_ s: String) -> String {
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

extension JSONValue {
    /// A YAML document tree as JSON: quoted scalars are strings; plain scalars are booleans
    /// (`true`, `false`), integers, numbers or strings, as YAML's core schema resolves them.
    public init(_ value: Value) {
        switch value {
        case .map(let pairs, _): self = .object(pairs.map { ($0.key, JSONValue($0.value)) })
        case .list(let items, _): self = .array(items.map { JSONValue($0) })
        case .null: self = .null
        case .scalar(let text, _, let quoted):
            if quoted { self = .string(text); return }
            switch text {
            case "true", "True", "TRUE": self = .bool(true)
            case "false", "False", "FALSE": self = .bool(false)
            default:
                if let i = Int(text) {
                    self = .integer(i)
                } else if text.range(of: #"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil,
                          let d = Double(text), d.isFinite {
                    self = .number(d)
                } else {
                    self = .string(text)
                }
            }
        }
    }

    /// Block-style YAML text (ending in a newline) that reads back as the same value.
    public func renderYAML() -> String {
        yamlLines().joined(separator: "\n") + "\n"
    }

    private var isBlock: Bool {
        switch self {
        case .object(let pairs): return !pairs.isEmpty
        case .array(let items): return !items.isEmpty
        default: return false
        }
    }

    private func yamlLines() -> [String] {
        switch self {
        case .object(let pairs) where !pairs.isEmpty:
            return pairs.flatMap { key, value -> [String] in
                let k = JSONValue.yamlKey(key)
                return value.isBlock ? [k + ":"] + value.yamlLines().map { "  " + $0 } : [k + ": " + value.yamlScalar]
            }
        case .array(let items) where !items.isEmpty:
            return items.flatMap { item -> [String] in
                guard item.isBlock else { return ["- " + item.yamlScalar] }
                let lines = item.yamlLines()
                return ["- " + lines[0]] + lines.dropFirst().map { "  " + $0 }
            }
        default:
            return [yamlScalar]
        }
    }

    /// A scalar (or an empty collection) on one line.
    private var yamlScalar: String {
        switch self {
        case .object: return "{}"
        case .array: return "[]"
        case .string(let s): return JSONValue.yamlString(s)
        default: return render(indent: nil)
        }
    }

    /// A string plain when YAML reads it back as the same string, else double-quoted (JSON's
    /// escapes are YAML's).
    public static func yamlString(_ s: String) -> String {
        let plain = s.range(of: #"^[A-Za-z_/][A-Za-z0-9_ ./@()+-]*$"#, options: .regularExpression) != nil
            && !s.hasSuffix(" ")
            && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(s.lowercased())
        return plain ? s : quote(s)
    }

    public static func yamlKey(_ key: String) -> String {
        key.range(of: #"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"#, options: .regularExpression) != nil ? key : quote(key)
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

    /// The JSON of a Codable value, its keys in the order it encodes them (`JSONValueEncoder`).
    public static func encoding(_ value: some Encodable) throws(TrimtabError) -> JSONValue {
        do {
            return try JSONValueEncoder().encode(value)
        } catch {
            throw TrimtabError(code: .internal, "cannot encode the result as JSON: \(error)")
        }
    }
}
