import TrimtabModel

/// What every operation returns: a typed, `Codable` result whose JSON is what `--format json`,
/// the HTTP API and the MCP tools print, and the outcome it stands for (`nil`: success;
/// `.infeasible` for a goal nothing meets, which still carries a result).
public protocol OperationResult: Codable, Sendable {
    var outcome: TrimtabError.Code? { get }
}

extension OperationResult {
    public var outcome: TrimtabError.Code? { nil }

    /// The result's JSON text (keys in declaration order, indented), ending in a newline.
    public func jsonText() throws(TrimtabError) -> String {
        try JSONValue.encoding(self).render() + "\n"
    }
}
