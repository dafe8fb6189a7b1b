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
          trimtab pareto examples/video-pipeline.yaml -o front.svg

        -o writes the output to a file whose format follows its extension: .json
        or .yaml the JSON, .svg the front drawn (expected latency against cost,
        one series per accuracy), any other name what --format chose.
        """)

    @OptionGroup var options: WorkflowOptions
    @OptionGroup var bounds: BoundOptions
    @Flag(help: "Also draw latency against cost (table output).")
    var plot = false
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the output here; .svg draws the front.")
    var output: String?

    func execute() throws -> CommandResult {
        let result = try ParetoOperation.run(.init(workflow: .file(options.file), maxLatencyMs: bounds.maxLatencyMs,
                                                   maxCostPerMillion: bounds.maxCostPerMillion, minAccuracy: bounds.minAccuracy))
        let points = result.points
        if let output, output.lowercased().hasSuffix(".svg") {
            try OutputFile.write(try Self.svg(result), produced: .text("SVG"), to: output)
            return CommandResult(stdout: "wrote \(output): \(points.count) non-dominated configurations\n")
        }
        let printed = try CommandResult(result, format: options.format) {
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
        guard let output else { return printed }
        if OutputFile.declared(by: output) != nil {
            try OutputFile.write(try result.jsonText(), produced: .json, to: output)
        } else {
            try OutputFile.write(printed.stdout, produced: options.format == .json ? .json : .text("a table"), to: output)
        }
        return CommandResult(stdout: "wrote \(output): \(points.count) non-dominated configurations\n", status: printed.status)
    }

    /// The front drawn: expected latency against cost, one series per distinct accuracy (rounded
    /// to 4 decimals), so the trade-off between all three objectives shows.
    static func svg(_ result: ParetoOperation.Result) throws(TrimtabError) -> String {
        var order: [String] = []
        var groups: [String: [SVGChart.Point]] = [:]
        for p in result.points.sorted(by: { $0.predicted.accuracy > $1.predicted.accuracy }) {
            let key = "accuracy " + Render.fixed(p.predicted.accuracy, 4)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(SVGChart.Point(x: p.predicted.latencyMs, y: p.predicted.costPerMillionUSD))
        }
        let series = order.map { SVGChart.Series(name: $0, points: (groups[$0] ?? []).sorted { $0.x < $1.x }, mark: .points) }
        return try SVGChart(title: "\(result.workflow): Pareto front", xLabel: "expected latency (ms)",
                            yLabel: "cost per 1M runs (USD)", series: series).render()
    }
}
