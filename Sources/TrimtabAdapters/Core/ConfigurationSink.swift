/// Where a configuration is applied: Kubernetes, AWS Lambda, a file.
///
/// A sink applies stage by stage and reports each stage's outcome, so that a plan that
/// cannot be applied whole is visible as partially applied.
public protocol ConfigurationSink: Sendable {
    /// The sink's kind as configuration files spell it (`kubernetes`, `lambda`, `file`).
    var kind: String { get }
    /// Applies `settings` (one per stage that changes). Never throws: failures are per stage.
    func apply(_ settings: [StageSetting]) async -> SinkReport
}

/// A sink that applies each stage on its own (an API call per stage): a stage's failure is
/// reported and the others still go ahead.
public protocol StageByStageSink: ConfigurationSink {
    /// Applies one stage's setting; throws `AdapterError` on failure.
    func apply(_ setting: StageSetting) async throws
}

extension StageByStageSink {
    public func apply(_ settings: [StageSetting]) async -> SinkReport {
        var report = SinkReport()
        for setting in settings {
            do {
                try await apply(setting)
                report.applied.append(setting.stage)
            } catch {
                report.failed.append(StageFailure(stage: setting.stage, message: "\(error)"))
            }
        }
        return report
    }
}

/// The outcome of applying settings: which stages were applied and which failed, and why.
public struct SinkReport: Sendable, Equatable {
    public var applied: [String]
    public var failed: [StageFailure]

    public init(applied: [String] = [], failed: [StageFailure] = []) {
        self.applied = applied
        self.failed = failed
    }

    public var isComplete: Bool { failed.isEmpty }
}

/// One stage that could not be applied.
public struct StageFailure: Sendable, Equatable {
    public var stage: String
    public var message: String
    public init(stage: String, message: String) {
        self.stage = stage
        self.message = message
    }
}

/// A sink that can read back what runs now, so the guardrails start from the truth
/// (for example the replicas a Deployment has before the controller first acts).
public protocol ObservableConfigurationSink: ConfigurationSink {
    /// What runs now for `stages`; stages the sink cannot read are left out.
    func observe(stages: [String]) async throws -> [StageSetting]
}

/// A sink that can check, before the controller starts, that everything it is configured to
/// change exists on the platform (and reach the platform at all).
public protocol VerifiableConfigurationSink: ConfigurationSink {
    /// Checks the targets of `stages`; throws `AdapterError.mismatch` naming the configuration
    /// key at fault, or another `AdapterError` when the platform cannot be read.
    func verify(stages: [String]) async throws
}
