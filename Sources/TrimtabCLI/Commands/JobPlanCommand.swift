import ArgumentParser
import Foundation
import TrimtabJob
import TrimtabKit
import TrimtabModel

/// `trimtab job plan`: memory, split size and worker count for a deadline or a cost target.
struct JobPlanCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Choose memory, split size and worker count for a job (exact over the model's grid).",
        discussion: """
        Exit status 3 (infeasible) with the closest option when nothing meets the
        target.

        Example:
          trimtab job plan --model examples/image-job.yaml --items 20000 \\
            --deadline-s 30 -o plan.json
        """)

    @OptionGroup var model: JobModelOptions
    @Option(help: "Number of items in the job.") var items: Int
    @Option(name: .customLong("deadline-s"), help: "Makespan bound (s).") var deadlineS: Double?
    @Option(name: .customLong("max-cost-per-million"), help: "Bound on the cost per million items (USD).") var maxCostPerMillion: Double?
    @Option(help: "cost or makespan (default: cost with a deadline, makespan with a cost bound).") var minimize: String?
    @Option(help: "Output: table or json.") var format: OutputFormat = .table
    @Option(name: [.customShort("o"), .customLong("output")], help: "Also write the plan to this file (JSON; YAML for a .yaml/.yml name), for `job run` and `job manifest`.")
    var output: String?

    func execute() throws -> CommandResult {
        _ = try JobFlags.positive(items, "--items")
        let deadline = try JobFlags.positive(deadlineS, "--deadline-s")
        let cost = try JobFlags.positive(maxCostPerMillion, "--max-cost-per-million")
        guard deadline != nil || cost != nil else {
            throw TrimtabError(field: "--deadline-s", "give --deadline-s or --max-cost-per-million (or both)")
        }
        var objective: JobGoal.Objective?
        if let m = minimize {
            guard let o = JobGoal.Objective(rawValue: m) else { throw TrimtabError(field: "--minimize", "'\(m)' is not cost or makespan") }
            objective = o
        }
        let workerModel = try model.load()
        let goal = JobGoal(items: items, deadlineS: deadline, maxCostPerMillion: cost, minimize: objective)
        let plan = try JobPlanner.plan(workerModel, goal: goal)
        let json = Self.json(plan, goal: goal, model: workerModel, file: model.model)
        if let output {
            try OutputFile.write(json.render() + "\n", produced: .json, to: output)
        }
        let status = plan.feasible ? ExitStatus.success : ExitStatus.infeasible
        switch format {
        case .json:
            return CommandResult(stdout: json.render() + "\n", status: status)
        case .table:
            return CommandResult(stdout: Self.table(plan, goal: goal, model: workerModel), status: status)
        }
    }

    static func choiceFields(_ c: JobChoice) -> [(String, JSONValue)] {
        [("memory_mb", .integer(c.memoryMB)), ("split_size", .integer(c.shape.splitSize)), ("workers", .integer(c.shape.activeWorkers)),
         ("predicted", JobFlags.predicted(c.prediction))]
    }

    static func json(_ plan: JobPlan, goal: JobGoal, model: WorkerModel, file: String) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        if plan.feasible {
            fields += choiceFields(plan.choice)
            fields.append(("status", .string("optimal")))
        } else {
            fields.append(("status", .string("infeasible")))
            fields.append(("closest", .object(choiceFields(plan.choice))))
            fields.append(("relative_gap", .number(goal.violation(of: plan.choice.prediction))))
        }
        fields += [("items", .integer(goal.items)), ("splits", .integer(plan.choice.shape.splits)),
                   ("minimize", .string(goal.minimize.rawValue)),
                   ("deadline_s", goal.deadlineS.map { .number($0) } ?? .null),
                   ("max_cost_per_million", goal.maxCostPerMillion.map { .number($0) } ?? .null),
                   ("model", .string(file)), ("evaluated", .integer(plan.evaluated)),
                   ("platform", .object([("kind", .string(model.platform.kind.rawValue)),
                                         ("price_per_gb_second", .number(model.platform.pricePerGBSecond)),
                                         ("price_per_request", .number(model.platform.pricePerRequest)),
                                         ("billing_granularity_ms", .number(model.platform.billingGranularityMs))]))]
        return .object(fields)
    }

    static func table(_ plan: JobPlan, goal: JobGoal, model: WorkerModel) -> String {
        var bounds: [String] = []
        if let d = goal.deadlineS { bounds.append("makespan ≤ \(JSONValue.format(d)) s") }
        if let c = goal.maxCostPerMillion { bounds.append("cost ≤ \(JSONValue.format(c)) USD per 1M items") }
        var out = "\(model.name): \(goal.items) items; minimize \(goal.minimize.rawValue); \(bounds.joined(separator: "; "))\n"
        let c = plan.choice
        if plan.feasible {
            out += "status: optimal (exact over \(plan.evaluated) grid points)\n\n"
        } else {
            out += "status: infeasible — nothing on the grid meets the target; closest option "
            out += "(misses by \(Render.fixed(goal.violation(of: c.prediction) * 100, 1))%):\n\n"
        }
        out += Render.table(["memory_mb", "split_size", "workers", "splits", "waves", "makespan_s", "cost_usd", "cost_per_1M_items"],
                            [[String(c.memoryMB), String(c.shape.splitSize), String(c.shape.activeWorkers), String(c.shape.splits),
                              String(c.shape.waves), Render.fixed(c.prediction.makespanS, 2), Render.fixed(c.prediction.costUSD, 5),
                              Render.fixed(c.prediction.costPerMillionItems, 2)]]) + "\n"
        return out
    }
}
