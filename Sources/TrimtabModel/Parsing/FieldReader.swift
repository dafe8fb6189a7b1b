import Foundation
/// Typed access to a `Value` that names the field path in every error.
public struct FieldReader: Sendable {
    public let value: Value
    public let path: String

    public init(_ value: Value, path: String = "") {
        self.value = value
        self.path = path
    }

    public func error(_ message: String) -> TrimtabError {
        TrimtabError(field: path.isEmpty ? nil : path, message)
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public var isNull: Bool { if case .null = value { return true } else { return false } }

    /// The entries of a mapping, in document order.
    public func entries() throws(TrimtabError) -> [(key: String, reader: FieldReader)] {
        guard case .map(let pairs, _) = value else { throw error("expected a mapping, found \(value.kindName)") }
        return pairs.map { (key: $0.key, reader: FieldReader($0.value, path: child($0.key))) }
    }

    public func items() throws(TrimtabError) -> [FieldReader] {
        guard case .list(let items, _) = value else { throw error("expected a list, found \(value.kindName)") }
        return items.enumerated().map { FieldReader($0.element, path: "\(path)[\($0.offset)]") }
    }

    public func optional(_ key: String) throws(TrimtabError) -> FieldReader? {
        guard case .map(let pairs, _) = value else { throw error("expected a mapping, found \(value.kindName)") }
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        if case .null = pair.value { return nil }
        return FieldReader(pair.value, path: child(key))
    }

    public func required(_ key: String) throws(TrimtabError) -> FieldReader {
        guard let reader = try optional(key) else {
            throw TrimtabError(field: child(key), "is required")
        }
        return reader
    }

    /// Rejects keys not in `allowed`, so that a typo is not silently ignored.
    public func rejectUnknownKeys(_ allowed: Set<String>) throws(TrimtabError) {
        for (key, reader) in try entries() where !allowed.contains(key) {
            throw TrimtabError(field: reader.path, "unknown field (expected one of \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    public func string() throws(TrimtabError) -> String {
        guard case .scalar(let text, _, _) = value else { throw error("expected a string, found \(value.kindName)") }
        return text
    }

    /// A number written as one. A quoted scalar (`"2000"`, `'2000'`) is a string in JSON and in
    /// YAML alike, so where a number is expected it is the wrong type and rejected rather than
    /// guessed at (workflow v1 gives every number as a number; only latency-table keys are strings).
    public func double() throws(TrimtabError) -> Double {
        guard case .scalar(let text, _, let quoted) = value else { throw error("expected a number, found \(value.kindName)") }
        if quoted { throw error("expected a number, found the string \"\(text)\"") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if [".nan", "nan"].contains(lowered) { throw error("NaN is not a number") }
        if [".inf", "+.inf", "-.inf", "inf", "-inf", "infinity", "-infinity"].contains(lowered) {
            throw error("\(trimmed) is not a finite number")
        }
        guard let number = Double(trimmed) else { throw error("'\(text)' is not a number") }
        guard number.isFinite else { throw error("\(trimmed) is not a finite number") }
        return number
    }

    /// An integer written as a number (a quoted scalar is rejected, as by `double()`).
    public func int() throws(TrimtabError) -> Int {
        guard case .scalar(let text, _, let quoted) = value else { throw error("expected an integer, found \(value.kindName)") }
        if quoted { throw error("expected a number, found the string \"\(text)\"") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Int(trimmed) { return number }
        if let number = Double(trimmed), number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            return Int(number)
        }
        throw error("'\(text)' is not an integer")
    }
}
