/// Polling with a deadline that a starved test cannot misread.
///
/// Tests run in parallel, and CPU-heavy suites can hold the concurrency pool's threads for a
/// while; a poller that wakes after its deadline has then not looked at all in that time. So
/// the deadline ends the polling only after one more attempt made past it: a server that came
/// up while the poller waited for a thread is still seen.
public enum Polling {
    /// Calls `attempt` every `interval` until it returns a value, and once more after `deadline`;
    /// nil when that last attempt fails too. Errors thrown by `attempt` end the polling.
    public static func until<Value>(_ deadline: ContinuousClock.Instant, every interval: Duration,
                                    _ attempt: () async throws -> Value?) async throws -> Value? {
        while true {
            let late = ContinuousClock.now >= deadline
            if let value = try await attempt() { return value }
            if late { return nil }
            try await Task.sleep(for: interval)
        }
    }
}
