import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel

/// What a command produced: text for stdout and stderr, the exit status and the outcome's code.
public struct CommandResult: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
    public var status: Int32
    /// What kind of failure the status stands for (`nil` for success); `trimtab serve` answers
    /// with its HTTP status (`TrimtabError.Code.statuses(of:)`).
    public var code: TrimtabError.Code?

    /// A result with `status`; its code is the one the status stands for unless given.
    public init(stdout: String = "", stderr: String = "", status: Int32 = 0, code: TrimtabError.Code? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
        self.code = code ?? TrimtabError.Code.code(forExitStatus: status)
    }

    /// An operation's result: its JSON (`--format json`) or `table()` (`--format table`), with the
    /// exit status of its outcome (3 for an infeasible goal).
    init(_ result: some OperationResult, format: OutputFormat, table: () -> String) throws(TrimtabError) {
        let status = TrimtabError.Code.statuses(of: result.outcome).exit
        switch format {
        case .json: self.init(stdout: try result.jsonText(), status: status)
        case .table: self.init(stdout: table(), status: status)
        }
    }

    /// The one-line report of a failure: `trimtab: MESSAGE` on stderr, the code's exit status.
    public init(failure message: String, code: TrimtabError.Code) {
        self.init(stderr: "trimtab: \(FailureMessage.clean(message))\n", status: code.exitStatus, code: code)
    }
}

/// Exit statuses of the `trimtab` command (from `TrimtabError.Code.statuses(of:)`, the one table).
public enum ExitStatus {
    public static let success: Int32 = TrimtabError.Code.statuses(of: nil).exit
    /// A runtime failure: a dependency unavailable or failing (a refused connection, a failing worker).
    public static let runtimeFailure: Int32 = TrimtabError.Code.unavailable.exitStatus
    /// Bad input: a malformed file, an unknown field, a bad flag.
    public static let badInput: Int32 = TrimtabError.Code.invalidInput.exitStatus
    /// Nothing meets the goal's bounds.
    public static let infeasible: Int32 = TrimtabError.Code.infeasible.exitStatus
}

/// A subcommand that returns its output instead of printing it, so tests can drive it in-process.
protocol ResultCommand: ParsableCommand {
    func execute() throws -> CommandResult
}

extension ResultCommand {
    public func run() throws {
        let result = try execute()
        CLI.emit(result)
        if result.status != 0 { throw ExitCode(result.status) }
    }
}

/// The `trimtab` command.
public struct TrimtabCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trimtab",
        abstract: "Find the best configuration of ML inference workflows on serverless platforms.",
        discussion: """
        Reads a v1 workflow file (YAML or JSON): stages with latency tables by
        memory size (and model variants), edges with branch, parallel and loop
        semantics, and a goal. Exit status: 0 success, 1 runtime failure (a
        dependency unavailable or failing), 2 bad input, 3 no configuration meets
        the bounds. `trimtab COMMAND --help` shows a command's options and an
        example.

        Example:
          trimtab plan examples/slapp-app3.yaml --max-latency-ms 3000
        """,
        version: TrimtabVersion.current,
        subcommands: [
            ValidateCommand.self, EvaluateCommand.self, PlanCommand.self, ParetoCommand.self,
            FitCommand.self, ImportCommand.self, CalibrateCommand.self, ProfileCommand.self, PlotCommand.self,
            SimulateCommand.self,
            BatchCommand.self,
            ForecastCommand.self, AdaptCommand.self,
            JobCommand.self,
            ControlCommand.self, HistoryCommand.self,
            ServeCommand.self, MCPCommand.self,
        ])

    public init() {}
}

/// Entry points: `CLI.run` returns what the command would print; `CLI.main` prints and exits.
public enum CLI {
    public static func run(_ arguments: [String]) -> CommandResult {
        let arguments = ArgumentPreflight.joiningNegativeValues(arguments)
        if let unknown = ArgumentPreflight.unknownCommand(in: arguments, root: TrimtabCommand.self) {
            return CommandResult(failure: unknown, code: .invalidInput)
        }
        do {
            var command = try TrimtabCommand.parseAsRoot(arguments)
            if let runnable = command as? any ResultCommand { return try runnable.execute() }
            // `--help`, `help COMMAND` and command groups: ArgumentParser's own commands, whose `run`
            // throws a clean exit naming the command whose help was asked for (rendered below).
            try command.run()
            return CommandResult()
        } catch let error as TrimtabError {
            return CommandResult(failure: error.description, code: error.code)
        } catch let exit as ExitCode {
            return CommandResult(status: exit.rawValue)
        } catch {
            let exit = TrimtabCommand.exitCode(for: error)
            let message = TrimtabCommand.fullMessage(for: error)
            if exit == .success { return CommandResult(stdout: message + "\n") }
            guard exit == .validationFailure else {
                // Not a parse error: a dependency that failed at run time.
                return CommandResult(failure: "\(error)", code: .unavailable)
            }
            // One line: ArgumentParser's first line (its usage follows with --help).
            let first = message.split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let line = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
            let path = ArgumentPreflight.commandPath(of: arguments, root: TrimtabCommand.self)
            return CommandResult(failure: "\(line) (see trimtab \((path + ["--help"]).joined(separator: " ")))", code: .invalidInput)
        }
    }

    public static func main() -> Never {
        let result = run(Array(CommandLine.arguments.dropFirst()))
        emit(result)
        exit(result.status)
    }

    static func emit(_ result: CommandResult) {
        if !result.stdout.isEmpty { FileHandle.standardOutput.write(Data(result.stdout.utf8)) }
        if !result.stderr.isEmpty { FileHandle.standardError.write(Data(result.stderr.utf8)) }
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// Options shared by the commands that read a workflow.
struct WorkflowOptions: ParsableArguments {
    @Argument(help: "The workflow file (YAML or JSON, format v1).")
    var file: String

    @Option(help: "Output: table (for people) or json (for tools).")
    var format: OutputFormat = .table

    /// The workflow and its model (the one loader every front end uses, `WorkflowSource`).
    func load() throws(TrimtabError) -> WorkflowModel { try WorkflowSource.file(file).load() }
}

/// Bound flags shared by `plan` and `pareto`; each overrides the file's bound.
///
/// Values are parsed unconditionally, so that `--max-latency-ms -5` is read as the value −5
/// (and rejected as not positive) rather than as an unknown flag with its value missing.
struct BoundOptions: ParsableArguments {
    @Option(name: .customLong("max-latency-ms"), parsing: .unconditional,
            help: "Bound on the expected end-to-end latency (ms, positive).")
    var maxLatencyMs: Double?
    @Option(name: .customLong("max-cost-per-million"), parsing: .unconditional,
            help: "Bound on the expected cost of 1M runs (USD, positive).")
    var maxCostPerMillion: Double?
    @Option(name: .customLong("min-accuracy"), parsing: .unconditional,
            help: "Bound on the combined accuracy (0–1).")
    var minAccuracy: Double?
}
