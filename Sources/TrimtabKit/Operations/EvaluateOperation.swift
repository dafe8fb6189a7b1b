import TrimtabFit
import TrimtabModel

/// `evaluate`: the model's prediction for one configuration; with `tails`, the composed
/// end-to-end p95 and p99 (Monte Carlo over every stage's `latency_spread`) with 95% intervals.
public enum EvaluateOperation {
    public struct Request: Codable, Sendable, Equatable {
        public var workflow: WorkflowSource
        public var configuration: ConfigurationSource
        public var tails: Bool?
        public var tailRuns: Int?

        enum CodingKeys: String, CodingKey, CaseIterable { case workflow, configuration, tails, tailRuns = "tail_runs" }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(workflow: WorkflowSource, configuration: ConfigurationSource, tails: Bool? = nil, tailRuns: Int? = nil) {
            self.workflow = workflow
            self.configuration = configuration
            self.tails = tails
            self.tailRuns = tailRuns
        }
    }

    /// The spec's `{"predicted", "executions"}`, the composed tails when asked for, and each
    /// stage's breakdown.
    public struct Result: OperationResult {
        public var predicted: PredictedQuantities
        public var executions: StageMap<Double>
        public var composed: ComposedTails?
        public var stages: [StageBreakdown]
    }

    public struct ComposedTails: Codable, Sendable, Equatable {
        public var runs: Int
        public var latencyMeanMs: Double
        public var latencyP95Ms: Double
        public var latencyP99Ms: Double
        public var latencyP95IntervalMs: [Double]
        public var latencyP99IntervalMs: [Double]

        enum CodingKeys: String, CodingKey {
            case runs, latencyMeanMs = "latency_mean_ms", latencyP95Ms = "latency_p95_ms", latencyP99Ms = "latency_p99_ms"
            case latencyP95IntervalMs = "latency_p95_interval_ms", latencyP99IntervalMs = "latency_p99_interval_ms"
        }
    }

    /// - Complexity: O(S + E); with `tails`, O(runs × invocations).
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let model = try request.workflow.load()
        let configuration = try request.configuration.load()
        let indices: [Int]
        do { indices = try model.optionIndices(for: configuration) } catch {
            throw request.configuration.file.map { error.inFile($0) } ?? error
        }
        let prediction = model.predict(optionIndices: indices)
        var composed: ComposedTails? = nil
        if request.tails ?? false {
            let runs = request.tailRuns ?? ComposedTailLatency.defaultRuns
            guard runs >= 100, runs <= 10_000_000 else { throw TrimtabError(field: "--tail-runs", "\(runs) is not in 100...10000000") }
            let sampler: ComposedTailLatency
            do { sampler = try ComposedTailLatency(model, runs: runs, flag: "--tails") } catch { throw error.inFile(request.workflow.label) }
            let c = sampler.summary(ComposedTailLatency.settings(model, optionIndices: indices), quantiles: [0.95, 0.99])
            composed = ComposedTails(runs: c.runs, latencyMeanMs: c.meanMs, latencyP95Ms: c.valuesMs[0], latencyP99Ms: c.valuesMs[1],
                                     latencyP95IntervalMs: [c.intervalsMs[0].0, c.intervalsMs[0].1],
                                     latencyP99IntervalMs: [c.intervalsMs[1].0, c.intervalsMs[1].1])
        }
        return Result(predicted: PredictedQuantities(prediction), executions: StageMap.executions(model), composed: composed,
                      stages: StageBreakdown.of(model, indices))
    }
}
