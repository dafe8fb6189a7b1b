import ArgumentParser
import Dispatch
import Foundation
import TrimtabControl
import TrimtabKit
import TrimtabModel
import TrimtabServer

/// `trimtab serve`: the HTTP API and dashboard.
struct ServeCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API, MCP over HTTP and a dashboard.",
        discussion: """
        Open http://HOST:PORT/ for the dashboard. /openapi.json describes the
        API (POST /v1/validate, evaluate, plan, pareto, simulate, batch,
        forecast, job/plan, job/predict); /mcp speaks the Model Context
        Protocol; /metrics is for Prometheus. Prints `listening on URL` on
        stderr once bound (--port 0 picks a free port), then one JSON
        access-log line per request. On SIGINT or SIGTERM, running solves stop
        and the server shuts down.

        Example:
          trimtab serve --port 8080 --workflows examples
        """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(help: "A directory whose workflow files the MCP endpoint offers as resources.")
    var workflows: String?
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (default 8388608); larger get 413.")
    var maxBodyBytes: Int = 8 << 20
    @Option(help: "The controller's history database (SQLite): served at GET /v1/history and drawn on the dashboard.")
    var history: String?
    @Option(name: .customLong("token-file"),
            help: "A file whose first line is the API token: every POST then needs `Authorization: Bearer TOKEN` (else 401). Also read from TRIMTAB_API_TOKEN.")
    var tokenFile: String?
    @Flag(name: .customLong("quiet"), help: "No access log.")
    var quiet = false
    @Option(name: .customLong("max-solves"), help: "Solves allowed at once; more get 429 (default: the number of cores).")
    var maxSolves: Int?
    @Option(name: .customLong("time-limit"), help: "Seconds a plan may take when the request gives no time_limit (default 30); past it the best configuration found is answered as feasible.")
    var timeLimit: Double = 30

    func execute() throws -> CommandResult {
        guard (0...65535).contains(port) else {
            throw TrimtabError(field: "--port", "\(port) is not in 0…65535")
        }
        guard maxBodyBytes >= 1 else { throw TrimtabError(field: "--max-body-bytes", "\(maxBodyBytes) must be at least 1") }
        if let n = maxSolves, n < 1 { throw TrimtabError(field: "--max-solves", "\(n) must be at least 1") }
        guard timeLimit.isFinite, timeLimit > 0 else { throw TrimtabError(field: "--time-limit", "\(timeLimit) must be a positive number of seconds") }
        var server = maxSolves.map { TrimtabServer(maxConcurrentSolves: $0) } ?? TrimtabServer()
        server.defaultTimeLimit = timeLimit
        server.maxBodyBytes = maxBodyBytes
        server.workflowDirectory = workflows
        if let db = history {
            _ = try Self.readHistory(db, since: nil)
            server.history = { since throws(TrimtabError) in try Self.readHistory(db, since: since) }
        }
        server.token = try Self.token(file: tokenFile, environment: ProcessInfo.processInfo.environment["TRIMTAB_API_TOKEN"])
        if !quiet { server.accessLog = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        let host = self.host
        let app = server.application(host: host, port: port) { bound in
            FileHandle.standardError.write(Data("trimtab: listening on http://\(host):\(bound)\n".utf8))
        }
        let done = DispatchSemaphore(value: 0)
        let failure = ErrorBox()
        // The command layer is synchronous: the server runs as a task and this thread waits.
        Task {
            do { try await app.runService() } catch { failure.set("\(error)") }
            done.signal()
        }
        done.wait()
        if let message = failure.get() {
            return CommandResult(failure: "serve: \(message)", code: .unavailable)
        }
        return CommandResult()
    }
}

extension ServeCommand {
    /// The history's iterations at or after `since`, as `trimtab history --format json` prints them.
    static func readHistory(_ db: String, since: String?) throws(TrimtabError) -> JSONValue {
        var start: Double? = nil
        if let since {
            do throws(TrimtabError) { start = try HistoryCommand.parseTime(since, now: Date().timeIntervalSince1970) } catch {
                var e = error
                e.field = "since"
                throw e
            }
        }
        let store: HistoryStore
        do { store = try HistoryStore(readingExisting: db) } catch let error as TrimtabError { throw error } catch {
            throw TrimtabError(code: .io, file: db, "cannot open the history: \(error)")
        }
        do {
            return .array(try store.records(since: start).map(HistoryCommand.json))
        } catch {
            throw TrimtabError(code: .unavailable, file: db, "cannot read the history: \(error)")
        }
    }

    /// The API token: the file's first line, else the environment's; nil when neither is given.
    static func token(file: String?, environment: String?) throws(TrimtabError) -> String? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw TrimtabError(code: .io, file: file, field: "--token-file", "cannot read the file")
            }
            let first = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let token = first.trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else { throw TrimtabError(file: file, field: "--token-file", "the first line is empty; write the token there") }
            return token
        }
        if let environment {
            let token = environment.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw TrimtabError(field: "TRIMTAB_API_TOKEN", "is set but empty") }
            return token
        }
        return nil
    }
}

/// A thread-safe slot for the server task's error.
private final class ErrorBox: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var message: String?
    func set(_ m: String) { lock.wait(); message = m; lock.signal() }
    func get() -> String? { lock.wait(); defer { lock.signal() }; return message }
}
