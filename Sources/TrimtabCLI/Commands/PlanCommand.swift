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
    @Flag(help: "Explain the plan: binding bounds and slack, critical path and shares, the optimum with each binding bound moved ±5 % and ±10 % (re-solved), each stage's best single change.")
    var explain = false

    func execute() throws -> CommandResult {
        if let t = timeLimit, !(t.isFinite && t > 0) {
            throw TrimtabError(field: "--time-limit", "\(t) must be a positive number of seconds")
        }
        let model = try options.load()
        let goal = try Self.resolveGoal(model.workflow, minimize: minimize, maximize: maximize, bounds: bounds, file: options.file)
        let tails = try tailBounds.bounds()
        if !tails.isEmpty {
            if explain { throw TrimtabError(field: "--explain", "is not available with tail-latency bounds (--max-latency-p95-ms, --max-latency-p99-ms)") }
            return try tailBounds.plan(model, goal: goal, tails: tails, format: options.format, file: options.file)
        }
        guard let solver = Solvers.named(solver, timeLimit: timeLimit) else {
            throw TrimtabError(field: "--solver", "'\(solver)' is not a solver (expected \(Solvers.names.joined(separator: ", ")))")
        }
        let result = try solver.solve(model, goal: goal)
        var explanation: PlanExplanation? = nil
        if explain, result.status != .infeasible, let indices = result.optionIndices {
            // Moved goals are re-solved exactly: by enumeration if that was asked for, else by the exact solver.
            let reSolver: any Solver = solver is ExhaustiveSolver ? solver : ExactSolver(timeLimit: timeLimit)
            explanation = try PlanExplainer(solver: reSolver).explain(model, goal: goal, plan: indices,
                                                                      planIsOptimal: result.status == .optimal)
        }
        return try render(result, model: model, goal: goal, solverName: solver.name, explanation: explanation)
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

    func render(_ result: PlanResult, model: WorkflowModel, goal: Goal, solverName: String,
                explanation: PlanExplanation? = nil) throws(TrimtabError) -> CommandResult {
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
            if let explanation { fields.append(("explanation", try JSONValue.encoding(explanation))) }
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
            if let explanation { out += "\n" + Self.explanationText(explanation) }
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

extension PlanCommand {
    /// A quantity's value for people: ms with 2 decimals, USD and accuracy with 4.
    static func show(_ q: BoundReach.Quantity, _ x: Double, signed: Bool = false) -> String {
        let text = Render.fixed(x, q == .latency ? 2 : 4)
        return signed && x >= 0 ? "+" + text : text
    }

    static func quantity(ofObjective objective: String) -> BoundReach.Quantity {
        switch objective {
        case "latency": return .latency
        case "cost": return .cost
        default: return .accuracy
        }
    }

    static func boundText(_ q: BoundReach.Quantity, _ limit: Double) -> String {
        "\(q.rawValue) \(q == .accuracy ? "≥" : "≤") \(JSONValue.format(limit))"
    }

    static func outcomeText(_ o: SolveOutcome, objective: BoundReach.Quantity) -> String {
        guard let value = o.objectiveValue, let change = o.objectiveChange else { return "infeasible" }
        let changed = o.stagesChanged?.count ?? 0
        return "\(objective.rawValue) \(show(objective, value)) (\(show(objective, change, signed: true))), "
            + "\(changed) stage\(changed == 1 ? "" : "s") changed" + (o.status == "optimal" ? "" : " [\(o.status)]")
    }

    /// The `--explain` section of the table output.
    static func explanationText(_ e: PlanExplanation) -> String {
        let objective = quantity(ofObjective: e.objective)
        var out = "explanation (\(e.resolves) re-solve\(e.resolves == 1 ? "" : "s"))\n"
        if e.bounds.isEmpty { out += "bounds: none\n" }
        for b in e.bounds {
            out += "  \(boundText(b.bound, b.limit)): \(show(b.bound, b.value)), slack \(show(b.bound, b.slack)) "
                + "(\(Render.fixed(b.relativeSlack * 100, 1))%) — "
            out += b.binding ? "binds; without it: \(outcomeText(b.withoutBound, objective: objective))\n" : "does not bind\n"
        }
        out += "critical path: " + (e.criticalPath.isEmpty ? "-" : e.criticalPath.joined(separator: " → ")) + "\n\n"
        out += Render.table(["stage", "choice", "latency_ms", "criticality", "latency share", "cost_per_1M_usd", "cost share"],
                            e.stages.map { s in
                                [s.stage, s.choice.description, Render.fixed(s.latencyMs, 1), Render.fixed(s.criticality, 4),
                                 Render.fixed(s.latencyShare * 100, 1) + "%", Render.fixed(s.costPerMillion, 4),
                                 Render.fixed(s.costShare * 100, 1) + "%"]
                            })
        if !e.sensitivity.isEmpty {
            out += "\nbinding bounds moved (re-solved exactly):\n"
            for s in e.sensitivity {
                for v in s.variations {
                    let verb = v.relaxPercent > 0 ? "relaxed" : "tightened"
                    out += "  \(boundText(s.bound, s.limit)) \(verb) \(JSONValue.format(abs(v.relaxPercent)))% to "
                        + "\(JSONValue.format(v.limit)): \(outcomeText(v.outcome, objective: objective))\n"
                }
            }
        }
        out += "\nbest single change per stage (the rest kept):\n"
        for c in e.changes {
            guard let to = c.to, let d = c.delta else {
                out += "  \(c.stage): no change improves \(objective.rawValue)\n"
                continue
            }
            // What the change buys and costs; a quantity it leaves unchanged is not shown.
            let parts = [(d.accuracy, "accuracy \(show(.accuracy, d.accuracy, signed: true))"),
                         (d.costPerMillion, "cost \(show(.cost, d.costPerMillion, signed: true)) USD per 1M runs"),
                         (d.latencyMs, "latency \(show(.latency, d.latencyMs, signed: true)) ms")].filter { $0.0 != 0 }.map(\.1)
            var line = "  \(c.stage): \(c.from) → \(to): " + parts.joined(separator: ", ")
            if c.breaks.isEmpty {
                line += " (meets every bound)"
            } else {
                line += " (breaks \(c.breaks.map(\.rawValue).joined(separator: ", ")); worst by \(Render.fixed((c.excess ?? 0) * 100, 1))%)"
            }
            out += line + "\n"
        }
        return out
    }
}
