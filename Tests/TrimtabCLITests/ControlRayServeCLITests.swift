import Foundation
import Testing
import TrimtabCLI
import TrimtabModel
import TrimtabTestSupport

/// `trimtab control` with the ray_serve sink: bad input found at start-up, before anything is read or applied.
@Suite struct ControlRayServeCLITests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/ray-serve")

    /// The example's control configuration pointed at `address`, with `deployments`, in a fresh folder.
    static func configuration(address: String, deployments: String = "{locate: locate, classify: classify}") throws -> String {
        let folder = try ExternalServer.temporaryDirectory("trimtab-control-ray")
        try FileManager.default.copyItem(at: example.appendingPathComponent("digits-pipeline.yaml"),
                                         to: folder.appendingPathComponent("digits-pipeline.yaml"))
        var text = try String(contentsOf: example.appendingPathComponent("control.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "http://127.0.0.1:8265", with: address)
            .replacingOccurrences(of: "{locate: locate, classify: classify}", with: deployments)
        let path = folder.appendingPathComponent("control.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func serve() async throws -> (ServeAPIStore, RunningHTTPServer) {
        let store = ServeAPIStore()
        let config: [String: Any] = ["name": "digits", "import_path": "pipeline:build_app",
                                     "deployments": [["name": "locate", "num_replicas": 1], ["name": "classify", "num_replicas": 1]]]
        await store.deploy(try JSONSerialization.data(withJSONObject: config), code: ["locate", "classify", "Reader"])
        return (store, try await ServeTestServer.start(store: store))
    }

    @Test func deploymentTheApplicationLacksIsBadInput() async throws {
        let (store, server) = try await Self.serve()
        let config = try Self.configuration(address: server.url, deployments: "{locate: locate, classify: classifier}")
        let result = await ControlCLITests.run(["control", config, "--once"])
        #expect(result.status == 2)
        #expect(result.stderr == "trimtab: \(config): sink.ray_serve.deployments.classify: ray_serve: application 'digits' has no deployment 'classifier' (it has 'Reader', 'classify', 'locate')\n")
        #expect(await store.putCount == 0)
        await server.stop()
    }

    @Test func applicationNotRunningIsBadInput() async throws {
        let (store, server) = try await Self.serve()
        let config = try Self.configuration(address: server.url)
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "application: digits", with: "application: digit")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let result = await ControlCLITests.run(["control", config, "--once"])
        #expect(result.status == 2)
        #expect(result.stderr == "trimtab: \(config): sink.ray_serve.application: ray_serve: no application 'digit' at \(server.url) (it has 'digits')\n")
        #expect(await store.putCount == 0)
        await server.stop()
    }

    @Test func stageWithoutDeploymentIsBadInput() async throws {
        let config = try Self.configuration(address: "http://127.0.0.1:1", deployments: "{locate: locate}")
        let result = await ControlCLITests.run(["control", config, "--once"])
        #expect(result.status == 2)
        #expect(result.stderr == "trimtab: \(config): sink.ray_serve.deployments.classify: is missing (every stage needs a deployment)\n")
    }

    @Test(.timeLimit(.minutes(10))) func refusingRayAddressIsARuntimeFailure() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let config = try Self.configuration(address: refusing.url)
        let result = await ControlCLITests.run(["control", config, "--once"])
        #expect(result.status == 1)
        #expect(result.code == TrimtabError.Code.unavailable)
        #expect(result.stderr.hasPrefix("trimtab: sink ray_serve: cannot read what runs: gave up after 1 attempts: GET \(refusing.url)/api/serve/applications/: "),
                "\(result.stderr)")
        #expect(result.stderr.hasSuffix(": Connection refused\n"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
    }
}
