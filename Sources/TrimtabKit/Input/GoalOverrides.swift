import TrimtabModel

/// A request's changes to the workflow file's goal: the objective and the bounds on expected
/// latency, cost and accuracy. Errors name the CLI flag (`--max-latency-ms`); the HTTP API names
/// the same parameter in snake case (`max_latency_ms`).
public struct GoalOverrides: Sendable, Equatable {
    /// `cost` or `latency`.
    public var minimize: String?
    /// `accuracy`.
    public var maximize: String?
    public var maxLatencyMs: Double?
    public var maxCostPerMillion: Double?
    public var minAccuracy: Double?

    public init(minimize: String? = nil, maximize: String? = nil, maxLatencyMs: Double? = nil,
                maxCostPerMillion: Double? = nil, minAccuracy: Double? = nil) {
        self.minimize = minimize
        self.maximize = maximize
        self.maxLatencyMs = maxLatencyMs
        self.maxCostPerMillion = maxCostPerMillion
        self.minAccuracy = minAccuracy
    }

    /// The file's bounds with these overrides, each checked (positive, accuracy in [0, 1]).
    public func bounds(over bounds: Bounds) throws(TrimtabError) -> Bounds {
        var b = bounds
        if let v = maxLatencyMs {
            guard v.isFinite, v > 0 else { throw TrimtabError(field: "--max-latency-ms", "\(JSONValue.format(v, nonFinite: true)) must be a positive number") }
            b.maxLatencyMs = v
        }
        if let v = maxCostPerMillion {
            guard v.isFinite, v > 0 else { throw TrimtabError(field: "--max-cost-per-million", "\(JSONValue.format(v, nonFinite: true)) must be a positive number") }
            b.maxCostPerMillion = v
        }
        if let v = minAccuracy {
            guard v.isFinite, v >= 0, v <= 1 else { throw TrimtabError(field: "--min-accuracy", "\(JSONValue.format(v, nonFinite: true)) is not in [0, 1]") }
            b.minAccuracy = v
        }
        return b
    }

    /// The goal to plan for: the file's, with the objective and bounds overridden.
    public func goal(for workflow: Workflow, label: String) throws(TrimtabError) -> Goal {
        var goal = workflow.goal
        switch (minimize, maximize) {
        case (let m?, nil):
            switch m {
            case "cost": goal = Goal(objective: .minimizeCost, bounds: goal?.bounds ?? Bounds())
            case "latency": goal = Goal(objective: .minimizeLatency, bounds: goal?.bounds ?? Bounds())
            default: throw TrimtabError(field: "--minimize", "'\(m)' cannot be minimized (expected cost or latency)")
            }
        case (nil, let m?):
            guard m == "accuracy" else { throw TrimtabError(field: "--maximize", "'\(m)' cannot be maximized (expected accuracy)") }
            goal = Goal(objective: .maximizeAccuracy, bounds: goal?.bounds ?? Bounds())
        case (.some, .some):
            throw TrimtabError(field: "--minimize", "give --minimize or --maximize, not both")
        case (nil, nil):
            break
        }
        guard var resolved = goal else {
            throw TrimtabError(file: label, field: "goal", "the file has no goal; give one or pass --minimize cost|latency or --maximize accuracy")
        }
        resolved.bounds = try bounds(over: resolved.bounds)
        return resolved
    }
}

/// A goal as results print it: `{"objective": "cost", "max_latency_ms": 3000, …}`.
public struct GoalSummary: Codable, Sendable, Equatable {
    /// `cost`, `latency` (minimised) or `accuracy` (maximised).
    public var objective: String
    public var maxLatencyMs: Double?
    public var maxCostPerMillion: Double?
    public var minAccuracy: Double?
    public var maxLatencyP95Ms: Double?
    public var maxLatencyP99Ms: Double?

    enum CodingKeys: String, CodingKey {
        case objective, maxLatencyMs = "max_latency_ms", maxCostPerMillion = "max_cost_per_million", minAccuracy = "min_accuracy"
        case maxLatencyP95Ms = "max_latency_p95_ms", maxLatencyP99Ms = "max_latency_p99_ms"
    }

    /// `minimize cost; latency ≤ 3000 ms`, for people.
    public var phrase: String {
        var parts = [Goal.Objective(rawValue: objective)?.phrase ?? objective]
        if let l = maxLatencyMs { parts.append("latency ≤ \(JSONValue.format(l)) ms") }
        if let c = maxCostPerMillion { parts.append("cost ≤ \(JSONValue.format(c)) USD/1M") }
        if let a = minAccuracy { parts.append("accuracy ≥ \(JSONValue.format(a))") }
        return parts.joined(separator: "; ")
    }

    public init(_ goal: Goal) {
        objective = goal.objective.rawValue
        maxLatencyMs = goal.bounds.maxLatencyMs
        maxCostPerMillion = goal.bounds.maxCostPerMillion
        minAccuracy = goal.bounds.minAccuracy
    }
}
