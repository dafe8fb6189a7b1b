import ArgumentParser
import Foundation
import TrimtabModel
import TrimtabSolve

/// `trimtab plan FILE`: the best configuration for the goal (from the file, flags override).
struct PlanCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Find the best configuration for the workflow's goal.",
        discussion: """
        Status optimal is proven optimal (exact, exhaustive); greedy answers are
        feasible, not proven.

        Example:
          trimtab plan examples/slapp-app3.yaml --max-latency-ms 3000
        """)

    @OptionGroup var options: WorkflowOptions
    @Option(help: "Objective to minimise: cost or latency (overrides the file's goal).")
    var minimize: String?
    @Option(help: "Objective to maximise: accuracy (overrides the file's goal).")
    var maximize: String?
    @OptionGroup var bounds: BoundOptions
    @OptionGroup var tailBounds: TailBoundOptions
    @Option(help: "exact (default, proven optimal), greedy (critical-path heuristic) or exhaustive (small workflows).")
    var solver: String = "exact"
    @Option(name: .customLong("time-limit"),
            help: "Seconds the exact solver may take; past it, the best configuration found is returned as feasible (not proven).")
    var timeLimit: Double?

    func execute() throws -> CommandResult {
        if let t = timeLimit, !(t.isFinite && t > 0) {
            throw TrimtabError(field: "--time-limit", "\(t) must be a positive number of seconds")
        }
        let model = try options.load()
        let goal = try Self.resolveGoal(model.workflow, minimize: minimize, maximize: maximize, bounds: bounds, file: options.file)
        let tails = try tailBounds.bounds()
        if !tails.isEmpty { return try tailBounds.plan(model, goal: goal, tails: tails, format: options.format, file: options.file) }
        guard let solver = Solvers.named(solver, timeLimit: timeLimit) else {
            throw TrimtabError(field: "--solver", "'\(solver)' is not a solver (expected \(Solvers.names.joined(separator: ", ")))")
        }
        let result = try solver.solve(model, goal: goal)
        return render(result, model: model, goal: goal, solverName: solver.name)
    }

    static func resolveGoal(_ workflow: Workflow, minimize: String?, maximize: String?, bounds: BoundOptions,
                            file: String) throws(TrimtabError) -> Goal {
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
            throw TrimtabError(file: file, field: "goal", "the file has no goal; give one or pass --minimize cost|latency or --maximize accuracy")
        }
        resolved.bounds = try bounds.apply(to: resolved.bounds)
        return resolved
    }

    static func describe(_ goal: Goal) -> String {
        var parts = [goal.objective.phrase]
        if let l = goal.bounds.maxLatencyMs { parts.append("latency ≤ \(JSONValue.format(l)) ms") }
        if let c = goal.bounds.maxCostPerMillion { parts.append("cost ≤ \(JSONValue.format(c)) USD/1M") }
        if let a = goal.bounds.minAccuracy { parts.append("accuracy ≥ \(JSONValue.format(a))") }
        return parts.joined(separator: "; ")
    }

    func render(_ result: PlanResult, model: WorkflowModel, goal: Goal, solverName: String) -> CommandResult {
        let status = result.status == .infeasible ? ExitStatus.infeasible : ExitStatus.success
        switch options.format {
        case .json:
            var fields: [(String, JSONValue)] = [("status", .string(result.status.rawValue))]
            if let indices = result.optionIndices, let p = result.prediction, result.status != .infeasible {
                fields.append(("configuration", Render.configuration(model, indices)))
                fields.append(("predicted", Render.predicted(p)))
            } else if !result.closestBounds.isEmpty {
                fields.append(("closest", .array(result.closestBounds.map(Self.reachJSON))))
                if let nearest = Self.nearest(result.closestBounds) {
                    fields.append(("closest_bound", .string(nearest.quantity.rawValue)))
                }
            }
            fields.append(("solver", .string(solverName)))
            return CommandResult(stdout: JSONValue.object(fields).render() + "\n", status: status)
        case .table:
            var out = "\(model.workflow.name): \(Self.describe(goal))\n"
            guard let indices = result.optionIndices, let p = result.prediction, result.status != .infeasible else {
                out += "status: infeasible (\(solverName)) — no configuration meets the bounds\n"
                for reach in result.closestBounds {
                    out += "  \(reach.quantity.rawValue): limit \(JSONValue.format(reach.limit)), "
                    if let best = reach.best, let gap = reach.relativeGap {
                        out += "best reachable with the other bounds kept \(Render.fixed(best, 4)) (\(Render.fixed(gap * 100, 1))% short)\n"
                    } else {
                        out += "the other bounds cannot all be met even without this one\n"
                    }
                }
                if let nearest = Self.nearest(result.closestBounds) {
                    out += "closest to feasible: \(nearest.quantity.rawValue)\n"
                }
                return CommandResult(stdout: out, status: status)
            }
            out += "status: \(result.status.rawValue) (\(solverName))\n\n"
            out += Render.stageTable(model, indices) + "\n"
            out += "predicted: " + Render.summary(p) + "\n"
            return CommandResult(stdout: out, status: status)
        }
    }

    static func reachJSON(_ r: BoundReach) -> JSONValue {
        .object([("bound", .string(r.quantity.rawValue)), ("limit", .number(r.limit)),
                 ("best", r.best.map { .number($0) } ?? .null), ("relative_gap", r.relativeGap.map { .number($0) } ?? .null)])
    }

    /// The bound that misses by the least (relatively) when the others are kept.
    static func nearest(_ reaches: [BoundReach]) -> BoundReach? {
        reaches.filter { $0.relativeGap != nil }.min { ($0.relativeGap ?? .infinity) < ($1.relativeGap ?? .infinity) }
    }
}
