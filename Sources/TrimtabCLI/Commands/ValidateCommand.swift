import ArgumentParser
import TrimtabKit
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
        let result = try ValidateOperation.run(.init(workflow: .file(options.file)))
        return try CommandResult(result, format: options.format) {
            var out = "\(options.file): valid — workflow '\(result.name)', \(result.stages) stages, \(result.edges) edges, "
            out += "\(Render.fixed(result.configurations, 0)) configurations\n\n"
            let rows = result.stageOptions.map { s -> [String] in
                [s.stage, s.variants.isEmpty ? "-" : s.variants.joined(separator: ","),
                 "\(s.memoryMB.first ?? 0)–\(s.memoryMB.last ?? 0) (\(s.memoryMB.count))", Render.fixed(result.executions[s.stage] ?? 0, 4)]
            }
            out += Render.table(["stage", "variants", "memory_mb", "executions"], rows)
            if let goal = result.goal { out += "\ngoal: \(goal.phrase)\n" }
            return out
        }
    }
}
