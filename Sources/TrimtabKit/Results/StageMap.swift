/// Values keyed by stage name, in workflow order; encodes as a JSON object in that order
/// (`{"resize": …, "classify": …}`), as the spec's `configuration` and `executions` are.
public struct StageMap<Value: Codable & Sendable>: Codable, Sendable {
    public var entries: [(stage: String, value: Value)]

    public init(_ entries: [(stage: String, value: Value)]) { self.entries = entries }

    public subscript(stage: String) -> Value? { entries.first { $0.stage == stage }?.value }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        for (stage, value) in entries { try c.encode(value, forKey: DynamicKey(stage)) }
    }

    /// Decodes an object; keys come out sorted (a decoder does not keep their order).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: DynamicKey.self)
        entries = try c.allKeys.sorted { $0.stringValue < $1.stringValue }.map { ($0.stringValue, try c.decode(Value.self, forKey: $0)) }
    }
}
