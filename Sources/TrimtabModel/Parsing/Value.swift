import Foundation
import Yams

/// A document tree that remembers where each value came from, so that errors can name
/// the field (`stages[1].latency_ms.512`) and, for YAML, the line.
public indirect enum Value: Sendable {
    case map([(key: String, value: Value)], line: Int?)
    case list([Value], line: Int?)
    case scalar(String, line: Int?, quoted: Bool)
    case null(line: Int?)

    public var line: Int? {
        switch self {
        case .map(_, let line), .list(_, let line), .scalar(_, let line, _), .null(let line): return line
        }
    }

    public var kindName: String {
        switch self {
        case .map: return "a mapping"
        case .list: return "a list"
        case .scalar: return "a scalar"
        case .null: return "null"
        }
    }

    /// Most values a document may expand to (aliases counted as often as they are used): a
    /// 10,000-stage workflow with 16 memory sizes has about 500,000. Bounds "billion laughs".
    public static let maxValues = 2_000_000
    /// Deepest nesting a document may have (a workflow nests 6 deep).
    public static let maxDepth = 128

    /// Parses YAML text (JSON is accepted too, being YAML). Malformed YAML becomes an error naming
    /// its line; a document nested deeper than `maxDepth` or expanding (through aliases) to more
    /// than `maxValues` values is refused.
    public static func parseYAML(_ text: String) throws(TrimtabError) -> Value {
        try checkFlowDepth(text)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw TrimtabError(field: yamlErrorLocation(error), "malformed YAML: \(yamlErrorProblem(error))")
        } catch {
            throw TrimtabError("malformed YAML: \(error)")
        }
        guard let node else { return .null(line: 1) }
        var budget = maxValues
        return try convert(node, depth: 0, budget: &budget)
    }

    /// Refuses flow collections (`[[[[…`) nested deeper than `maxDepth` before the YAML parser,
    /// which recurses once per level, sees them. Block nesting needs indentation and is bounded
    /// while converting.
    static func checkFlowDepth(_ text: String) throws(TrimtabError) {
        var depth = 0, line = 1
        var quote: UInt8? = nil
        var comment = false
        var previous: UInt8 = 0x0A
        for byte in text.utf8 {
            defer { previous = byte }
            if byte == 0x0A { line += 1; comment = false; if quote == 0x27 || quote == 0x22 { continue } }
            if comment { continue }
            if let q = quote {
                if byte == q && !(q == 0x22 && previous == 0x5C) { quote = nil }
                continue
            }
            switch byte {
            case 0x23 where previous == 0x20 || previous == 0x0A || previous == 0x09: comment = true
            case 0x22, 0x27:
                // A quoted scalar starts after a separator; inside a plain scalar (`it's`) a quote is text.
                if [0x20, 0x0A, 0x09, 0x5B, 0x7B, 0x2C, 0x3A, 0x2D].contains(previous) { quote = byte }
            case 0x5B, 0x7B:
                depth += 1
                if depth > maxDepth { throw TrimtabError(field: "line \(line)", "nested deeper than \(maxDepth) levels") }
            case 0x5D, 0x7D: depth = max(0, depth - 1)
            default: break
            }
        }
    }

    /// Parses JSON text, naming the line of a syntax error where Foundation reports one.
    public static func parseJSON(_ data: Data) throws(TrimtabError) -> Value {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            // Foundation's message names a character offset; turn it into a line when we can.
            let ns = error as NSError
            var field: String? = nil
            if let index = ns.userInfo["NSJSONSerializationErrorIndex"] as? Int {
                let prefix = data.prefix(index)
                field = "line \(prefix.filter { $0 == 0x0A }.count + 1)"
            } else if let text = String(data: data, encoding: .utf8) {
                // Foundation on Linux gives no position; the YAML parser (JSON is YAML) does.
                do { _ = try parseYAML(text) } catch { field = error.field }
            }
            throw TrimtabError(field: field, "malformed JSON")
        }
        // Foundation keeps the last of repeated keys silently; YAML refuses them, and so does JSON here.
        if let repeated = firstRepeatedKey(inJSON: data) {
            throw TrimtabError(field: repeated.field, "duplicate key '\(repeated.key)'")
        }
        return convert(any: object)
    }

    /// The first key that repeats within one object of well-formed JSON `data`, with its field
    /// path as `FieldReader` spells it (`stages[0].latency_ms.512`); nil when keys are unique.
    /// - Complexity: O(n) in the bytes, plus the keys hashed.
    static func firstRepeatedKey(inJSON data: Data) -> (field: String, key: String)? {
        struct Frame {
            var isObject: Bool
            var keys = Set<String>()
            var expectingKey = true
            var key = ""
            var index = 0
        }
        func path(_ frames: [Frame], then last: String) -> String {
            var text = ""
            for frame in frames {
                if frame.isObject { text += text.isEmpty ? frame.key : "." + frame.key } else { text += "[\(frame.index)]" }
            }
            return text.isEmpty ? last : text + "." + last
        }
        let bytes = [UInt8](data)
        var frames: [Frame] = []
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case 0x22:  // a string: find its end (a quote not escaped)
                let start = i + 1
                var j = start
                var escaped = false
                while j < bytes.count {
                    if escaped { escaped = false } else if bytes[j] == 0x5C { escaped = true } else if bytes[j] == 0x22 { break }
                    j += 1
                }
                if let top = frames.indices.last, frames[top].isObject, frames[top].expectingKey {
                    let raw = Array(bytes[start..<min(j, bytes.count)])
                    var key = String(decoding: raw, as: UTF8.self)
                    if raw.contains(0x5C), let decoded = try? JSONSerialization.jsonObject(
                        with: Data([0x22] + raw + [0x22]), options: [.fragmentsAllowed]) as? String {
                        key = decoded
                    }
                    if !frames[top].keys.insert(key).inserted {
                        return (path(Array(frames.dropLast()), then: key), key)
                    }
                    frames[top].key = key
                    frames[top].expectingKey = false
                }
                i = j
            case 0x7B: frames.append(Frame(isObject: true))
            case 0x5B: frames.append(Frame(isObject: false))
            case 0x7D, 0x5D: _ = frames.popLast()
            case 0x2C:
                if let top = frames.indices.last {
                    if frames[top].isObject { frames[top].expectingKey = true } else { frames[top].index += 1 }
                }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Reads a file as YAML or JSON (by its extension; `.json` is parsed strictly as JSON).
    public static func load(path: String) throws(TrimtabError) -> Value {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the file")
        }
        do throws(TrimtabError) {
            if path.lowercased().hasSuffix(".json") {
                return try parseJSON(data)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw TrimtabError(file: path, "the file is not UTF-8 text")
            }
            return try parseYAML(text)
        } catch {
            throw error.inFile(path)
        }
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int) throws(TrimtabError) -> Value {
        let line = node.mark?.line
        budget -= 1
        guard budget >= 0 else {
            throw TrimtabError(field: "line \(line ?? 0)", "the document expands to more than \(maxValues) values (aliases nested too deep?)")
        }
        guard depth <= maxDepth else { throw TrimtabError(field: "line \(line ?? 0)", "nested deeper than \(maxDepth) levels") }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain && ["~", "null", "Null", "NULL", ""].contains(scalar.string) {
                return .null(line: line)
            }
            return .scalar(scalar.string, line: line, quoted: scalar.style != .plain)
        case .sequence(let seq):
            var items: [Value] = []
            for item in seq { items.append(try convert(item, depth: depth + 1, budget: &budget)) }
            return .list(items, line: line)
        case .mapping(let mapping):
            var pairs: [(key: String, value: Value)] = []
            var seen = Set<String>()
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw TrimtabError(field: "line \(key.mark?.line ?? line ?? 0)", "a mapping key must be a scalar")
                }
                if !seen.insert(name).inserted {
                    throw TrimtabError(field: "line \(key.mark?.line ?? line ?? 0)", "duplicate key '\(name)'")
                }
                pairs.append((name, try convert(value, depth: depth + 1, budget: &budget)))
            }
            return .map(pairs, line: line)
        case .alias:
            throw TrimtabError(field: "line \(line ?? 0)", "YAML aliases are not supported")
        }
    }

    private static func convert(any object: Any) -> Value {
        if object is NSNull { return .null(line: nil) }
        if let dict = object as? [String: Any] {
            // JSONSerialization loses key order; sort for a stable order (order carries no meaning in v1 maps).
            let pairs = dict.keys.sorted().map { (key: $0, value: convert(any: dict[$0] as Any)) }
            return .map(pairs, line: nil)
        }
        if let array = object as? [Any] { return .list(array.map { convert(any: $0) }, line: nil) }
        if let string = object as? String { return .scalar(string, line: nil, quoted: true) }
        if let number = object as? NSNumber {
            if String(cString: number.objCType) == "c" {
                return .scalar(number.boolValue ? "true" : "false", line: nil, quoted: false)
            }
            return .scalar(number.stringValue, line: nil, quoted: false)
        }
        return .scalar("\(object)", line: nil, quoted: false)
    }

    private static func yamlErrorLocation(_ error: YamlError) -> String? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return "line \(mark.line)"
        case .duplicatedKeysInMapping(_, let context):
            return "line \(context.mark.line)"
        case .reader(_, let offset, _, let yaml):
            if let offset { return "line \(yaml.utf8.prefix(offset).filter { $0 == 0x0A }.count + 1)" }
            return nil
        default:
            return nil
        }
    }

    private static func yamlErrorProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            if let context { return "\(problem) (\(context.text))" }
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate keys \(duplicates.joined(separator: ", "))"
        default:
            return "\(error)".replacingNewlines()
        }
    }
}
