import TrimtabAdapters

/// What one iteration of the loop saw, decided and did: one row of the history.
public struct IterationRecord: Sendable, Equatable {
    /// How the iteration ended.
    public enum Outcome: String, Sendable, Codable {
        /// Every change was applied.
        case applied
        /// Some stages were applied, others failed (they are retried next iteration).
        case partial
        /// Nothing to change (or everything held back by the guardrails).
        case unchanged
        /// `--dry-run`: the changes were only logged.
        case dryRun = "dry-run"
        /// The metrics source failed or had no data: the running configuration was kept.
        case noData = "no-data"
        /// Planning failed (no configuration meets the bounds): the running configuration was kept.
        case planError = "plan-error"
        /// Every change failed.
        case failed
    }

    public var id: Int64?
    /// Seconds since 1970.
    public var time: Double
    public var load: Double?
    public var forecast: Double?
    /// The planned configuration (every stage).
    public var configuration: [StageSetting]
    /// The changes sent to the sink (or that would be, in a dry run).
    public var changes: [StageSetting]
    /// The stages the sink applied.
    public var appliedStages: [String]
    public var outcome: Outcome
    public var reason: String
    public var errors: [String]
    public var planMilliseconds: Double?

    public init(id: Int64? = nil, time: Double, load: Double?, forecast: Double?, configuration: [StageSetting],
                changes: [StageSetting], appliedStages: [String], outcome: Outcome, reason: String, errors: [String],
                planMilliseconds: Double?) {
        self.id = id
        self.time = time
        self.load = load
        self.forecast = forecast
        self.configuration = configuration
        self.changes = changes
        self.appliedStages = appliedStages
        self.outcome = outcome
        self.reason = reason
        self.errors = errors
        self.planMilliseconds = planMilliseconds
    }

    /// True when every change the plan needed was applied (and something was).
    public var applied: Bool { outcome == .applied }
}
