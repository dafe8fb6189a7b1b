import TrimtabFit
import TrimtabModel
import TrimtabSolve

/// `plan`: the best configuration for a workflow's goal (the file's, with overrides), proven
/// optimal by the exact solver, optionally explained; under tail-latency bounds by the
/// tail-bound planner.
public enum PlanOperation {
    public struct Request: Codable, Sendable, Equatable {
        public var workflow: WorkflowSource
        public var minimize: String?
        public var maximize: String?
        public var maxLatencyMs: Double?
        public var maxCostPerMillion: Double?
        public var minAccuracy: Double?
        /// Bounds on the composed end-to-end p95/p99 latency (ms).
        public var maxLatencyP95Ms: Double?
        public var maxLatencyP99Ms: Double?
        /// `composed` or `conservative` (default: composed when every stage has a spread).
        public var tailRule: String?
        public var tailRuns: Int?
        /// `exact` (default), `greedy` or `exhaustive`.
        public var solver: String?
        /// Seconds the exact solver may take; past it the best found is `feasible`.
        public var timeLimit: Double?
        /// The exact solver stops once its answer is proven within this relative gap of the
        /// optimum (then `feasible`, with `objective_bound` and `gap`).
        public var gap: Double?
        public var explain: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case workflow, minimize, maximize, maxLatencyMs = "max_latency_ms", maxCostPerMillion = "max_cost_per_million"
            case minAccuracy = "min_accuracy", maxLatencyP95Ms = "max_latency_p95_ms", maxLatencyP99Ms = "max_latency_p99_ms"
            case tailRule = "tail_rule", tailRuns = "tail_runs", solver, timeLimit = "time_limit", gap, explain
        }

        /// The fields a request may hold (JSON keys and HTTP query parameters).
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(workflow: WorkflowSource, minimize: String? = nil, maximize: String? = nil, maxLatencyMs: Double? = nil,
                    maxCostPerMillion: Double? = nil, minAccuracy: Double? = nil, maxLatencyP95Ms: Double? = nil,
                    maxLatencyP99Ms: Double? = nil, tailRule: String? = nil, tailRuns: Int? = nil, solver: String? = nil,
                    timeLimit: Double? = nil, gap: Double? = nil, explain: Bool? = nil) {
            self.workflow = workflow
            self.minimize = minimize
            self.maximize = maximize
            self.maxLatencyMs = maxLatencyMs
            self.maxCostPerMillion = maxCostPerMillion
            self.minAccuracy = minAccuracy
            self.maxLatencyP95Ms = maxLatencyP95Ms
            self.maxLatencyP99Ms = maxLatencyP99Ms
            self.tailRule = tailRule
            self.tailRuns = tailRuns
            self.solver = solver
            self.timeLimit = timeLimit
            self.gap = gap
            self.explain = explain
        }

        var overrides: GoalOverrides {
            GoalOverrides(minimize: minimize, maximize: maximize, maxLatencyMs: maxLatencyMs,
                          maxCostPerMillion: maxCostPerMillion, minAccuracy: minAccuracy)
        }
    }

    /// The spec's plan JSON (`status`, `configuration`, `predicted`; `closest` when infeasible),
    /// then the solver, the explanation when asked for, and what front ends draw: the workflow's
    /// name, the goal and each stage's breakdown.
    public struct Result: Codable, Sendable, OperationResult {
        /// `optimal`, `feasible` or `infeasible`.
        public var status: String
        public var configuration: StageMap<StageChoice>?
        public var predicted: PredictedQuantities?
        /// For an infeasible goal: each bound's best reachable value with the others kept.
        public var closest: [ClosestBound]?
        /// The bound that misses by the least.
        public var closestBound: String?
        /// For a `feasible` answer stopped by the time limit or `gap`: the best objective value no
        /// configuration can beat, when proven (a lower bound on latency or cost, an upper
        /// bound on accuracy).
        public var objectiveBound: Double?
        /// |answer − objective_bound| / |answer|: how far from optimal the answer can be at most.
        public var gap: Double?
        public var solver: String
        public var explanation: PlanExplanation?
        public var workflow: String
        public var goal: GoalSummary
        public var stages: [StageBreakdown]?

        enum CodingKeys: String, CodingKey {
            case status, configuration, predicted, closest, closestBound = "closest_bound"
            case objectiveBound = "objective_bound", gap, solver, explanation
            case workflow, goal, stages
        }

        public var outcome: TrimtabError.Code? { status == "infeasible" ? .infeasible : nil }
    }

    /// One bound of an infeasible goal: its limit and the best value reachable with the other
    /// bounds kept (`null`: they cannot all hold). With a time limit, `proven: false` marks a
    /// re-solve that stopped at it: `best` is then the best value found (`null`: none found).
    public struct ClosestBound: Codable, Sendable, Equatable {
        public var bound: String
        public var limit: Double
        public var best: Double?
        public var relativeGap: Double?
        /// Nil (not encoded) when proven; false when the re-solve stopped at the time limit.
        public var proven: Bool?

        public init(bound: String, limit: Double, best: Double?, relativeGap: Double?, proven: Bool? = nil) {
            self.bound = bound
            self.limit = limit
            self.best = best
            self.relativeGap = relativeGap
            self.proven = proven
        }

        enum CodingKeys: String, CodingKey { case bound, limit, best, relativeGap = "relative_gap", proven }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(bound, forKey: .bound)
            try c.encode(limit, forKey: .limit)
            try c.encode(best, forKey: .best)
            try c.encode(relativeGap, forKey: .relativeGap)
            try c.encodeIfPresent(proven, forKey: .proven)
        }
    }

    /// Plans the request. `cancellation`, when set from elsewhere, stops the exact solver like
    /// its time limit does.
    /// - Complexity: the exact solver's (see `ExactSolver`); with `explain`, one re-solve per
    ///   bound and four per binding bound more.
    public static func run(_ request: Request, cancellation: SolveCancellation? = nil) throws(TrimtabError) -> Result {
        if let t = request.timeLimit, !(t.isFinite && t > 0) {
            throw TrimtabError(field: "--time-limit", "\(JSONValue.format(t, nonFinite: true)) must be a positive number of seconds")
        }
        if let g = request.gap, !(g.isFinite && g >= 0) {
            throw TrimtabError(field: "--gap", "\(JSONValue.format(g, nonFinite: true)) must be a relative gap of at least 0 (0.01: within 1 % of the optimum)")
        }
        let model = try request.workflow.load()
        let goal = try request.overrides.goal(for: model.workflow, label: request.workflow.label)
        let tails = try TailOptions(p95: request.maxLatencyP95Ms, p99: request.maxLatencyP99Ms,
                                    rule: request.tailRule, runs: request.tailRuns)
        let explain = request.explain ?? false
        if !tails.bounds.isEmpty {
            if explain { throw TrimtabError(field: "--explain", "is not available with tail-latency bounds (--max-latency-p95-ms, --max-latency-p99-ms)") }
            return try planTails(model, goal: goal, tails: tails, label: request.workflow.label)
        }
        let name = request.solver ?? "exact"
        guard var solver = Solvers.named(name, timeLimit: request.timeLimit) else {
            throw TrimtabError(field: "--solver", "'\(name)' is not a solver (expected \(Solvers.names.joined(separator: ", ")))")
        }
        if var exact = solver as? ExactSolver {
            exact.cancellation = cancellation
            exact.relativeGap = request.gap
            solver = exact
        }
        let plan = try solver.solve(model, goal: goal)
        var explanation: PlanExplanation? = nil
        if explain, plan.status != .infeasible, let indices = plan.optionIndices {
            // Moved goals are re-solved exactly: by enumeration if that was asked for, else by the exact solver.
            var exact = ExactSolver(timeLimit: request.timeLimit)
            exact.cancellation = cancellation
            let reSolver: any Solver = solver is ExhaustiveSolver ? solver : exact
            explanation = try PlanExplainer(solver: reSolver).explain(model, goal: goal, plan: indices,
                                                                      planIsOptimal: plan.status == .optimal)
        }
        var result = Result(status: plan.status.rawValue, solver: solver.name, explanation: explanation,
                            workflow: model.workflow.name, goal: GoalSummary(goal))
        if let indices = plan.optionIndices, let p = plan.prediction, plan.status != .infeasible {
            result.configuration = StageChoice.configuration(model, indices)
            result.predicted = PredictedQuantities(p)
            result.stages = StageBreakdown.of(model, indices)
            if plan.status == .feasible, let bound = plan.objectiveBound {
                result.objectiveBound = bound
                result.gap = ExactSolver.gap(answer: p, bound: bound, objective: goal.objective)
            }
        } else if !plan.closestBounds.isEmpty {
            result.closest = plan.closestBounds.map {
                ClosestBound(bound: $0.quantity.rawValue, limit: $0.limit, best: $0.best, relativeGap: $0.relativeGap,
                             proven: $0.proven ? nil : false)
            }
            result.closestBound = plan.closestBounds.filter { $0.relativeGap != nil }
                .min { ($0.relativeGap ?? .infinity) < ($1.relativeGap ?? .infinity) }?.quantity.rawValue
        }
        return result
    }

    static func planTails(_ model: WorkflowModel, goal: Goal, tails: TailOptions, label: String) throws(TrimtabError) -> Result {
        let r: TailPlan
        do { r = try TailBoundPlanner.plan(model, goal: goal, tails: tails.bounds, rule: tails.rule, runs: tails.runs) } catch {
            throw error.code == .invalidInput ? error.inFile(label) : error
        }
        let solver = r.rule == .composed
            ? "tail-bound (branch and bound; composed tails, Monte Carlo \(r.runs ?? tails.runs) runs)"
            : "tail-bound (branch and bound; conservative tails)"
        var summary = GoalSummary(goal)
        for b in tails.bounds {
            if b.quantile >= 0.99 { summary.maxLatencyP99Ms = b.maxMs } else { summary.maxLatencyP95Ms = b.maxMs }
        }
        var result = Result(status: r.status.rawValue, solver: solver, workflow: model.workflow.name, goal: summary)
        if let indices = r.optionIndices, let p = r.prediction {
            result.configuration = StageChoice.configuration(model, indices)
            var predicted = PredictedQuantities(p)
            for (b, v) in zip(tails.bounds, r.tails) {
                if b.quantile >= 0.99 { predicted.latencyP99Ms = v } else { predicted.latencyP95Ms = v }
            }
            result.predicted = predicted
            result.stages = StageBreakdown.of(model, indices)
        } else {
            result.closest = zip(tails.bounds, r.closestTails).map { b, best in
                ClosestBound(bound: TailOptions.key(b), limit: b.maxMs, best: best, relativeGap: best.map { ($0 - b.maxMs) / b.maxMs })
            }
        }
        return result
    }
}

/// Tail-latency bounds of a request, checked.
struct TailOptions {
    var bounds: [TailBound] = []
    var rule: TailRule?
    var runs: Int

    init(p95: Double?, p99: Double?, rule: String?, runs: Int?) throws(TrimtabError) {
        for (value, q, flag) in [(p95, 0.95, "--max-latency-p95-ms"), (p99, 0.99, "--max-latency-p99-ms")] {
            guard let v = value else { continue }
            guard v.isFinite, v > 0 else { throw TrimtabError(field: flag, "\(JSONValue.format(v, nonFinite: true)) must be a positive number") }
            bounds.append(TailBound(quantile: q, maxMs: v, flag: flag))
        }
        if let text = rule {
            guard let r = TailRule(rawValue: text) else {
                throw TrimtabError(field: "--tail-rule", "'\(text)' is not a tail rule (expected composed or conservative)")
            }
            self.rule = r
        }
        self.runs = try Self.runs(runs)
    }

    static func runs(_ n: Int?) throws(TrimtabError) -> Int {
        guard let n else { return ComposedTailLatency.defaultRuns }
        guard n >= 100, n <= 10_000_000 else { throw TrimtabError(field: "--tail-runs", "\(n) is not in 100...10000000") }
        return n
    }

    static func key(_ b: TailBound) -> String { b.quantile >= 0.99 ? "latency_p99_ms" : "latency_p95_ms" }
}
