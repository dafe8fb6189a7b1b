import ArgumentParser
import TrimtabFit
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
        let model = try options.load()
        let configuration = try ConfigurationParser.load(path: config)
        let indices: [Int]
        do { indices = try model.optionIndices(for: configuration) } catch { throw error.inFile(config) }
        let prediction = model.predict(optionIndices: indices)
        var composed: ComposedTailSummary? = nil
        if tails {
            let runs = tailRuns ?? ComposedTailLatency.defaultRuns
            guard runs >= 100, runs <= 10_000_000 else { throw TrimtabError(field: "--tail-runs", "\(runs) is not in 100...10000000") }
            let sampler: ComposedTailLatency
            do { sampler = try ComposedTailLatency(model, runs: runs, flag: "--tails") } catch { throw error.inFile(options.file) }
            composed = sampler.summary(ComposedTailLatency.settings(model, optionIndices: indices), quantiles: [0.95, 0.99])
        }
        switch options.format {
        case .json:
            var fields: [(String, JSONValue)] = [("predicted", Render.predicted(prediction)), ("executions", Render.executions(model))]
            if let c = composed {
                fields.append(("composed", .object([
                    ("runs", .integer(c.runs)), ("latency_mean_ms", .number(c.meanMs)),
                    ("latency_p95_ms", .number(c.valuesMs[0])), ("latency_p99_ms", .number(c.valuesMs[1])),
                    ("latency_p95_interval_ms", .array([.number(c.intervalsMs[0].0), .number(c.intervalsMs[0].1)])),
                    ("latency_p99_interval_ms", .array([.number(c.intervalsMs[1].0), .number(c.intervalsMs[1].1)])),
                ])))
            }
            return CommandResult(stdout: JSONValue.object(fields).render() + "\n")
        case .table:
            var out = Render.stageTable(model, indices) + "\n" + Render.summary(prediction) + "\n"
            if let c = composed {
                out += "composed (\(c.runs) runs): mean \(Render.fixed(c.meanMs, 1)) ms · p95 \(Render.fixed(c.valuesMs[0], 1)) ms"
                    + " (95% interval \(Render.fixed(c.intervalsMs[0].0, 1))–\(Render.fixed(c.intervalsMs[0].1, 1)))"
                    + " · p99 \(Render.fixed(c.valuesMs[1], 1)) ms (\(Render.fixed(c.intervalsMs[1].0, 1))–\(Render.fixed(c.intervalsMs[1].1, 1)))\n"
            }
            return CommandResult(stdout: out)
        }
    }
}
