/// How often and how long to retry a retryable failure (5xx, timeouts, conflicts).
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// Delay before the second attempt; doubles each time up to `maxDelay`.
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// Waits between attempts; tests inject one that returns at once.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(attempts: Int = 4, initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
    }

    /// The delay after failed attempt `n` (1-based): initial × 2^(n-1), capped.
    public func delay(afterAttempt n: Int) -> Duration {
        var d = initialDelay
        for _ in 1..<max(1, n) {
            d = d * 2
            if d >= maxDelay { return maxDelay }
        }
        return min(d, maxDelay)
    }

    /// No waiting: for tests.
    public static func immediate(attempts: Int = 4) -> RetryPolicy {
        RetryPolicy(attempts: attempts, initialDelay: .zero, maxDelay: .zero, sleep: { _ in })
    }
}
