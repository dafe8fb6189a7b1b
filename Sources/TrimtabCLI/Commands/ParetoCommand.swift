import ArgumentParser
import TrimtabKit
import TrimtabModel

/// `trimtab pareto FILE`: every non-dominated (latency, cost, accuracy) point meeting the bounds.
struct ParetoCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "pareto",
        abstract: "List every non-dominated (latency, cost, accuracy) configuration meeting the bounds.",
        discussion: """
        Example:
          trimtab pareto examples/video-pipeline.yaml --plot
        """)

    @OptionGroup var options: WorkflowOptions
    @OptionGroup var bounds: BoundOptions
    @Flag(help: "Also draw latency against cost (table output).")
    var plot = false

    func execute() throws -> CommandResult {
        let result = try ParetoOperation.run(.init(workflow: .file(options.file), maxLatencyMs: bounds.maxLatencyMs,
                                                   maxCostPerMillion: bounds.maxCostPerMillion, minAccuracy: bounds.minAccuracy))
        let points = result.points
        return try CommandResult(result, format: options.format) {
            var out = "\(result.workflow): \(points.count) non-dominated configurations\n\n"
            let rows = points.enumerated().map { i, p -> [String] in
                [String(i + 1), Render.fixed(p.predicted.latencyMs, 2), Render.fixed(p.predicted.costPerMillionUSD, 4),
                 Render.fixed(p.predicted.accuracy, 4),
                 p.configuration.entries.map { "\($0.stage)=\($0.value.shortText)" }.joined(separator: " ")]
            }
            out += Render.table(["#", "latency_ms", "cost_per_1M_usd", "accuracy", "configuration"], rows)
            if plot && !points.isEmpty {
                out += "\n" + Render.scatter(points.map { ($0.predicted.latencyMs, $0.predicted.costPerMillionUSD) },
                                             xLabel: "expected latency (ms)", yLabel: "cost per 1M runs (USD)")
            }
            return out
        }
    }
}
