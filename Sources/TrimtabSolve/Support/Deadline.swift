import Foundation

/// A wall-clock limit shared by the parts of one solve. Once it has passed, the exact
/// solver stops proving and answers with its incumbent as `feasible` (never `optimal`).
final class Deadline: @unchecked Sendable {
    private let end: Date?
    private(set) var expired = false
    private var calls = 0

    init(seconds: Double?) { end = seconds.map { Date().addingTimeInterval($0) } }

    /// Cheap to call often: looks at the clock every 1024 calls.
    func check() -> Bool {
        guard let end else { return false }
        if expired { return true }
        calls += 1
        if calls & 1023 == 0 && Date() >= end { expired = true }
        return expired
    }
}
