import Foundation
import Testing
import TrimtabTestSupport
@testable import TrimtabAdapters

/// The Lambda sink against moto_server (PyPI `moto[server]`), read back with boto3.
@Suite struct LambdaSinkTests {
    static let credentials = AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing")

    static func fixture(_ endpoint: String, _ arguments: [String]) async throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/moto_lambda.py")
        let result = try await runCommand("/usr/bin/env", ["python3", script.path, endpoint] + arguments,
                                          environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
        guard result.status == 0 else { throw TestServerError("moto fixture failed: \(result.output)") }
        return result.output
    }

    static func show(_ endpoint: String, _ names: [String]) async throws -> [String: [String: Any]] {
        let text = try await fixture(endpoint, ["show"] + names)
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]]) ?? [:]
    }

    @Test(.timeLimit(.minutes(5))) func appliesMemoryConcurrencyAndVariant() async throws {
        let moto = try await RealServers.moto()
        defer { moto.stop() }
        _ = try await Self.fixture(moto.url, ["setup", "trimtab-resize", "trimtab-classify"])
        let settings = LambdaSettings(endpoint: moto.url, region: "eu-west-1",
                                      functions: ["resize": "trimtab-resize", "classify": "trimtab-classify"])
        let sink = LambdaSink(settings: settings, credentials: Self.credentials, retry: .immediate())
        let report = await sink.apply([
            StageSetting(stage: "resize", memoryMB: 1024, concurrency: 7),
            StageSetting(stage: "classify", variant: "large", memoryMB: 2048),
        ])
        #expect(report == SinkReport(applied: ["resize", "classify"]))
        let state = try await Self.show(moto.url, ["trimtab-resize", "trimtab-classify"])
        #expect(state["trimtab-resize"]?["memory"] as? Int == 1024)
        #expect(state["trimtab-resize"]?["concurrency"] as? Int == 7)
        #expect(state["trimtab-classify"]?["memory"] as? Int == 2048)
        let env = state["trimtab-classify"]?["env"] as? [String: String]
        #expect(env == ["LOG_LEVEL": "info", "MODEL_VARIANT": "large"])
        // Read back through the sink itself, as the loop does at start-up.
        let observed = try await sink.observe(stages: ["resize", "classify"])
        #expect(observed == [StageSetting(stage: "resize", memoryMB: 1024, concurrency: 7),
                             StageSetting(stage: "classify", variant: "large", memoryMB: 2048)])
    }

    @Test(.timeLimit(.minutes(5))) func unknownFunctionFailsOnlyItsStage() async throws {
        let moto = try await RealServers.moto()
        defer { moto.stop() }
        _ = try await Self.fixture(moto.url, ["setup", "trimtab-a", "trimtab-c"])
        let settings = LambdaSettings(endpoint: moto.url, region: "eu-west-1",
                                      functions: ["a": "trimtab-a", "b": "trimtab-missing", "c": "trimtab-c"])
        let sink = LambdaSink(settings: settings, credentials: Self.credentials, retry: .immediate())
        let report = await sink.apply([StageSetting(stage: "a", memoryMB: 512), StageSetting(stage: "b", memoryMB: 512),
                                       StageSetting(stage: "c", memoryMB: 512)])
        #expect(report.applied == ["a", "c"])
        #expect(report.failed.map(\.stage) == ["b"])
        #expect(report.failed.first?.message.hasPrefix("HTTP 404") == true, "\(report.failed)")
        #expect(try await Self.show(moto.url, ["trimtab-c"])["trimtab-c"]?["memory"] as? Int == 512)
    }

    @Test func everyRequestIsSignedAndRetriedOnThrottling() async throws {
        let transport = ScriptedTransport([.success(HTTPResponseData(status: 429)), .success(HTTPResponseData(status: 200, body: Data("{}".utf8)))])
        let sink = LambdaSink(settings: LambdaSettings(endpoint: "http://lambda.test", region: "us-east-1", functions: ["a": "fa"]),
                              credentials: Self.credentials, transport: transport, retry: .immediate())
        let report = await sink.apply([StageSetting(stage: "a", memoryMB: 256)])
        #expect(report.isComplete)
        #expect(transport.requests.count == 2)
        #expect(transport.requests.allSatisfy { $0.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=testing/") == true })
        #expect(transport.requests.first?.url == "http://lambda.test/2015-03-31/functions/fa/configuration")
        #expect(transport.requests.first?.body == Data(#"{"MemorySize":256}"#.utf8))
    }
}
