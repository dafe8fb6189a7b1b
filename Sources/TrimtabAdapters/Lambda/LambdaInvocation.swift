import Foundation

/// The result of one synchronous Lambda invocation (`Invoke`, RequestResponse).
public struct LambdaInvocation: Sendable, Equatable {
    /// HTTP status of the Invoke call.
    public var status: Int
    /// `X-Amz-Function-Error` (`Handled`/`Unhandled`) when the function itself failed, else nil.
    public var functionError: String?
    /// Round trip measured by the client, milliseconds.
    public var latencyMs: Double
    /// The function's own duration from the `REPORT` line of the tail log, when the response has one.
    public var durationMs: Double?
    /// The billed duration from the same `REPORT` line.
    public var billedDurationMs: Double?
    /// The response body (the function's result, or the error).
    public var payload: Data

    public init(status: Int, functionError: String? = nil, latencyMs: Double, durationMs: Double? = nil,
                billedDurationMs: Double? = nil, payload: Data = Data()) {
        self.status = status
        self.functionError = functionError
        self.latencyMs = latencyMs
        self.durationMs = durationMs
        self.billedDurationMs = billedDurationMs
        self.payload = payload
    }

    /// A 2xx answer without a function error.
    public var succeeded: Bool { (200..<300).contains(status) && functionError == nil }

    /// One line saying why the invocation failed (nil if it succeeded).
    public var failureReason: String? {
        if succeeded { return nil }
        let text = HTTPResponseData(status: status, body: payload)
        let detail = SigningTransport.summary(text)
        if let functionError { return "function error (\(functionError)): \(detail)" }
        return "HTTP \(status): \(detail)"
    }

    /// `Duration` and `Billed Duration` (ms) from a base64 tail log (`X-Amz-Log-Result`).
    static func report(fromTailLog base64: String) -> (duration: Double?, billed: Double?) {
        guard let data = Data(base64Encoded: base64) else { return (nil, nil) }
        let log = String(decoding: data, as: UTF8.self)
        guard let line = log.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("REPORT") }) else { return (nil, nil) }
        var duration: Double?, billed: Double?
        for field in line.split(separator: "\t") {
            let parts = field.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = Double(parts[1].trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
            switch parts[0] {
            case "Duration": duration = value
            case "Billed Duration": billed = value
            default: break
            }
        }
        return (duration, billed)
    }
}

/// What GetFunctionConfiguration says about a function's memory and update state.
public struct LambdaFunctionState: Sendable, Equatable {
    public var memoryMB: Int?
    /// `LastUpdateStatus`: `Successful`, `InProgress` or `Failed` (nil if absent).
    public var lastUpdateStatus: String?
    /// `State`: `Active`, `Pending`, … (nil if absent).
    public var state: String?

    public init(memoryMB: Int?, lastUpdateStatus: String?, state: String?) {
        self.memoryMB = memoryMB
        self.lastUpdateStatus = lastUpdateStatus
        self.state = state
    }
}

extension LambdaSink {
    /// Invokes `function` once, synchronously (`Invoke`, `RequestResponse`, tail log requested so
    /// that the function's own duration is read when the service returns it). Not retried: a
    /// retry would hide a throttle or failure from a measurement. Throws on transport failures
    /// (including the transport's timeout); a function error is a returned, unsucceeded invocation.
    public func invoke(function: String, payload: Data?) async throws -> LambdaInvocation {
        var headers: [(String, String)] = [("Accept", "application/json"), ("X-Amz-Invocation-Type", "RequestResponse"),
                                           ("X-Amz-Log-Type", "Tail")]
        if payload != nil { headers.append(("Content-Type", "application/json")) }
        let request = signer.sign(HTTPRequestData(method: "POST", url: settings.endpoint + "/2015-03-31/functions/\(function)/invocations",
                                                  headers: headers, body: payload))
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await transport.send(request)
        let elapsed = clock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var invocation = LambdaInvocation(status: response.status, functionError: response.header("X-Amz-Function-Error"),
                                          latencyMs: ms, payload: response.body)
        if let log = response.header("X-Amz-Log-Result") {
            let report = LambdaInvocation.report(fromTailLog: log)
            invocation.durationMs = report.duration
            invocation.billedDurationMs = report.billed
        }
        return invocation
    }

    /// Memory and update state of `function` (GetFunctionConfiguration).
    public func functionState(_ function: String) async throws -> LambdaFunctionState {
        let c = try await request("GET", configurationPath(function), body: nil)
        return LambdaFunctionState(memoryMB: c["MemorySize"] as? Int, lastUpdateStatus: c["LastUpdateStatus"] as? String,
                                   state: c["State"] as? String)
    }

    /// Polls GetFunctionConfiguration until `LastUpdateStatus` is no longer `InProgress` (a function
    /// without the field counts as updated), at most `polls` times `interval` apart; returns the last
    /// state read. Throws if the update `Failed`.
    public func waitForUpdate(function: String, polls: Int = 30, interval: Duration = .seconds(1)) async throws -> LambdaFunctionState {
        var state = try await functionState(function)
        var remaining = max(1, polls) - 1
        while state.lastUpdateStatus == "InProgress" && remaining > 0 {
            try await retry.sleep(interval)
            state = try await functionState(function)
            remaining -= 1
        }
        if state.lastUpdateStatus == "Failed" {
            throw LambdaUpdateFailed(function: function)
        }
        return state
    }
}

/// A configuration update that Lambda reports as `LastUpdateStatus: Failed`.
public struct LambdaUpdateFailed: Error, Sendable, CustomStringConvertible {
    public var function: String
    public var description: String { "lambda: the update of '\(function)' failed (LastUpdateStatus: Failed)" }
}

extension HTTPResponseData {
    /// The first value of header `name` (case-insensitive), when the transport keeps headers.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}
