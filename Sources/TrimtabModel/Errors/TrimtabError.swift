/// The one error type of the core library: a code, the file and field it concerns, and a message.
///
/// Its `description` is the one-line message the CLI prints on stderr, for example
/// `app.yaml: edges[3].probability: 1.4 is not in (0, 1]`.
public struct TrimtabError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure this is; the CLI maps it to an exit status.
    public enum Code: String, Sendable {
        /// The input (a workflow, configuration or flag) is malformed or inconsistent. Exit status 2.
        case invalidInput
        /// A file could not be read or written. Exit status 2.
        case io
        /// The request is well formed but too large for the chosen method. Exit status 2.
        case unsupported
    }

    public var code: Code
    /// The file the error concerns, as the user named it, if any.
    public var file: String?
    /// The field path (`edges[3].probability`) or `line N`, if any.
    public var field: String?
    public var message: String

    public init(code: Code = .invalidInput, file: String? = nil, field: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let field, !field.isEmpty { parts.append(field) }
        parts.append(message)
        // One line, always.
        return parts.joined(separator: ": ").replacingNewlines()
    }

    /// The same error attributed to `file` if it has none yet.
    public func inFile(_ name: String) -> TrimtabError {
        var copy = self
        if copy.file == nil { copy.file = name }
        return copy
    }
}

extension String {
    func replacingNewlines() -> String {
        split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
