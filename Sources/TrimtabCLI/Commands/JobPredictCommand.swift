import ArgumentParser
import TrimtabJob
import TrimtabKit
import TrimtabModel

/// `trimtab job predict`: cost and makespan of one job shape.
struct JobPredictCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the cost and makespan of a job.",
        discussion: """
        Example:
          trimtab job predict --model model.json --items 17810 --workers 225 \\
            --split-size 32
        """)

    @OptionGroup var model: JobModelOptions
    @Option(help: "Number of items.") var items: Int
    @Option(help: "Number of workers.") var workers: Int
    @Option(name: .customLong("split-size"), help: "Items per split (default: the model's only split size).") var splitSize: Int?
    @Option(name: .customLong("memory-mb"), help: "Worker memory (default: the model's only setup).") var memoryMB: Int?
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        let m = try model.load()
        let shape = JobShape(items: try JobFlags.positive(items, "--items"),
                             splitSize: try JobFlags.splitSize(m, splitSize, file: model.model),
                             workers: try JobFlags.positive(workers, "--workers"))
        let setup = try JobFlags.setup(m, memoryMB: memoryMB, file: model.model)
        guard let p = JobPredictor.predict(shape, setup: setup, model: m) else {
            throw TrimtabError(file: model.model, field: "workers[\(setup.memoryMB)].split_s", "has no time for split size \(shape.splitSize)")
        }
        switch format {
        case .json:
            let o: JSONValue = .object([("cost_usd", .number(p.costUSD)), ("makespan_s", .number(p.makespanS)),
                                        ("cost_per_million_items", .number(p.costPerMillionItems)),
                                        ("workers", .integer(shape.activeWorkers)), ("splits", .integer(shape.splits)),
                                        ("waves", .integer(shape.waves))])
            return CommandResult(stdout: o.render() + "\n")
        case .table:
            return CommandResult(stdout: "\(shape.items) items, \(shape.activeWorkers) workers × \(setup.memoryMB) MB, split \(shape.splitSize) "
                + "(\(shape.splits) splits, \(shape.waves) waves): makespan \(Render.fixed(p.makespanS, 2)) s · cost "
                + "\(Render.fixed(p.costUSD, 5)) USD · \(Render.fixed(p.costPerMillionItems, 2)) USD per 1M items\n")
        }
    }
}
