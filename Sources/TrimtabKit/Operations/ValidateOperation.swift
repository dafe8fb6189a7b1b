import TrimtabModel

/// `validate`: checks a workflow and summarises it (stages, edges, configurations, expected
/// executions per run).
public enum ValidateOperation {
    public struct Request: Codable, Sendable, Equatable {
        public var workflow: WorkflowSource
        public init(workflow: WorkflowSource) { self.workflow = workflow }
        enum CodingKeys: String, CodingKey, CaseIterable { case workflow }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    }

    /// `{"valid": true, "name", "platform", "stages", "edges", "configurations", "executions"}`,
    /// then each stage's variants and memory sizes and the goal, for front ends.
    public struct Result: OperationResult {
        public var valid: Bool
        public var name: String
        public var platform: String
        public var stages: Int
        public var edges: Int
        /// The number of configurations (product of the stages' option counts).
        public var configurations: Double
        public var executions: StageMap<Double>
        public var stageOptions: [StageOptions]
        public var goal: GoalSummary?
        /// The graph's edges (`start` and `end` included), for drawing it.
        public var graph: [GraphEdge] = []

        enum CodingKeys: String, CodingKey {
            case valid, name, platform, stages, edges, configurations, executions, stageOptions = "stage_options", goal, graph
        }
    }

    /// An edge of the workflow graph and the probability it is taken.
    public struct GraphEdge: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var probability: Double
    }

    /// A stage's knobs: its variants (none when it has one model) and memory sizes.
    public struct StageOptions: Codable, Sendable, Equatable {
        public var stage: String
        public var variants: [String]
        public var memoryMB: [Int]
        enum CodingKeys: String, CodingKey { case stage, variants, memoryMB = "memory_mb" }
    }

    /// - Complexity: O(S + E) plus the model's construction.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let model = try request.workflow.load()
        let w = model.workflow
        return Result(valid: true, name: w.name, platform: w.platform.kind.rawValue, stages: w.stages.count, edges: w.edges.count,
                      configurations: model.options.reduce(1.0) { $0 * Double($1.count) },
                      executions: StageMap.executions(model),
                      stageOptions: w.stages.map { stage in
                          StageOptions(stage: stage.name, variants: stage.hasVariants ? stage.variants.map(\.name) : [],
                                       memoryMB: Set(stage.variants.flatMap { $0.latency.map(\.memoryMB) }).sorted())
                      },
                      goal: w.goal.map(GoalSummary.init),
                      graph: w.edges.map { GraphEdge(from: $0.from, to: $0.to, probability: $0.probability) })
    }
}

extension StageMap where Value == Double {
    /// Expected executions of each stage per workflow run.
    public static func executions(_ model: WorkflowModel) -> StageMap<Double> {
        StageMap(model.workflow.stages.enumerated().map { ($0.element.name, model.executions[$0.offset]) })
    }
}
