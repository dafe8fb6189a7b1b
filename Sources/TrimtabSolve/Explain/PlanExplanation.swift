import TrimtabModel

/// Why a plan is what it is: which bounds bind, where its latency and cost go, what the optimum
/// would be under moved bounds (re-solved, not estimated), and the best single change per stage.
/// Built by `PlanExplainer`; Codable (snake_case keys) so that every front end prints the same.
public struct PlanExplanation: Sendable, Codable, Equatable {
    /// The objective: `cost`, `latency` or `accuracy`.
    public var objective: String
    /// The plan's value of the objective (USD per 1M runs, ms, or accuracy).
    public var objectiveValue: Double
    /// Every bound of the goal: its slack, and whether it binds.
    public var bounds: [BoundSlack]
    /// Stages on the critical path (the ones the expected latency grows with), in workflow order.
    public var criticalPath: [String]
    /// Every stage's share of the expected latency and of the cost.
    public var stages: [StageShare]
    /// For each binding bound: the optimum with the bound relaxed or tightened by 5 % and 10 %.
    public var sensitivity: [BoundSensitivity]
    /// For each stage: the single change that buys the most objective (nil: none improves it).
    public var changes: [StageChange]
    /// Solver runs the explanation took (each bound's binding test and the moved bounds).
    public var resolves: Int

    enum CodingKeys: String, CodingKey {
        case objective, objectiveValue = "objective_value", bounds, criticalPath = "critical_path", stages, sensitivity,
             changes, resolves
    }
}

/// One bound at the plan: how much room is left, and whether it binds (dropping it would give
/// a strictly better optimum, `withoutBound`).
public struct BoundSlack: Sendable, Codable, Equatable {
    public var bound: BoundReach.Quantity
    public var limit: Double
    /// The plan's value of the bounded quantity.
    public var value: Double
    /// Room left, in the quantity's unit (limit − value; value − limit for accuracy); ≥ 0.
    public var slack: Double
    /// `slack` relative to the limit.
    public var relativeSlack: Double
    public var binding: Bool
    /// The optimum with this bound dropped (the others kept).
    public var withoutBound: SolveOutcome

    enum CodingKeys: String, CodingKey {
        case bound, limit, value, slack, relativeSlack = "relative_slack", binding, withoutBound = "without_bound"
    }
}

/// A re-solve's answer, compared with the plan.
public struct SolveOutcome: Sendable, Codable, Equatable {
    /// `optimal`, `feasible` (a time limit stopped the proof) or `infeasible`.
    public var status: String
    public var predicted: Prediction?
    /// The objective's value (nil when infeasible).
    public var objectiveValue: Double?
    /// objectiveValue − the plan's value, in the objective's unit (nil when infeasible).
    public var objectiveChange: Double?
    /// Stages whose choice differs from the plan's.
    public var stagesChanged: [String]?

    enum CodingKeys: String, CodingKey {
        case status, predicted, objectiveValue = "objective_value", objectiveChange = "objective_change",
             stagesChanged = "stages_changed"
    }
}

/// A binding bound moved by ±5 % and ±10 %, each re-solved exactly.
public struct BoundSensitivity: Sendable, Codable, Equatable {
    public struct Variation: Sendable, Codable, Equatable {
        /// Signed percentage: positive relaxes the bound (a higher latency or cost limit, a lower
        /// accuracy floor), negative tightens it.
        public var relaxPercent: Double
        public var limit: Double
        public var outcome: SolveOutcome

        enum CodingKeys: String, CodingKey { case relaxPercent = "relax_percent", limit, outcome }
    }

    public var bound: BoundReach.Quantity
    public var limit: Double
    /// Tightened by 10 % and 5 %, then relaxed by 5 % and 10 %.
    public var variations: [Variation]
}

/// One stage's part in the plan.
public struct StageShare: Sendable, Codable, Equatable {
    public var stage: String
    public var choice: OptionLabel
    /// The stage's own mean latency (ms) at its choice.
    public var latencyMs: Double
    /// How fast the expected end-to-end latency grows with the stage's latency (1 for a stage
    /// always on the critical path; the probability it is on it, times its expected executions
    /// along it, otherwise).
    public var criticality: Double
    /// latencyMs × criticality / the expected latency: the stage's share of it (shares sum to 1).
    public var latencyShare: Double
    public var costPerMillion: Double
    public var costShare: Double

    enum CodingKeys: String, CodingKey {
        case stage, choice, latencyMs = "latency_ms", criticality, latencyShare = "latency_share",
             costPerMillion = "cost_per_million_usd", costShare = "cost_share"
    }
}

/// A stage's option by name.
public struct OptionLabel: Sendable, Codable, Equatable, CustomStringConvertible {
    public var variant: String?
    public var memoryMB: Int
    public var batchSize: Int?

    enum CodingKeys: String, CodingKey { case variant, memoryMB = "memory_mb", batchSize = "batch_size" }

    public var description: String {
        var parts: [String] = []
        if let variant { parts.append(variant) }
        parts.append("\(memoryMB) MB")
        if let batchSize { parts.append("batch \(batchSize)") }
        return parts.joined(separator: " @ ")
    }
}

/// The best single change of one stage, all other stages kept: among the options that improve
/// the objective, the one with the largest relative gain per relative excess over the bounds it
/// breaks (a change that breaks none ranks first, by gain).
public struct StageChange: Sendable, Codable, Equatable {
    public var stage: String
    public var from: OptionLabel
    /// Nil when no option of the stage improves the objective.
    public var to: OptionLabel?
    /// The prediction after the change minus the plan's (latency ms, cost USD/1M, accuracy).
    public var delta: Prediction?
    /// Improvement of the objective, in its unit, positive (less cost or latency, more accuracy).
    public var objectiveGain: Double?
    /// Bounds the change breaks.
    public var breaks: [BoundReach.Quantity]
    /// The largest relative excess over a broken bound (0 when none breaks).
    public var excess: Double?

    enum CodingKeys: String, CodingKey {
        case stage, from, to, delta, objectiveGain = "objective_gain", breaks, excess
    }
}
