/// What the job must meet and what to minimise.
public struct JobGoal: Sendable, Equatable {
    /// What the planner minimises among the options meeting the bounds.
    public enum Objective: String, Sendable { case cost, makespan }
    public var items: Int
    public var deadlineS: Double?
    public var maxCostPerMillion: Double?
    public var minimize: Objective

    public init(items: Int, deadlineS: Double? = nil, maxCostPerMillion: Double? = nil, minimize: Objective? = nil) {
        self.items = items
        self.deadlineS = deadlineS
        self.maxCostPerMillion = maxCostPerMillion
        // A deadline asks for the cheapest job that meets it; a cost target for the fastest.
        self.minimize = minimize ?? (deadlineS != nil ? .cost : .makespan)
    }

    /// Whether `p` meets every bound (with a relative tolerance of 1e-12 against rounding noise).
    public func isMet(by p: JobPrediction) -> Bool {
        if let d = deadlineS, p.makespanS > d * (1 + 1e-12) { return false }
        if let c = maxCostPerMillion, p.costPerMillionItems > c * (1 + 1e-12) { return false }
        return true
    }

    /// How far `p` misses the bounds: the largest relative overshoot (0 when feasible).
    public func violation(of p: JobPrediction) -> Double {
        var v = 0.0
        if let d = deadlineS { v = max(v, (p.makespanS - d) / d) }
        if let c = maxCostPerMillion { v = max(v, (p.costPerMillionItems - c) / c) }
        return max(v, 0)
    }
}
