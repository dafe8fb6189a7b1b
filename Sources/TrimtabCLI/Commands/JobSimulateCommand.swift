import ArgumentParser
import TrimtabKit
import TrimtabModel

/// `trimtab job simulate`: static vs dynamic vs speculative allocation under random split times.
struct JobSimulateCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a job under static, dynamic and speculative allocation; makespan p50/p99 over seeds and cost.",
        discussion: """
        Example:
          trimtab job simulate --model examples/image-job.yaml --items 2000 \\
            --workers 10,40 --split-size 32
        """)

    @OptionGroup var model: JobModelOptions
    @Option(help: "Number of items.") var items: Int = 20_000
    @Option(help: "Worker counts, comma-separated.") var workers: String = "50,100,300"
    @Option(name: .customLong("split-size"), help: "Items per split (default: the model's only split size).") var splitSize: Int?
    @Option(name: .customLong("memory-mb"), help: "Worker memory (default: the model's only setup).") var memoryMB: Int?
    @Option(help: "Seeds per configuration.") var seeds: Int = 100
    @Option(help: "σ of the log-normal split-time factor.") var sigma: Double = 0.2
    @Option(name: .customLong("straggler-probability"), help: "Probability that a split is a straggler (heavy tail).")
    var stragglerProbability: Double = 0.01
    @Option(name: .customLong("straggler-factor"), help: "Minimum slowdown of a straggler (Pareto minimum).") var stragglerFactor: Double = 3
    @Option(name: .customLong("tail-alpha"), help: "Pareto tail index of the straggler slowdown (smaller: heavier).") var tailAlpha: Double = 1.5
    @Option(name: .customLong("speculate-after"), help: "Share of splits done before speculation starts.") var speculateAfter: Double = 0.9
    @Option(name: .customLong("speculate-slowdown"), help: "Re-issue splits running longer than this × the median.") var speculateSlowdown: Double = 2
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        let r = try JobSimulateOperation.run(.init(
            model: model.source, items: items, workers: workers, splitSize: splitSize, memoryMB: memoryMB, seeds: seeds, sigma: sigma,
            stragglerProbability: stragglerProbability, stragglerFactor: stragglerFactor, tailAlpha: tailAlpha,
            speculateAfter: speculateAfter, speculateSlowdown: speculateSlowdown))
        return try CommandResult(r, format: format) {
            var out = "\(r.items) items, split \(r.splitSize), \(r.memoryMB) MB, \(r.seeds) seeds; split time × lognormal(σ=\(JSONValue.format(r.sigma)))"
            out += ", stragglers p=\(JSONValue.format(r.stragglerProbability)) × Pareto(min \(JSONValue.format(r.stragglerFactor)), α \(JSONValue.format(r.tailAlpha)))"
            out += "; speculation after \(JSONValue.format(r.speculateAfter * 100))% done at \(JSONValue.format(r.speculateSlowdown)) × median\n\n"
            out += Render.table(["workers", "policy", "makespan_p50_s", "makespan_p99_s", "mean_cost_usd", "copies"], r.results.map {
                [String($0.workers), $0.policy, Render.fixed($0.makespanP50S, 2), Render.fixed($0.makespanP99S, 2),
                 Render.fixed($0.meanCostUSD, 4), Render.fixed($0.meanCopies, 1)]
            }) + "\n"
            return out
        }
    }
}
