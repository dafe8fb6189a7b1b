import Foundation
import Hummingbird
import TrimtabModel

/// The Trimtab HTTP service: the `validate`, `evaluate`, `plan` and `pareto` commands as a JSON
/// API, and a dashboard page that drives them.
///
/// Routes:
/// - `GET /` — the dashboard (one self-contained HTML page, no external assets).
/// - `GET /healthz` — `ok`.
/// - `POST /v1/validate|plan|pareto` — body: a v1 workflow (YAML or JSON); query parameters
///   `minimize`, `maximize`, `max_latency_ms`, `max_cost_per_million`, `min_accuracy`, `solver`,
///   `time_limit` override the file's goal as the CLI flags do.
/// - `POST /v1/evaluate` — body: `{"workflow": <workflow object or YAML text>, "configuration": {…}}`.
///
/// Answers are the spec's JSON. The HTTP status is the command's outcome through
/// `TrimtabError.Code.statuses(of:)`, the table the CLI's exit statuses come from: bad input is
/// 400 `{"error": "<one line naming the field>"}`; an infeasible goal is 422 with the plan JSON
/// (`"status": "infeasible"`); a runtime failure is 503 and a defect 500, with `{"error": …}`.
public struct TrimtabServer: Sendable {
    public let runner: CommandRunner
    /// Largest request body accepted (bytes).
    public var maxBodyBytes = 8 << 20

    public init(runner: @escaping CommandRunner) {
        self.runner = runner
    }

    /// The router, for in-process tests and for `application(host:port:)`.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: Dashboard.html)))
        }
        router.get("/healthz") { _, _ in "ok" }
        for command in ["validate", "plan", "pareto"] {
            router.post("/v1/\(command)") { request, _ in
                let body = try await request.body.collect(upTo: maxBodyBytes)
                return handle(command: command, workflowText: String(buffer: body),
                              query: request.uri.queryParameters, configuration: nil)
            }
        }
        router.post("/v1/evaluate") { request, _ in
            let body = try await request.body.collect(upTo: maxBodyBytes)
            return evaluate(String(buffer: body))
        }
        return router
    }

    /// The application listening on `host:port`.
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "trimtab"))
    }

    static let flagParameters: [(query: String, flag: String)] = [
        ("minimize", "--minimize"), ("maximize", "--maximize"), ("max_latency_ms", "--max-latency-ms"),
        ("max_cost_per_million", "--max-cost-per-million"), ("min_accuracy", "--min-accuracy"),
        ("solver", "--solver"), ("time_limit", "--time-limit"),
    ]

    func handle(command: String, workflowText: String, query: Parameters, configuration: String?) -> Response {
        var arguments = [command]
        if command == "plan" || command == "pareto" {
            for (name, flag) in Self.flagParameters {
                if let value = query.get(name) { arguments += [flag, value] }
            }
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            return Self.json(Self.status(.unavailable), #"{"error": "cannot create a scratch folder"}"#)
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let trimmed = workflowText.drop { $0.isWhitespace }
        let workflowPath = scratch.appendingPathComponent(trimmed.first == "{" ? "workflow.json" : "workflow.yaml").path
        guard FileManager.default.createFile(atPath: workflowPath, contents: Data(workflowText.utf8)) else {
            return Self.json(Self.status(.unavailable), #"{"error": "cannot write a scratch file"}"#)
        }
        arguments.insert(workflowPath, at: 1)
        if let configuration {
            let configurationPath = scratch.appendingPathComponent("configuration.json").path
            guard FileManager.default.createFile(atPath: configurationPath, contents: Data(configuration.utf8)) else {
                return Self.json(Self.status(.unavailable), #"{"error": "cannot write a scratch file"}"#)
            }
            arguments += ["--config", configurationPath]
        }
        arguments += ["--format", "json"]
        let output = runner(arguments)
        let status = Self.status(output.code)
        // Success and infeasible goals answer with the command's JSON.
        if output.code == nil || (output.code == .infeasible && !output.stdout.isEmpty) {
            return Self.json(status, output.stdout)
        }
        // Name the request's parts instead of the scratch files, once: the configuration's
        // fields already start with `configuration.`.
        let configurationPath = scratch.appendingPathComponent("configuration.json").path
        let message = output.stderr
            .replacingOccurrences(of: "trimtab: ", with: "")
            .replacingOccurrences(of: configurationPath + ": configuration.", with: "configuration.")
            .replacingOccurrences(of: configurationPath, with: "configuration")
            .replacingOccurrences(of: workflowPath, with: "workflow")
            .replacingOccurrences(of: #" \(see trimtab [^)]*--help\)"#, with: "", options: .regularExpression)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Self.json(status, Self.errorBody(message))
    }

    func evaluate(_ body: String) -> Response {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return Self.json(Self.status(.invalidInput), Self.errorBody("body: expected a JSON object with workflow and configuration"))
        }
        guard let configuration = object["configuration"] else {
            return Self.json(Self.status(.invalidInput), Self.errorBody("configuration: is required"))
        }
        let workflowText: String
        switch object["workflow"] {
        case let text as String: workflowText = text
        case let value? where JSONSerialization.isValidJSONObject(value):
            guard let encoded = try? JSONSerialization.data(withJSONObject: value) else {
                return Self.json(Self.status(.invalidInput), Self.errorBody("workflow: cannot be encoded"))
            }
            workflowText = String(decoding: encoded, as: UTF8.self)
        default:
            return Self.json(Self.status(.invalidInput), Self.errorBody("workflow: is required (an object or YAML text)"))
        }
        guard JSONSerialization.isValidJSONObject(["configuration": configuration]),
              let encoded = try? JSONSerialization.data(withJSONObject: ["configuration": configuration]) else {
            return Self.json(Self.status(.invalidInput), Self.errorBody("configuration: expected an object"))
        }
        return handle(command: "evaluate", workflowText: workflowText, query: [:],
                      configuration: String(decoding: encoded, as: UTF8.self))
    }

    /// The HTTP status of an outcome (`nil`: success), from the table the CLI's exit statuses come from.
    static func status(_ code: TrimtabError.Code?) -> HTTPResponse.Status {
        HTTPResponse.Status(code: TrimtabError.Code.statuses(of: code).http)
    }

    static func errorBody(_ message: String) -> String {
        let encoded = (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data(#"{"error": "bad request"}"#.utf8)
        return String(decoding: encoded, as: UTF8.self)
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: text.hasSuffix("\n") ? text : text + "\n")))
    }
}
