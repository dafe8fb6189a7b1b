import ArgumentParser
import TrimtabModel

/// `trimtab evaluate FILE --config C.json`: the model's prediction for one configuration.
struct EvaluateCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate",
                                                    abstract: "Predict latency, cost and accuracy of one configuration.")

    @OptionGroup var options: WorkflowOptions
    @Option(help: "A JSON or YAML file holding a `configuration` object (a plan's JSON output works).")
    var config: String

    func execute() throws -> CommandResult {
        let model = try options.load()
        let configuration = try ConfigurationFile.load(path: config)
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

/// Reads `{"configuration": {stage: {variant?, memory_mb}}}`.
enum ConfigurationFile {
    static func load(path: String) throws(TrimtabError) -> Configuration {
        let value = try Value.load(path: path)
        do throws(TrimtabError) {
            let root = FieldReader(value)
            let body = try root.required("configuration")
            var result: Configuration = [:]
            for (name, reader) in try body.entries() {
                try reader.rejectUnknownKeys(["variant", "memory_mb"])
                let memoryReader = try reader.required("memory_mb")
                let memory = try memoryReader.int()
                guard memory > 0 else { throw memoryReader.error("\(memory) must be a positive number of MB") }
                result[name] = StageChoice(variant: try reader.optional("variant")?.string(), memoryMB: memory)
            }
            return result
        } catch {
            throw error.inFile(path)
        }
    }
}
