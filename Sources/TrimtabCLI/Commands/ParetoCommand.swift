import ArgumentParser
import TrimtabModel
import TrimtabSolve

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
        let model = try options.load()
        let fileBounds = model.workflow.goal?.bounds ?? Bounds()
        let effective = try bounds.apply(to: fileBounds)
        let points = ExactSolver().pareto(model, bounds: effective)
        switch options.format {
        case .json:
            let json = JSONValue.object([("points", .array(points.map {
                .object([("configuration", Render.configuration(model, $0.optionIndices)), ("predicted", Render.predicted($0.prediction))])
            }))])
            return CommandResult(stdout: json.render() + "\n")
        case .table:
            var out = "\(model.workflow.name): \(points.count) non-dominated configurations\n\n"
            let rows = points.enumerated().map { i, p -> [String] in
                let config = model.configuration(optionIndices: p.optionIndices)
                let text = model.workflow.stages.map { s -> String in
                    guard let c = config[s.name] else { return s.name }
                    return "\(s.name)=" + (c.variant.map { "\($0)@" } ?? "") + "\(c.memoryMB)"
                }.joined(separator: " ")
                return [String(i + 1), Render.fixed(p.prediction.latencyMs, 2), Render.fixed(p.prediction.costPerMillion, 4),
                        Render.fixed(p.prediction.accuracy, 4), text]
            }
            out += Render.table(["#", "latency_ms", "cost_per_1M_usd", "accuracy", "configuration"], rows)
            if plot && !points.isEmpty {
                out += "\n" + Render.scatter(points.map { ($0.prediction.latencyMs, $0.prediction.costPerMillion) },
                                             xLabel: "expected latency (ms)", yLabel: "cost per 1M runs (USD)")
            }
            return CommandResult(stdout: out)
        }
    }
}
