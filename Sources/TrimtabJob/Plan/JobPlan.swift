/// One candidate of the planner's grid with its prediction.
public struct JobChoice: Sendable, Equatable {
    public var memoryMB: Int
    public var shape: JobShape
    public var prediction: JobPrediction
}

/// The planner's answer: the best feasible choice, or the closest one when nothing is feasible.
public struct JobPlan: Sendable, Equatable {
    public var feasible: Bool
    /// The best feasible choice, or when infeasible the one with the smallest relative violation.
    public var choice: JobChoice
    /// Grid points evaluated.
    public var evaluated: Int
}
