import TrimtabModel
import TrimtabSolve

/// `pareto`: every non-dominated (latency ↓, cost ↓, accuracy ↑) configuration meeting the
/// bounds (the file's, with overrides), one per distinct vector, sorted by latency.
public enum ParetoOperation {
    public struct Request: Codable, Sendable, Equatable {
        public var workflow: WorkflowSource
        public var maxLatencyMs: Double?
        public var maxCostPerMillion: Double?
        public var minAccuracy: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case workflow, maxLatencyMs = "max_latency_ms", maxCostPerMillion = "max_cost_per_million", minAccuracy = "min_accuracy"
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(workflow: WorkflowSource, maxLatencyMs: Double? = nil, maxCostPerMillion: Double? = nil, minAccuracy: Double? = nil) {
            self.workflow = workflow
            self.maxLatencyMs = maxLatencyMs
            self.maxCostPerMillion = maxCostPerMillion
            self.minAccuracy = minAccuracy
        }
    }

    /// `{"points": [{"configuration", "predicted"}, …]}` and the workflow's name.
    public struct Result: OperationResult {
        public var points: [Point]
        public var workflow: String
    }

    public struct Point: Codable, Sendable, Equatable {
        public var configuration: StageMap<StageChoice>
        public var predicted: PredictedQuantities
    }

    /// - Complexity: the exact solver's label engine with all three quantities in the dominance
    ///   test; the front can grow exponentially with the stages.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let model = try request.workflow.load()
        let overrides = GoalOverrides(maxLatencyMs: request.maxLatencyMs, maxCostPerMillion: request.maxCostPerMillion,
                                      minAccuracy: request.minAccuracy)
        let bounds = try overrides.bounds(over: model.workflow.goal?.bounds ?? Bounds())
        let points = ExactSolver().pareto(model, bounds: bounds)
        return Result(points: points.map { Point(configuration: StageChoice.configuration(model, $0.optionIndices),
                                                 predicted: PredictedQuantities($0.prediction)) },
                      workflow: model.workflow.name)
    }
}

extension StageMap: Equatable where Value: Equatable {
    public static func == (a: StageMap, b: StageMap) -> Bool {
        a.entries.map(\.stage) == b.entries.map(\.stage) && a.entries.map(\.value) == b.entries.map(\.value)
    }
}
