import Foundation

/// A wall-clock limit shared by the parts of one solve. Once it has passed, the exact
/// solver stops proving and answers with its incumbent as `feasible` (never `optimal`).
final class Deadline: @unchecked Sendable {
    private let end: Date?
    private let cancellation: SolveCancellation?
    private(set) var expired = false
    private var calls = 0

    init(seconds: Double?, cancellation: SolveCancellation? = nil) {
        end = seconds.map { Date().addingTimeInterval($0) }
        self.cancellation = cancellation
    }

    /// A deadline `seconds` from now, or this one when it comes first (same cancellation).
    func sub(seconds: Double) -> Deadline {
        Deadline(end: capping(Date().addingTimeInterval(seconds)), cancellation: cancellation)
    }

    private init(end: Date, cancellation: SolveCancellation?) {
        self.end = end
        self.cancellation = cancellation
    }

    /// `date`, or the deadline when it comes first.
    func capping(_ date: Date) -> Date {
        guard let end else { return date }
        return min(end, date)
    }

    /// Marks the deadline as passed: a solve proven within its relative gap stops as at the
    /// limit (and tests stop a solve at a chosen point).
    func expire() { expired = true }

    /// Looks at the clock now.
    func checkNow() -> Bool {
        if expired { return true }
        if let end, Date() >= end { expired = true }
        if cancellation?.isCancelled == true { expired = true }
        return expired
    }

    /// Cheap to call often: looks at the clock every 1024 calls.
    func check() -> Bool {
        if expired { return true }
        guard end != nil || cancellation != nil else { return false }
        calls += 1
        if calls & 1023 == 0 {
            if let end, Date() >= end { expired = true }
            if cancellation?.isCancelled == true { expired = true }
        }
        return expired
    }
}
