import Foundation
import Testing
import TrimtabTestSupport
@testable import TrimtabAdapters

/// The Ray Serve sink against the in-process fake of Serve's REST API (`ServeAPIStore`) on a real socket.
@Suite struct RayServeSinkTests {
    /// The digits application as examples/ray-serve/serve.yaml deploys it, and a second application.
    static func digitsConfig() -> [String: Any] {
        ["name": "digits", "route_prefix": "/", "import_path": "pipeline:build_app", "args": ["models_dir": "models"],
         "deployments": [
            ["name": "locate", "num_replicas": 1, "max_ongoing_requests": 32, "ray_actor_options": ["num_cpus": 1.0],
             "user_config": ["variant": "linear", "max_batch_size": 4, "batch_wait_timeout_s": 0.005]],
            ["name": "classify", "num_replicas": 1, "max_ongoing_requests": 32, "ray_actor_options": ["num_cpus": 1.0],
             "user_config": ["variant": "linear", "max_batch_size": 4, "batch_wait_timeout_s": 0.005]],
            ["name": "Reader", "num_replicas": 1],
         ]]
    }

    static func otherConfig() -> [String: Any] { ["name": "other", "route_prefix": "/other", "import_path": "other:app",
                                             "deployments": [["name": "Echo", "num_replicas": 2]]] }

    /// The object as sorted-key JSON: equal objects give equal data (NSNull included).
    static func canonical(_ object: Any?) -> Data {
        guard let object else { return Data() }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static func data(_ object: [String: Any]) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }

    static func deployed(_ store: ServeAPIStore, _ deployment: String) async -> [String: Any] {
        json(await store.deploymentConfig(application: "digits", deployment: deployment) ?? Data())
    }

    static func setUp(waitTimeout: Duration = .seconds(20), deployments: [String: String] = ["locate": "locate", "classify": "classify"],
                      accepts: @escaping @Sendable (String, [String: Any]) -> Bool = { _, user in
                          ["linear", "mlp", "svm"].contains(user["variant"] as? String ?? "linear")
                      }) async throws -> (ServeAPIStore, RunningHTTPServer, RayServeSink) {
        let store = ServeAPIStore(deployingReads: 2, acceptsUserConfig: accepts)
        await store.deploy(data(digitsConfig()), code: ["locate", "classify", "Reader"])
        await store.deploy(data(otherConfig()), code: ["Echo"])
        let server = try await ServeTestServer.start(store: store)
        let settings = RayServeSettings(address: server.url, application: "digits", deployments: deployments,
                                        waitTimeout: waitTimeout, pollInterval: .milliseconds(20))
        return (store, server, RayServeSink(settings: settings, retry: .immediate()))
    }

    static func json(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    @Test func appliesEveryKnobWithOnePutAndKeepsEveryOtherField() async throws {
        let (store, server, sink) = try await Self.setUp()
        let report = await sink.apply([
            StageSetting(stage: "locate", variant: "svm", batchSize: 8, replicas: 2),
            StageSetting(stage: "classify", variant: "mlp", cpuCores: 0.5),
        ])
        #expect(report == SinkReport(applied: ["locate", "classify"]))
        let puts = await store.requests.filter { $0.method == "PUT" }
        #expect(puts.count == 1)
        // The body, written out by hand: serve.yaml's config with exactly the planned fields changed,
        // the other application and the proxy/http/grpc options as they were.
        let body = Self.json(try #require(puts.first?.body))
        var expected = Self.digitsConfig()
        expected["deployments"] = [
            ["name": "locate", "num_replicas": 2, "max_ongoing_requests": 32, "ray_actor_options": ["num_cpus": 1.0],
             "user_config": ["variant": "svm", "max_batch_size": 8, "batch_wait_timeout_s": 0.005]],
            ["name": "classify", "num_replicas": 1, "max_ongoing_requests": 32, "ray_actor_options": ["num_cpus": 0.5],
             "user_config": ["variant": "mlp", "max_batch_size": 4, "batch_wait_timeout_s": 0.005]],
            ["name": "Reader", "num_replicas": 1],
        ]
        let applications = try #require(body["applications"] as? [[String: Any]])
        #expect(applications.count == 2)
        #expect(NSDictionary(dictionary: applications[0]).isEqual(to: expected), "\(applications[0])")
        #expect(NSDictionary(dictionary: applications[1]).isEqual(to: Self.otherConfig()))
        #expect(Self.canonical(body["http_options"]) == Self.canonical(ServeAPIStore.httpOptions()))
        #expect(Self.canonical(body["grpc_options"]) == Self.canonical(ServeAPIStore.grpcOptions()))
        #expect(body["proxy_location"] as? String == "EveryNode")
        // It waited for RUNNING: the last read saw the application RUNNING.
        #expect(await store.status(application: "digits") == "RUNNING")
        #expect(await store.status(application: "other") == "RUNNING")
        let observed = try await sink.observe(stages: ["locate", "classify"])
        #expect(observed == [StageSetting(stage: "locate", variant: "svm", batchSize: 8, cpuCores: 1, replicas: 2),
                             StageSetting(stage: "classify", variant: "mlp", batchSize: 4, cpuCores: 0.5, replicas: 1)])
        await server.stop()
    }

    @Test func variantAndBatchSwitchKeepsTheReplicas() async throws {
        let (store, server, sink) = try await Self.setUp()
        let before = await store.replicas(application: "digits", deployment: "classify")
        #expect(await sink.apply([StageSetting(stage: "classify", variant: "svm", batchSize: 16)]).isComplete)
        #expect(await store.replicas(application: "digits", deployment: "classify") == before)
        #expect(await sink.apply([StageSetting(stage: "classify", cpuCores: 2)]).isComplete)
        #expect(await store.replicas(application: "digits", deployment: "classify") != before)
        await server.stop()
    }

    @Test func applyingWhatRunsSendsNothing() async throws {
        let (store, server, sink) = try await Self.setUp()
        let report = await sink.apply([StageSetting(stage: "locate", variant: "linear", batchSize: 4, cpuCores: 1, replicas: 1)])
        #expect(report == SinkReport(applied: ["locate"]))
        #expect(await store.putCount == 0)
        await server.stop()
    }

    @Test func unknownDeploymentFailsItsStageAndTheOthersGoAhead() async throws {
        let (store, server, sink) = try await Self.setUp(deployments: ["locate": "locate", "classify": "clasify"])
        let report = await sink.apply([StageSetting(stage: "locate", replicas: 2), StageSetting(stage: "classify", replicas: 3)])
        #expect(report.applied == ["locate"])
        #expect(report.failed == [StageFailure(stage: "classify",
            message: "ray_serve: application 'digits' has no deployment 'clasify' (it has 'Reader', 'classify', 'locate')")])
        #expect(await store.putCount == 1)
        #expect(await Self.deployed(store, "locate")["num_replicas"] as? Int == 2)
        #expect(await Self.deployed(store, "classify")["num_replicas"] as? Int == 1)
        await server.stop()
    }

    @Test func configRayRejectsFailsEveryStageAndChangesNothing() async throws {
        let (store, server, sink) = try await Self.setUp()
        let submitted = await store.submitted(application: "digits")
        let report = await sink.apply([StageSetting(stage: "locate", variant: "svm"), StageSetting(stage: "classify", replicas: 0)])
        #expect(report.applied.isEmpty)
        #expect(report.failed.map(\.stage) == ["locate", "classify"])
        let message = try #require(report.failed.first?.message)
        #expect(message.hasPrefix("HTTP 400: ray_serve: Ray rejected the config: 1 validation error for ServeDeploySchema "), "\(message)")
        #expect(message.contains("num_replicas"))
        #expect(await store.putCount == 1)
        #expect(await store.submitted(application: "digits") == submitted)
        await server.stop()
    }

    @Test func updateThatFailsToDeployIsRolledBack() async throws {
        let (store, server, sink) = try await Self.setUp()
        let submitted = await store.submitted(application: "digits")
        let report = await sink.apply([StageSetting(stage: "locate", replicas: 2), StageSetting(stage: "classify", variant: "bogus")])
        #expect(report.applied.isEmpty)
        let byStage = Dictionary(uniqueKeysWithValues: report.failed.map { ($0.stage, $0.message) })
        #expect(byStage["classify"]?.hasPrefix("ray_serve: deployment 'classify': DEPLOY_FAILED: The deployment failed to start") == true,
                "\(byStage)")
        #expect(byStage["locate"] == "ray_serve: not applied: the update failed on 'classify'; rolled back to the previous config")
        #expect(byStage["classify"]?.hasSuffix("; rolled back to the previous config") == true)
        // Two PUTs (the update, the roll-back); the application runs what it ran before.
        #expect(await store.putCount == 2)
        #expect(await store.status(application: "digits") == "RUNNING")
        #expect(await store.submitted(application: "digits") == submitted)
        #expect(await Self.deployed(store, "locate")["num_replicas"] as? Int == 1)
        await server.stop()
    }

    @Test func updateThatNeverFinishesTimesOutAndIsRolledBack() async throws {
        let (store, server, sink) = try await Self.setUp(waitTimeout: .milliseconds(300))
        await store.setStuck(true)
        let report = await sink.apply([StageSetting(stage: "classify", replicas: 2)])
        #expect(report.applied.isEmpty)
        let message = try #require(report.failed.first?.message)
        #expect(message.hasPrefix("ray_serve: application 'digits' was not RUNNING with the new config within 0.3 seconds (last status: DEPLOYING); "),
                "\(message)")
        #expect(await store.putCount == 2)
        await store.setStuck(false)
        _ = try await sink.observe(stages: [])  // one read lets the fake finish the roll-back
        #expect(await Self.deployed(store, "classify")["num_replicas"] as? Int == 1)
        await server.stop()
    }

    @Test func refusedAddressFailsEveryStage() async throws {
        let refusing = try RefusingPort()
        // The HTTP client reports a refused connect when its timeout ends: one second here.
        let sink = RayServeSink(settings: RayServeSettings(address: refusing.url, application: "digits", deployments: ["locate": "locate"]),
                                transport: AsyncHTTPTransport(timeout: .seconds(1)), retry: .immediate(attempts: 2))
        let report = await sink.apply([StageSetting(stage: "locate", replicas: 2)])
        #expect(report.applied.isEmpty)
        let message = try #require(report.failed.first?.message)
        #expect(message.hasPrefix("gave up after 2 attempts: GET \(refusing.url)/api/serve/applications/: "), "\(message)")
        #expect(message.hasSuffix("Connection refused"), "\(message)")
        await #expect(throws: AdapterError.self) { try await sink.verify(stages: ["locate"]) }
    }

    @Test func verifyNamesTheSettingAtFault() async throws {
        let (store, server, sink) = try await Self.setUp()
        try await sink.verify(stages: ["locate", "classify"])
        var wrongApp = sink
        wrongApp.settings.application = "digit"
        await #expect(throws: AdapterError.mismatch(setting: "application",
            message: "ray_serve: no application 'digit' at \(server.url) (it has 'digits', 'other')")) {
            try await wrongApp.verify(stages: ["locate"])
        }
        var wrongDeployment = sink
        wrongDeployment.settings.deployments["classify"] = "Classify"
        await #expect(throws: AdapterError.mismatch(setting: "deployments.classify",
            message: "ray_serve: application 'digits' has no deployment 'Classify' (it has 'Reader', 'classify', 'locate')")) {
            try await wrongDeployment.verify(stages: ["locate", "classify"])
        }
        #expect(await store.putCount == 0)
        await server.stop()
    }

    @Test func autoscaledDeploymentIsNotScaled() async throws {
        let store = ServeAPIStore()
        var config = Self.digitsConfig()
        config["deployments"] = [["name": "locate", "autoscaling_config": ["min_replicas": 1, "max_replicas": 4, "target_ongoing_requests": 2]]]
        await store.deploy(Self.data(config), code: ["locate", "classify", "Reader"])
        let server = try await ServeTestServer.start(store: store)
        let sink = RayServeSink(settings: RayServeSettings(address: server.url, application: "digits", deployments: ["locate": "locate"]),
                                retry: .immediate())
        await #expect(throws: AdapterError.self) { try await sink.verify(stages: ["locate"]) }
        let report = await sink.apply([StageSetting(stage: "locate", replicas: 3)])
        #expect(report.failed.first?.message.contains("is autoscaled by Ray Serve (autoscaling_config)") == true)
        #expect(await store.putCount == 0)
        await server.stop()
    }
}
