import Foundation

/// What a local run measured.
public struct JobRunReport: Sendable, Equatable {
    public var items: Int
    public var splits: Int
    /// Splits skipped because a previous run (`--resume`) had done them.
    public var splitsResumed: Int
    /// Split attempts that failed and were retried.
    public var retries: Int
    /// Speculative copies started.
    public var copies: Int
    public var workersStarted: Int
    /// Wall time from start to the last result (s).
    public var makespanS: Double
    /// Sum of worker process lifetimes (what a platform would bill), s.
    public var workerSeconds: Double
    /// Median time of a split on a warm worker (s).
    public var medianSplitS: Double?
    /// Median extra time of a worker's first split over a warm split: the init (s).
    public var medianInitS: Double?
}

/// The job ended because a split kept failing. The splits done are kept in the progress file.
public struct JobRunFailure: Error, Sendable, CustomStringConvertible {
    public var split: Int
    public var attempts: Int
    public var reason: String
    public var splitsDone: Int
    public var splits: Int
    public var statePath: String

    public var description: String {
        "split \(split) failed \(attempts) time\(attempts == 1 ? "" : "s") (\(reason)); \(splitsDone) of \(splits) splits done are kept in \(statePath); fix the cause and rerun with --resume"
    }
}
