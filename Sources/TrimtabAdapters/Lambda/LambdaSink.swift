import Foundation

/// How to reach AWS Lambda and which function runs each stage.
public struct LambdaSettings: Sendable, Equatable {
    /// `https://lambda.REGION.amazonaws.com` by default; a local endpoint (moto) in tests.
    public var endpoint: String
    public var region: String
    /// Stage name → function name.
    public var functions: [String: String]
    /// Environment variable that carries the model variant.
    public var variantEnv: String

    public init(endpoint: String? = nil, region: String, functions: [String: String], variantEnv: String = "MODEL_VARIANT") {
        let e = endpoint ?? "https://lambda.\(region).amazonaws.com"
        self.endpoint = e.hasSuffix("/") ? String(e.dropLast()) : e
        self.region = region
        self.functions = functions
        self.variantEnv = variantEnv
    }
}

/// Applies settings to AWS Lambda functions: memory (and the variant's environment variable)
/// through UpdateFunctionConfiguration, reserved concurrency through PutFunctionConcurrency.
/// Every request is SigV4-signed. 5xx, 429 and 409 (an update in progress) are retried.
public struct LambdaSink: StageByStageSink {
    public let kind = "lambda"
    public var settings: LambdaSettings
    public var signer: SigV4Signer
    public var transport: any HTTPTransport
    public var retry: RetryPolicy

    public init(settings: LambdaSettings, credentials: AWSCredentials,
                transport: any HTTPTransport = AsyncHTTPTransport(), retry: RetryPolicy = RetryPolicy()) {
        self.settings = settings
        self.signer = SigV4Signer(credentials: credentials, region: settings.region, service: "lambda")
        self.transport = transport
        self.retry = retry
    }

    public func apply(_ setting: StageSetting) async throws {
        guard let function = settings.functions[setting.stage] else {
            throw AdapterError.notConfigured("lambda: no function for stage '\(setting.stage)'")
        }
        var update: [String: Any] = [:]
        if let memory = setting.memoryMB { update["MemorySize"] = memory }
        if let variant = setting.variant {
            // The update replaces the environment whole: keep the other variables.
            let current = try await request("GET", configurationPath(function), body: nil)
            var variables = ((current["Environment"] as? [String: Any])?["Variables"] as? [String: String]) ?? [:]
            variables[settings.variantEnv] = variant
            update["Environment"] = ["Variables": variables]
        }
        if !update.isEmpty {
            _ = try await request("PUT", configurationPath(function), body: update)
        }
        if let concurrency = setting.concurrency {
            _ = try await request("PUT", "/2017-10-31/functions/\(function)/concurrency",
                                  body: ["ReservedConcurrentExecutions": concurrency])
        }
    }

    func configurationPath(_ function: String) -> String { "/2015-03-31/functions/\(function)/configuration" }

    func request(_ method: String, _ path: String, body: [String: Any]?) async throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        var headers: [(String, String)] = [("Accept", "application/json")]
        if data != nil { headers.append(("Content-Type", "application/json")) }
        let unsigned = HTTPRequestData(method: method, url: settings.endpoint + path, headers: headers, body: data)
        // Sign each attempt anew so that a retry after a long backoff carries a fresh date.
        let response = try await SigningTransport(inner: transport, signer: signer).send(
            unsigned, policy: retry, isRetryable: { $0 >= 500 || $0 == 429 || $0 == 409 })
        guard (200..<300).contains(response.status) else {
            throw AdapterError.rejected(status: response.status, message: SigningTransport.summary(response))
        }
        if response.body.isEmpty { return [:] }
        return (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:]
    }
}

/// A transport that signs every request it sends.
struct SigningTransport: HTTPTransport {
    var inner: any HTTPTransport
    var signer: SigV4Signer
    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        try await inner.send(signer.sign(request))
    }
}

extension LambdaSink: ObservableConfigurationSink {
    /// Memory, variant (environment variable) and reserved concurrency of each stage's function
    /// (GetFunctionConfiguration, GetFunctionConcurrency).
    public func observe(stages: [String]) async throws -> [StageSetting] {
        var result: [StageSetting] = []
        for stage in stages {
            guard let function = settings.functions[stage] else { continue }
            let configuration = try await request("GET", configurationPath(function), body: nil)
            let concurrency = try await request("GET", "/2019-09-30/functions/\(function)/concurrency", body: nil)
            let variables = (configuration["Environment"] as? [String: Any])?["Variables"] as? [String: String]
            result.append(StageSetting(stage: stage, variant: variables?[settings.variantEnv],
                                       memoryMB: configuration["MemorySize"] as? Int,
                                       concurrency: concurrency["ReservedConcurrentExecutions"] as? Int))
        }
        return result
    }
}
