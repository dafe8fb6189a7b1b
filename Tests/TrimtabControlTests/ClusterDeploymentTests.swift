import Foundation
import Testing
import TrimtabControl
import TrimtabModel
import TrimtabTestSupport

/// The controller as deployed in a cluster: the kustomize manifests under deploy/kubernetes,
/// the history lock that keeps one loop per history, and the probe endpoints.
@Suite struct ClusterDeploymentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let base = root + "/deploy/kubernetes"

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let path = try #require(ExternalServer.which(tool), "\(tool) is not installed (.ci/run installs it)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The documents of a multi-document YAML stream.
    static func documents(_ text: String) throws -> [Value] {
        try text.components(separatedBy: "\n---\n").map { try Value.parseYAML($0) }
    }

    static func at(_ value: Value, _ path: [Any]) -> Value? {
        var v = value
        for step in path {
            if let key = step as? String, case .map(let pairs, _) = v, let next = pairs.first(where: { $0.key == key }) { v = next.value }
            else if let i = step as? Int, case .list(let items, _) = v, i < items.count { v = items[i] }
            else { return nil }
        }
        return v
    }

    static func string(_ value: Value, _ path: [Any]) -> String? {
        if let v = at(value, path), case .scalar(let text, _, _) = v { return text }
        return nil
    }

    @Test func manifestsBuildValidateAndGrantOnlyWhatTheLoopNeeds() throws {
        let built = try Self.run("kubectl", ["kustomize", Self.base])
        #expect(built.status == 0, "\(built.output)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-kustomize-\(UUID().uuidString).yaml").path
        try built.output.write(toFile: file, atomically: true, encoding: .utf8)
        let validated = try Self.run("kubernetes-validate", ["--strict", file])
        #expect(validated.status == 0, "\(validated.output)")

        let docs = try Self.documents(built.output)
        let kinds = docs.compactMap { Self.string($0, ["kind"]) }
        #expect(Set(kinds) == ["ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Service", "PersistentVolumeClaim", "Deployment"])
        // Nothing cluster-wide; every object in the one namespace.
        #expect(docs.allSatisfy { Self.string($0, ["metadata", "namespace"]) == "trimtab" })
        let role = try #require(docs.first { Self.string($0, ["kind"]) == "Role" })
        guard case .list(let rules, _)? = Self.at(role, ["rules"]) else { Issue.record("no rules"); return }
        #expect(rules.count == 1)
        func list(_ v: Value?) -> [String] {
            guard case .list(let items, _)? = v else { return [] }
            return items.compactMap { if case .scalar(let t, _, _) = $0 { return t } else { return nil } }
        }
        #expect(list(Self.at(role, ["rules", 0, "apiGroups"])) == ["apps"])
        #expect(Set(list(Self.at(role, ["rules", 0, "resources"]))) == ["deployments", "deployments/scale"])
        #expect(Set(list(Self.at(role, ["rules", 0, "verbs"]))) == ["get", "list", "watch", "patch"])

        let deployment = try #require(docs.first { Self.string($0, ["kind"]) == "Deployment" })
        #expect(Self.string(deployment, ["spec", "replicas"]) == "1")
        #expect(Self.string(deployment, ["spec", "strategy", "type"]) == "Recreate")
        let container: [Any] = ["spec", "template", "spec", "containers", 0]
        #expect(Self.string(deployment, container + ["livenessProbe", "httpGet", "path"]) == "/healthz")
        #expect(Self.string(deployment, container + ["readinessProbe", "httpGet", "path"]) == "/readyz")
        #expect(Self.string(deployment, ["spec", "template", "metadata", "annotations", "prometheus.io/scrape"]) == "true")
        #expect(Self.string(deployment, ["spec", "template", "spec", "securityContext", "runAsNonRoot"]) == "true")
        #expect(Self.string(deployment, ["spec", "template", "spec", "serviceAccountName"]) == "trimtab-control")

        // The ConfigMap's control configuration is one `trimtab control` accepts, with its workflow.
        let configMap = try #require(docs.first { Self.string($0, ["kind"]) == "ConfigMap" })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-configmap-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["control.yaml", "video-k8s.yaml"] {
            // The service account's token and CA exist only in a pod: stand-ins here.
            let text = try #require(Self.string(configMap, ["data", name])).replacingOccurrences(of: "/var/run/secrets/kubernetes.io/serviceaccount", with: folder)
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        try "token".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----".write(toFile: folder + "/ca.crt", atomically: true, encoding: .utf8)
        let configuration = try ControlConfiguration.load(path: folder + "/control.yaml")
        #expect(configuration.metricsPort == 9464 && configuration.metricsAddress == "0.0.0.0")
        #expect(configuration.databasePath == "/var/lib/trimtab/history.sqlite")
        _ = try WorkflowParser.load(path: configuration.workflowPath)
        // The workflow in the base is the example's, byte for byte.
        #expect(try String(contentsOfFile: Self.base + "/video-k8s.yaml", encoding: .utf8)
                == String(contentsOfFile: Self.root + "/examples/video-k8s.yaml", encoding: .utf8))
    }

    @Test func aSecondLoopOnTheSameHistoryRefusesToStart() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).sqlite").path
        var first: HistoryStore? = try HistoryStore(path: path)
        #expect(first != nil)
        #expect(throws: TrimtabError(code: .unavailable, file: path,
                                     "another trimtab control loop is using this history (lock \(path).lock); stop it first or give another database")) {
            _ = try HistoryStore(path: path)
        }
        // Reading (trimtab history) is not writing: allowed while the loop runs.
        _ = try HistoryStore(readingExisting: path)
        first = nil
        _ = try HistoryStore(path: path)
    }

    @Test(.timeLimit(.minutes(10))) func probesAnswerAndReadinessFollowsTheWarmUp() async throws {
        let metrics = ControlMetrics()
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await MetricsServer.run(metrics, address: "127.0.0.1", port: 0) { continuation.yield($0) } }
        var iterator = stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        #expect(await ExternalServer.getPolling("http://127.0.0.1:\(port)/healthz") == "ok\n")
        #expect(await ExternalServer.get("http://127.0.0.1:\(port)/readyz") == nil)   // 503 while warming up
        metrics.markReady()
        #expect(await ExternalServer.getPolling("http://127.0.0.1:\(port)/readyz") == "ready\n")
        task.cancel()
        _ = await task.result
    }

    @Test func metricsAddressIsValidated() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-addr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: Self.base + "/control.yaml", encoding: .utf8)
            .replacingOccurrences(of: "metrics_address: 0.0.0.0", with: "metrics_address: everywhere")
            .replacingOccurrences(of: "/var/run/secrets/kubernetes.io/serviceaccount", with: folder)
        try "token".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----".write(toFile: folder + "/ca.crt", atomically: true, encoding: .utf8)
        try text.write(toFile: folder + "/control.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.base + "/video-k8s.yaml", toPath: folder + "/video-k8s.yaml")
        #expect(throws: TrimtabError(file: folder + "/control.yaml", field: "metrics_address",
                                     "'everywhere' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)")) {
            _ = try ControlConfiguration.load(path: folder + "/control.yaml")
        }
    }
}
