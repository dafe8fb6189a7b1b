/// The outcome of optimising one buffer over a grid.
public struct BatchPlan: Sendable {
    /// The best configuration meeting the bound, nil when none does.
    public var best: BatchPerformance?
    /// When nothing is feasible: the configuration closest to the bound.
    public var closest: BatchPerformance?
    /// Configurations evaluated (the whole grid).
    public var evaluated: Int
    public var feasible: Int
}
