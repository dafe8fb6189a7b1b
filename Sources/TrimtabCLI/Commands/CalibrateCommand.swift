import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel

/// `trimtab calibrate`: learn a platform's own overhead from workflows that ran.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate", abstract: "Learn an orchestration platform's overhead from workflows that ran.",
        discussion: """
        Example:
          trimtab calibrate step-functions --definition App8.json \\
            --logs App8_Lambda_Logs.csv --runs App8_SFN_Logs.csv -o platform.yaml
        """,
        subcommands: [CalibrateStepFunctionsCommand.self])
}

/// `trimtab calibrate step-functions --definition D.json --logs L.csv --runs R.csv [...] -o platform.yaml`.
struct CalibrateStepFunctionsCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "step-functions",
        abstract: "Learn Step Functions' overhead per run and per Task invocation from run logs.",
        discussion: """
        Give one or more workflows that ran, each as --definition, --logs and --runs
        (in the same order). Every run's orchestration time (its duration minus the
        longest path through its own invocations) is regressed on the Task
        invocations on that path; the residuals give the spread. Apply the profile
        to a workflow that has not run with
        `trimtab import step-functions DEF.json --logs L.csv --platform P`.

        Example:
          trimtab calibrate step-functions \\
            --definition App8.json --logs App8_Lambda_Logs.csv \\
            --runs App8_SFN_Logs.csv --definition App10.json \\
            --logs App10_Lambda_Logs.csv --runs App10_SFN_Logs.csv \\
            -o platform.yaml
        """)

    @Option(help: "A state machine definition (Amazon States Language JSON); repeat per workflow.")
    var definition: [String] = []
    @Option(help: "Its Lambda log export with UTCTimestamp; repeat per workflow.")
    var logs: [String] = []
    @Option(help: "Its Step Functions run log (Start, End in seconds); repeat per workflow.")
    var runs: [String] = []
    @Option(name: [.customShort("o"), .customLong("output")],
            help: "Write the profile to this file (JSON for .json, else YAML) instead of stdout.")
    var output: String?
    @Option(help: "Summary on stderr: table or json.")
    var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        let result = try CalibrateStepFunctionsOperation.run(.init(definitions: definition, logs: logs, runs: runs))
        var out = try FitCommand.deliver(result.profile, produced: .yaml, to: output)
        let summary: String
        switch format {
        case .json:
            summary = try result.jsonText()
        case .table:
            var s = "overhead per run = \(Render.fixed(result.perRunMs, 2)) ms + \(Render.fixed(result.perTaskMs, 2)) ms per Task invocation on the critical path"
            s += " (residual sd \(Render.fixed(result.residualSdMs, 1)) ms, \(result.runs) runs)\n"
            s += Render.table(["workflow", "runs used", "mean overhead ms", "critical invocations"], result.workflows.map { w in
                [w.name, "\(w.runsUsed) of \(w.runsGiven)", Render.fixed(w.meanOverheadMs, 1), Render.fixed(w.meanCriticalInvocations, 3)]
            }) + "\n"
            summary = s
        }
        out.stderr = summary + out.stderr
        return out
    }
}
