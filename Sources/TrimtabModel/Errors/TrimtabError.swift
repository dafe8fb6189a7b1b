/// The one error type of the core library: a code, the file and field it concerns, and a message.
///
/// Its `description` is the one-line message the CLI prints on stderr, for example
/// `app.yaml: edges[3].probability: 1.4 is not in (0, 1]`.
public struct TrimtabError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure this is; `TrimtabError.Code.statuses(of:)` maps it to an exit status
    /// and an HTTP status.
    public enum Code: String, Sendable, CaseIterable {
        /// The input (a workflow, configuration or flag) is malformed or inconsistent. Bad input: exit 2, HTTP 400.
        case invalidInput
        /// An input file could not be read, or an output file written. Bad input: exit 2, HTTP 400.
        case io
        /// The request is well formed but too large for the chosen method. Bad input: exit 2, HTTP 400.
        case unsupported
        /// The input is valid but nothing meets the goal's bounds or target. Exit 3, HTTP 422.
        case infeasible
        /// A dependency is unavailable or failed at run time: a refused connection, a service
        /// answering errors, a worker process that fails. Runtime failure: exit 1, HTTP 503.
        case unavailable
        /// A defect in Trimtab itself. Exit 1, HTTP 500.
        case `internal`
        /// Too many requests at once (the server's cap on concurrent solves); retry later.
        /// Exit 1, HTTP 429.
        case overloaded
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

extension TrimtabError.Code {
    /// The one table of outcomes: the exit status of the `trimtab` command and the HTTP status of
    /// `trimtab serve` for each code; `nil` is success (0, 200).
    ///
    /// | code | exit | HTTP |
    /// |---|---|---|
    /// | success (`nil`) | 0 | 200 |
    /// | `invalidInput`, `io`, `unsupported` (bad input) | 2 | 400 |
    /// | `infeasible` | 3 | 422 |
    /// | `unavailable` (runtime failure) | 1 | 503 |
    /// | `internal` | 1 | 500 |
    /// | `overloaded` | 1 | 429 |
    public static func statuses(of code: TrimtabError.Code?) -> (exit: Int32, http: Int) {
        switch code {
        case nil: return (0, 200)
        case .invalidInput?, .io?, .unsupported?: return (2, 400)
        case .infeasible?: return (3, 422)
        case .unavailable?: return (1, 503)
        case .internal?: return (1, 500)
        case .overloaded?: return (1, 429)
        }
    }

    /// The exit status of the `trimtab` command for this code.
    public var exitStatus: Int32 { Self.statuses(of: self).exit }

    /// The HTTP status of `trimtab serve` for this code.
    public var httpStatus: Int { Self.statuses(of: self).http }

    /// The code a command's exit status stands for (the first in the table with that status);
    /// `nil` for success.
    public static func code(forExitStatus status: Int32) -> TrimtabError.Code? {
        guard status != statuses(of: nil).exit else { return nil }
        return allCases.first { $0.exitStatus == status } ?? .internal
    }
}

extension String {
    func replacingNewlines() -> String {
        split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
