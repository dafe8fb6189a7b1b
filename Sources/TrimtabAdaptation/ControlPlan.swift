import TrimtabModel
import TrimtabSolve

/// A plan for one interval: the settings per stage, and the model's prediction for it.
public struct ControlPlan: Sendable, Equatable {
    /// One setting per stage, in the workflow's stage order.
    public var settings: [StageSetting]
    public var prediction: Prediction
    /// The planned variant and memory size per stage, by stage name.
    public var choices: Configuration
    /// The planner's status (`optimal`, `feasible`).
    public var status: String
    /// The Kubernetes pipeline planner's plan (nil for the serverless planner).
    public var pipeline: PipelinePlan? = nil
    /// The load (requests/s) the pipeline plan was made for.
    public var pipelineLoad: Double? = nil

    public init(settings: [StageSetting], prediction: Prediction, choices: Configuration, status: String,
                pipeline: PipelinePlan? = nil, pipelineLoad: Double? = nil) {
        self.settings = settings
        self.prediction = prediction
        self.choices = choices
        self.status = status
        self.pipeline = pipeline
        self.pipelineLoad = pipelineLoad
    }
}

