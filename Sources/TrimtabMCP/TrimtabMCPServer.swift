import Foundation
import MCP
import TrimtabKit
import TrimtabModel

/// Trimtab as a Model Context Protocol server: the application layer's operations as tools an AI
/// agent can call (read-only: nothing here changes a deployment), and the workflow files of a
/// directory as resources.
///
/// Tools: `validate`, `evaluate`, `plan`, `pareto`, `explain` (a plan with its explanation),
/// `simulate`, `forecast`.
/// Each tool's input schema is the operation's request (`RequestSchema`), each result the
/// operation's JSON — the text `trimtab COMMAND --format json` prints — as text content and as
/// structured content. A goal nothing meets is a result (`"status": "infeasible"`), not an error;
/// bad input is a tool error whose text is the one-line message naming the field.
public struct TrimtabMCPServer: Sendable {
    /// A tool: its name, description and the remote operation it runs.
    struct ToolEntry: Sendable {
        var name: String
        var description: String
        var operation: RemoteOperation
        var schema: RequestSchema { operation.schema }
    }

    /// Workflow files offered as resources (`*.yaml`, `*.yml`, `*.json` that read as workflows).
    public var workflowDirectory: String?
    /// Operations run here: off the cooperative pool, a few at once.
    public let gate: OperationGate
    /// Seconds a plan may take when the call gives no `time_limit`.
    public var defaultTimeLimit: Double = 30

    public init(workflowDirectory: String? = nil, gate: OperationGate = OperationGate(maxConcurrent: 2)) {
        self.workflowDirectory = workflowDirectory
        self.gate = gate
    }

    static let tools: [ToolEntry] = [
        ToolEntry(name: "validate", description: "Check a Trimtab v1 workflow and summarise it (stages, edges, configurations, executions).",
                  operation: .validate),
        ToolEntry(name: "evaluate", description: "Predict the expected latency (ms), cost per million runs (USD) and accuracy of one configuration of a workflow.",
                  operation: .evaluate),
        ToolEntry(name: "plan", description: "Find the configuration (memory, model variant, batching per stage) that optimises the workflow's goal under latency, cost and accuracy bounds; proven optimal by the exact solver.",
                  operation: .plan),
        ToolEntry(name: "pareto", description: "List every non-dominated (latency, cost, accuracy) configuration of a workflow meeting the bounds.",
                  operation: .pareto),
        ToolEntry(name: "explain", description: "Plan and explain the plan: which bounds bind and by how much the others are slack, the critical path, each stage's share of latency and cost, the optimum under moved bounds, each stage's best single change.",
                  operation: .explain),
        ToolEntry(name: "simulate", description: "Simulate a workflow configuration (or its plan) under Poisson load: latency mean/p50/p95/p99, share over the SLO, cost, cold starts, instances per stage.",
                  operation: .simulate),
        ToolEntry(name: "forecast", description: "Score load predictors on a per-second request trace (counts), or choose one on its training part; the load a planner should provision for.",
                  operation: .forecast),
    ]

    /// The MCP server with its handlers registered; start it on a transport.
    public func makeServer() async -> Server {
        let server = Server(name: "trimtab", version: TrimtabVersion.current,
                            instructions: "Plans ML inference workflows: latency, cost and accuracy of memory sizes, model variants and batching per stage. Give a workflow (YAML text or object, format v1) to validate, evaluate, plan, pareto or explain.",
                            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        let tools = Self.tools
        let gate = self.gate
        let limit = defaultTimeLimit
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.map { t in
                Tool(name: t.name, description: t.description, inputSchema: Self.mcpValue(t.schema.jsonSchema()),
                     annotations: .init(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false))
            })
        }
        await server.withMethodHandler(CallTool.self) { params in
            guard let tool = tools.first(where: { $0.name == params.name }) else {
                throw MCPError.invalidParams("unknown tool '\(params.name)' (expected \(tools.map(\.name).joined(separator: ", ")))")
            }
            let arguments = (params.arguments ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, Self.jsonValue($0.value)) }
            let json: JSONValue
            do throws(TrimtabError) {
                let names = Set(tool.schema.fields.map(\.name))
                for (key, _) in arguments where !names.contains(key) {
                    throw TrimtabError(field: key, "unknown argument (expected \(tool.schema.fields.map(\.name).joined(separator: ", ")))")
                }
                json = try await gate.run { cancel throws(TrimtabError) in
                    try JSONValue.encoding(try tool.operation.run(arguments, cancellation: cancel, defaultTimeLimit: limit))
                }
            } catch {
                return CallTool.Result(content: [.text(text: Self.message(error), annotations: nil, _meta: nil)], isError: true)
            }
            let structured: MCP.Value = Self.mcpValue(json)
            return try CallTool.Result(content: [.text(text: json.render() + "\n", annotations: nil, _meta: nil)],
                                       structuredContent: structured, isError: false)
        }
        let directory = workflowDirectory
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(resources: Self.workflowFiles(in: directory).map { path in
                Resource(name: URL(fileURLWithPath: path).lastPathComponent, uri: URL(fileURLWithPath: path).absoluteString,
                         description: "Trimtab v1 workflow", mimeType: path.hasSuffix(".json") ? "application/json" : "application/yaml")
            })
        }
        await server.withMethodHandler(ReadResource.self) { params in
            let files = Self.workflowFiles(in: directory)
            guard let path = files.first(where: { URL(fileURLWithPath: $0).absoluteString == params.uri }),
                  let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw MCPError.invalidParams("unknown resource '\(params.uri)'")
            }
            return ReadResource.Result(contents: [.text(text, uri: params.uri, mimeType: path.hasSuffix(".json") ? "application/json" : "application/yaml")])
        }
        return server
    }

    /// The workflow files directly in `directory`, sorted.
    static func workflowFiles(in directory: String?) -> [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .map { URL(fileURLWithPath: directory).appendingPathComponent($0).standardizedFileURL.path }
            .filter { (try? WorkflowParser.load(path: $0)) != nil }
    }

    static func message(_ error: TrimtabError) -> String { error.remoteDescription }

    static func mcpValue(_ json: JSONValue) -> MCP.Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .int(i)
        case .number(let d): return d.isFinite ? .double(d) : .null
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(mcpValue))
        case .object(let pairs): return .object(Dictionary(pairs.map { ($0.0, mcpValue($0.1)) }, uniquingKeysWith: { _, last in last }))
        }
    }

    static func jsonValue(_ value: MCP.Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .integer(i)
        case .double(let d): return .number(d)
        case .string(let s): return .string(s)
        case .data(_, let d): return .string(d.base64EncodedString())
        case .array(let items): return .array(items.map(jsonValue))
        case .object(let o): return .object(o.sorted { $0.key < $1.key }.map { ($0.key, jsonValue($0.value)) })
        }
    }
}
