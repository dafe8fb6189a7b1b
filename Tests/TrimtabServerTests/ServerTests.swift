import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TrimtabCLI
import TrimtabModel
import TrimtabServer

private func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

private func example(_ name: String) throws -> String {
    try String(contentsOfFile: packageRoot() + "/examples/" + name, encoding: .utf8)
}

private func object(_ buffer: ByteBuffer?) -> [String: Any] {
    guard let buffer, let o = try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any] else { return [:] }
    return o
}

// Tests run in parallel against one router: the cap on concurrent solves is raised above their number.
private let app = Application(router: TrimtabServer(maxConcurrentSolves: 64).router())

@Test func planOverHTTPEqualsTheCLI() async throws {
    let text = try example("slapp-app3.yaml")
    let cli = CLI.run(["plan", packageRoot() + "/examples/slapp-app3.yaml", "--format", "json", "--max-latency-ms", "3000"])
    #expect(cli.status == 0)
    try await app.test(.router) { client in
        let response = try await client.execute(uri: "/v1/plan?max_latency_ms=3000", method: .post, body: ByteBuffer(string: text))
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json")
        #expect(String(buffer: response.body ?? ByteBuffer()) == cli.stdout)
        #expect(object(response.body)["status"] as? String == "optimal")
    }
}

@Test func paretoAndValidateOverHTTP() async throws {
    let text = try example("video-pipeline.yaml")
    try await app.test(.router) { client in
        let pareto = try await client.execute(uri: "/v1/pareto", method: .post, body: ByteBuffer(string: text))
        #expect(pareto.status == .ok)
        let points = object(pareto.body)["points"] as? [[String: Any]] ?? []
        let cli = CLI.run(["pareto", packageRoot() + "/examples/video-pipeline.yaml", "--format", "json"])
        #expect(!points.isEmpty)
        #expect(String(buffer: pareto.body ?? ByteBuffer()) == cli.stdout)
        let valid = try await client.execute(uri: "/v1/validate", method: .post, body: ByteBuffer(string: text))
        #expect(object(valid.body)["valid"] as? Bool == true)
    }
}

@Test func badInputIs400WithTheField() async throws {
    let text = try example("slapp-app3.yaml").replacingOccurrences(of: "probability: 0.1}", with: "probability: 1.4}")
    try await app.test(.router) { client in
        let response = try await client.execute(uri: "/v1/plan", method: .post, body: ByteBuffer(string: text))
        #expect(response.status == .badRequest)
        let message = object(response.body)["error"] as? String ?? ""
        #expect(message.hasPrefix("workflow: edges["))
        #expect(message.contains("1.4"))
        let flag = try await client.execute(uri: "/v1/plan?min_accuracy=7", method: .post, body: ByteBuffer(string: try example("slapp-app3.yaml")))
        #expect(flag.status == .badRequest)
        #expect(object(flag.body)["error"] as? String == "min_accuracy: 7 is not in [0, 1]")
    }
}

@Test func infeasibleIs422WithTheClosestBound() async throws {
    let text = try example("image-tagging.yaml")
    try await app.test(.router) { client in
        let response = try await client.execute(uri: "/v1/plan", method: .post, body: ByteBuffer(string: text))
        #expect(response.status == .unprocessableContent)
        let body = object(response.body)
        #expect(body["status"] as? String == "infeasible")
        #expect(body["configuration"] == nil)
        #expect(body["closest"] != nil)
    }
}

@Test func evaluateTakesWorkflowAndConfiguration() async throws {
    let text = try example("image-tagging.yaml")
    let body: [String: Any] = ["workflow": text,
                               "configuration": ["resize": ["memory_mb": 512], "classify": ["variant": "resnet50", "memory_mb": 4096]]]
    let data = try JSONSerialization.data(withJSONObject: body)
    try await app.test(.router) { client in
        let response = try await client.execute(uri: "/v1/evaluate", method: .post, body: ByteBuffer(bytes: data))
        #expect(response.status == .ok)
        let predicted = object(response.body)["predicted"] as? [String: Any]
        #expect(predicted?["accuracy"] as? Double == 0.7613)
        let missing = try await client.execute(uri: "/v1/evaluate", method: .post, body: ByteBuffer(string: #"{"workflow": "x"}"#))
        #expect(missing.status == .badRequest)
    }
}

@Test func dashboardIsServedOverARealSocket() async throws {
    try await app.test(.live) { client in
        let page = try await client.execute(uri: "/", method: .get)
        #expect(page.status == .ok)
        #expect(String(buffer: page.body ?? ByteBuffer()).contains("fetch(path"))
        let health = try await client.execute(uri: "/healthz", method: .get)
        #expect(String(buffer: health.body ?? ByteBuffer()) == "ok")
    }
}

@Test func unknownParametersAndFieldsAreRefusedByName() async throws {
    let text = try example("slapp-app3.yaml")
    try await app.test(.router) { client in
        let unknown = try await client.execute(uri: "/v1/plan?max_latency=100", method: .post, body: ByteBuffer(string: text))
        #expect(unknown.status == .badRequest)
        #expect((object(unknown.body)["error"] as? String ?? "").hasPrefix("query: unknown parameter 'max_latency'"))
        let field = try await client.execute(uri: "/v1/plan", method: .post,
                                             body: ByteBuffer(string: #"{"workflow": "x", "max_latency": 100}"#))
        #expect(field.status == .badRequest)
        #expect((object(field.body)["error"] as? String ?? "").hasPrefix("body: unknown field 'max_latency'"))
        let wrongType = try await client.execute(uri: "/v1/plan", method: .post,
                                                 body: ByteBuffer(string: #"{"workflow": "x", "max_latency_ms": "fast"}"#))
        #expect(wrongType.status == .badRequest)
        #expect(object(wrongType.body)["error"] as? String == "max_latency_ms: expected a number")
    }
}

@Test func aRequestObjectEqualsTheQueryForm() async throws {
    let text = try example("slapp-app3.yaml")
    let data = try JSONSerialization.data(withJSONObject: ["workflow": text, "max_latency_ms": 3000, "explain": true] as [String: Any])
    let cli = CLI.run(["plan", packageRoot() + "/examples/slapp-app3.yaml", "--format", "json", "--max-latency-ms", "3000", "--explain"])
    try await app.test(.router) { client in
        let response = try await client.execute(uri: "/v1/plan", method: .post, body: ByteBuffer(bytes: data))
        #expect(response.status == .ok)
        #expect(String(buffer: response.body ?? ByteBuffer()) == cli.stdout)
        #expect(object(response.body)["explanation"] != nil)
    }
}

@Test func aMissingStageIsNamedOnceByItsPathInTheBody() async throws {
    let text = try example("image-tagging.yaml")
    let data = try JSONSerialization.data(withJSONObject: ["workflow": text, "configuration": ["resize": ["memory_mb": 512]]] as [String: Any])
    try await app.test(.router) { client in
        let response = try await client.execute(uri: "/v1/evaluate", method: .post, body: ByteBuffer(bytes: data))
        #expect(response.status == .badRequest)
        #expect(object(response.body)["error"] as? String == "configuration.classify: is missing")
        // A bad query parameter is named as the API spells it, without the CLI's "(see trimtab … --help)".
        let flag = try await client.execute(uri: "/v1/plan?max_latency_ms=abc", method: .post, body: ByteBuffer(string: text))
        #expect(flag.status == .badRequest)
        #expect(object(flag.body)["error"] as? String == "max_latency_ms: expected a number")
    }
}
