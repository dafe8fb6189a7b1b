/// What the Kubernetes planner optimises, among settings that meet the latency SLO.
public enum PipelineObjective: Sendable, Equatable {
    /// IPA's weighted objective: maximise α·accuracy − β·cost (USD/hour) − γ·Σ batch sizes.
    case weighted(alpha: Double, beta: Double, gamma: Double)
    /// The best accuracy, then the least cost.
    case accuracyThenCost
    /// The least cost, then the best accuracy.
    case costThenAccuracy

    public static let ipaDefault = PipelineObjective.weighted(alpha: 1, beta: 1, gamma: 0.0001)

    /// The part of the objective that sums over stages (smaller is better).
    func penalty(costPerHour: Double, batchSize: Int) -> Double {
        switch self {
        case .weighted(_, let beta, let gamma): return beta * costPerHour + gamma * Double(batchSize)
        case .accuracyThenCost, .costThenAccuracy: return costPerHour
        }
    }

    /// The objective as a pair compared lexicographically (larger is better); the planners and
    /// the live controller's `min_gain` score with it.
    package func score(accuracy: Double, penalty: Double) -> PipelineScore {
        switch self {
        case .weighted(let alpha, _, _): return PipelineScore(primary: alpha * accuracy - penalty, secondary: 0)
        case .accuracyThenCost: return PipelineScore(primary: accuracy, secondary: -penalty)
        case .costThenAccuracy: return PipelineScore(primary: -penalty, secondary: accuracy)
        }
    }
}
