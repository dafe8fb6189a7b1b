import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TrimtabKit
import TrimtabModel

/// The Trimtab HTTP service: the application layer's operations as a JSON API described by an
/// OpenAPI 3.1 document, the same operations as MCP tools over streamable HTTP, and a dashboard.
///
/// Routes (`OpenAPIDocument` lists the same):
/// - `GET /` — the dashboard (one self-contained HTML page, no external assets).
/// - `GET /healthz` — `ok` (answered while solves run: they run off the cooperative pool).
/// - `GET /openapi.json` — the OpenAPI 3.1 document.
/// - `GET /metrics` — Prometheus text: requests by route and status, durations, solves running.
/// - `GET /v1/history?since=T` — the controller's history, when `serve` is given its database.
/// - `POST /mcp` — MCP (streamable HTTP, stateless): the tools of `trimtab mcp`.
/// - `POST /v1/validate|plan|pareto` — body: a v1 workflow (YAML or JSON), or a JSON request
///   object `{"workflow": …, "max_latency_ms": …}` with the operation's fields; query
///   parameters (`minimize`, `max_latency_ms`, `explain`, …) set the same fields.
/// - `POST /v1/evaluate` — body: `{"workflow": <object or YAML text>, "configuration": {…}}`.
/// - `POST /v1/simulate` (workflow body or request object; Poisson arrivals, at most
///   `RemotePolicy.maxSimulatedArrivals`), `/v1/batch`, `/v1/forecast` (a trace as counts or
///   text), `/v1/job/plan`, `/v1/job/predict` (a worker model as text or object): request objects.
///
/// Answers are the operations' JSON, byte for byte what `trimtab COMMAND --format json` prints.
/// The HTTP status is the outcome's through `TrimtabError.Code.statuses(of:)`, the table the
/// CLI's exit statuses come from: bad input is 400 `{"error": "<one line naming the field>"}`
/// (unknown fields and parameters included); an infeasible goal is 422 with the plan JSON; too
/// many concurrent solves 429 with `Retry-After`; a runtime failure 503; a defect 500. Transport
/// errors answer in the same JSON: 404, 405, 413 (body over `maxBodyBytes`), 415 (content type).
public struct TrimtabServer: Sendable {
    /// Largest request body accepted (bytes); larger bodies get 413.
    public var maxBodyBytes = 8 << 20
    /// Seconds a plan may take when the request gives no `time_limit`; past it the best
    /// configuration found is answered as `feasible`.
    public var defaultTimeLimit: Double = 30
    /// Solves and other CPU-heavy operations run here, at most a few at once.
    public let gate: OperationGate
    /// Request counters and durations for `/metrics`.
    public let metrics = ServerMetrics()
    /// Where the access log's JSON lines go (one per request); nil: nowhere.
    public var accessLog: (@Sendable (String) -> Void)? = nil
    /// Workflow files the MCP endpoint offers as resources.
    public var workflowDirectory: String? = nil
    /// When set, every POST (the operations and `/mcp`) needs `Authorization: Bearer TOKEN`;
    /// without it or with another token: 401. GET routes (dashboard page, health, document,
    /// metrics) stay open.
    public var token: String? = nil
    /// The controller's history, when `serve` is given its database: the iterations at or after
    /// a time (`since`, as `trimtab history --since` takes it) as `trimtab history --format json`
    /// prints them. Served at `GET /v1/history`.
    public var history: (@Sendable (String?) throws(TrimtabError) -> JSONValue)? = nil

    public init(maxConcurrentSolves: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        gate = OperationGate(maxConcurrent: maxConcurrentSolves)
    }

    /// The server's paths and their methods (`OpenAPIDocumentTests` checks them against the
    /// document); another method on one of them is 405.
    public var methods: [String: [String]] {
        var m: [String: [String]] = ["/": ["GET", "HEAD"], "/healthz": ["GET", "HEAD"], "/openapi.json": ["GET", "HEAD"],
                                     "/metrics": ["GET", "HEAD"], "/mcp": ["POST"]]
        for route in routes { m[Self.path(of: route.schema)] = ["POST"] }
        if history != nil { m["/v1/history"] = ["GET", "HEAD"] }
        return m
    }

    /// The operations, in the order the document lists them.
    var routes: [RemoteOperation] { RemoteOperation.all }

    /// The router, for in-process tests and for `application(host:port:)`.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: AccessLogMiddleware(metrics: metrics, sink: accessLog, methods: methods))
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: Dashboard.html)))
        }
        router.get("/healthz") { _, _ in "ok" }
        let document = OpenAPIDocument.make(routes: routes, authenticated: token != nil, history: history != nil).render()
        router.get("/openapi.json") { _, _ in Self.json(.ok, document) }
        let gate = self.gate
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition(solvesRunning: gate.active))))
        }
        let mcp = MCPEndpoint(workflowDirectory: workflowDirectory, gate: gate, defaultTimeLimit: defaultTimeLimit)
        let token = self.token
        router.post("/mcp") { request, _ -> Response in
            if let refusal = Self.refusal(request, token: token) { return refusal }
            let body = try? await request.body.collect(upTo: maxBodyBytes)
            return await mcp.respond(to: request, body: body)
        }
        for route in routes { add(route, to: router) }
        if let history {
            router.get("/v1/history") { request, _ -> Response in
                for (key, _) in request.uri.queryParameters where key != "since" {
                    return Self.json(.badRequest, Self.errorBody("query: unknown parameter '\(key)' (expected since)"))
                }
                let since = request.uri.queryParameters.get("since")
                do throws(TrimtabError) {
                    let records = try await gate.run { _ throws(TrimtabError) in try history(since) }
                    return Self.json(.ok, records.render())
                } catch {
                    return Self.json(Self.status(error.code), Self.errorBody(Self.message(error)))
                }
            }
        }
        return router
    }

    /// The application listening on `host:port`; on SIGTERM or SIGINT it stops running solves
    /// (answered as their time limit would) and shuts down.
    public func application(host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(), server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
                    configuration: .init(address: .hostname(host, port: port), serverName: "trimtab"),
                    services: [ShutdownService(gate: gate)],
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) })
    }

    /// `POST /v1/NAME`: the body and query decoded into the operation's request, run through the gate.
    func add(_ route: RemoteOperation, to router: Router<BasicRequestContext>) {
        let fields = route.schema.fields.map(\.name)
        let token = self.token
        router.post(RouterPath(Self.path(of: route.schema))) { request, _ -> Response in
            if let refusal = Self.refusal(request, token: token) { return refusal }
            if let type = request.headers[.contentType], !Self.acceptedContentType(type) {
                return Self.json(.unsupportedMediaType, Self.errorBody("Content-Type: '\(type)' is not accepted (send application/json, application/yaml or text/plain)"))
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maxBodyBytes)
            } catch {
                return Self.json(.contentTooLarge, Self.errorBody("body: larger than \(maxBodyBytes) bytes"))
            }
            do throws(TrimtabError) {
                let object = try Self.requestObject(body: String(buffer: body), query: request.uri.queryParameters,
                                                    fields: fields, bodyIsWorkflow: route.bodyIsWorkflow)
                // The answer's JSON is made off the cooperative pool too: for a large workflow it is work.
                let answer = try await gate.run { cancel throws(TrimtabError) -> (text: String, outcome: TrimtabError.Code?) in
                    let result = try route.run(object, cancellation: cancel, defaultTimeLimit: defaultTimeLimit)
                    return (try result.jsonText(), result.outcome)
                }
                return Self.json(Self.status(answer.outcome), answer.text)
            } catch {
                var response = Self.json(Self.status(error.code), Self.errorBody(Self.message(error)))
                if error.code == .overloaded { response.headers[.retryAfter] = "1" }
                return response
            }
        }
    }

    /// 401 when the server has a token and the request does not carry it as a bearer token.
    static func refusal(_ request: Request, token: String?) -> Response? {
        guard let token else { return nil }
        let given = request.headers[.authorization] ?? ""
        let expected = "Bearer " + token
        // Compared in time independent of where they differ.
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference = a.count ^ b.count
        for i in 0..<max(a.count, b.count) { difference |= Int((i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)) }
        guard difference != 0 else { return nil }
        var response = json(.unauthorized, errorBody(given.isEmpty ? "Authorization: a bearer token is required" : "Authorization: the token is not valid"))
        response.headers[.wwwAuthenticate] = "Bearer realm=\"trimtab\""
        return response
    }

    /// `/v1/plan`; `/v1/job/plan` for `job-plan`.
    static func path(of schema: RequestSchema) -> String {
        "/v1/" + schema.operation.replacingOccurrences(of: "-", with: "/")
    }

    /// Content types a body may be sent with (none at all is accepted too).
    static func acceptedContentType(_ header: String) -> Bool {
        let type = header.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return ["application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain",
                "application/x-www-form-urlencoded", "application/octet-stream"].contains(type)
    }

    /// The request as a JSON object: the body (a request object, or the workflow itself) with
    /// the query parameters as fields. Unknown fields and parameters are bad input.
    static func requestObject(body: String, query: Parameters, fields: [String], bodyIsWorkflow: Bool) throws(TrimtabError) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)]
        let trimmed = body.drop { $0.isWhitespace }
        let json: JSONValue? = trimmed.first == "{" ? try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) : nil
        if case .object(let p)? = json, !bodyIsWorkflow || p.contains(where: { $0.0 == "workflow" }) {
            pairs = p
            for (key, _) in p where !fields.contains(key) {
                throw TrimtabError(field: "body", "unknown field '\(key)' (expected \(fields.joined(separator: ", ")))")
            }
        } else if bodyIsWorkflow {
            guard !trimmed.isEmpty else { throw TrimtabError(field: "body", "is empty; send a v1 workflow (YAML or JSON)") }
            pairs = [("workflow", .string(body))]
        } else {
            throw TrimtabError(field: "body", "expected a JSON object with \(fields.joined(separator: ", "))")
        }
        for (key, value) in query {
            let name = String(key)
            guard name != "workflow", fields.contains(name) else {
                throw TrimtabError(field: "query", "unknown parameter '\(name)' (expected \(fields.filter { $0 != "workflow" }.joined(separator: ", ")))")
            }
            pairs.removeAll { $0.0 == name }
            pairs.append((name, Self.queryValue(String(value))))
        }
        return pairs
    }

    /// A query parameter's value as JSON: booleans and numbers as such, anything else a string.
    static func queryValue(_ text: String) -> JSONValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let i = Int(text) { return .integer(i) }
        if let d = Double(text) { return .number(d) }
        return .string(text)
    }

    static func message(_ error: TrimtabError) -> String { error.remoteDescription }

    /// The HTTP status of an outcome (`nil`: success), from the table the CLI's exit statuses come from.
    static func status(_ code: TrimtabError.Code?) -> HTTPResponse.Status {
        HTTPResponse.Status(code: TrimtabError.Code.statuses(of: code).http)
    }

    static func errorBody(_ message: String) -> String {
        JSONValue.object([("error", .string(message))]).render(indent: nil)
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: text.hasSuffix("\n") ? text : text + "\n")))
    }
}

/// On graceful shutdown (SIGTERM, SIGINT), stops the running solves so that their requests
/// answer at once and the server can stop within seconds.
struct ShutdownService: Service {
    let gate: OperationGate

    func run() async throws {
        try? await gracefulShutdown()
        gate.cancelAll()
    }
}
