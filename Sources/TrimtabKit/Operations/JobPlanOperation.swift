import TrimtabJob
import TrimtabModel

/// `job plan`: memory, split size and worker count for a job of N items under a deadline or a
/// cost target, exact over the worker model's grid; when nothing meets the target, the closest
/// option (status `infeasible`).
public enum JobPlanOperation {
    public struct Request: Codable, Sendable, Equatable {
        public var model: WorkerModelSource
        public var items: Int
        /// Makespan bound (s).
        public var deadlineS: Double?
        /// Bound on the cost per million items (USD).
        public var maxCostPerMillion: Double?
        /// `cost` or `makespan` (default: cost with a deadline, makespan with a cost bound).
        public var minimize: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case model, items, deadlineS = "deadline_s", maxCostPerMillion = "max_cost_per_million", minimize
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(model: WorkerModelSource, items: Int, deadlineS: Double? = nil, maxCostPerMillion: Double? = nil, minimize: String? = nil) {
            self.model = model
            self.items = items
            self.deadlineS = deadlineS
            self.maxCostPerMillion = maxCostPerMillion
            self.minimize = minimize
        }
    }

    /// The plan file `job run` and `job manifest` read: when feasible `memory_mb`, `split_size`,
    /// `workers`, `predicted`, `status`; when not `status`, `closest` (the same four) and
    /// `relative_gap`; then `items`, `splits`, `minimize`, `deadline_s`, `max_cost_per_million`,
    /// `model`, `evaluated` and `platform`.
    public struct Result: OperationResult {
        /// `optimal` or `infeasible`.
        public var status: String
        /// The best choice, or the closest one when infeasible.
        public var choice: Choice
        /// Infeasible: how far the closest option misses the target (relative).
        public var relativeGap: Double?
        public var items: Int
        public var splits: Int
        public var minimize: String
        public var deadlineS: Double?
        public var maxCostPerMillion: Double?
        /// The worker model's file (or label).
        public var model: String
        /// Grid points evaluated.
        public var evaluated: Int
        public var platform: JobPlatform
        /// The worker model's name and the choice's waves (for tables; not encoded, so the plan
        /// file stays what `job run` reads).
        public var modelName: String = ""
        public var waves: Int = 0

        public var outcome: TrimtabError.Code? { status == "infeasible" ? .infeasible : nil }

        enum CodingKeys: String, CodingKey {
            case status, choice, closest, relativeGap = "relative_gap", items, splits, minimize, deadlineS = "deadline_s"
            case maxCostPerMillion = "max_cost_per_million", model, evaluated, platform
            case memoryMB = "memory_mb", splitSize = "split_size", workers, predicted
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if status == "infeasible" {
                try c.encode(status, forKey: .status)
                try c.encode(choice, forKey: .closest)
                try c.encodeIfPresent(relativeGap, forKey: .relativeGap)
            } else {
                try c.encode(choice.memoryMB, forKey: .memoryMB)
                try c.encode(choice.splitSize, forKey: .splitSize)
                try c.encode(choice.workers, forKey: .workers)
                try c.encode(choice.predicted, forKey: .predicted)
                try c.encode(status, forKey: .status)
            }
            try c.encode(items, forKey: .items)
            try c.encode(splits, forKey: .splits)
            try c.encode(minimize, forKey: .minimize)
            try c.encode(ExplicitNull(wrappedValue: deadlineS), forKey: .deadlineS)
            try c.encode(ExplicitNull(wrappedValue: maxCostPerMillion), forKey: .maxCostPerMillion)
            try c.encode(model, forKey: .model)
            try c.encode(evaluated, forKey: .evaluated)
            try c.encode(platform, forKey: .platform)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            status = try c.decode(String.self, forKey: .status)
            if let closest = try c.decodeIfPresent(Choice.self, forKey: .closest) {
                choice = closest
            } else {
                choice = Choice(memoryMB: try c.decode(Int.self, forKey: .memoryMB), splitSize: try c.decode(Int.self, forKey: .splitSize),
                                workers: try c.decode(Int.self, forKey: .workers), predicted: try c.decode(JobPredicted.self, forKey: .predicted))
            }
            relativeGap = try c.decodeIfPresent(Double.self, forKey: .relativeGap)
            items = try c.decode(Int.self, forKey: .items)
            splits = try c.decode(Int.self, forKey: .splits)
            minimize = try c.decode(String.self, forKey: .minimize)
            deadlineS = try c.decodeIfPresent(Double.self, forKey: .deadlineS)
            maxCostPerMillion = try c.decodeIfPresent(Double.self, forKey: .maxCostPerMillion)
            model = try c.decode(String.self, forKey: .model)
            evaluated = try c.decode(Int.self, forKey: .evaluated)
            platform = try c.decode(JobPlatform.self, forKey: .platform)
        }

        init(status: String, choice: Choice, relativeGap: Double?, items: Int, splits: Int, minimize: String, deadlineS: Double?,
             maxCostPerMillion: Double?, model: String, evaluated: Int, platform: JobPlatform) {
            self.status = status
            self.choice = choice
            self.relativeGap = relativeGap
            self.items = items
            self.splits = splits
            self.minimize = minimize
            self.deadlineS = deadlineS
            self.maxCostPerMillion = maxCostPerMillion
            self.model = model
            self.evaluated = evaluated
            self.platform = platform
        }
    }

    /// Worker memory, split size, active workers and the prediction.
    public struct Choice: Codable, Sendable, Equatable {
        public var memoryMB: Int
        public var splitSize: Int
        public var workers: Int
        public var predicted: JobPredicted

        enum CodingKeys: String, CodingKey { case memoryMB = "memory_mb", splitSize = "split_size", workers, predicted }
    }

    /// The platform's prices, which `job run` bills with.
    public struct JobPlatform: Codable, Sendable, Equatable {
        public var kind: String
        public var pricePerGBSecond: Double
        public var pricePerRequest: Double
        public var billingGranularityMs: Double

        enum CodingKeys: String, CodingKey {
            case kind, pricePerGBSecond = "price_per_gb_second", pricePerRequest = "price_per_request", billingGranularityMs = "billing_granularity_ms"
        }
    }

    /// - Complexity: O(M · S · W) for the model's memory sizes, split sizes and worker counts.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        _ = try JobRequestChecks.items(request.items)
        let deadline = try JobRequestChecks.positive(request.deadlineS, "--deadline-s")
        let cost = try JobRequestChecks.positive(request.maxCostPerMillion, "--max-cost-per-million")
        guard deadline != nil || cost != nil else {
            throw TrimtabError(field: "--deadline-s", "give --deadline-s or --max-cost-per-million (or both)")
        }
        var objective: JobGoal.Objective?
        if let m = request.minimize {
            guard let o = JobGoal.Objective(rawValue: m) else { throw TrimtabError(field: "--minimize", "'\(m)' is not cost or makespan") }
            objective = o
        }
        let workerModel = try request.model.load()
        let goal = JobGoal(items: request.items, deadlineS: deadline, maxCostPerMillion: cost, minimize: objective)
        let plan = try JobPlanner.plan(workerModel, goal: goal)
        let c = plan.choice
        let p = workerModel.platform
        var result = Result(
            status: plan.feasible ? "optimal" : "infeasible",
            choice: Choice(memoryMB: c.memoryMB, splitSize: c.shape.splitSize, workers: c.shape.activeWorkers, predicted: JobPredicted(c.prediction)),
            relativeGap: plan.feasible ? nil : goal.violation(of: c.prediction), items: goal.items, splits: c.shape.splits,
            minimize: goal.minimize.rawValue, deadlineS: goal.deadlineS, maxCostPerMillion: goal.maxCostPerMillion, model: request.model.label,
            evaluated: plan.evaluated,
            platform: JobPlatform(kind: p.kind.rawValue, pricePerGBSecond: p.pricePerGBSecond, pricePerRequest: p.pricePerRequest,
                                  billingGranularityMs: p.billingGranularityMs))
        result.modelName = workerModel.name
        result.waves = c.shape.waves
        return result
    }
}
