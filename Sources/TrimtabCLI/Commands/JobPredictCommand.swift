import ArgumentParser
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
        let r = try JobPredictOperation.run(.init(model: model.source, items: items, workers: workers, splitSize: splitSize, memoryMB: memoryMB))
        return try CommandResult(r, format: format) {
            "\(r.items) items, \(r.workers) workers × \(r.memoryMB) MB, split \(r.splitSize) "
                + "(\(r.splits) splits, \(r.waves) waves): makespan \(Render.fixed(r.makespanS, 2)) s · cost "
                + "\(Render.fixed(r.costUSD, 5)) USD · \(Render.fixed(r.costPerMillionItems, 2)) USD per 1M items\n"
        }
    }
}
