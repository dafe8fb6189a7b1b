import Foundation

/// A flag another thread sets to stop a running solve (a client that went away, a shutdown).
/// The exact solver looks at it where it looks at its time limit and then answers with its
/// incumbent as `feasible`.
public final class SolveCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    /// Asks the solve to stop.
    public func cancel() { lock.withLock { cancelled = true } }

    public var isCancelled: Bool { lock.withLock { cancelled } }
}
