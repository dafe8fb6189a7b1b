import ArgumentParser
import Foundation
import TrimtabModel

/// What a command produced: text for stdout and stderr, and the exit status.
public struct CommandResult: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
    public var status: Int32

    public init(stdout: String = "", stderr: String = "", status: Int32 = 0) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }
}

/// Exit statuses of the `trimtab` command.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// Bad input: a malformed file, an unknown field, a bad flag.
    public static let badInput: Int32 = 2
    /// Nothing meets the goal's bounds.
    public static let infeasible: Int32 = 3
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
        Reads a v1 workflow file (YAML or JSON): stages with latency tables by memory size
        (and model variants), edges with branch, parallel and loop semantics, and a goal.
        Exit status: 0 success, 2 bad input, 3 no configuration meets the bounds.
        """,
        subcommands: [
            ValidateCommand.self, EvaluateCommand.self, PlanCommand.self, ParetoCommand.self,
            FitCommand.self, ImportCommand.self, ProfileCommand.self,
            SimulateCommand.self,
            BatchCommand.self,
            ForecastCommand.self, AdaptCommand.self,
            JobCommand.self,
            ControlCommand.self, HistoryCommand.self,
            ServeCommand.self,
        ])

    public init() {}
}

/// Entry points: `CLI.run` returns what the command would print; `CLI.main` prints and exits.
public enum CLI {
    public static func run(_ arguments: [String]) -> CommandResult {
        do {
            let command = try TrimtabCommand.parseAsRoot(arguments)
            guard let runnable = command as? any ResultCommand else {
                return CommandResult(stdout: TrimtabCommand.helpMessage() + "\n")
            }
            return try runnable.execute()
        } catch let error as TrimtabError {
            return CommandResult(stderr: "trimtab: \(error.description)\n", status: ExitStatus.badInput)
        } catch {
            let code = TrimtabCommand.exitCode(for: error)
            let message = TrimtabCommand.fullMessage(for: error)
            if code == .success { return CommandResult(stdout: message + "\n") }
            // One line: ArgumentParser's first line (its usage follows with --help).
            let first = message.split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let line = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
            return CommandResult(stderr: "trimtab: \(line) (see trimtab --help)\n", status: ExitStatus.badInput)
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

    func load() throws(TrimtabError) -> WorkflowModel {
        let workflow = try WorkflowParser.load(path: file)
        do {
            return try WorkflowModel(workflow)
        } catch {
            throw error.inFile(file)
        }
    }
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

    func apply(to bounds: Bounds) throws(TrimtabError) -> Bounds {
        var b = bounds
        if let v = maxLatencyMs {
            guard v.isFinite, v > 0 else { throw TrimtabError(field: "--max-latency-ms", "\(JSONValue.format(v, nonFinite: true)) must be a positive number") }
            b.maxLatencyMs = v
        }
        if let v = maxCostPerMillion {
            guard v.isFinite, v > 0 else { throw TrimtabError(field: "--max-cost-per-million", "\(JSONValue.format(v, nonFinite: true)) must be a positive number") }
            b.maxCostPerMillion = v
        }
        if let v = minAccuracy {
            guard v.isFinite, v >= 0, v <= 1 else { throw TrimtabError(field: "--min-accuracy", "\(JSONValue.format(v, nonFinite: true)) is not in [0, 1]") }
            b.minAccuracy = v
        }
        return b
    }
}
