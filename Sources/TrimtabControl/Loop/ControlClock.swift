import Foundation

/// The loop's notion of time: the wall clock in production, a manual clock in tests.
public protocol ControlClock: Sendable {
    /// Seconds since 1970.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

/// The system clock.
public struct SystemControlClock: ControlClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
    }
}

/// A clock that only moves when slept on or advanced: loops run at full speed in tests.
public final class ManualControlClock: ControlClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    /// Every sleep asked for, in order.
    public private(set) var sleeps: [Double] = []

    public init(start: Double = 1_800_000_000) { current = start }

    public func now() -> Double { lock.withLock { current } }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        lock.withLock {
            sleeps.append(seconds)
            current += seconds
        }
        // A loop on this clock never waits, so it gives its thread up here: the task that cancels
        // it, or any other test on the same few cooperative threads, gets to run.
        await Task.yield()
    }

    public func advance(seconds: Double) { lock.withLock { current += seconds } }
}
