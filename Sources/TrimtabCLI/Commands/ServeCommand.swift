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

    func execute() throws -> CommandResult {
        guard (1...65535).contains(port) else {
            throw TrimtabError(field: "--port", "\(port) is not in 1…65535")
        }
        let server = TrimtabServer.inProcess()
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

extension TrimtabServer {
    /// A server that answers through this process's own command layer.
    static func inProcess() -> TrimtabServer {
        TrimtabServer { arguments in
            let result = CLI.run(arguments)
            return CommandOutput(stdout: result.stdout, stderr: result.stderr, status: result.status, code: result.code)
        }
    }
}
