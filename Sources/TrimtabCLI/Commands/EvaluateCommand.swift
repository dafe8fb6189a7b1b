import ArgumentParser
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

    func execute() throws -> CommandResult {
        let model = try options.load()
        let configuration = try ConfigurationParser.load(path: config)
        let indices: [Int]
        do { indices = try model.optionIndices(for: configuration) } catch { throw error.inFile(config) }
        let prediction = model.predict(optionIndices: indices)
        switch options.format {
        case .json:
            let json = JSONValue.object([("predicted", Render.predicted(prediction)), ("executions", Render.executions(model))])
            return CommandResult(stdout: json.render() + "\n")
        case .table:
            return CommandResult(stdout: Render.stageTable(model, indices) + "\n" + Render.summary(prediction) + "\n")
        }
    }
}
