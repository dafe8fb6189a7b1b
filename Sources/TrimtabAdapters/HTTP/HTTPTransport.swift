import Foundation
import TrimtabModel

/// A plain HTTP request: what the adapters build and what a transport sends.
public struct HTTPRequestData: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public static func == (a: HTTPRequestData, b: HTTPRequestData) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body
            && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A plain HTTP response.
public struct HTTPResponseData: Sendable, Equatable {
    public var status: Int
    public var body: Data
    /// Response headers, in order (the production transport keeps them; scripted answers may omit them).
    public var headers: [(String, String)] = []
    public init(status: Int, body: Data = Data(), headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public static func == (a: HTTPResponseData, b: HTTPResponseData) -> Bool {
        a.status == b.status && a.body == b.body
            && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// A one-line summary of an error response: the `message` field of a JSON body if any,
    /// else the body's text on one line (at most 200 characters).
    public var summary: String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            for key in ["message", "Message", "error"] {
                if let m = object[key] as? String { return m }
            }
        }
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}

/// Sends HTTP requests. The production transport uses AsyncHTTPClient; tests may record.
public protocol HTTPTransport: Sendable {
    /// Sends `request`; throws on transport failures (refused connection, timeout).
    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData
}

extension HTTPTransport {
    /// Sends with retries: transport errors and statuses for which `isRetryable` holds are retried
    /// with `policy`'s backoff; any other response is returned as is.
    func send(_ request: HTTPRequestData, policy: RetryPolicy,
              isRetryable: (Int) -> Bool = { $0 >= 500 || $0 == 429 }) async throws -> HTTPResponseData {
        var lastStatus = 0
        var lastMessage = ""
        for attempt in 1...policy.attempts {
            do {
                let response = try await send(request)
                if !isRetryable(response.status) { return response }
                lastStatus = response.status
                lastMessage = Self.summary(response)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastStatus = 0
                lastMessage = "\(request.method) \(request.url): \(FailureMessage.describe(error))"
            }
            if attempt < policy.attempts { try await policy.sleep(policy.delay(afterAttempt: attempt)) }
        }
        throw AdapterError.exhausted(attempts: policy.attempts, lastStatus: lastStatus, message: lastMessage)
    }

    /// A one-line summary of an error response (`HTTPResponseData.summary`).
    static func summary(_ response: HTTPResponseData) -> String { response.summary }
}
