import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrimtabTestSupport

/// The in-repo Kubernetes test API follows the real API's paths and semantics.
@Suite struct KubeTestServerTests {
    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
    }

    func app(_ store: KubeAPIStore) -> some ApplicationProtocol {
        Application(router: KubeTestServer.router(store: store))
    }

    @Test func scaleGetPutAndStaleVersionConflict() async throws {
        let store = KubeAPIStore()
        await store.addDeployment(namespace: "ml", name: "resize", replicas: 2)
        try await app(store).test(.router) { client in
            let path = "/apis/apps/v1/namespaces/ml/deployments/resize/scale"
            let scale = try await client.execute(uri: path, method: .get) { Self.json($0.body) }
            #expect(scale["kind"] as? String == "Scale")
            #expect(scale["apiVersion"] as? String == "autoscaling/v1")
            #expect((scale["spec"] as? [String: Any])?["replicas"] as? Int == 2)
            let version = try #require((scale["metadata"] as? [String: Any])?["resourceVersion"] as? String)

            let put = #"{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"resize","resourceVersion":"\#(version)"},"spec":{"replicas":5}}"#
            try await client.execute(uri: path, method: .put, headers: [.contentType: "application/json"], body: ByteBuffer(string: put)) { response in
                #expect(response.status == .ok)
                let newVersion = (Self.json(response.body)["metadata"] as? [String: Any])?["resourceVersion"] as? String
                #expect(newVersion != nil && newVersion != version)
            }
            // The same (now stale) version again: 409 with a Status object.
            try await client.execute(uri: path, method: .put, headers: [.contentType: "application/json"], body: ByteBuffer(string: put)) { response in
                #expect(response.status == .conflict)
                let status = Self.json(response.body)
                #expect(status["kind"] as? String == "Status")
                #expect(status["reason"] as? String == "Conflict")
                #expect(status["code"] as? Int == 409)
            }
        }
        #expect(await store.replicas(namespace: "ml", name: "resize") == 5)
    }

    @Test func mergePatchReplacesListsStrategicMergesByName() async throws {
        let store = KubeAPIStore()
        await store.addDeployment(namespace: "ml", name: "classify", replicas: 1, env: ["A": "1", "MODEL_VARIANT": "small"])
        try await app(store).test(.router) { client in
            let path = "/apis/apps/v1/namespaces/ml/deployments/classify"
            let strategic = #"{"spec":{"template":{"spec":{"containers":[{"name":"model","env":[{"name":"MODEL_VARIANT","value":"large"}]}]}}}}"#
            try await client.execute(uri: path, method: .patch, headers: [.contentType: "application/strategic-merge-patch+json"],
                                     body: ByteBuffer(string: strategic)) { #expect($0.status == .ok) }
            #expect(await store.environment(namespace: "ml", name: "classify", variable: "MODEL_VARIANT") == "large")
            #expect(await store.environment(namespace: "ml", name: "classify", variable: "A") == "1")

            let merge = #"{"spec":{"template":{"spec":{"containers":[{"name":"model","image":"x","env":[{"name":"B","value":"2"}]}]}}}}"#
            try await client.execute(uri: path, method: .patch, headers: [.contentType: "application/merge-patch+json"],
                                     body: ByteBuffer(string: merge)) { #expect($0.status == .ok) }
            #expect(await store.environment(namespace: "ml", name: "classify", variable: "A") == nil)
            #expect(await store.environment(namespace: "ml", name: "classify", variable: "B") == "2")

            try await client.execute(uri: path, method: .patch, headers: [.contentType: "application/json-patch+json"],
                                     body: ByteBuffer(string: "[]")) { #expect($0.status == .unsupportedMediaType) }
        }
    }

    @Test func faultsNotFoundAndToken() async throws {
        let store = KubeAPIStore(token: "secret")
        await store.addDeployment(namespace: "ml", name: "a", replicas: 1)
        try await app(store).test(.router) { client in
            let path = "/apis/apps/v1/namespaces/ml/deployments/a"
            try await client.execute(uri: path, method: .get) { #expect($0.status == .unauthorized) }
            let auth: HTTPFields = [.authorization: "Bearer secret"]
            try await client.execute(uri: path, method: .get, headers: auth) { #expect($0.status == .ok) }
            try await client.execute(uri: "/_test/faults?count=2&status=503", method: .post, headers: auth) { #expect($0.status == .noContent) }
            try await client.execute(uri: path, method: .get, headers: auth) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: path, method: .get, headers: auth) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: path, method: .get, headers: auth) { #expect($0.status == .ok) }
            try await client.execute(uri: "/apis/apps/v1/namespaces/ml/deployments/missing", method: .get, headers: auth) { response in
                #expect(response.status == .notFound)
                #expect(Self.json(response.body)["reason"] as? String == "NotFound")
            }
        }
    }

    /// The real kubectl client scales and reads a Deployment on the test server.
    @Test(.timeLimit(.minutes(5))) func kubectlScalesAndReads() async throws {
        guard let kubectl = ExternalServer.which("kubectl") else {
            Issue.record("kubectl is not installed (apt-get install -y kubernetes-client; scripts/test.sh installs it); this test needs the real client")
            return
        }
        let store = KubeAPIStore()
        await store.addDeployment(namespace: "ml", name: "resize", replicas: 2)
        let server = try await KubeTestServer.start(store: store)
        let scaled = try await Self.run(kubectl, ["--server", server.url, "-n", "ml", "scale", "deployment", "resize", "--replicas=7"])
        #expect(scaled.status == 0, "\(scaled.output)")
        #expect(scaled.output.contains("deployment.apps/resize scaled"), "\(scaled.output)")
        #expect(await store.replicas(namespace: "ml", name: "resize") == 7)

        let got = try await Self.run(kubectl, ["--server", server.url, "-n", "ml", "get", "deployment", "resize", "-o", "json"])
        #expect(got.status == 0, "\(got.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(got.output.utf8)) as? [String: Any])
        #expect((object["spec"] as? [String: Any])?["replicas"] as? Int == 7)
        #expect((object["metadata"] as? [String: Any])?["resourceVersion"] as? String
                == (await store.resourceVersion(namespace: "ml", name: "resize")))
        // kubectl scale with a precondition: a stale --resource-version is refused with a conflict.
        let stale = try await Self.run(kubectl, ["--server", server.url, "-n", "ml", "scale", "deployment", "resize",
                                                 "--replicas=3", "--resource-version=1"])
        #expect(stale.status != 0)
        #expect(await store.replicas(namespace: "ml", name: "resize") == 7)
        await server.stop()
    }

    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runCommand(executable, arguments, environment: ["KUBECONFIG": "/dev/null"])
    }
}
