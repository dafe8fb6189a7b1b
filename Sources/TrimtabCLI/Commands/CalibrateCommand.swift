import ArgumentParser
import Foundation
import TrimtabFit
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
        guard !definition.isEmpty else { throw TrimtabError(field: "--definition", "give at least one workflow (--definition, --logs, --runs)") }
        guard logs.count == definition.count else {
            throw TrimtabError(field: "--logs", "\(logs.count) given for \(definition.count) --definition (give one per workflow, in the same order)")
        }
        guard runs.count == definition.count else {
            throw TrimtabError(field: "--runs", "\(runs.count) given for \(definition.count) --definition (give one per workflow, in the same order)")
        }
        var workflows: [CalibrationWorkflow] = []
        for i in definition.indices {
            let machine = try StateMachine.load(path: definition[i])
            let measurements = try MeasurementReader.load(path: logs[i])
            let records = try RunLogReader.load(path: runs[i])
            workflows.append(CalibrationWorkflow(name: URL(fileURLWithPath: definition[i]).deletingPathExtension().lastPathComponent,
                                                 machine: machine, logs: measurements, runs: records,
                                                 definitionFile: definition[i], logsFile: logs[i], runsFile: runs[i]))
        }
        let calibration = try PlatformCalibrator.calibrate(workflows)
        let p = calibration.profile
        var out = try FitCommand.deliver(p.yaml(), produced: .yaml, to: output)
        let summary: String
        switch format {
        case .json:
            summary = JSONValue.object([
                ("per_run_ms", .number(p.perRunMs)), ("per_task_ms", .number(p.perTaskMs)), ("residual_sd_ms", .number(p.residualSdMs)),
                ("runs", .number(Double(p.runs))),
                ("workflows", .array(calibration.workflows.map { w in
                    .object([("name", .string(w.name)), ("runs_given", .number(Double(w.runsGiven))), ("runs_used", .number(Double(w.runsUsed))),
                             ("mean_overhead_ms", .number(w.meanOverheadMs)), ("mean_critical_invocations", .number(w.meanCriticalInvocations))])
                })),
            ]).render() + "\n"
        case .table:
            var s = "overhead per run = \(Render.fixed(p.perRunMs, 2)) ms + \(Render.fixed(p.perTaskMs, 2)) ms per Task invocation on the critical path"
            s += " (residual sd \(Render.fixed(p.residualSdMs, 1)) ms, \(p.runs) runs)\n"
            s += Render.table(["workflow", "runs used", "mean overhead ms", "critical invocations"], calibration.workflows.map { w in
                [w.name, "\(w.runsUsed) of \(w.runsGiven)", Render.fixed(w.meanOverheadMs, 1), Render.fixed(w.meanCriticalInvocations, 3)]
            }) + "\n"
            summary = s
        }
        out.stderr = summary + out.stderr
        return out
    }
}
