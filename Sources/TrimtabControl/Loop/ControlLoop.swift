import Foundation
import Logging
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
import TrimtabModel

/// The live control loop: read the load, forecast the next interval, re-plan, pass the plan
/// through the guardrails (the step it shares with the replay, `AdaptiveStep`), apply it, and
/// record the iteration.
///
/// Everything outside is injected (source, sink, forecaster, clock, history, metrics), so tests
/// drive it with fakes and a manual clock, and production with Prometheus and a real sink.
/// When the source fails or has no data the running configuration is kept — the loop never
/// scales on missing data — and the source is retried with backoff.
public actor ControlLoop {
    let source: any MetricsSource
    let sink: any ConfigurationSink
    /// Forecast → plan → guardrails, as the replay's.
    var step: AdaptiveStep<ControlPlanner>
    var planner: ControlPlanner { step.planner }
    let clock: any ControlClock
    let history: HistoryStore?
    let metrics: ControlMetrics?
    let dryRun: Bool
    let logger: Logger
    /// How many recent samples the forecaster sees.
    let window: Int

    private(set) var recent: [Double] = []
    /// What is believed to run, by stage.
    public private(set) var running: [String: StageSetting] = [:]
    private(set) var lastChange: [String: Double] = [:]
    private(set) var sourceFailures = 0

    public init(source: any MetricsSource, sink: any ConfigurationSink, forecaster: any Forecaster,
                planner: ControlPlanner, guardrails: Guardrails, clock: any ControlClock = SystemControlClock(),
                history: HistoryStore? = nil, metrics: ControlMetrics? = nil, dryRun: Bool = false,
                window: Int = 120, logger: Logger = Logger(label: "trimtab.control")) {
        self.source = source
        self.sink = sink
        self.step = AdaptiveStep(forecaster: forecaster, planner: planner, guardrails: guardrails)
        self.clock = clock
        self.history = history
        self.metrics = metrics
        self.dryRun = dryRun
        self.window = max(1, window)
        self.logger = logger
    }

    /// Reads the load history (so the forecaster is warm) and what the sink runs now.
    /// Failures are logged, not fatal: the loop starts cold and learns as it goes.
    public func warmUp(historySeconds: Double, stepSeconds: Double) async {
        do {
            let samples = try await source.history(seconds: historySeconds, stepSeconds: stepSeconds)
            step.forecaster.train(on: samples)
            recent = Array(samples.suffix(window))
            logger.info("warm-up: \(samples.count) samples of history")
        } catch {
            logger.warning("warm-up: no load history (\(error)); starting cold")
        }
        if let observable = sink as? any ObservableConfigurationSink {
            do {
                for setting in try await observable.observe(stages: planner.workflow.stages.map(\.name)) {
                    running[setting.stage] = setting
                    if let r = setting.replicas ?? setting.concurrency { metrics?.setCapacity(stage: setting.stage, r) }
                }
            } catch {
                logger.warning("warm-up: cannot read the running configuration (\(error))")
            }
        }
    }

    /// Sets what is believed to run (e.g. after a restart, from the last history row).
    public func assumeRunning(_ settings: [StageSetting]) {
        for s in settings { running[s.stage] = s }
    }

    /// One iteration: read, forecast, plan, guard, apply, record.
    @discardableResult
    public func iterate() async -> IterationRecord {
        let now = clock.now()
        let load: Double?
        do {
            load = try await source.currentRate()
        } catch {
            sourceFailures += 1
            return finish(IterationRecord(time: now, load: nil, forecast: nil, configuration: [], changes: [], appliedStages: [],
                                          outcome: .noData, reason: "metrics source failed; keeping the running configuration",
                                          errors: ["\(error)"], planMilliseconds: nil))
        }
        guard let load else {
            sourceFailures += 1
            return finish(IterationRecord(time: now, load: nil, forecast: nil, configuration: [], changes: [], appliedStages: [],
                                          outcome: .noData, reason: "metrics source returned no data; keeping the running configuration",
                                          errors: [], planMilliseconds: nil))
        }
        sourceFailures = 0
        recent.append(load)
        if recent.count > window { recent.removeFirst(recent.count - window) }
        let decision = step.decide(.init(recent: recent, running: running, lastChange: lastChange, now: now))
        let forecast = decision.forecast
        guard let plan = decision.plan else {
            return finish(IterationRecord(time: now, load: load, forecast: forecast, configuration: [], changes: [], appliedStages: [],
                                          outcome: .planError, reason: "planning failed; keeping the running configuration",
                                          errors: [decision.planError ?? "no plan"], planMilliseconds: decision.planMilliseconds))
        }
        let planMs = decision.planMilliseconds
        let changes = decision.changes
        let heldNote = decision.held.isEmpty ? "" : "; held: " + decision.held.joined(separator: "; ")

        if changes.isEmpty {
            return finish(IterationRecord(time: now, load: load, forecast: forecast, configuration: plan.settings, changes: [],
                                          appliedStages: [], outcome: .unchanged, reason: "no change" + heldNote,
                                          errors: [], planMilliseconds: planMs))
        }
        if dryRun {
            return finish(IterationRecord(time: now, load: load, forecast: forecast, configuration: plan.settings, changes: changes,
                                          appliedStages: [], outcome: .dryRun,
                                          reason: "dry run: would change " + changes.map(\.stage).joined(separator: ", ") + heldNote,
                                          errors: [], planMilliseconds: planMs))
        }
        let report = await sink.apply(changes)
        for stage in report.applied {
            guard let change = changes.first(where: { $0.stage == stage }) else { continue }
            running[stage] = running[stage].map { $0.applying(change) } ?? change
            lastChange[stage] = now
            if let r = running[stage].flatMap({ $0.replicas ?? $0.concurrency }) { metrics?.setCapacity(stage: stage, r) }
        }
        let outcome: IterationRecord.Outcome
        let reason: String
        if report.failed.isEmpty {
            outcome = .applied
            reason = "applied " + report.applied.joined(separator: ", ") + heldNote
        } else if report.applied.isEmpty {
            outcome = .failed
            reason = "nothing applied: " + report.failed.map(\.stage).joined(separator: ", ") + " failed; retrying next iteration" + heldNote
        } else {
            outcome = .partial
            reason = "partially applied: " + report.applied.joined(separator: ", ") + "; failed: "
                + report.failed.map(\.stage).joined(separator: ", ") + " (retrying next iteration)" + heldNote
        }
        return finish(IterationRecord(time: now, load: load, forecast: forecast, configuration: plan.settings, changes: changes,
                                      appliedStages: report.applied, outcome: outcome, reason: reason,
                                      errors: report.failed.map { "\($0.stage): \($0.message)" }, planMilliseconds: planMs))
    }

    /// Runs iterations every `intervalSeconds` until the task is cancelled. After a metrics
    /// failure the next try comes sooner and backs off: interval/8, /4, /2, then the interval.
    public func run(intervalSeconds: Double) async {
        while !Task.isCancelled {
            await iterate()
            do {
                try await clock.sleep(seconds: nextDelay(intervalSeconds: intervalSeconds))
            } catch {
                break
            }
        }
        logger.info("control loop stopped")
    }

    /// The wait before the next iteration: the interval, or a backoff after metrics failures.
    public func nextDelay(intervalSeconds: Double) -> Double {
        guard sourceFailures > 0 else { return intervalSeconds }
        let factor = pow(2.0, Double(min(sourceFailures, 4) - 4))
        return intervalSeconds * factor
    }

    private func finish(_ record: IterationRecord) -> IterationRecord {
        var stored = record
        if let history {
            do {
                stored.id = try history.append(record)
            } catch {
                logger.error("history: cannot record the iteration: \(error)")
            }
        }
        metrics?.record(record)
        let level: Logger.Level = switch record.outcome {
        case .applied, .unchanged, .dryRun: .info
        case .partial, .failed, .noData, .planError: .warning
        }
        var line = "\(record.outcome.rawValue): \(record.reason)"
        if let l = record.load, let f = record.forecast { line += " (load \(Self.short(l))/s, forecast \(Self.short(f))/s)" }
        if !record.errors.isEmpty { line += " errors: " + record.errors.joined(separator: " | ") }
        logger.log(level: level, "\(line)")
        return stored
    }

    static func short(_ x: Double) -> String { String(format: "%.2f", x) }
}
