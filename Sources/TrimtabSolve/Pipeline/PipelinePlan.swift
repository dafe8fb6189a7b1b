/// A planned pipeline: one setting per stage (pipeline order) and what the model predicts.
public struct PipelinePlan: Sendable, Equatable {
    public var settings: [PipelineStageSetting]
    /// Predicted end-to-end latency (ms) at the planned load.
    public var latencyMs: Double
    public var costPerHour: Double
    public var accuracy: Double
    public var batchSum: Int
    public var score: PipelineScore
}
