import TrimtabModel

/// A method that chooses a configuration for a workflow and a goal.
public protocol Solver: Sendable {
    /// The name used on the command line (`--solver NAME`).
    var name: String { get }
    /// Plans `model` for `goal`. An `optimal` status must mean proven optimal.
    func solve(_ model: WorkflowModel, goal: Goal) throws(TrimtabError) -> PlanResult
}

/// The outcome of planning.
public struct PlanResult: Sendable {
    public enum Status: String, Sendable {
        /// Proven best.
        case optimal
        /// Meets the bounds, not proven best (a heuristic answer).
        case feasible
        /// Nothing meets the bounds (or, for a heuristic, nothing was found).
        case infeasible
    }

    public var status: Status
    /// One option index per stage (into `WorkflowModel.options`), absent when infeasible.
    public var optionIndices: [Int]?
    public var prediction: Prediction?
    /// For infeasible goals: how close each bound can get when the others are kept.
    public var closestBounds: [BoundReach]
    /// Work done: labels kept by the exact solver, configurations evaluated by others.
    public var work: Int
    /// For a `feasible` answer of the exact solver stopped by its time limit or its relative
    /// gap: the best objective
    /// value no configuration meeting the bounds can beat, when one is proven (latency or cost:
    /// a lower bound, at most the answer's; accuracy: an upper bound, at least the answer's).
    public var objectiveBound: Double?

    public init(status: Status, optionIndices: [Int]? = nil, prediction: Prediction? = nil,
                closestBounds: [BoundReach] = [], work: Int = 0, objectiveBound: Double? = nil) {
        self.status = status
        self.optionIndices = optionIndices
        self.prediction = prediction
        self.closestBounds = closestBounds
        self.work = work
        self.objectiveBound = objectiveBound
    }
}

/// For an infeasible goal: the best value one bound's quantity can reach while every other
/// bound is met (nil: not even then), and by how much it misses.
public struct BoundReach: Sendable, Equatable {
    public enum Quantity: String, Sendable, Codable {
        case latency = "latency_ms", cost = "cost_per_million_usd", accuracy

        /// This quantity of a prediction.
        public func value(of p: Prediction) -> Double {
            switch self {
            case .latency: p.latencyMs
            case .cost: p.costPerMillion
            case .accuracy: p.accuracy
            }
        }
    }
    public var quantity: Quantity
    public var limit: Double
    public var best: Double?
    /// False when the re-solve behind `best` stopped at the time limit: `best` is then the best
    /// value found (the true best may be better), and nil means nothing was found in time, not
    /// that the other bounds cannot be met.
    public var proven: Bool

    public init(quantity: Quantity, limit: Double, best: Double?, proven: Bool = true) {
        self.quantity = quantity
        self.limit = limit
        self.best = best
        self.proven = proven
    }
    /// Relative shortfall: (best − limit)/limit for upper bounds, (limit − best)/limit for accuracy.
    public var relativeGap: Double? {
        guard let best else { return nil }
        let gap = quantity == .accuracy ? (limit - best) : (best - limit)
        return gap / Swift.max(abs(limit), 1e-12)
    }
}

extension Bounds {
    /// The limit on `quantity`, when bounded.
    func limit(_ quantity: BoundReach.Quantity) -> Double? {
        switch quantity {
        case .latency: maxLatencyMs
        case .cost: maxCostPerMillion
        case .accuracy: minAccuracy
        }
    }

    /// These bounds with the limit on `quantity` replaced (nil: dropped).
    func with(_ quantity: BoundReach.Quantity, _ limit: Double?) -> Bounds {
        var r = self
        switch quantity {
        case .latency: r.maxLatencyMs = limit
        case .cost: r.maxCostPerMillion = limit
        case .accuracy: r.minAccuracy = limit
        }
        return r
    }

    /// The bounded quantities, in the order latency, cost, accuracy.
    var quantities: [BoundReach.Quantity] {
        [BoundReach.Quantity.latency, .cost, .accuracy].filter { limit($0) != nil }
    }
}

/// Builds a solver by its command-line name.
public enum Solvers {
    public static let names = ["exact", "greedy", "exhaustive"]

    public static func named(_ name: String, timeLimit: Double? = nil) -> (any Solver)? {
        switch name {
        case "exact": return ExactSolver(timeLimit: timeLimit)
        case "greedy": return GreedySolver()
        case "exhaustive": return ExhaustiveSolver()
        default: return nil
        }
    }
}
