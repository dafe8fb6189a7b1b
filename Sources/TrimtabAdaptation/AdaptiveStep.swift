import TrimtabForecast
import TrimtabModel

/// One step of the adaptive loop — the load seen → forecast → the load planned for → plan →
/// guardrails → what to change — shared by the live controller (`ControlLoop`) and the offline
/// replay (`AdaptiveReplay`), so both decide alike on the same load.
///
/// What the two feed it differs only in what they know: the replay knows where its bins fall in
/// the trace (for seasonal predictors) and the requests waiting in its simulated cluster; the
/// live loop knows neither and passes none. When planning fails the step says so and changes
/// nothing; the caller chooses the fallback (the live loop keeps what runs, the replay runs every
/// stage at its highest capacity).
public struct AdaptiveStep<Planner: IntervalPlanner>: Sendable {
    public var forecaster: any Forecaster
    public let planner: Planner
    public let guardrails: Guardrails

    public init(forecaster: any Forecaster, planner: Planner, guardrails: Guardrails) {
        self.forecaster = forecaster
        self.planner = planner
        self.guardrails = guardrails
    }

    /// What the step sees.
    public struct Observation: Sendable {
        /// The recent load the forecaster sees, oldest first (per-bin maxima in the replay,
        /// samples in the live loop).
        public var recent: [Double]
        /// The index in the trace of the last bin of `recent` (seasonal predictors place the
        /// season with it); nil when unknown.
        public var lastBinIndex: Int?
        /// Requests waiting in the system ÷ the seconds they should drain within, planned for on
        /// top of the forecast (0 when unknown).
        public var backlogRps: Double
        /// What runs now, by stage (absent: unknown), and when each stage last changed (seconds).
        public var running: [String: StageSetting]
        public var lastChange: [String: Double]
        /// The current time (seconds; only differences with `lastChange` matter).
        public var now: Double

        public init(recent: [Double], lastBinIndex: Int? = nil, backlogRps: Double = 0, running: [String: StageSetting],
                    lastChange: [String: Double], now: Double) {
            self.recent = recent
            self.lastBinIndex = lastBinIndex
            self.backlogRps = backlogRps
            self.running = running
            self.lastChange = lastChange
            self.now = now
        }
    }

    /// What the step decided.
    public struct Decision: Sendable {
        /// The forecast peak load (requests/s, at least 0) and the load planned for (forecast plus backlog).
        public var forecast: Double
        public var plannedLoad: Double
        /// The plan, or why there is none (then nothing changes).
        public var plan: ControlPlan?
        public var planError: String?
        /// Time spent planning (ms).
        public var planMilliseconds: Double
        /// What to apply (only the fields that change), and why anything was held back.
        public var changes: [StageSetting]
        public var held: [String]
    }

    /// - Complexity: one forecast, one plan (the planner's) and O(stages) guardrail checks.
    public func decide(_ o: Observation) -> Decision {
        let predicted = o.lastBinIndex.map { forecaster.predict(recent: o.recent, lastBinIndex: $0) } ?? forecaster.predict(recent: o.recent)
        let forecast = max(0, predicted)
        let load = forecast + o.backlogRps
        let started = ContinuousClock.now
        let plan: ControlPlan
        do {
            plan = try planner.plan(forecast: load)
        } catch {
            return Decision(forecast: forecast, plannedLoad: load, plan: nil, planError: "\(error)",
                            planMilliseconds: Self.milliseconds(since: started), changes: [], held: [])
        }
        let planMs = Self.milliseconds(since: started)
        let gain = planner.gain(of: plan, over: o.running)
        let (changes, held) = guardrails.filter(desired: plan.settings, running: o.running, lastChange: o.lastChange, now: o.now, gain: gain)
        return Decision(forecast: forecast, plannedLoad: load, plan: plan, planError: nil, planMilliseconds: planMs,
                        changes: changes, held: held)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
