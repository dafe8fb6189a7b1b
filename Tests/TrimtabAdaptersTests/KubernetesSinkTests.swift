import Foundation
import Testing
import TrimtabTestSupport
@testable import TrimtabAdapters

/// The Kubernetes sink against the in-repo test API server on a real socket.
@Suite struct KubernetesSinkTests {
    static func setUp(token: String? = nil) async throws -> (KubeAPIStore, RunningHTTPServer, KubernetesSink) {
        let store = KubeAPIStore(token: token)
        for name in ["resize", "classify", "caption"] {
            await store.addDeployment(namespace: "ml", name: name, replicas: 2, env: ["LOG_LEVEL": "info"])
        }
        let server = try await KubeTestServer.start(store: store)
        let settings = KubernetesSettings(server: server.url, namespace: "ml", token: token,
                                          deployments: ["resize": "resize", "classify": "classify", "caption": "caption"])
        return (store, server, KubernetesSink(settings: settings, retry: .immediate()))
    }

    @Test func appliesReplicasVariantBatchAndCores() async throws {
        let (store, server, sink) = try await Self.setUp(token: "t0ken")
        let report = await sink.apply([
            StageSetting(stage: "resize", replicas: 4),
            StageSetting(stage: "classify", variant: "large", batchSize: 8, cpuCores: 1.5, replicas: 3),
        ])
        #expect(report == SinkReport(applied: ["resize", "classify"]))
        #expect(await store.replicas(namespace: "ml", name: "resize") == 4)
        #expect(await store.replicas(namespace: "ml", name: "classify") == 3)
        #expect(await store.environment(namespace: "ml", name: "classify", variable: "MODEL_VARIANT") == "large")
        #expect(await store.environment(namespace: "ml", name: "classify", variable: "MAX_BATCH_SIZE") == "8")
        #expect(await store.environment(namespace: "ml", name: "classify", variable: "LOG_LEVEL") == "info")
        #expect(await store.cpuRequest(namespace: "ml", name: "classify") == "1500m")
        let requests = await store.requests
        #expect(requests.contains { $0.method == "PATCH" && $0.contentType == "application/merge-patch+json" })
        #expect(requests.contains { $0.method == "PUT" && $0.path.hasSuffix("/classify/scale") })
        let observed = try await sink.observe(stages: ["classify"])
        #expect(observed == [StageSetting(stage: "classify", variant: "large", batchSize: 8, replicas: 3)])
        await server.stop()
    }

    @Test func conflictIsReReadAndRetried() async throws {
        let (store, server, sink) = try await Self.setUp()
        await store.injectConflicts(count: 1)
        let report = await sink.apply([StageSetting(stage: "resize", replicas: 6)])
        #expect(report.isComplete)
        #expect(await store.replicas(namespace: "ml", name: "resize") == 6)
        let statuses = await store.requests.map { "\($0.method) \($0.status)" }
        #expect(statuses == ["GET 200", "PUT 409", "GET 200", "PUT 200"])
        await server.stop()
    }

    @Test func serviceUnavailableThreeTimesThenSuccess() async throws {
        let (store, server, sink) = try await Self.setUp()
        await store.injectFaults(count: 3, status: 503)
        let report = await sink.apply([StageSetting(stage: "caption", replicas: 5)])
        #expect(report.isComplete)
        #expect(await store.replicas(namespace: "ml", name: "caption") == 5)
        #expect(await store.requests.map(\.status) == [503, 503, 503, 200, 200])
        await server.stop()
    }

    @Test func tooManyFaultsGiveUpWithTheStatus() async throws {
        let (store, server, sink) = try await Self.setUp()
        await store.injectFaults(count: 10, status: 503)
        let report = await sink.apply([StageSetting(stage: "caption", replicas: 5)])
        #expect(report.failed.count == 1)
        #expect(report.failed.first?.message.contains("gave up after 4 attempts: HTTP 503") == true)
        await server.stop()
    }

    @Test func oneMissingDeploymentFailsOnlyItsStage() async throws {
        let (store, server, _) = try await Self.setUp()
        let settings = KubernetesSettings(server: server.url, namespace: "ml",
                                          deployments: ["resize": "resize", "classify": "gone", "caption": "caption"])
        let sink = KubernetesSink(settings: settings, retry: .immediate())
        let report = await sink.apply([StageSetting(stage: "resize", replicas: 3), StageSetting(stage: "classify", replicas: 3),
                                       StageSetting(stage: "caption", replicas: 3)])
        #expect(report.applied == ["resize", "caption"])
        #expect(report.failed == [StageFailure(stage: "classify", message: "HTTP 404: deployments.apps \"gone\" not found")])
        // A 4xx is not retried.
        #expect(await store.requests.filter { $0.path.contains("/gone") }.count == 1)
        await server.stop()
    }

    @Test func cpuQuantities() {
        #expect(KubernetesSink.cpuQuantity(2) == "2")
        #expect(KubernetesSink.cpuQuantity(0.25) == "250m")
        #expect(KubernetesSink.cpuQuantity(1.5) == "1500m")
    }
}
