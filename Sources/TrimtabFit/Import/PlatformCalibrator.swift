import Foundation
import TrimtabModel

/// One workflow that ran: its definition, its Lambda logs and its run log.
public struct CalibrationWorkflow: Sendable {
    public var name: String
    public var machine: StateMachine
    public var logs: [MeasuredInvocation]
    public var runs: [RunRecord]
    /// The files, as the user named them, for messages.
    public var definitionFile: String
    public var logsFile: String
    public var runsFile: String

    public init(name: String, machine: StateMachine, logs: [MeasuredInvocation], runs: [RunRecord],
                definitionFile: String, logsFile: String, runsFile: String) {
        self.name = name
        self.machine = machine
        self.logs = logs
        self.runs = runs
        self.definitionFile = definitionFile
        self.logsFile = logsFile
        self.runsFile = runsFile
    }
}

/// A calibration: the profile, and what each workflow contributed (in-sample figures).
public struct PlatformCalibration: Sendable {
    public struct WorkflowSummary: Sendable {
        public var name: String
        public var runsGiven: Int
        public var runsUsed: Int
        public var meanOverheadMs: Double
        public var meanCriticalInvocations: Double
    }
    public var profile: PlatformProfile
    public var workflows: [WorkflowSummary]
}

/// Learns a `PlatformProfile` from workflows that ran: every usable run's orchestration time
/// (its duration minus the longest path through its own invocations) is regressed on the
/// number of Task invocations on that path by least squares, over the runs of all workflows
/// together; the residuals give the spread.
///
/// Choice, Pass and Parallel states are not given their own terms: in the reference apps every
/// loop iteration has one Choice per Task pair, so their counts are collinear with the Task
/// count and a three-term fit gives them negative times (docs/fit-note.md).
public enum PlatformCalibrator {
    /// - Complexity: O(Σ (R + N) log N) over the workflows' runs R and invocations N, plus their fits.
    public static func calibrate(_ workflows: [CalibrationWorkflow]) throws(TrimtabError) -> PlatformCalibration {
        guard !workflows.isEmpty else { throw TrimtabError(field: "--definition", "give at least one workflow (--definition, --logs, --runs)") }
        var samples: [RunOverhead] = []
        var summaries: [PlatformCalibration.WorkflowSummary] = []
        for w in workflows {
            if let line = w.logs.firstIndex(where: { $0.timestamp == nil }) {
                throw TrimtabError(file: w.logsFile, field: "line \(line + 2): UTCTimestamp",
                                   "calibration needs each invocation's time to assign it to a run (column UTCTimestamp)")
            }
            let imported = try StepFunctionsImporter.run(machine: w.machine, name: w.name, logs: w.logs, runs: w.runs, grid: nil,
                                                         rule: .perRun, logsFile: w.logsFile)
            if let f = imported.unmatchedFunctions.first,
               let line = w.logs.firstIndex(where: { $0.stage == f }) {
                throw TrimtabError(file: w.logsFile, field: "line \(line + 2): Function",
                                   "function '\(f)' is not invoked by any Task of \(w.definitionFile)")
            }
            let own = imported.runOverheads
            guard !own.isEmpty else {
                let (lo, hi) = (w.logs.compactMap(\.timestamp).min() ?? 0, w.logs.compactMap(\.timestamp).max() ?? 0)
                let (rlo, rhi) = (w.runs.first?.start ?? 0, w.runs.map(\.end).max() ?? 0)
                throw TrimtabError(file: w.runsFile, field: "Start",
                                   String(format: "no run can be matched with the invocations of %@ (runs span %.0f–%.0f s, invocations %.0f–%.0f s, or every run overlaps another)",
                                          w.logsFile, rlo, rhi, lo, hi))
            }
            samples += own
            summaries.append(.init(name: w.name, runsGiven: w.runs.count, runsUsed: own.count,
                                   meanOverheadMs: own.reduce(0) { $0 + $1.overheadMs } / Double(own.count),
                                   meanCriticalInvocations: Double(own.reduce(0) { $0 + $1.criticalInvocations }) / Double(own.count)))
        }
        let (perRun, perTask) = fit(samples)
        let residuals = samples.map { $0.overheadMs - perRun - perTask * Double($0.criticalInvocations) }.sorted()
        let mean = residuals.reduce(0, +) / Double(residuals.count)
        let sd = (residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(residuals.count - 1, 1))).squareRoot()
        let profile = PlatformProfile(perRunMs: perRun, perTaskMs: perTask, spreadMs: QuantileFunction.from(sorted: residuals),
                                      runs: samples.count, workflows: workflows.map(\.name), residualSdMs: sd)
        return PlatformCalibration(profile: profile, workflows: summaries)
    }

    /// Least squares of overhead = a + b·k with a, b ≥ 0 (the project's `LeastSquares`).
    /// Without variation in k (a singular system), or when the free fit gives a negative term,
    /// the constrained optimum lies on a boundary: through the origin or constant only.
    static func fit(_ samples: [RunOverhead]) -> (perRun: Double, perTask: Double) {
        let ys = samples.map(\.overheadMs), ks = samples.map { Double($0.criticalInvocations) }
        if let free = LeastSquares.fit(ks.map { [1, $0] }, ys, options: .exact), free[0] >= 0, free[1] >= 0 {
            return (free[0], free[1])
        }
        let slope = LeastSquares.fit(ks.map { [$0] }, ys, options: .exact)?.first ?? 0
        let origin = (0.0, max(slope, 0))
        let constant = (max(ys.reduce(0, +) / Double(max(ys.count, 1)), 0), 0.0)
        func sse(_ p: (Double, Double)) -> Double { zip(ks, ys).reduce(0) { $0 + pow($1.1 - p.0 - p.1 * $1.0, 2) } }
        return sse(origin) <= sse(constant) ? origin : constant
    }
}
