import Foundation
import Hummingbird
import NIOCore

/// An in-process fake of Ray Serve's REST API (`GET`/`PUT /api/serve/applications/` on the
/// dashboard), with Ray's semantics as far as the `ray_serve` sink relies on them:
///
/// * `GET` answers the Serve instance: `proxy_location`, `http_options`, `grpc_options` and per
///   application its `status`, `message`, `deployed_app_config` (the config as submitted) and
///   per deployment `status`, `message`, `deployment_config`, `target_num_replicas`, `replicas`.
/// * `PUT` takes a whole Serve config: a malformed one (not an object, no `applications` list,
///   `num_replicas` not a positive integer or "auto", a negative `num_cpus`) is answered 400 with
///   a pydantic-style text and changes nothing, as Ray validates before it deploys; an accepted
///   one answers 200 with an empty body, deletes the applications it leaves out, and deploys the
///   rest: each changed application is `DEPLOYING` (its changed deployments `UPDATING`) for
///   `deployingReads` GETs, then `RUNNING`, or `DEPLOY_FAILED` when it names a deployment its
///   code lacks ("Got config override for nonexistent deployment") or when a deployment's
///   `user_config` is refused by `acceptsUserConfig` (that deployment `DEPLOY_FAILED` with no
///   replicas, as Ray leaves it when `reconfigure` raises). A change of `user_config` only keeps
///   the replicas (lightweight update); a change of `ray_actor_options` replaces them.
public actor ServeAPIStore {
    /// A deployment as the application's code defines it, and as it runs.
    struct Deployment {
        var config: [String: Any]
        var status = "HEALTHY"
        var message = ""
        var replicaIDs: [String] = []
    }

    struct Application {
        var submitted: [String: Any]
        var code: Set<String>
        var status = "RUNNING"
        var message = ""
        var deployments: [String: Deployment] = [:]
        var readsUntilDone = 0
        var failure: (deployment: String?, message: String)?
    }

    private var applications: [String: Application] = [:]
    private var nextReplica = 0
    /// GETs for which an update shows DEPLOYING before it completes.
    public var deployingReads: Int
    /// When true, updates never complete (stay DEPLOYING): for timeouts.
    public var stuck = false
    /// Whether the application's code accepts a deployment's `user_config` (its `reconfigure`).
    private let acceptsUserConfig: @Sendable (_ deployment: String, _ userConfig: [String: Any]) -> Bool
    /// Every request, in order: method, path and body.
    public private(set) var requests: [(method: String, path: String, body: Data)] = []
    public nonisolated static func httpOptions() -> [String: Any] {
        ["host": "127.0.0.1", "port": 8000, "root_path": "", "request_timeout_s": NSNull(), "keep_alive_timeout_s": 90]
    }
    public nonisolated static func grpcOptions() -> [String: Any] {
        ["port": 9000, "grpc_servicer_functions": [String](), "request_timeout_s": NSNull(), "enable_reflection": true]
    }

    public init(deployingReads: Int = 2,
                acceptsUserConfig: @escaping @Sendable (String, [String: Any]) -> Bool = { _, _ in true }) {
        self.deployingReads = deployingReads
        self.acceptsUserConfig = acceptsUserConfig
    }

    public func setStuck(_ value: Bool) { stuck = value }

    /// Deploys `json` (a Serve application config, as in serve.yaml) whose code defines
    /// `deployments`; it is RUNNING at once.
    public func deploy(_ json: Data, code deployments: Set<String>) {
        let config = (try? JSONSerialization.jsonObject(with: json) as? [String: Any]) ?? [:]
        let name = config["name"] as? String ?? "default"
        var app = Application(submitted: config, code: deployments)
        apply(&app, config)
        app.status = "RUNNING"
        app.readsUntilDone = 0
        for key in app.deployments.keys { app.deployments[key]?.status = "HEALTHY" }
        applications[name] = app
    }

    /// The config a deployment runs (`deployment_config`, as JSON), or nil.
    public func deploymentConfig(application: String, deployment: String) -> Data? {
        applications[application]?.deployments[deployment].flatMap { try? JSONSerialization.data(withJSONObject: $0.config) }
    }

    /// The replica ids of a deployment.
    public func replicas(application: String, deployment: String) -> [String] {
        applications[application]?.deployments[deployment]?.replicaIDs ?? []
    }

    /// The config an application was deployed with (`deployed_app_config`).
    public func submitted(application: String) -> Data? {
        applications[application].flatMap { try? JSONSerialization.data(withJSONObject: $0.submitted, options: [.sortedKeys]) }
    }

    public func status(application: String) -> String? { applications[application]?.status }

    public var putCount: Int { requests.filter { $0.method == "PUT" }.count }

    /// Answers one request: (status, content type, body).
    func handle(method: String, path: String, body: Data) -> (Int, String, Data) {
        requests.append((method, path, body))
        guard path == "/api/serve/applications/" || path == "/api/serve/applications" else {
            return (404, "text/plain", Data("404: Not Found".utf8))
        }
        switch method {
        case "GET": return (200, "application/json", state())
        case "PUT": return put(body)
        default: return (405, "text/plain", Data("405: Method Not Allowed".utf8))
        }
    }

    private func state() -> Data {
        var apps: [String: Any] = [:]
        for (name, var app) in applications {
            if app.status == "DEPLOYING" && !stuck {
                if app.readsUntilDone > 0 {
                    app.readsUntilDone -= 1
                } else if let failure = app.failure {
                    app.status = "DEPLOY_FAILED"
                    app.message = failure.deployment.map { "Failed to update the deployments ['\($0)']." } ?? failure.message
                    if let d = failure.deployment {
                        app.deployments[d]?.status = "DEPLOY_FAILED"
                        app.deployments[d]?.message = failure.message
                        app.deployments[d]?.replicaIDs = []
                    }
                } else {
                    app.status = "RUNNING"
                    for key in app.deployments.keys where app.deployments[key]?.status == "UPDATING" {
                        app.deployments[key]?.status = "HEALTHY"
                    }
                }
                applications[name] = app
            }
            var deployments: [String: Any] = [:]
            for (key, d) in app.deployments {
                let replicas = d.replicaIDs.map { id -> [String: Any] in
                    ["replica_id": id, "state": d.status == "UPDATING" ? "STARTING" : "RUNNING", "actor_name": "SERVE_REPLICA::\(name)#\(key)#\(id)"]
                }
                deployments[key] = ["name": key, "status": d.status, "status_trigger": "CONFIG_UPDATE_COMPLETED", "message": d.message,
                                    "deployment_config": d.config, "target_num_replicas": d.config["num_replicas"] as? Int ?? 1,
                                    "replicas": replicas, "recent_dead_replicas": [Any]()]
            }
            apps[name] = ["name": name, "route_prefix": app.submitted["route_prefix"] ?? NSNull(), "docs_path": NSNull(),
                          "status": app.status, "message": app.message, "last_deployed_time_s": 1_700_000_000.0,
                          "deployed_app_config": app.submitted, "source": "declarative", "deployments": deployments]
        }
        let object: [String: Any] = ["controller_info": ["actor_name": "SERVE_CONTROLLER_ACTOR"], "proxy_location": "EveryNode",
                                     "http_options": Self.httpOptions(), "grpc_options": Self.grpcOptions(), "proxies": [String: Any](),
                                     "applications": apps, "target_capacity": NSNull()]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    private func put(_ body: Data) -> (Int, String, Data) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let list = object["applications"] as? [[String: Any]] else {
            return rejected("applications\n  Field required [type=missing]")
        }
        for (i, app) in list.enumerated() {
            for (j, d) in (app["deployments"] as? [[String: Any]] ?? []).enumerated() {
                if let r = d["num_replicas"], !Self.validReplicas(r) {
                    return rejected("applications.\(i).deployments.\(j).num_replicas.constrained-int\n  Input should be greater than 0 [type=greater_than, input_value=\(r)]")
                }
                if let cpus = (d["ray_actor_options"] as? [String: Any])?["num_cpus"] as? Double, cpus < 0 {
                    return rejected("applications.\(i).deployments.\(j).ray_actor_options.num_cpus\n  Input should be greater than or equal to 0")
                }
            }
        }
        let names = Set(list.compactMap { $0["name"] as? String })
        for name in applications.keys where !names.contains(name) { applications[name] = nil }
        for config in list {
            let name = config["name"] as? String ?? "default"
            guard var app = applications[name] else { continue }
            if NSDictionary(dictionary: config).isEqual(to: app.submitted) { continue }
            app.submitted = config
            apply(&app, config)
            applications[name] = app
        }
        return (200, "text/plain", Data())
    }

    /// "auto", or a whole number ≥ 1.
    static func validReplicas(_ value: Any) -> Bool {
        if let text = value as? String { return text == "auto" }
        guard let number = (value as? NSNumber)?.doubleValue else { return false }
        return number >= 1 && number == number.rounded()
    }

    /// Starts deploying `config` on `app`.
    private func apply(_ app: inout Application, _ config: [String: Any]) {
        app.status = "DEPLOYING"
        app.message = ""
        app.failure = nil
        app.readsUntilDone = deployingReads
        let entries = config["deployments"] as? [[String: Any]] ?? []
        for entry in entries {
            guard let name = entry["name"] as? String, app.code.contains(name) else {
                app.failure = (nil, "Got config override for nonexistent deployment '\(entry["name"] as? String ?? "?")'")
                return
            }
        }
        for name in app.code {
            var full: [String: Any] = ["name": name, "num_replicas": 1, "max_ongoing_requests": 5,
                                       "graceful_shutdown_timeout_s": 20.0, "ray_actor_options": ["num_cpus": 1.0]]
            if let entry = entries.first(where: { $0["name"] as? String == name }) {
                for (key, value) in entry { full[key] = value }
            }
            var deployment = app.deployments[name] ?? Deployment(config: [:])
            if NSDictionary(dictionary: full).isEqual(to: deployment.config) && !deployment.replicaIDs.isEmpty { continue }
            if let user = full["user_config"] as? [String: Any], !acceptsUserConfig(name, user) {
                app.failure = (name, "The deployment failed to start 3 times in a row during a rolling update. Error: reconfigure raised ValueError")
            }
            let restart = !NSDictionary(dictionary: full["ray_actor_options"] as? [String: Any] ?? [:])
                .isEqual(to: deployment.config["ray_actor_options"] as? [String: Any] ?? [:])
            let count = full["num_replicas"] as? Int ?? 1
            var ids = restart ? [] : deployment.replicaIDs
            while ids.count < count { ids.append(newReplica()) }
            deployment.replicaIDs = Array(ids.prefix(count))
            deployment.config = full
            deployment.status = "UPDATING"
            deployment.message = ""
            app.deployments[name] = deployment
        }
    }

    private func newReplica() -> String {
        nextReplica += 1
        return "replica\(nextReplica)"
    }

    private func rejected(_ detail: String) -> (Int, String, Data) {
        (400, "text/plain", Data("1 validation error for ServeDeploySchema\n\(detail)".utf8))
    }
}

/// The fake Serve REST API over HTTP (Hummingbird) on a free loopback port.
public enum ServeTestServer {
    public static func router(store: ServeAPIStore) -> Router<BasicRequestContext> {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 4 << 20)
            let (status, type, data) = await store.handle(method: request.method.rawValue, path: request.uri.path,
                                                         body: Data(body.readableBytesView))
            return Response(status: .init(code: status), headers: [.contentType: type],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        for method in [HTTPRequest.Method.get, .put, .post, .delete] {
            router.on("/**", method: method, use: handler)
        }
        return router
    }

    public static func start(store: ServeAPIStore) async throws -> RunningHTTPServer {
        try await RunningHTTPServer.start(router: router(store: store))
    }
}
