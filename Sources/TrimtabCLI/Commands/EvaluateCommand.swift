import ArgumentParser
import TrimtabKit
import TrimtabModel

/// `trimtab evaluate FILE --config C.json`: the model's prediction for one configuration.
struct EvaluateCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Predict latency, cost and accuracy of one configuration.",
        discussion: """
        Example:
          trimtab evaluate examples/image-tagging.yaml --config plan.json \\
            --format json
        """)

    @OptionGroup var options: WorkflowOptions
    @Option(help: "A JSON or YAML file holding a `configuration` object (a plan's JSON output works).")
    var config: String
    @Flag(help: "Also the composed end-to-end p95 and p99 (Monte Carlo over every stage's latency_spread) with their 95% intervals.")
    var tails = false
    @Option(name: .customLong("tail-runs"), help: "Monte Carlo runs for --tails (default 20000).")
    var tailRuns: Int?

    func execute() throws -> CommandResult {
        let result = try EvaluateOperation.run(.init(workflow: .file(options.file), configuration: .file(config),
                                                     tails: tails ? true : nil, tailRuns: tailRuns))
        return try CommandResult(result, format: options.format) {
            var out = Render.stageTable(result.stages) + "\n" + Render.summary(result.predicted) + "\n"
            if let c = result.composed {
                out += "composed (\(c.runs) runs): mean \(Render.fixed(c.latencyMeanMs, 1)) ms · p95 \(Render.fixed(c.latencyP95Ms, 1)) ms"
                    + " (95% interval \(Render.fixed(c.latencyP95IntervalMs[0], 1))–\(Render.fixed(c.latencyP95IntervalMs[1], 1)))"
                    + " · p99 \(Render.fixed(c.latencyP99Ms, 1)) ms (\(Render.fixed(c.latencyP99IntervalMs[0], 1))–\(Render.fixed(c.latencyP99IntervalMs[1], 1)))\n"
            }
            return out
        }
    }
}
