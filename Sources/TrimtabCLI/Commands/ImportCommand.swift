import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel

/// `trimtab import`: workflows from other tools.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import workflows from other tools.",
        discussion: """
        Example:
          trimtab import step-functions App8.json --logs App8_Lambda_Logs.csv \\
            -o app8.yaml
        """,
        subcommands: [ImportStepFunctionsCommand.self])
}

/// `trimtab import step-functions DEFINITION.json --logs LAMBDA_LOGS.csv [--runs SFN_LOGS.csv]`.
struct ImportStepFunctionsCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "step-functions",
        abstract: "Build a v1 workflow from an Amazon States Language definition and Lambda logs.",
        discussion: """
        Task states become stages (named by the Lambda function in their Resource);
        Choice branch and loop probabilities come from the invocation counts in the
        logs; latency tables are fitted from the logs and hold the measured memory
        sizes (add sizes from the fitted curves with --memory). With --runs, Step
        Functions' own overhead per invocation is estimated and written as each
        stage's overhead_ms. A workflow that has not run has no run log: give
        --platform with a profile from `trimtab calibrate step-functions` instead
        (it also sets the platform's overhead_spread_ms, used by composed tails).

        Example:
          trimtab import step-functions App8.json --logs App8_Lambda_Logs.csv \\
            -o app8.yaml
        """)

    @Argument(help: "The state machine definition (Amazon States Language JSON).")
    var definition: String
    @Option(help: "Lambda log export: Function, Memory Size, Duration, Billed Duration [, UTCTimestamp].")
    var logs: String
    @Option(help: "Step Functions run log: Start, End (seconds), one row per run.")
    var runs: String?
    @Option(help: "Add these memory sizes from the fitted curves: FROM:TO:STEP and/or a comma list.")
    var memory: String?
    @Option(help: "Overhead written as overhead_ms: calibrated (default: reproduces the run log's mean duration) or per-run (Step Functions' share only).")
    var overhead: String = "calibrated"
    @Option(help: "A platform profile (trimtab calibrate step-functions) for the overhead; replaces --overhead.")
    var platform: String?
    @Option(help: "The workflow's name (default: the definition's file name).")
    var name: String?
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the workflow to this file instead of stdout (YAML; JSON for a .json name).")
    var output: String?

    func execute() throws -> CommandResult {
        let result = try ImportStepFunctionsOperation.run(.init(definition: definition, logs: logs, runs: runs, memory: memory,
                                                                overhead: overhead, platform: platform, name: name))
        var report = ""
        for note in result.notes { report += "note: \(note)\n" }
        for o in result.overheadEstimates {
            report += String(format: "overhead %.2f ms per invocation on the critical path, %.1f ms per run: %@, %d of %d runs%@\n",
                             o.perInvocationMs, o.meanOverheadPerRunMs, o.method, o.runsUsed, o.runsGiven,
                             o.written ? " (written as overhead_ms)" : "")
        }
        var out = try FitCommand.deliver(result.workflow, produced: .yaml, to: output)
        out.stderr = report + out.stderr
        return out
    }
}
