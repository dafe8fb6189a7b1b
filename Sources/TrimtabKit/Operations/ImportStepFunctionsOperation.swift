import Foundation
import TrimtabFit
import TrimtabModel

/// `import step-functions`: a v1 workflow from an Amazon States Language definition and Lambda
/// logs — Task states as stages, Choice and loop probabilities from the invocation counts,
/// latency tables fitted from the logs, and Step Functions' overhead per invocation.
public enum ImportStepFunctionsOperation {
    public struct Request: Codable, Sendable, Equatable {
        /// Path of the state machine definition (ASL JSON).
        public var definition: String
        /// Path of the Lambda log export (Function, Memory Size, Duration, Billed Duration [, UTCTimestamp]).
        public var logs: String
        /// Path of the Step Functions run log (Start, End in seconds), for the overhead.
        public var runs: String?
        /// Memory sizes added from the fitted curves: `FROM:TO:STEP` and/or a comma list.
        public var memory: String?
        /// `calibrated` (default) or `per-run`.
        public var overhead: String?
        /// Path of a platform profile (`calibrate step-functions`); replaces `overhead`.
        public var platform: String?
        /// The workflow's name (default: the definition's file name).
        public var name: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case definition, logs, runs, memory, overhead, platform, name }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(definition: String, logs: String, runs: String? = nil, memory: String? = nil, overhead: String? = nil,
                    platform: String? = nil, name: String? = nil) {
            self.definition = definition
            self.logs = logs
            self.runs = runs
            self.memory = memory
            self.overhead = overhead
            self.platform = platform
            self.name = name
        }
    }

    /// The workflow (YAML text, as the command writes it), the importer's notes and each
    /// overhead estimate.
    public struct Result: OperationResult {
        public var workflow: String
        public var notes: [String]
        public var overheadEstimates: [Overhead]

        enum CodingKeys: String, CodingKey { case workflow, notes, overheadEstimates = "overhead_estimates" }
    }

    /// One estimate of Step Functions' overhead.
    public struct Overhead: Codable, Sendable, Equatable {
        public var method: String
        public var perInvocationMs: Double
        public var meanOverheadPerRunMs: Double
        public var runsUsed: Int
        public var runsGiven: Int
        /// Whether this estimate is the workflow's `overhead_ms`.
        public var written: Bool

        enum CodingKeys: String, CodingKey {
            case method, perInvocationMs = "per_invocation_ms", meanOverheadPerRunMs = "mean_overhead_per_run_ms"
            case runsUsed = "runs_used", runsGiven = "runs_given", written
        }
    }

    /// - Complexity: O(S + E) for the graph plus the curve fits of `fit` over the logs.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let overhead = request.overhead ?? "calibrated"
        guard let rule = OverheadRule(rawValue: overhead) else {
            throw TrimtabError(field: "--overhead", "'\(overhead)' is not an overhead rule (expected calibrated or per-run)")
        }
        let grid = try request.memory.map { text throws(TrimtabError) in try MemoryGrid.parse(text) }
        let machine = try StateMachine.load(path: request.definition)
        let measurements = try MeasurementReader.load(path: request.logs)
        let runRecords = try request.runs.map { path throws(TrimtabError) in try RunLogReader.load(path: path) }
        let profile = try request.platform.map { path throws(TrimtabError) in try PlatformProfile.load(path: path) }
        let workflowName = request.name ?? URL(fileURLWithPath: request.definition).deletingPathExtension().lastPathComponent
        let result = try StepFunctionsImporter.run(machine: machine, name: workflowName, logs: measurements, runs: runRecords,
                                                   grid: grid, rule: rule, platform: profile, logsFile: request.logs)
        return Result(workflow: result.yaml, notes: result.notes, overheadEstimates: result.overheadEstimates.map { o in
            Overhead(method: o.method.rawValue, perInvocationMs: o.perInvocationMs, meanOverheadPerRunMs: o.meanOverheadPerRunMs,
                     runsUsed: o.runsUsed, runsGiven: o.runsGiven, written: profile == nil && o.method == result.overhead?.method)
        })
    }
}
