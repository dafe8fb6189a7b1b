import ArgumentParser
import TrimtabModel

/// `trimtab validate FILE`: checks a workflow file and summarises it.
struct ValidateCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a workflow file and summarise it.",
        discussion: """
        Example:
          trimtab validate examples/video-pipeline.yaml
        """)

    @OptionGroup var options: WorkflowOptions

    func execute() throws -> CommandResult {
        let model = try options.load()
        let w = model.workflow
        let configurations = model.options.reduce(1.0) { $0 * Double($1.count) }
        switch options.format {
        case .json:
            let json = JSONValue.object([
                ("valid", .bool(true)), ("name", .string(w.name)), ("platform", .string(w.platform.kind.rawValue)),
                ("stages", .integer(w.stages.count)), ("edges", .integer(w.edges.count)),
                ("configurations", .number(configurations)), ("executions", Render.executions(model)),
            ])
            return CommandResult(stdout: json.render() + "\n")
        case .table:
            var out = "\(options.file): valid — workflow '\(w.name)', \(w.stages.count) stages, \(w.edges.count) edges, "
            out += "\(Render.fixed(configurations, 0)) configurations\n\n"
            let rows = w.stages.enumerated().map { s, stage -> [String] in
                let sizes = Set(stage.variants.flatMap { $0.latency.map(\.memoryMB) }).sorted()
                return [stage.name, stage.hasVariants ? stage.variants.map(\.name).joined(separator: ",") : "-",
                        "\(sizes.first ?? 0)–\(sizes.last ?? 0) (\(sizes.count))", Render.fixed(model.executions[s], 4)]
            }
            out += Render.table(["stage", "variants", "memory_mb", "executions"], rows)
            if let goal = w.goal { out += "\ngoal: \(PlanCommand.describe(goal))\n" }
            return CommandResult(stdout: out)
        }
    }
}
