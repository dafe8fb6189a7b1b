/// How splits are handed to workers.
public enum AllocationPolicy: Sendable, Equatable {
    /// Each worker gets ⌈N/w⌉ or ⌊N/w⌋ consecutive items up front and processes them in splits.
    case staticAllocation
    /// Workers pull the next split when done.
    case dynamic
    /// Dynamic, and once `afterShare` of the splits are done, an idle worker re-issues a split
    /// that has run longer than `slowdown` × the median split time; the first result wins and
    /// the other attempt is cancelled (and billed up to then).
    case speculative(afterShare: Double, slowdown: Double)

    public var name: String {
        switch self {
        case .staticAllocation: return "static"
        case .dynamic: return "dynamic"
        case .speculative: return "speculative"
        }
    }
}
