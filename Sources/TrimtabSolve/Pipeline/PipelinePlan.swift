/// A planned pipeline: one setting per stage (pipeline order) and what the model predicts.
public struct PipelinePlan: Sendable, Equatable {
    public var settings: [PipelineStageSetting]
    /// Predicted end-to-end latency (ms) at the planned load: the mean, or the request's percentile.
    public var latencyMs: Double
    public var costPerHour: Double
    public var accuracy: Double
    public var batchSum: Int
    public var score: PipelineScore

    public init(settings: [PipelineStageSetting], latencyMs: Double, costPerHour: Double, accuracy: Double, batchSum: Int,
                score: PipelineScore) {
        self.settings = settings
        self.latencyMs = latencyMs
        self.costPerHour = costPerHour
        self.accuracy = accuracy
        self.batchSum = batchSum
        self.score = score
    }
}
