import Foundation

/// What a local run needs.
public struct JobRunConfiguration: Sendable {
    /// Shell command of a worker (`/bin/sh -c`), started once per slot and fed splits.
    public var command: String
    public var splitSize: Int
    /// Worker processes running at once.
    public var workers: Int
    /// Results, one line per item in item order, written when the job completes.
    public var outputPath: String
    /// Progress file (JSON lines) for `--resume`.
    public var statePath: String
    /// Workers' stderr is appended here (nil: discarded).
    public var logPath: String?
    /// Times a split is retried after a failure before the job gives up.
    public var maxRetries: Int
    public var resume: Bool
    /// Once this share of splits is done, idle workers re-issue splits running longer than
    /// `speculateSlowdown` × the median split time (nil: no speculation).
    public var speculateAfter: Double?
    public var speculateSlowdown: Double
    /// A split not answered within this many seconds counts as failed (nil: no limit).
    public var splitTimeoutS: Double?

    public init(command: String, splitSize: Int, workers: Int, outputPath: String, statePath: String? = nil, logPath: String? = nil,
                maxRetries: Int = 3, resume: Bool = false, speculateAfter: Double? = 0.9, speculateSlowdown: Double = 2,
                splitTimeoutS: Double? = nil) {
        self.command = command
        self.splitSize = splitSize
        self.workers = workers
        self.outputPath = outputPath
        self.statePath = statePath ?? outputPath + ".progress"
        self.logPath = logPath
        self.maxRetries = maxRetries
        self.resume = resume
        self.speculateAfter = speculateAfter
        self.speculateSlowdown = speculateSlowdown
        self.splitTimeoutS = splitTimeoutS
    }
}
