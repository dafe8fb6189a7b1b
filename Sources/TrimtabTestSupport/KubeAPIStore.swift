import Foundation

/// A request as the Kubernetes test API sees it.
public struct KubeRequest: Sendable {
    public var method: String
    public var path: String
    public var contentType: String?
    public var authorization: String?
    public var body: Data

    public init(method: String, path: String, contentType: String? = nil, authorization: String? = nil, body: Data = Data()) {
        self.method = method
        self.path = path
        self.contentType = contentType
        self.authorization = authorization
        self.body = body
    }
}

/// A response of the Kubernetes test API: a status and a JSON body.
public struct KubeResponse: Sendable {
    public var status: Int
    public var body: Data
}

/// One request the server received (for assertions in tests).
public struct KubeRequestRecord: Sendable, Equatable {
    public var method: String
    public var path: String
    public var contentType: String?
    public var status: Int
}

/// The state and semantics of the subset of the Kubernetes API that Trimtab and `kubectl scale`
/// use: Deployments (GET, PUT, PATCH with merge-patch and strategic-merge-patch, POST to create)
/// and their `scale` subresource (GET, PUT, PATCH), with a `resourceVersion` that increases on
/// every write and a 409 Conflict `Status` when a write carries a stale one; discovery documents
/// for kubectl; and fault injection (the next N requests answer with a given status).
public actor KubeAPIStore {
    private var deployments: [String: [String: Any]] = [:]
    private var revision = 1000
    private var faults: [Int] = []
    private var conflicts = 0
    public private(set) var requests: [KubeRequestRecord] = []
    /// When set, requests must carry `Authorization: Bearer <token>`.
    public let token: String?

    public init(token: String? = nil) {
        self.token = token
    }

    // MARK: - Test controls

    /// Creates (or replaces) a Deployment with one container and `replicas`.
    public func addDeployment(namespace: String, name: String, replicas: Int, env: [String: String] = [:],
                              container: String = "model") {
        revision += 1
        let envList: [[String: Any]] = env.keys.sorted().map { ["name": $0, "value": env[$0] ?? ""] }
        var containerObject: [String: Any] = ["name": container, "image": "example/\(name):1"]
        if !envList.isEmpty { containerObject["env"] = envList }
        deployments[key(namespace, name)] = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": name, "namespace": namespace, "resourceVersion": String(revision),
                         "uid": UUID().uuidString.lowercased(), "generation": 1,
                         "creationTimestamp": "2026-01-01T00:00:00Z", "labels": ["app": name]],
            "spec": ["replicas": replicas, "selector": ["matchLabels": ["app": name]],
                     "template": ["metadata": ["labels": ["app": name]], "spec": ["containers": [containerObject]]]],
            "status": ["replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas, "observedGeneration": 1],
        ]
    }

    /// The next `count` requests answer `status` (503 by default) without effect.
    public func injectFaults(count: Int, status: Int = 503) {
        faults.append(contentsOf: Array(repeating: status, count: count))
    }

    /// The next `count` writes that carry a resourceVersion meet "another writer": the stored
    /// version moves on first, so they get 409 Conflict as from a real API server.
    public func injectConflicts(count: Int) {
        conflicts += count
    }

    /// A Deployment as stored (JSON), or nil.
    public func deployment(namespace: String, name: String) -> Data? {
        deployments[key(namespace, name)].flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
    }

    public func replicas(namespace: String, name: String) -> Int? {
        (deployments[key(namespace, name)]?["spec"] as? [String: Any])?["replicas"] as? Int
    }

    /// The value of environment variable `env` in the first container, if set.
    public func environment(namespace: String, name: String, variable: String) -> String? {
        containers(namespace, name).first.flatMap { c in
            (c["env"] as? [[String: Any]])?.first { $0["name"] as? String == variable }?["value"] as? String
        }
    }

    /// The CPU request of the first container, if set.
    public func cpuRequest(namespace: String, name: String) -> String? {
        containers(namespace, name).first.flatMap { (($0["resources"] as? [String: Any])?["requests"] as? [String: Any])?["cpu"] as? String }
    }

    public func resourceVersion(namespace: String, name: String) -> String? {
        (deployments[key(namespace, name)]?["metadata"] as? [String: Any])?["resourceVersion"] as? String
    }

    /// A write by "someone else": bumps the resourceVersion so that a reader's copy is stale.
    public func touch(namespace: String, name: String) {
        guard var d = deployments[key(namespace, name)] else { return }
        revision += 1
        var metadata = d["metadata"] as? [String: Any] ?? [:]
        metadata["resourceVersion"] = String(revision)
        d["metadata"] = metadata
        deployments[key(namespace, name)] = d
    }

    public func clearRequests() { requests = [] }

    private func containers(_ ns: String, _ name: String) -> [[String: Any]] {
        let spec = deployments[key(ns, name)]?["spec"] as? [String: Any]
        let template = spec?["template"] as? [String: Any]
        return (template?["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
    }

    private func key(_ ns: String, _ name: String) -> String { "\(ns)/\(name)" }

    // MARK: - Requests

    /// Handles one API request.
    public func handle(_ request: KubeRequest) -> KubeResponse {
        let response = route(request)
        requests.append(KubeRequestRecord(method: request.method, path: request.path,
                                          contentType: request.contentType, status: response.status))
        return response
    }

    private func route(_ request: KubeRequest) -> KubeResponse {
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
        if let token {
            guard request.authorization == "Bearer \(token)" else {
                return status(401, reason: "Unauthorized", "Unauthorized")
            }
        }
        if !faults.isEmpty {
            let code = faults.removeFirst()
            return status(code, reason: code == 503 ? "ServiceUnavailable" : "InternalError", "injected fault")
        }
        if let document = Discovery.document(for: path), request.method == "GET" {
            return json(200, document)
        }
        let parts = path.split(separator: "/").map(String.init)
        // /apis/apps/v1/namespaces/{ns}/deployments[/{name}[/scale]]
        guard parts.count >= 6, parts[0] == "apis", parts[1] == "apps", parts[2] == "v1",
              parts[3] == "namespaces", parts[5] == "deployments" else {
            return status(404, reason: "NotFound", "the server could not find the requested resource")
        }
        let ns = parts[4]
        switch (parts.count, request.method) {
        case (6, "GET"): return list(ns)
        case (6, "POST"): return create(ns, request.body)
        case (7, _): return deploymentRequest(ns, parts[6], request)
        case (8, _) where parts[7] == "scale": return scaleRequest(ns, parts[6], request)
        default: return status(405, reason: "MethodNotAllowed", "the server does not allow this method on the requested resource")
        }
    }

    private func list(_ ns: String) -> KubeResponse {
        let items = deployments.keys.sorted().filter { $0.hasPrefix(ns + "/") }.compactMap { deployments[$0] }
        return json(200, ["apiVersion": "apps/v1", "kind": "DeploymentList",
                          "metadata": ["resourceVersion": String(revision)], "items": items])
    }

    private func create(_ ns: String, _ body: Data) -> KubeResponse {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let name = (object["metadata"] as? [String: Any])?["name"] as? String else {
            return status(400, reason: "BadRequest", "the body is not a Deployment with metadata.name")
        }
        guard deployments[key(ns, name)] == nil else {
            return status(409, reason: "AlreadyExists", "deployments.apps \"\(name)\" already exists")
        }
        let replicas = (object["spec"] as? [String: Any])?["replicas"] as? Int ?? 1
        var d = object
        revision += 1
        var metadata = d["metadata"] as? [String: Any] ?? [:]
        metadata["namespace"] = ns
        metadata["resourceVersion"] = String(revision)
        metadata["generation"] = 1
        metadata["uid"] = UUID().uuidString.lowercased()
        d["metadata"] = metadata
        d["status"] = ["replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas]
        deployments[key(ns, name)] = d
        return json(201, d)
    }

    private func deploymentRequest(_ ns: String, _ name: String, _ request: KubeRequest) -> KubeResponse {
        guard let current = deployments[key(ns, name)] else { return notFound(name) }
        switch request.method {
        case "GET":
            return json(200, current)
        case "PUT":
            guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
                return status(400, reason: "BadRequest", "the body is not a JSON object")
            }
            if let conflict = staleVersion(object, current, name) { return conflict }
            var next = object
            next["status"] = current["status"]
            return store(ns, name, next, previous: current)
        case "PATCH":
            // As the API server: the media type is checked before the body is read.
            let strategic: Bool
            switch request.contentType?.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces) }) {
            case "application/merge-patch+json": strategic = false
            case "application/strategic-merge-patch+json": strategic = true
            default:
                return status(415, reason: "UnsupportedMediaType",
                              "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json")
            }
            guard let patch = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
                return status(400, reason: "BadRequest", "the patch is not a JSON object")
            }
            if let conflict = staleVersion(patch, current, name) { return conflict }
            var patchWithoutVersion = patch
            if var m = patchWithoutVersion["metadata"] as? [String: Any] {
                m["resourceVersion"] = nil
                patchWithoutVersion["metadata"] = m
            }
            let merged = MergePatch.apply(patchWithoutVersion, to: current, strategic: strategic)
            return store(ns, name, merged, previous: current)
        default:
            return status(405, reason: "MethodNotAllowed", "method \(request.method) is not allowed on deployments")
        }
    }

    private func scaleRequest(_ ns: String, _ name: String, _ request: KubeRequest) -> KubeResponse {
        guard let current = deployments[key(ns, name)] else { return notFound(name) }
        switch request.method {
        case "GET":
            return json(200, scale(of: current))
        case "PUT", "PATCH":
            guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
                return status(400, reason: "BadRequest", "the body is not a JSON object")
            }
            if let conflict = staleVersion(object, current, name) { return conflict }
            let spec: [String: Any]
            if request.method == "PUT" {
                spec = object["spec"] as? [String: Any] ?? [:]
            } else {
                guard ["application/merge-patch+json", "application/strategic-merge-patch+json", "application/json"]
                        .contains(where: { request.contentType?.hasPrefix($0) == true }) else {
                    return status(415, reason: "UnsupportedMediaType", "unsupported patch type for scale")
                }
                let merged = MergePatch.apply(object, to: scale(of: current), strategic: false)
                spec = merged["spec"] as? [String: Any] ?? [:]
            }
            guard let replicas = spec["replicas"] as? Int, replicas >= 0 else {
                return status(422, reason: "Invalid", "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: must be a non-negative integer")
            }
            var next = current
            var deploymentSpec = next["spec"] as? [String: Any] ?? [:]
            deploymentSpec["replicas"] = replicas
            next["spec"] = deploymentSpec
            let stored = store(ns, name, next, previous: current)
            guard stored.status == 200, let updated = deployments[key(ns, name)] else { return stored }
            return json(200, scale(of: updated))
        default:
            return status(405, reason: "MethodNotAllowed", "method \(request.method) is not allowed on scale")
        }
    }

    /// A 409 Conflict if `object` carries a resourceVersion different from the stored one.
    private func staleVersion(_ object: [String: Any], _ current: [String: Any], _ name: String) -> KubeResponse? {
        guard let sent = (object["metadata"] as? [String: Any])?["resourceVersion"] as? String, !sent.isEmpty else { return nil }
        if conflicts > 0, let ns = (current["metadata"] as? [String: Any])?["namespace"] as? String {
            conflicts -= 1
            touch(namespace: ns, name: name)
            return status(409, reason: "Conflict",
                          "Operation cannot be fulfilled on deployments.apps \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
        }
        let stored = (current["metadata"] as? [String: Any])?["resourceVersion"] as? String
        guard sent != stored else { return nil }
        return status(409, reason: "Conflict",
                      "Operation cannot be fulfilled on deployments.apps \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
    }

    private func store(_ ns: String, _ name: String, _ next: [String: Any], previous: [String: Any]) -> KubeResponse {
        var d = next
        revision += 1
        var metadata = previous["metadata"] as? [String: Any] ?? [:]
        let previousSpec = previous["spec"] as? [String: Any] ?? [:]
        let spec = d["spec"] as? [String: Any] ?? [:]
        var generation = metadata["generation"] as? Int ?? 1
        if !NSDictionary(dictionary: previousSpec).isEqual(to: spec) { generation += 1 }
        for (k, v) in d["metadata"] as? [String: Any] ?? [:] where k == "labels" || k == "annotations" { metadata[k] = v }
        metadata["resourceVersion"] = String(revision)
        metadata["generation"] = generation
        d["metadata"] = metadata
        d["apiVersion"] = "apps/v1"
        d["kind"] = "Deployment"
        let replicas = spec["replicas"] as? Int ?? 1
        // The test server has no controllers: the status follows the spec at once.
        d["status"] = ["replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                       "updatedReplicas": replicas, "observedGeneration": generation]
        deployments[key(ns, name)] = d
        return json(200, d)
    }

    private func scale(of deployment: [String: Any]) -> [String: Any] {
        let metadata = deployment["metadata"] as? [String: Any] ?? [:]
        let spec = deployment["spec"] as? [String: Any] ?? [:]
        let status = deployment["status"] as? [String: Any] ?? [:]
        return [
            "apiVersion": "autoscaling/v1", "kind": "Scale",
            "metadata": ["name": metadata["name"] ?? "", "namespace": metadata["namespace"] ?? "",
                         "resourceVersion": metadata["resourceVersion"] ?? "", "uid": metadata["uid"] ?? "",
                         "creationTimestamp": metadata["creationTimestamp"] ?? ""],
            "spec": ["replicas": spec["replicas"] ?? 0],
            "status": ["replicas": status["replicas"] ?? 0, "selector": "app=\(metadata["name"] as? String ?? "")"],
        ]
    }

    private func notFound(_ name: String) -> KubeResponse {
        status(404, reason: "NotFound", "deployments.apps \"\(name)\" not found")
    }

    /// A `Status` object, as the API server returns for errors.
    private func status(_ code: Int, reason: String, _ message: String) -> KubeResponse {
        json(code, ["kind": "Status", "apiVersion": "v1", "metadata": [:] as [String: Any], "status": "Failure",
                    "message": message, "reason": reason, "code": code])
    }

    private func json(_ code: Int, _ object: [String: Any]) -> KubeResponse {
        KubeResponse(status: code, body: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
