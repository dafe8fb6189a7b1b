import Foundation
import Hummingbird
import TrimtabKit

/// Logs one JSON line per request (time, method, path, status, duration, bytes), counts it for
/// `/metrics`, and answers transport errors (404, 405, 413…) in the API's JSON error shape.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let sink: (@Sendable (String) -> Void)?
    /// The server's paths and their methods (`TrimtabServer.methods`).
    let methods: [String: [String]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound && methods[request.uri.path] != nil {
            // A route that exists, asked with another method.
            let allowed = methods[request.uri.path] ?? []
            response = TrimtabServer.json(.methodNotAllowed, TrimtabServer.errorBody(
                "\(request.method) \(request.uri.path): method not allowed (allowed: \(allowed.joined(separator: ", ")))"))
            response.headers[.allow] = allowed.joined(separator: ", ")
        } catch let error as any HTTPResponseError {
            let message = (error as? HTTPError)?.body ?? "\(error.status.reasonPhrase.lowercased())"
            response = TrimtabServer.json(error.status, TrimtabServer.errorBody("\(request.method) \(request.uri.path): \(message)"))
        } catch {
            response = TrimtabServer.json(.internalServerError, TrimtabServer.errorBody("internal error: \(error)"))
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        metrics.record(route: methods[request.uri.path] != nil ? request.uri.path : "other", method: request.method.rawValue,
                       status: response.status.code, seconds: seconds)
        if let sink {
            sink(JSONValue.object([
                ("time", .string(Date().formatted(.iso8601))), ("method", .string(request.method.rawValue)),
                ("path", .string(request.uri.path)), ("status", .integer(response.status.code)),
                ("duration_ms", .number((seconds * 1e6).rounded() / 1e3)),
            ]).render(indent: nil))
        }
        return response
    }
}
