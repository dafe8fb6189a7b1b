import Foundation

/// Extension (`simulation:`): how a workflow behaves when it is simulated under load — cold
/// starts, keep-alive, concurrency limits and service-time distributions, for the whole
/// workflow and per stage. The analytic model ignores it.
public struct SimulationProfile: Sendable, Equatable {
    /// Workflow-wide settings (nil: the simulator's default for the platform).
    public var defaults: StageSimulation
    /// Per-stage overrides, by stage name.
    public var stages: [String: StageSimulation]
    /// Kubernetes: USD per core-hour of a replica (`platform.price_per_core_hour`).
    public var pricePerCoreHour: Double?

    public init(defaults: StageSimulation = StageSimulation(), stages: [String: StageSimulation] = [:],
                pricePerCoreHour: Double? = nil) {
        self.defaults = defaults
        self.stages = stages
        self.pricePerCoreHour = pricePerCoreHour
    }

    /// The settings of `stage`: its overrides over the workflow-wide ones.
    public func settings(for stage: String) -> StageSimulation {
        guard let own = stages[stage] else { return defaults }
        return StageSimulation(coldStartMs: own.coldStartMs ?? defaults.coldStartMs,
                               keepAliveS: own.keepAliveS ?? defaults.keepAliveS,
                               concurrencyLimit: own.concurrencyLimit ?? defaults.concurrencyLimit,
                               onLimit: own.onLimit ?? defaults.onLimit,
                               serviceTime: own.serviceTime ?? defaults.serviceTime)
    }
}

/// Simulation settings of one stage (or the workflow-wide defaults); nil fields inherit.
public struct StageSimulation: Sendable, Equatable {
    /// Extra latency (ms) of an invocation that starts a new instance.
    public var coldStartMs: Double?
    /// Seconds an idle instance stays warm before it is reclaimed.
    public var keepAliveS: Double?
    /// Most instances of the stage that may run at once.
    public var concurrencyLimit: Int?
    /// What happens to a request beyond the concurrency limit.
    public var onLimit: LimitPolicy?
    /// The distribution of one invocation's service time around the latency table's mean.
    public var serviceTime: ServiceTimeSpec?

    public init(coldStartMs: Double? = nil, keepAliveS: Double? = nil, concurrencyLimit: Int? = nil,
                onLimit: LimitPolicy? = nil, serviceTime: ServiceTimeSpec? = nil) {
        self.coldStartMs = coldStartMs
        self.keepAliveS = keepAliveS
        self.concurrencyLimit = concurrencyLimit
        self.onLimit = onLimit
        self.serviceTime = serviceTime
    }
}

/// What a serverless platform does with a request when a stage is at its concurrency limit.
public enum LimitPolicy: String, Sendable, Equatable, CaseIterable {
    /// Wait (FIFO) for an instance to become free.
    case queue
    /// Reject the request: its workflow run fails.
    case `throttle`
}

/// A service-time distribution whose mean is the latency table's value.
public enum ServiceTimeSpec: Sendable, Equatable {
    case deterministic
    case exponential
    /// Lognormal with coefficient of variation `cv` (standard deviation / mean).
    case lognormal(cv: Double)
    /// Measured samples from a CSV file (path relative to the workflow file): `column` holds
    /// durations (ms); rows are kept where every `filter` column equals its value. The samples give
    /// the shape; they are scaled so that their mean is the latency table's value.
    case empirical(file: String, column: String, filter: [String: String])

    /// Parses `deterministic`, `exponential` or `lognormal:CV` (the command-line form).
    public static func parse(_ text: String) -> ServiceTimeSpec? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "deterministic" { return .deterministic }
        if t == "exponential" { return .exponential }
        if t.hasPrefix("lognormal:"), let cv = Double(t.dropFirst("lognormal:".count)), cv.isFinite, cv > 0, cv <= maxCV {
            return .lognormal(cv: cv)
        }
        return nil
    }

    /// The largest coefficient of variation of a lognormal service time. CV 100 already puts the
    /// 99.99th percentile near 50 times the mean; far beyond it the samples overflow (CV 1e308
    /// gives NaN), so larger values are refused.
    public static let maxCV = 100.0

    /// The message for a lognormal CV above `maxCV` (the flag's and the file's).
    public static func cvLimitMessage(_ cv: Double) -> String {
        "lognormal CV \(cv) is more than \(Int(maxCV)), the largest accepted"
    }

    /// Why `text` is not a service time that `parse` accepts (for the flag's and the file's error).
    public static func problem(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasPrefix("lognormal:"), let cv = Double(t.dropFirst("lognormal:".count)), cv > maxCV {
            return cvLimitMessage(cv)
        }
        return "'\(text)' is not a service-time distribution (expected deterministic, exponential or lognormal:CV with CV in (0, \(Int(maxCV))])"
    }
}
