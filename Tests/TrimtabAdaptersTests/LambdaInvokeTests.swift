import Foundation
import Testing
import TrimtabTestSupport
@testable import TrimtabAdapters

/// `LambdaSink.invoke`, `functionState` and `waitForUpdate`: scripted answers, then moto_server.
@Suite struct LambdaInvokeTests {
    static let settings = LambdaSettings(endpoint: "http://lambda.test", region: "us-east-1", functions: ["a": "fa"])

    @Test func invokeIsSignedAndReadsTheReportLine() async throws {
        let log = "START RequestId: 1 Version: $LATEST\nEND RequestId: 1\nREPORT RequestId: 1\tDuration: 123.45 ms\tBilled Duration: 124 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB\t\n"
        let transport = ScriptedTransport([.success(HTTPResponseData(status: 200, body: Data("\"ok\"".utf8),
                                                                      headers: [("X-Amz-Log-Result", Data(log.utf8).base64EncodedString())]))])
        let sink = LambdaSink(settings: Self.settings, credentials: LambdaSinkTests.credentials, transport: transport, retry: .immediate())
        let invocation = try await sink.invoke(function: "fa", payload: Data(#"{"x":1}"#.utf8))
        #expect(invocation.succeeded && invocation.failureReason == nil)
        #expect(invocation.durationMs == 123.45 && invocation.billedDurationMs == 124)
        #expect(invocation.latencyMs >= 0 && invocation.latencyMs < 10_000)
        #expect(invocation.payload == Data("\"ok\"".utf8))
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST" && request.url == "http://lambda.test/2015-03-31/functions/fa/invocations")
        #expect(request.body == Data(#"{"x":1}"#.utf8))
        #expect(request.header("X-Amz-Log-Type") == "Tail")
        #expect(request.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=testing/") == true)
    }

    @Test func functionErrorsAndRejectionsAreFailuresAndNotRetried() async throws {
        let transport = ScriptedTransport([
            .success(HTTPResponseData(status: 200, body: Data(#"{"errorMessage":"boom"}"#.utf8), headers: [("x-amz-function-error", "Unhandled")])),
            .success(HTTPResponseData(status: 429, body: Data(#"{"message":"Rate exceeded"}"#.utf8))),
        ])
        let sink = LambdaSink(settings: Self.settings, credentials: LambdaSinkTests.credentials, transport: transport, retry: .immediate())
        let failed = try await sink.invoke(function: "fa", payload: nil)
        #expect(!failed.succeeded && failed.functionError == "Unhandled")
        #expect(failed.failureReason?.hasPrefix("function error (Unhandled)") == true)
        #expect(failed.durationMs == nil)
        let throttled = try await sink.invoke(function: "fa", payload: nil)
        #expect(throttled.failureReason == "HTTP 429: Rate exceeded")
        #expect(transport.requests.count == 2)
    }

    @Test func waitForUpdatePollsUntilTheUpdateIsDone() async throws {
        func state(_ status: String, _ memory: Int) -> Result<HTTPResponseData, any Error> {
            .success(HTTPResponseData(status: 200, body: Data(#"{"MemorySize":\#(memory),"LastUpdateStatus":"\#(status)","State":"Active"}"#.utf8)))
        }
        let transport = ScriptedTransport([state("InProgress", 128), state("InProgress", 128), state("Successful", 512)])
        let sink = LambdaSink(settings: Self.settings, credentials: LambdaSinkTests.credentials, transport: transport, retry: .immediate())
        let done = try await sink.waitForUpdate(function: "fa", polls: 5, interval: .zero)
        #expect(done == LambdaFunctionState(memoryMB: 512, lastUpdateStatus: "Successful", state: "Active"))
        #expect(transport.requests.count == 3)
        // Bounded: still in progress after 2 polls is returned as such (the caller decides).
        let slow = ScriptedTransport([state("InProgress", 128), state("InProgress", 128), state("Successful", 512)])
        let stuck = try await LambdaSink(settings: Self.settings, credentials: LambdaSinkTests.credentials, transport: slow, retry: .immediate())
            .waitForUpdate(function: "fa", polls: 2, interval: .zero)
        #expect(stuck.lastUpdateStatus == "InProgress" && slow.requests.count == 2)
        let failing = ScriptedTransport([state("Failed", 128)])
        await #expect(throws: LambdaUpdateFailed.self) {
            try await LambdaSink(settings: Self.settings, credentials: LambdaSinkTests.credentials, transport: failing, retry: .immediate())
                .waitForUpdate(function: "fa", polls: 3, interval: .zero)
        }
    }

    /// moto cannot run the code without Docker: it answers 200 with `X-Amz-Function-Error`.
    /// With its Docker use switched off (`/moto-api/config`, which also resets moto's state) it
    /// answers success (echoing the payload).
    @Test(.timeLimit(.minutes(5))) func invokeAgainstMoto() async throws {
        let moto = try await RealServers.moto()
        defer { moto.stop() }
        _ = try await LambdaSinkTests.fixture(moto.url, ["setup", "trimtab-invoke"])
        let docker = LambdaSink(settings: LambdaSettings(endpoint: moto.url, region: "eu-west-1", functions: ["s": "trimtab-invoke"]),
                                credentials: LambdaSinkTests.credentials, retry: .immediate())
        let failed = try await docker.invoke(function: "trimtab-invoke", payload: Data(#"{"x":1}"#.utf8))
        #expect(failed.status == 200 && failed.functionError == "Handled", "\(failed)")
        #expect(failed.failureReason?.hasPrefix("function error (Handled)") == true)
        // A second moto with Docker use off (switched before creating the function: the switch resets Lambda's state).
        let stub = try await RealServers.moto()
        defer { stub.stop() }
        try await MotoConfig.useDocker(false, stub.url)
        _ = try await LambdaSinkTests.fixture(stub.url, ["setup", "trimtab-invoke"])
        let sink = LambdaSink(settings: LambdaSettings(endpoint: stub.url, region: "eu-west-1", functions: ["s": "trimtab-invoke"]),
                              credentials: LambdaSinkTests.credentials, retry: .immediate())
        let ok = try await sink.invoke(function: "trimtab-invoke", payload: Data(#"{"x":1}"#.utf8))
        #expect(ok.succeeded && ok.latencyMs > 0, "\(ok)")
        // moto's stub echoes a JSON payload.
        #expect(String(decoding: ok.payload, as: UTF8.self) == #"{"x":1}"#)
        let missing = try await docker.invoke(function: "trimtab-missing", payload: nil)
        #expect(!missing.succeeded, "\(missing)")
        try await sink.apply(StageSetting(stage: "s", memoryMB: 640))
        let state = try await sink.waitForUpdate(function: "trimtab-invoke", polls: 3, interval: .zero)
        #expect(state.memoryMB == 640 && state.lastUpdateStatus == "Successful")
    }
}

/// moto's own configuration endpoint.
enum MotoConfig {
    static func useDocker(_ on: Bool, _ endpoint: String) async throws {
        let response = try await AsyncHTTPTransport().send(HTTPRequestData(
            method: "POST", url: endpoint + "/moto-api/config", headers: [("Content-Type", "application/json")],
            body: Data(#"{"lambda": {"use_docker": \#(on)}}"#.utf8)))
        guard (200..<300).contains(response.status) else { throw TestServerError("moto config: HTTP \(response.status)") }
    }
}
