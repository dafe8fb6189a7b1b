import Foundation

/// Encodes any `Encodable` value into a `JSONValue`, keeping object keys in the order the value
/// encodes them (a synthesised `Codable` conformance encodes in declaration order), so that the
/// CLI, the HTTP API and the MCP server print the same readable JSON from one typed result.
///
/// Written here because Foundation's `JSONEncoder` orders keys by hash (or sorted), not by
/// declaration, and no package in the mirror encodes to an ordered tree. Optionals that are `nil`
/// are left out (`encodeIfPresent`); a type that wants `null` encodes it explicitly.
public struct JSONValueEncoder {
    public init() {}

    /// The value as a JSON tree.
    public func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Slot()
        try value.encode(to: TreeEncoder(slot: root, codingPath: []))
        return root.value
    }

    /// The value as JSON text (indented by 2, or compact with `indent: nil`).
    public func text(_ value: some Encodable, indent: Int? = 2) throws -> String {
        try encode(value).render(indent: indent)
    }
}

/// A mutable node of the tree under construction.
private final class Slot {
    enum Content {
        case empty
        case value(JSONValue)
        case object([(String, Slot)])
        case array([Slot])
    }
    var content: Content = .empty

    var value: JSONValue {
        switch content {
        case .empty: return .object([])
        case .value(let v): return v
        case .object(let pairs): return .object(pairs.map { ($0.0, $0.1.value) })
        case .array(let items): return .array(items.map(\.value))
        }
    }

    func child(forKey key: String) -> Slot {
        if case .object(var pairs) = content {
            if let existing = pairs.first(where: { $0.0 == key }) { return existing.1 }
            let slot = Slot()
            pairs.append((key, slot))
            content = .object(pairs)
            return slot
        }
        let slot = Slot()
        content = .object([(key, slot)])
        return slot
    }

    func makeObject() { if case .object = content {} else { content = .object([]) } }
    func makeArray() { if case .array = content {} else { content = .array([]) } }

    func appendChild() -> Slot {
        let slot = Slot()
        if case .array(var items) = content {
            items.append(slot)
            content = .array(items)
        } else {
            content = .array([slot])
        }
        return slot
    }

    var count: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

private struct TreeEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.makeArray()
        return UnkeyedContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(slot: slot, codingPath: codingPath)
    }
}

/// Stores a leaf, or encodes a nested value into `slot` (a `JSONValue` is copied as it is).
private func store(_ value: some Encodable, in slot: Slot, codingPath: [any CodingKey]) throws {
    if let json = value as? JSONValue {
        slot.content = .value(json)
    } else if let leaf = leafValue(value) {
        slot.content = .value(leaf)
    } else {
        try value.encode(to: TreeEncoder(slot: slot, codingPath: codingPath))
    }
}

private func leafValue(_ value: Any) -> JSONValue? {
    switch value {
    case let v as Bool: return .bool(v)
    case let v as String: return .string(v)
    case let v as Double: return .number(v)
    case let v as Float: return .number(Double(v))
    case let v as Int: return .integer(v)
    case let v as Int32: return .integer(Int(v))
    case let v as Int64: return .integer(Int(v))
    case let v as UInt: return .integer(Int(v))
    case let v as UInt64: return Int(exactly: v).map { .integer($0) } ?? .number(Double(v))
    case let v as UInt32: return .integer(Int(v))
    case let v as URL: return .string(v.absoluteString)
    case let v as Date: return .string(ISO8601DateFormatter().string(from: v))
    default: return nil
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.child(forKey: key.stringValue).content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try store(value, in: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = slot.child(forKey: key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = slot.child(forKey: key.stringValue)
        child.makeArray()
        return UnkeyedContainer(slot: child, codingPath: codingPath + [key])
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: slot.child(forKey: "super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var count: Int { slot.count }

    mutating func encodeNil() throws { slot.appendChild().content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = AnyKey(intValue: count)
        try store(value, in: slot.appendChild(), codingPath: codingPath + [key])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = slot.appendChild()
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: codingPath))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = slot.appendChild()
        child.makeArray()
        return UnkeyedContainer(slot: child, codingPath: codingPath)
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: slot.appendChild(), codingPath: codingPath) }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try store(value, in: slot, codingPath: codingPath) }
}

extension JSONValue: Encodable {
    /// Encodes as the JSON it is (object keys in order with `JSONValueEncoder`).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .integer(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .number(let d):
            var c = encoder.singleValueContainer()
            if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let pairs):
            var c = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in pairs { try c.encode(value, forKey: DynamicKey(key)) }
        }
    }
}

/// A coding key made from any string, for maps keyed by stage name.
public struct DynamicKey: CodingKey, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
