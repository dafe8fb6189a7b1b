import Foundation

/// Applies settings to Kubernetes Deployments through the API server.
///
/// Replicas go through the `scale` subresource (GET, then PUT carrying the `resourceVersion`
/// read); variant, batch size and CPU request through a JSON merge-patch of the Deployment's
/// pod template that carries `metadata.resourceVersion`, so a concurrent writer makes the
/// server answer 409 Conflict: the sink then re-reads and retries. 5xx answers and timeouts are
/// retried with backoff; any other 4xx is reported at once with the server's message.
public struct KubernetesSink: StageByStageSink {
    public let kind = "kubernetes"
    public var settings: KubernetesSettings
    public var transport: any HTTPTransport
    public var retry: RetryPolicy
    /// Re-reads after a 409 before giving up.
    public var conflictRetries: Int

    public init(settings: KubernetesSettings, transport: (any HTTPTransport)? = nil,
                retry: RetryPolicy = RetryPolicy(), conflictRetries: Int = 5) {
        self.settings = settings
        self.transport = transport ?? AsyncHTTPTransport(caFile: settings.caFile)
        self.retry = retry
        self.conflictRetries = conflictRetries
    }

    /// Applies one stage's setting; throws `AdapterError` on failure.
    public func apply(_ setting: StageSetting) async throws {
        guard let name = settings.deployments[setting.stage] else {
            throw AdapterError.notConfigured("kubernetes: no deployment for stage '\(setting.stage)'")
        }
        if setting.variant != nil || setting.batchSize != nil || setting.cpuCores != nil {
            try await patchContainer(deployment: name, setting)
        }
        if let replicas = setting.replicas {
            try await scale(deployment: name, to: replicas)
        }
    }

    /// The Deployment's replicas as the `scale` subresource reports them (spec).
    public func replicas(deployment name: String) async throws -> Int {
        let object = try await getJSON(scalePath(name))
        return ((object["spec"] as? [String: Any])?["replicas"] as? Int) ?? 0
    }

    // MARK: - Scale subresource

    func scale(deployment name: String, to replicas: Int) async throws {
        for _ in 0...conflictRetries {
            let current = try await getJSON(scalePath(name))
            let metadata = current["metadata"] as? [String: Any] ?? [:]
            let spec = current["spec"] as? [String: Any] ?? [:]
            if spec["replicas"] as? Int == replicas { return }
            let body: [String: Any] = [
                "apiVersion": "autoscaling/v1", "kind": "Scale",
                "metadata": ["name": name, "namespace": settings.namespace,
                             "resourceVersion": metadata["resourceVersion"] as? String ?? ""],
                "spec": ["replicas": replicas],
            ]
            let response = try await send("PUT", scalePath(name), body: body, contentType: "application/json")
            if response.status == 409 { continue }
            try Self.check(response)
            return
        }
        throw AdapterError.exhausted(attempts: conflictRetries + 1, lastStatus: 409,
                                     message: "deployment \(name): scale kept conflicting")
    }

    // MARK: - Pod template (environment, CPU request)

    func patchContainer(deployment name: String, _ setting: StageSetting) async throws {
        for _ in 0...conflictRetries {
            let deployment = try await getJSON(deploymentPath(name))
            let metadata = deployment["metadata"] as? [String: Any] ?? [:]
            let template = (deployment["spec"] as? [String: Any])?["template"] as? [String: Any] ?? [:]
            var containers = (template["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
            let index = settings.container.flatMap { want in containers.firstIndex { $0["name"] as? String == want } }
                ?? (containers.isEmpty ? nil : 0)
            guard let index else {
                throw AdapterError.notConfigured("kubernetes: deployment \(name) has no container"
                    + (settings.container.map { " named '\($0)'" } ?? ""))
            }
            let updated = Self.updating(containers[index], with: setting, settings: settings)
            if NSDictionary(dictionary: updated).isEqual(to: containers[index]) { return }
            containers[index] = updated
            // A merge-patch replaces lists whole: send every container, changed one included.
            let patch: [String: Any] = [
                "metadata": ["resourceVersion": metadata["resourceVersion"] as? String ?? ""],
                "spec": ["template": ["spec": ["containers": containers]]],
            ]
            let response = try await send("PATCH", deploymentPath(name), body: patch,
                                          contentType: "application/merge-patch+json")
            if response.status == 409 { continue }
            try Self.check(response)
            return
        }
        throw AdapterError.exhausted(attempts: conflictRetries + 1, lastStatus: 409,
                                     message: "deployment \(name): patch kept conflicting")
    }

    /// The container with the setting's environment variables and CPU request set.
    static func updating(_ container: [String: Any], with setting: StageSetting, settings: KubernetesSettings) -> [String: Any] {
        var c = container
        var env = c["env"] as? [[String: Any]] ?? []
        func set(_ name: String, _ value: String) {
            if let i = env.firstIndex(where: { $0["name"] as? String == name }) {
                env[i] = ["name": name, "value": value]
            } else {
                env.append(["name": name, "value": value])
            }
        }
        if let v = setting.variant { set(settings.variantEnv, v) }
        if let b = setting.batchSize { set(settings.batchSizeEnv, String(b)) }
        if !env.isEmpty { c["env"] = env }
        if let cores = setting.cpuCores {
            var resources = c["resources"] as? [String: Any] ?? [:]
            var requests = resources["requests"] as? [String: Any] ?? [:]
            requests["cpu"] = cpuQuantity(cores)
            resources["requests"] = requests
            c["resources"] = resources
        }
        return c
    }

    /// Cores as a Kubernetes quantity: whole cores as "2", else millicores ("500m").
    public static func cpuQuantity(_ cores: Double) -> String {
        let millis = Int((cores * 1000).rounded())
        return millis % 1000 == 0 ? String(millis / 1000) : "\(millis)m"
    }

    // MARK: - HTTP

    func deploymentPath(_ name: String) -> String {
        "/apis/apps/v1/namespaces/\(settings.namespace)/deployments/\(name)"
    }

    func scalePath(_ name: String) -> String { deploymentPath(name) + "/scale" }

    func headers(contentType: String?) -> [(String, String)] {
        var h: [(String, String)] = [("Accept", "application/json")]
        if let contentType { h.append(("Content-Type", contentType)) }
        if let token = settings.token { h.append(("Authorization", "Bearer \(token)")) }
        return h
    }

    func getJSON(_ path: String) async throws -> [String: Any] {
        let response = try await transport.send(
            HTTPRequestData(method: "GET", url: settings.server + path, headers: headers(contentType: nil)), policy: retry)
        try Self.check(response)
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw AdapterError.malformed("kubernetes: GET \(path) did not return a JSON object")
        }
        return object
    }

    func send(_ method: String, _ path: String, body: [String: Any], contentType: String) async throws -> HTTPResponseData {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let request = HTTPRequestData(method: method, url: settings.server + path,
                                      headers: headers(contentType: contentType), body: data)
        return try await transport.send(request, policy: retry)
    }

    /// Accepts 2xx; any other status is a clear error carrying the API server's Status message.
    static func check(_ response: HTTPResponseData) throws {
        guard (200..<300).contains(response.status) else {
            throw AdapterError.rejected(status: response.status, message: summaryMessage(response))
        }
    }

    static func summaryMessage(_ response: HTTPResponseData) -> String {
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
           let message = object["message"] as? String { return message }
        return response.text
    }
}

extension KubernetesSink: ObservableConfigurationSink {
    /// Replicas (spec) and the variant environment variable of each stage's Deployment.
    public func observe(stages: [String]) async throws -> [StageSetting] {
        var result: [StageSetting] = []
        for stage in stages {
            guard let name = settings.deployments[stage] else { continue }
            let deployment = try await getJSON(deploymentPath(name))
            let spec = deployment["spec"] as? [String: Any] ?? [:]
            let template = spec["template"] as? [String: Any] ?? [:]
            let containers = (template["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
            let container = settings.container.flatMap { want in containers.first { $0["name"] as? String == want } } ?? containers.first
            let env = container?["env"] as? [[String: Any]] ?? []
            func value(_ name: String) -> String? { env.first { $0["name"] as? String == name }?["value"] as? String }
            result.append(StageSetting(stage: stage, variant: value(settings.variantEnv),
                                       batchSize: value(settings.batchSizeEnv).flatMap { Int($0) },
                                       replicas: spec["replicas"] as? Int))
        }
        return result
    }
}
