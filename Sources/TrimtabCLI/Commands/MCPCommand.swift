import ArgumentParser
import Dispatch
import Foundation
import MCP
import TrimtabKit
import TrimtabMCP
import TrimtabModel

/// `trimtab mcp`: the planner as a Model Context Protocol server over stdio, for AI agents.
struct MCPCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the planner to AI agents over the Model Context Protocol (stdio).",
        discussion: """
        Tools: validate, evaluate, plan, pareto, explain, simulate, forecast.
        They are read-only; each takes the operation's request (a workflow as
        YAML text or object, and its options) and answers with the JSON that
        `trimtab COMMAND --format json` prints. Workflow files in --workflows
        are offered as resources. `trimtab serve` offers the same tools over
        streamable HTTP at /mcp. An MCP client's server entry:
        {"command": "trimtab", "args": ["mcp", "--workflows", "examples"]}

        Example:
          trimtab mcp --workflows examples
        """)

    @Option(help: "A directory whose workflow files are offered as resources.")
    var workflows: String?
    @Option(name: .customLong("time-limit"), help: "Seconds a plan may take when the call gives no time_limit (default 30).")
    var timeLimit: Double = 30

    func execute() throws -> CommandResult {
        guard timeLimit.isFinite, timeLimit > 0 else { throw TrimtabError(field: "--time-limit", "\(timeLimit) must be a positive number of seconds") }
        if let directory = workflows {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TrimtabError(code: .io, field: "--workflows", "\(directory) is not a directory")
            }
        }
        var mcp = TrimtabMCPServer(workflowDirectory: workflows)
        mcp.defaultTimeLimit = timeLimit
        let done = DispatchSemaphore(value: 0)
        let failure = MCPErrorBox()
        Task {
            do {
                let server = await mcp.makeServer()
                try await server.start(transport: StdioTransport())
                await server.waitUntilCompleted()
            } catch {
                failure.set("\(error)")
            }
            done.signal()
        }
        done.wait()
        if let message = failure.get() { return CommandResult(failure: "mcp: \(message)", code: .unavailable) }
        return CommandResult()
    }
}

/// A thread-safe slot for the server task's error.
private final class MCPErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func set(_ m: String) { lock.withLock { message = m } }
    func get() -> String? { lock.withLock { message } }
}
