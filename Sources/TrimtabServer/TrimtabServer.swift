import Foundation
import Hummingbird
import TrimtabKit
import TrimtabModel

/// The Trimtab HTTP service: the application layer's operations as a JSON API, and a dashboard
/// page that drives them.
///
/// Routes:
/// - `GET /` — the dashboard (one self-contained HTML page, no external assets).
/// - `GET /healthz` — `ok` (answered while solves run: they run off the cooperative pool).
/// - `POST /v1/validate|plan|pareto` — body: a v1 workflow (YAML or JSON), or a JSON request
///   object `{"workflow": …, "max_latency_ms": …}` with the operation's fields; query
///   parameters (`minimize`, `maximize`, `max_latency_ms`, `max_cost_per_million`,
///   `min_accuracy`, `solver`, `time_limit`, `explain`, …) set the same fields.
/// - `POST /v1/evaluate` — body: `{"workflow": <object or YAML text>, "configuration": {…}}`.
///
/// Answers are the operations' JSON, byte for byte what `trimtab COMMAND --format json` prints.
/// The HTTP status is the outcome's through `TrimtabError.Code.statuses(of:)`, the table the
/// CLI's exit statuses come from: bad input is 400 `{"error": "<one line naming the field>"}`
/// (unknown fields and parameters included); an infeasible goal is 422 with the plan JSON; too
/// many concurrent solves 429 with `Retry-After`; a runtime failure 503; a defect 500.
public struct TrimtabServer: Sendable {
    /// Largest request body accepted (bytes); larger bodies get 413.
    public var maxBodyBytes = 8 << 20
    /// Seconds a plan may take when the request gives no `time_limit`; past it the best
    /// configuration found is answered as `feasible`.
    public var defaultTimeLimit: Double = 30
    /// Solves and other CPU-heavy operations run here, at most a few at once.
    public let gate: OperationGate

    public init(maxConcurrentSolves: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        gate = OperationGate(maxConcurrent: maxConcurrentSolves)
    }

    /// The router, for in-process tests and for `application(host:port:)`.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: Dashboard.html)))
        }
        router.get("/healthz") { _, _ in "ok" }
        route(router, "validate", fields: ValidateOperation.Request.fieldNames) { (r: ValidateOperation.Request, _) throws(TrimtabError) in
            try ValidateOperation.run(r)
        }
        route(router, "plan", fields: PlanOperation.Request.fieldNames) { (r: PlanOperation.Request, cancel) throws(TrimtabError) in
            var request = r
            if request.timeLimit == nil { request.timeLimit = defaultTimeLimit }
            return try PlanOperation.run(request, cancellation: cancel)
        }
        route(router, "pareto", fields: ParetoOperation.Request.fieldNames) { (r: ParetoOperation.Request, _) throws(TrimtabError) in
            try ParetoOperation.run(r)
        }
        route(router, "evaluate", fields: EvaluateOperation.Request.fieldNames, bodyIsWorkflow: false) {
            (r: EvaluateOperation.Request, _) throws(TrimtabError) in try EvaluateOperation.run(r)
        }
        return router
    }

    /// The application listening on `host:port`.
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "trimtab"))
    }

    /// `POST /v1/NAME`: the body and query decoded into the operation's request, run through the gate.
    func route<Request: Decodable & Sendable, Result: OperationResult>(
        _ router: Router<BasicRequestContext>, _ name: String, fields: [String], bodyIsWorkflow: Bool = true,
        _ operation: @escaping @Sendable (Request, OperationCancellation) throws(TrimtabError) -> Result
    ) {
        router.post("/v1/\(name)") { request, _ -> Response in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maxBodyBytes)
            } catch {
                return Self.json(.contentTooLarge, Self.errorBody("body: larger than \(maxBodyBytes) bytes"))
            }
            do throws(TrimtabError) {
                let object = try Self.requestObject(body: String(buffer: body), query: request.uri.queryParameters,
                                                    fields: fields, bodyIsWorkflow: bodyIsWorkflow)
                let decoded: Request = try Self.decode(object)
                let result = try await gate.run { cancel throws(TrimtabError) in try operation(decoded, cancel) }
                return Self.json(Self.status(result.outcome), try result.jsonText())
            } catch {
                var response = Self.json(Self.status(error.code), Self.errorBody(Self.message(error)))
                if error.code == .overloaded { response.headers[.retryAfter] = "1" }
                return response
            }
        }
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

    static func decode<Request: Decodable>(_ pairs: [(String, JSONValue)]) throws(TrimtabError) -> Request {
        do {
            return try JSONDecoder().decode(Request.self, from: Data(JSONValue.object(pairs).render(indent: nil).utf8))
        } catch let error as DecodingError {
            throw TrimtabError(field: Self.path(of: error), Self.problem(of: error))
        } catch {
            throw TrimtabError(field: "body", "cannot be read: \(error)")
        }
    }

    static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): return (c.codingPath + [key]).map(\.stringValue).joined(separator: ".")
        @unknown default: return "body"
        }
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? "body" : path
    }

    static func problem(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _):
            let name = "\(type)"
            if name.contains("Double") || name.contains("Int") { return "expected a number" }
            if name.contains("Bool") { return "expected true or false" }
            if name.contains("String") { return "expected a string" }
            return "has the wrong type"
        case .valueNotFound: return "is required"
        case .keyNotFound: return "is required"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "cannot be read"
        }
    }

    /// The error's one line, naming request fields as the API spells them: the CLI's
    /// `--max-latency-ms` is the field and query parameter `max_latency_ms`.
    static func message(_ error: TrimtabError) -> String {
        var e = error
        if e.file == nil, let field = e.field, field.hasPrefix("--") {
            e.field = String(field.dropFirst(2)).replacingOccurrences(of: "-", with: "_")
        }
        return e.description
    }

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
