import ArgumentParser
import TrimtabJob
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
        let m = try model.load()
        let setup = try JobFlags.setup(m, memoryMB: memoryMB, file: model.model)
        let s = try JobFlags.splitSize(m, splitSize, file: model.model)
        _ = try JobFlags.positive(items, "--items")
        _ = try JobFlags.positive(seeds, "--seeds")
        var counts: [Int] = []
        for part in workers.split(separator: ",") {
            guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0 else {
                throw TrimtabError(field: "--workers", "'\(part)' is not a positive worker count")
            }
            counts.append(w)
        }
        guard !counts.isEmpty else { throw TrimtabError(field: "--workers", "needs at least one worker count") }
        guard sigma.isFinite, sigma >= 0 else { throw TrimtabError(field: "--sigma", "\(sigma) must not be negative") }
        guard (0...1).contains(stragglerProbability) else { throw TrimtabError(field: "--straggler-probability", "\(stragglerProbability) is not in [0, 1]") }
        guard stragglerFactor.isFinite, stragglerFactor >= 1 else { throw TrimtabError(field: "--straggler-factor", "\(stragglerFactor) must be ≥ 1") }
        guard tailAlpha.isFinite, tailAlpha > 0 else { throw TrimtabError(field: "--tail-alpha", "\(tailAlpha) must be positive") }
        guard (0...1).contains(speculateAfter) else { throw TrimtabError(field: "--speculate-after", "\(speculateAfter) is not in [0, 1]") }
        guard speculateSlowdown.isFinite, speculateSlowdown >= 1 else { throw TrimtabError(field: "--speculate-slowdown", "\(speculateSlowdown) must be ≥ 1") }

        let noise = SplitNoise(sigma: sigma, stragglerProbability: stragglerProbability, stragglerMinFactor: stragglerFactor, stragglerAlpha: tailAlpha)
        let simulator = JobSimulator(model: m, setup: setup, noise: noise)
        let policies: [AllocationPolicy] = [.staticAllocation, .dynamic, .speculative(afterShare: speculateAfter, slowdown: speculateSlowdown)]
        var summaries: [SimulationSummary] = []
        for w in counts {
            for policy in policies {
                guard let summary = SimulationSummary.over(seeds: seeds, simulator: simulator,
                                                           shape: JobShape(items: items, splitSize: s, workers: w), policy: policy) else {
                    throw TrimtabError(file: model.model, field: "workers[\(setup.memoryMB)].split_s", "has no time for split size \(s)")
                }
                summaries.append(summary)
            }
        }
        switch format {
        case .json:
            let rows: [JSONValue] = summaries.map {
                .object([("workers", .integer($0.workers)), ("policy", .string($0.policy)), ("makespan_p50_s", .number($0.makespanP50S)),
                         ("makespan_p99_s", .number($0.makespanP99S)), ("mean_cost_usd", .number($0.meanCostUSD)),
                         ("mean_copies", .number($0.meanCopies))])
            }
            return CommandResult(stdout: JSONValue.object([("items", .integer(items)), ("split_size", .integer(s)),
                                                           ("memory_mb", .integer(setup.memoryMB)), ("seeds", .integer(seeds)),
                                                           ("results", .array(rows))]).render() + "\n")
        case .table:
            var out = "\(items) items, split \(s), \(setup.memoryMB) MB, \(seeds) seeds; split time × lognormal(σ=\(JSONValue.format(sigma)))"
            out += ", stragglers p=\(JSONValue.format(stragglerProbability)) × Pareto(min \(JSONValue.format(stragglerFactor)), α \(JSONValue.format(tailAlpha)))"
            out += "; speculation after \(JSONValue.format(speculateAfter * 100))% done at \(JSONValue.format(speculateSlowdown)) × median\n\n"
            out += Render.table(["workers", "policy", "makespan_p50_s", "makespan_p99_s", "mean_cost_usd", "copies"], summaries.map {
                [String($0.workers), $0.policy, Render.fixed($0.makespanP50S, 2), Render.fixed($0.makespanP99S, 2),
                 Render.fixed($0.meanCostUSD, 4), Render.fixed($0.meanCopies, 1)]
            }) + "\n"
            return CommandResult(stdout: out)
        }
    }
}
