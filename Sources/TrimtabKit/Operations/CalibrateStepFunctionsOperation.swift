import Foundation
import TrimtabFit
import TrimtabModel

/// `calibrate step-functions`: Step Functions' own overhead per run and per Task invocation,
/// learned from workflows that ran — every run's orchestration time (its duration minus the
/// longest path through its invocations) regressed on the Task invocations on that path.
public enum CalibrateStepFunctionsOperation {
    public struct Request: Codable, Sendable, Equatable {
        /// Paths of the state machine definitions (ASL JSON), one per workflow.
        public var definitions: [String]
        /// Paths of their Lambda log exports (with UTCTimestamp), in the same order.
        public var logs: [String]
        /// Paths of their Step Functions run logs (Start, End in seconds), in the same order.
        public var runs: [String]

        enum CodingKeys: String, CodingKey, CaseIterable { case definitions, logs, runs }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(definitions: [String], logs: [String], runs: [String]) {
            self.definitions = definitions
            self.logs = logs
            self.runs = runs
        }
    }

    /// The fitted overhead, the residual spread, the runs used, and each workflow's summary; the
    /// platform profile itself (YAML text, what `import step-functions --platform` reads) is
    /// carried but not encoded, so the JSON stays the summary the command prints.
    public struct Result: OperationResult {
        public var perRunMs: Double
        public var perTaskMs: Double
        public var residualSdMs: Double
        public var runs: Int
        public var workflows: [Workflow]
        /// The platform profile as YAML (not encoded).
        public var profile: String = ""

        enum CodingKeys: String, CodingKey {
            case perRunMs = "per_run_ms", perTaskMs = "per_task_ms", residualSdMs = "residual_sd_ms", runs, workflows
        }
    }

    /// One calibration workflow: runs given and used, mean orchestration overhead and mean Task
    /// invocations on the critical path.
    public struct Workflow: Codable, Sendable, Equatable {
        public var name: String
        public var runsGiven: Int
        public var runsUsed: Int
        public var meanOverheadMs: Double
        public var meanCriticalInvocations: Double

        enum CodingKeys: String, CodingKey {
            case name, runsGiven = "runs_given", runsUsed = "runs_used", meanOverheadMs = "mean_overhead_ms"
            case meanCriticalInvocations = "mean_critical_invocations"
        }
    }

    /// - Complexity: O(Σ (R + N) log N) over the workflows' runs R and invocations N, plus their fits.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let definitions = request.definitions
        guard !definitions.isEmpty else { throw TrimtabError(field: "--definition", "give at least one workflow (--definition, --logs, --runs)") }
        guard request.logs.count == definitions.count else {
            throw TrimtabError(field: "--logs", "\(request.logs.count) given for \(definitions.count) --definition (give one per workflow, in the same order)")
        }
        guard request.runs.count == definitions.count else {
            throw TrimtabError(field: "--runs", "\(request.runs.count) given for \(definitions.count) --definition (give one per workflow, in the same order)")
        }
        var workflows: [CalibrationWorkflow] = []
        for i in definitions.indices {
            let machine = try StateMachine.load(path: definitions[i])
            let measurements = try MeasurementReader.load(path: request.logs[i])
            let records = try RunLogReader.load(path: request.runs[i])
            workflows.append(CalibrationWorkflow(name: URL(fileURLWithPath: definitions[i]).deletingPathExtension().lastPathComponent,
                                                 machine: machine, logs: measurements, runs: records,
                                                 definitionFile: definitions[i], logsFile: request.logs[i], runsFile: request.runs[i]))
        }
        let calibration = try PlatformCalibrator.calibrate(workflows)
        let p = calibration.profile
        return Result(perRunMs: p.perRunMs, perTaskMs: p.perTaskMs, residualSdMs: p.residualSdMs, runs: p.runs,
                      workflows: calibration.workflows.map { w in
                          Workflow(name: w.name, runsGiven: w.runsGiven, runsUsed: w.runsUsed, meanOverheadMs: w.meanOverheadMs,
                                   meanCriticalInvocations: w.meanCriticalInvocations)
                      },
                      profile: p.yaml())
    }
}
