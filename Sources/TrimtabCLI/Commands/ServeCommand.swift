import ArgumentParser
import Dispatch
import TrimtabModel
import TrimtabServer

/// `trimtab serve`: the HTTP API and dashboard.
struct ServeCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API (validate, evaluate, plan, pareto) and a dashboard over HTTP.",
        discussion: """
        Open http://HOST:PORT/ for the dashboard. Stops on SIGINT or SIGTERM.

        Example:
          trimtab serve --port 8080
        """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("max-solves"), help: "Solves allowed at once; more get 429 (default: the number of cores).")
    var maxSolves: Int?
    @Option(name: .customLong("time-limit"), help: "Seconds a plan may take when the request gives no time_limit (default 30); past it the best configuration found is answered as feasible.")
    var timeLimit: Double = 30

    func execute() throws -> CommandResult {
        guard (1...65535).contains(port) else {
            throw TrimtabError(field: "--port", "\(port) is not in 1…65535")
        }
        if let n = maxSolves, n < 1 { throw TrimtabError(field: "--max-solves", "\(n) must be at least 1") }
        guard timeLimit.isFinite, timeLimit > 0 else { throw TrimtabError(field: "--time-limit", "\(timeLimit) must be a positive number of seconds") }
        var server = maxSolves.map { TrimtabServer(maxConcurrentSolves: $0) } ?? TrimtabServer()
        server.defaultTimeLimit = timeLimit
        let app = server.application(host: host, port: port)
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

/// A thread-safe slot for the server task's error.
private final class ErrorBox: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var message: String?
    func set(_ m: String) { lock.wait(); message = m; lock.signal() }
    func get() -> String? { lock.wait(); defer { lock.signal() }; return message }
}
