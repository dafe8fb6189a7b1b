import Foundation

/// Reads the arrival rate from Prometheus' HTTP API: `/api/v1/query` for the current value and
/// `/api/v1/query_range` for the history that warms the forecaster.
///
/// The query must give one series or a vector to add up (e.g. `sum(rate(requests_total[30s]))`);
/// several series are summed. An empty result is "no data" (`nil`), never zero.
public struct PrometheusSource: MetricsSource {
    public var baseURL: String
    public var query: String
    public var transport: any HTTPTransport
    public var retry: RetryPolicy
    /// The current time in seconds since 1970 (injected in tests).
    public var now: @Sendable () -> Double

    public init(baseURL: String, query: String, transport: any HTTPTransport = AsyncHTTPTransport(),
                retry: RetryPolicy = RetryPolicy(attempts: 2),
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.query = query
        self.transport = transport
        self.retry = retry
        self.now = now
    }

    public func currentRate() async throws -> Double? {
        let data = try await get("/api/v1/query", ["query": query, "time": Self.format(now())])
        let samples = try Self.parse(data, expecting: "vector")
        guard !samples.isEmpty else { return nil }
        return samples.reduce(0) { $0 + ($1.last ?? 0) }
    }

    public func history(seconds: Double, stepSeconds: Double) async throws -> [Double] {
        let end = now()
        let data = try await get("/api/v1/query_range", [
            "query": query, "start": Self.format(end - seconds), "end": Self.format(end),
            "step": Self.format(max(stepSeconds, 0.001)),
        ])
        let series = try Self.parse(data, expecting: "matrix")
        // Several series: add them point by point (aligned on the same steps by Prometheus).
        var total: [Double] = []
        for values in series {
            if total.isEmpty { total = values; continue }
            for (i, v) in values.enumerated() where i < total.count { total[i] += v }
        }
        return total
    }

    private func get(_ path: String, _ parameters: [String: String]) async throws -> Data {
        let query = parameters.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(Self.percentEncode($0.value))" }.joined(separator: "&")
        let url = baseURL + path + "?" + query
        let response = try await transport.send(HTTPRequestData(method: "GET", url: url), policy: retry)
        guard response.status == 200 else {
            throw AdapterError.rejected(status: response.status, message: Self.errorMessage(response))
        }
        return response.body
    }

    static func errorMessage(_ response: HTTPResponseData) -> String {
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
           let error = object["error"] as? String { return error }
        return response.text
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (so '+' stays a plus).
    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    /// The values of each series in a Prometheus API answer (one value for a vector).
    static func parse(_ data: Data, expecting type: String) throws -> [[Double]] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AdapterError.malformed("prometheus: not a JSON object")
        }
        guard object["status"] as? String == "success", let payload = object["data"] as? [String: Any] else {
            throw AdapterError.malformed("prometheus: \(object["error"] as? String ?? "status is not success")")
        }
        let resultType = payload["resultType"] as? String ?? ""
        if resultType == "scalar", let pair = payload["result"] as? [Any] {
            return [try value(pair)].compactMap { $0 }.map { [$0] }
        }
        guard resultType == type, let results = payload["result"] as? [[String: Any]] else {
            throw AdapterError.malformed("prometheus: expected a \(type), found '\(resultType)'")
        }
        return try results.map { series in
            if let pair = series["value"] as? [Any] { return try value(pair).map { [$0] } ?? [] }
            let pairs = series["values"] as? [[Any]] ?? []
            return try pairs.compactMap { try value($0) }
        }
    }

    /// A `[timestamp, "value"]` pair's value; NaN and infinities count as no sample.
    static func value(_ pair: [Any]) throws -> Double? {
        guard pair.count == 2, let text = pair[1] as? String else { throw AdapterError.malformed("prometheus: bad sample") }
        guard let v = Double(text) else { throw AdapterError.malformed("prometheus: '\(text)' is not a number") }
        return v.isFinite ? v : nil
    }
}
