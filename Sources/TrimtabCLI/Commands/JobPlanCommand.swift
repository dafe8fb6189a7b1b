import ArgumentParser
import Foundation
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
        let result = try JobPlanOperation.run(.init(model: model.source, items: items, deadlineS: deadlineS,
                                                    maxCostPerMillion: maxCostPerMillion, minimize: minimize))
        if let output {
            try OutputFile.write(try result.jsonText(), produced: .json, to: output)
        }
        return try CommandResult(result, format: format) { Self.table(result) }
    }

    static func table(_ r: JobPlanOperation.Result) -> String {
        var bounds: [String] = []
        if let d = r.deadlineS { bounds.append("makespan ≤ \(JSONValue.format(d)) s") }
        if let c = r.maxCostPerMillion { bounds.append("cost ≤ \(JSONValue.format(c)) USD per 1M items") }
        var out = "\(r.modelName): \(r.items) items; minimize \(r.minimize); \(bounds.joined(separator: "; "))\n"
        let c = r.choice
        if r.status != "infeasible" {
            out += "status: optimal (exact over \(r.evaluated) grid points)\n\n"
        } else {
            out += "status: infeasible — nothing on the grid meets the target; closest option "
            out += "(misses by \(Render.fixed((r.relativeGap ?? 0) * 100, 1))%):\n\n"
        }
        out += Render.table(["memory_mb", "split_size", "workers", "splits", "waves", "makespan_s", "cost_usd", "cost_per_1M_items"],
                            [[String(c.memoryMB), String(c.splitSize), String(c.workers), String(r.splits),
                              String(r.waves), Render.fixed(c.predicted.makespanS, 2), Render.fixed(c.predicted.costUSD, 5),
                              Render.fixed(c.predicted.costPerMillionItems, 2)]]) + "\n"
        return out
    }
}
