import ArgumentParser
import Foundation
import TrimtabKit
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
    @Option(help: "Stop once the answer is proven within this relative gap of the optimum (0.01: 1 %); it is then feasible, with its proven bound and gap.")
    var gap: Double?
    @Flag(help: "Explain the plan: binding bounds and slack, critical path and shares, the optimum with each binding bound moved ±5 % and ±10 % (re-solved), each stage's best single change.")
    var explain = false

    func execute() throws -> CommandResult {
        let request = PlanOperation.Request(
            workflow: .file(options.file), minimize: minimize, maximize: maximize, maxLatencyMs: bounds.maxLatencyMs,
            maxCostPerMillion: bounds.maxCostPerMillion, minAccuracy: bounds.minAccuracy,
            maxLatencyP95Ms: tailBounds.maxLatencyP95Ms, maxLatencyP99Ms: tailBounds.maxLatencyP99Ms,
            tailRule: tailBounds.tailRule, tailRuns: tailBounds.tailRuns, solver: solver, timeLimit: timeLimit,
            gap: gap, explain: explain ? true : nil)
        let result = try PlanOperation.run(request)
        return try CommandResult(result, format: options.format) { Self.table(result) }
    }

    /// The table output: the goal, the status, each stage's choice and the prediction (or, when
    /// infeasible, how close each bound comes), and the explanation when asked for.
    static func table(_ r: PlanOperation.Result) -> String {
        var goalText = r.goal.phrase
        if let p95 = r.goal.maxLatencyP95Ms { goalText += "; latency_p95_ms ≤ \(JSONValue.format(p95)) ms" }
        if let p99 = r.goal.maxLatencyP99Ms { goalText += "; latency_p99_ms ≤ \(JSONValue.format(p99)) ms" }
        var out = "\(r.workflow): \(goalText)\n"
        guard let stages = r.stages, let p = r.predicted, r.status != "infeasible" else {
            out += "status: infeasible (\(r.solver)) — no configuration meets the bounds\n"
            for reach in r.closest ?? [] {
                out += "  \(reach.bound): limit \(JSONValue.format(reach.limit)), "
                if reach.proven == false {
                    out += reach.best.map { "best found with the other bounds kept within the time limit \(Render.fixed($0, 4)) (not proven best)\n" }
                        ?? "not settled within the time limit\n"
                } else if let best = reach.best, let gap = reach.relativeGap {
                    out += "best reachable with the other bounds kept \(Render.fixed(best, 4)) (\(Render.fixed(gap * 100, 1))% short)\n"
                } else {
                    out += "the other bounds cannot all be met even without this one\n"
                }
            }
            if let nearest = r.closestBound { out += "closest to feasible: \(nearest)\n" }
            return out
        }
        out += "status: \(r.status) (\(r.solver))\n"
        if let bound = r.objectiveBound, let gap = r.gap {
            let better = r.goal.objective == "accuracy" ? "above" : "below"
            out += "not proven optimal (stopped by the time limit or --gap); no configuration is \(better) \(Render.fixed(bound, 4)) (gap at most \(Render.fixed(gap * 100, 3))%)\n"
        }
        out += "\n"
        out += Render.stageTable(stages) + "\n"
        out += "predicted: " + Render.summary(p)
        if let v = p.latencyP95Ms { out += ", latency_p95_ms \(Render.fixed(v, 1)) ms" }
        if let v = p.latencyP99Ms { out += ", latency_p99_ms \(Render.fixed(v, 1)) ms" }
        out += "\n"
        if let explanation = r.explanation { out += "\n" + Self.explanationText(explanation) }
        return out
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
