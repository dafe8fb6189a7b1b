import Foundation

/// Tests only: what a solve's heuristic searches found, for tests that check a search is not
/// only harmless (every answer still equals enumeration's) but also reached. Attached to an
/// `ExactSolver` through `log`; safe to share between solves.
final class SolveLog: @unchecked Sendable {
    private let lock = NSLock()
    private var improvements = 0

    /// More accurate incumbents found by the variant-level search (`VariantLevelSearch`).
    var variantImprovements: Int {
        lock.lock()
        defer { lock.unlock() }
        return improvements
    }

    func recordVariantImprovement() {
        lock.lock()
        improvements += 1
        lock.unlock()
    }
}
