import ArgumentParser
import Foundation
import TrimtabAdapters
import TrimtabControl
import TrimtabKit
import TrimtabModel

/// `trimtab control CONFIG [--once] [--dry-run]`: the live control loop.
struct ControlCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Run the live control loop: read the load, forecast, re-plan and apply, with guardrails.",
        discussion: """
        CONFIG names the workflow, the Prometheus source (url, query), the interval,
        the predictor and headroom, the sink (kubernetes, lambda, ray_serve or
        file), the guardrails and the history database. A ray_serve sink checks the
        application and its deployments first (exit 2 if one is missing, 1 if Ray
        cannot be reached). With --once, runs one iteration and
        prints it as JSON ({load, forecast, configuration, applied, reason}) — exit
        3 if no configuration meets the goal's bounds, 2 if the Prometheus query
        returns nothing (no series matches it), 1 (the cause on stderr) if
        Prometheus or the sink fails; without it, runs until SIGINT or SIGTERM
        (an iteration without load data keeps the running configuration).
        Every iteration is recorded in the database (see `trimtab history`).

        Example:
          trimtab control examples/control-kubernetes.yaml --once --dry-run
        """)

    @Argument(help: "The controller configuration (YAML or JSON).")
    var config: String
    @Flag(help: "Run one iteration and print it as JSON.")
    var once = false
    @Flag(name: .customLong("dry-run"), help: "Plan and log what would change, but change nothing.")
    var dryRun = false

    func execute() throws -> CommandResult {
        let configuration: ControlConfiguration
        do {
            configuration = try ControlConfiguration.load(path: config)
        } catch {
            throw DocumentKind.misplaced(config, expected: .controlConfiguration) ?? error
        }
        let runner = try ControlRunner(configuration: configuration, configurationFile: config, dryRun: dryRun)
        // A sink that can check its targets (Ray Serve) does so before anything is read or applied.
        let preflight = AsyncBridge.wait { () async -> TrimtabError? in
            do throws(TrimtabError) { try await runner.preflight() } catch { return error }
            return nil
        }
        if let preflight { throw preflight }
        if once {
            let record = AsyncBridge.wait { await runner.runOnce() }
            let stdout = Self.json(record).render() + "\n"
            let rejected = record.outcome == .noData ? AsyncBridge.wait { await runner.rejectedQueryError() } : nil
            switch record.outcome {
            case .planError:
                // Nothing meets the goal's bounds: exit 3, as `trimtab plan` does.
                return CommandResult(stdout: stdout, status: ExitStatus.infeasible)
            case .noData where record.errors.isEmpty:
                // Prometheus answered, but the query matches no series: bad input naming the field.
                let error = runner.emptyQueryError()
                var result = CommandResult(failure: error.description, code: error.code)
                result.stdout = stdout
                return result
            case .noData where rejected != nil:
                // Prometheus refused the query as malformed (HTTP 400): bad input naming the field.
                let error = rejected ?? runner.emptyQueryError()
                var result = CommandResult(failure: error.description, code: error.code)
                result.stdout = stdout
                return result
            case .noData, .failed:
                // Prometheus or the sink failed: a runtime failure, its cause on one line.
                let cause = record.errors.first.map { "\(record.reason): \(FailureMessage.clean($0))" } ?? record.reason
                var result = CommandResult(failure: cause, code: .unavailable)
                result.stdout = stdout
                return result
            default:
                return CommandResult(stdout: stdout)
            }
        }
        AsyncBridge.wait { await runner.runUntilSignalled() }
        return CommandResult()
    }

    /// `{load, forecast, configuration, applied, reason}` plus the outcome, changes and errors.
    static func json(_ record: IterationRecord) -> JSONValue {
        .object([
            ("time", .number(record.time)),
            ("load", record.load.map { .number($0) } ?? .null),
            ("forecast", record.forecast.map { .number($0) } ?? .null),
            ("configuration", settingsJSON(record.configuration)),
            ("applied", .bool(record.applied)),
            ("reason", .string(record.reason)),
            ("outcome", .string(record.outcome.rawValue)),
            ("changes", settingsJSON(record.changes)),
            ("errors", .array(record.errors.map { .string(FailureMessage.clean($0)) })),
        ])
    }

    static func settingsJSON(_ settings: [StageSetting]) -> JSONValue {
        .object(settings.map { s in
            var fields: [(String, JSONValue)] = []
            if let v = s.variant { fields.append(("variant", .string(v))) }
            if let v = s.memoryMB { fields.append(("memory_mb", .integer(v))) }
            if let v = s.batchSize { fields.append(("batch_size", .integer(v))) }
            if let v = s.cpuCores { fields.append(("cpu_cores", .number(v))) }
            if let v = s.replicas { fields.append(("replicas", .integer(v))) }
            if let v = s.concurrency { fields.append(("concurrency", .integer(v))) }
            return (s.stage, .object(fields))
        })
    }
}

/// Runs async work from the synchronous command interface: the caller's thread waits while
/// the work runs on the concurrency pool.
enum AsyncBridge {
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await work()
            done.signal()
        }
        done.wait()
        // The semaphore orders the write before this read.
        guard let value = box.value else { preconditionFailure("async work finished without a value") }
        return value
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }
}
