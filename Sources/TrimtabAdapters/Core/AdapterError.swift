/// Failures of the adapters, with a message fit for one log line.
public enum AdapterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer answered with a status that retrying will not fix (a 4xx other than 409).
    case rejected(status: Int, message: String)
    /// Retrying did not help: the last status (or 0 for a transport error) and message.
    case exhausted(attempts: Int, lastStatus: Int, message: String)
    /// The peer's answer could not be understood.
    case malformed(String)
    /// The adapter is not configured for what was asked (e.g. a stage with no deployment).
    case notConfigured(String)
    /// The platform lacks what the configuration names, or cannot take it: `setting` is the
    /// configuration key below the sink (`application`, `deployments.classify`).
    case mismatch(setting: String, message: String)

    public var description: String {
        switch self {
        case .rejected(let status, let message): return "HTTP \(status): \(message)"
        case .exhausted(let attempts, let status, let message):
            return status == 0 ? "gave up after \(attempts) attempts: \(message)"
                : "gave up after \(attempts) attempts: HTTP \(status): \(message)"
        case .malformed(let message): return "malformed response: \(message)"
        case .notConfigured(let message): return message
        case .mismatch(_, let message): return message
        }
    }
}
