import Foundation

/// Applies settings to the deployments of a running Ray Serve application through Serve's REST
/// API on the Ray dashboard (`GET`/`PUT /api/serve/applications/`).
///
/// One `apply` is one `PUT` of the whole Serve config: the config every application was deployed
/// with, as `GET` returns it (`deployed_app_config`, with the `proxy_location`, `http_options`
/// and `grpc_options` in force), where only the changed deployments' `num_replicas`,
/// `ray_actor_options.num_cpus` and the variant and batch-size keys of `user_config` differ —
/// every other field, deployment and application is sent back as it was (a `PUT` replaces the
/// whole config, so anything left out would be deleted). Then it polls, within
/// `settings.waitTimeout`, until the application is `RUNNING` with every changed deployment
/// `HEALTHY` at its new config and replica count. If Ray answers 4xx, or the update fails
/// (`DEPLOY_FAILED`) or times out, the previous config is `PUT` back, so that nothing stays
/// applied that the report calls failed, and every stage of the update is reported failed with
/// the cause. A stage whose deployment the application lacks fails on its own; the others go ahead.
public struct RayServeSink: ConfigurationSink {
    public let kind = "ray_serve"
    public var settings: RayServeSettings
    public var transport: any HTTPTransport
    public var retry: RetryPolicy

    public init(settings: RayServeSettings, transport: (any HTTPTransport)? = nil, retry: RetryPolicy = RetryPolicy()) {
        self.settings = settings
        // A refused connection is reported when the timeout ends (the HTTP client retries the
        // connect until then): short, as Serve's REST API answers in milliseconds.
        self.transport = transport ?? AsyncHTTPTransport(timeout: .seconds(5))
        self.retry = retry
    }

    var applicationsURL: String { settings.address + "/api/serve/applications/" }

    // MARK: - Apply

    public func apply(_ changes: [StageSetting]) async -> SinkReport {
        var report = SinkReport()
        guard !changes.isEmpty else { return report }
        func failAll(_ stages: [String], _ message: String) {
            report.failed += stages.map { StageFailure(stage: $0, message: message) }
        }
        let state: [String: Any]
        let target: TargetApplication
        do {
            state = try await readState()
            target = try application(in: state)
        } catch {
            failAll(changes.map(\.stage), "\(error)")
            return report
        }
        var accepted: [(setting: StageSetting, deployment: String)] = []
        var deployments = target.config["deployments"] as? [[String: Any]] ?? []
        for change in changes {
            do {
                let name = try deployment(of: change.stage, in: target)
                let index = deployments.firstIndex { $0["name"] as? String == name } ?? {
                    deployments.append(["name": name])
                    return deployments.count - 1
                }()
                deployments[index] = try updating(deployments[index], with: change)
                accepted.append((change, name))
            } catch {
                report.failed.append(StageFailure(stage: change.stage, message: "\(error)"))
            }
        }
        guard !accepted.isEmpty else { return report }
        var config = target.config
        config["deployments"] = deployments
        let stages = accepted.map(\.setting.stage)
        if NSDictionary(dictionary: config).isEqual(to: target.config) {
            report.applied += stages
            return report
        }
        let previous = Self.deployBody(state, replacing: nil, with: nil)
        let next = Self.deployBody(state, replacing: settings.application, with: config)
        do {
            try await put(next)
        } catch {
            // Nothing was deployed (Ray validates the whole config before it deploys any of it).
            failAll(stages, "\(error)")
            return report
        }
        switch await waitUntilRunning(accepted.map { ($0.deployment, $0.setting) }) {
        case .running:
            report.applied += stages
        case .failed(let causes):
            let rollback = await rollBack(previous)
            for (setting, name) in accepted {
                let cause = causes[name].map { "deployment '\(name)': \($0)" }
                    ?? "not applied: the update failed on " + causes.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
                report.failed.append(StageFailure(stage: setting.stage, message: "ray_serve: \(cause); \(rollback)"))
            }
        case .timedOut(let status):
            let rollback = await rollBack(previous)
            failAll(stages, "ray_serve: application '\(settings.application)' was not RUNNING with the new config within "
                    + "\(settings.waitTimeout) (last status: \(status)); \(rollback)")
        }
        return report
    }

    /// The deployment entry of the Serve config with `setting` applied.
    func updating(_ entry: [String: Any], with setting: StageSetting) throws -> [String: Any] {
        var entry = entry
        let name = entry["name"] as? String ?? setting.stage
        if let replicas = setting.replicas {
            if entry["autoscaling_config"] != nil || entry["num_replicas"] as? String == "auto" {
                throw AdapterError.mismatch(setting: "deployments.\(setting.stage)",
                    message: "ray_serve: deployment '\(name)' is autoscaled by Ray Serve (autoscaling_config); remove it so that num_replicas can be set")
            }
            entry["num_replicas"] = replicas
        }
        if let cores = setting.cpuCores {
            var options = entry["ray_actor_options"] as? [String: Any] ?? [:]
            options["num_cpus"] = cores
            entry["ray_actor_options"] = options
        }
        if setting.variant != nil || setting.batchSize != nil {
            var user = entry["user_config"] as? [String: Any] ?? [:]
            if let variant = setting.variant { user[settings.variantKey] = variant }
            if let batch = setting.batchSize { user[settings.batchSizeKey] = batch }
            entry["user_config"] = user
        }
        return entry
    }

    /// The `PUT` body: the Serve config in force, with application `name`'s config replaced.
    static func deployBody(_ state: [String: Any], replacing name: String?, with config: [String: Any]?) -> [String: Any] {
        var body: [String: Any] = [:]
        for key in ["proxy_location", "http_options", "grpc_options", "target_capacity"] {
            if let value = state[key], !(value is NSNull) { body[key] = value }
        }
        let applications = state["applications"] as? [String: Any] ?? [:]
        body["applications"] = applications.keys.sorted().compactMap { key -> [String: Any]? in
            if key == name, let config { return config }
            return (applications[key] as? [String: Any])?["deployed_app_config"] as? [String: Any]
        }
        return body
    }

    func rollBack(_ previous: [String: Any]) async -> String {
        do {
            try await put(previous)
        } catch {
            return "roll-back to the previous config failed: \(error)"
        }
        switch await waitUntilRunning([]) {
        case .running: return "rolled back to the previous config"
        case .failed(let causes):
            return "rolled back to the previous config, which failed too: "
                + causes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        case .timedOut(let status): return "rolled back to the previous config, not RUNNING yet (\(status))"
        }
    }

    // MARK: - Waiting

    enum Outcome {
        case running
        /// Failure causes by deployment name (the application's message under its own name when none is named).
        case failed([String: String])
        case timedOut(String)
    }

    /// Polls until the application is RUNNING with every deployment in `expected` HEALTHY at its
    /// new settings and replica count, or it fails, or `waitTimeout` passes.
    func waitUntilRunning(_ expected: [(deployment: String, setting: StageSetting)]) async -> Outcome {
        let deadline = ContinuousClock.now + settings.waitTimeout
        var last = "not read"
        while true {
            do {
                let app = try application(in: try await readState())
                let status = app.object["status"] as? String ?? "?"
                let message = Self.firstLine(app.object["message"] as? String ?? "")
                last = message.isEmpty ? status : "\(status): \(message)"
                let live = app.object["deployments"] as? [String: Any] ?? [:]
                var causes: [String: String] = [:]
                for (name, value) in live {
                    let deployment = value as? [String: Any] ?? [:]
                    if deployment["status"] as? String == "DEPLOY_FAILED" {
                        causes[name] = "DEPLOY_FAILED: " + Self.firstLine(deployment["message"] as? String ?? "")
                    }
                }
                if status == "DEPLOY_FAILED" && causes.isEmpty { causes[settings.application] = last }
                if !causes.isEmpty { return .failed(causes) }
                if status == "RUNNING", expected.allSatisfy({ reached(live[$0.deployment] as? [String: Any], $0.setting) }) {
                    return .running
                }
            } catch {
                last = "\(error)"
            }
            if ContinuousClock.now >= deadline { return .timedOut(last) }
            do { try await Task.sleep(for: settings.pollInterval) } catch { return .timedOut("cancelled; \(last)") }
        }
    }

    /// True when the deployment runs `setting`: its config says so, it is HEALTHY, and as many
    /// replicas are RUNNING as it targets.
    func reached(_ deployment: [String: Any]?, _ setting: StageSetting) -> Bool {
        guard let deployment, deployment["status"] as? String == "HEALTHY" else { return false }
        let observed = Self.setting(of: deployment, stage: setting.stage, settings: settings)
        if let r = setting.replicas, observed.replicas != r { return false }
        if let c = setting.cpuCores, observed.cpuCores.map({ abs($0 - c) > 1e-9 }) ?? true { return false }
        if let v = setting.variant, observed.variant != v { return false }
        if let b = setting.batchSize, observed.batchSize != b { return false }
        let replicas = deployment["replicas"] as? [[String: Any]] ?? []
        let running = replicas.filter { $0["state"] as? String == "RUNNING" }.count
        return running == (deployment["target_num_replicas"] as? Int ?? running)
    }

    // MARK: - Reading

    struct TargetApplication {
        /// The application's entry in `GET /api/serve/applications/` (status, deployments, …).
        var object: [String: Any]
        /// Its `deployed_app_config` (empty when it was not deployed from a config).
        var config: [String: Any]
    }

    func readState(once: Bool = false) async throws -> [String: Any] {
        let response = try await transport.send(HTTPRequestData(method: "GET", url: applicationsURL,
                                                                headers: [("Accept", "application/json")]),
                                                policy: once ? RetryPolicy(attempts: 1) : retry)
        guard (200..<300).contains(response.status) else {
            throw AdapterError.rejected(status: response.status, message: "GET \(applicationsURL): \(response.summary)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw AdapterError.malformed("ray_serve: GET \(applicationsURL) did not return a JSON object (is \(settings.address) the Ray dashboard?)")
        }
        return object
    }

    func application(in state: [String: Any]) throws -> TargetApplication {
        let applications = state["applications"] as? [String: Any] ?? [:]
        guard let object = applications[settings.application] as? [String: Any] else {
            let names = applications.keys.sorted()
            throw AdapterError.mismatch(setting: "application", message: "ray_serve: no application '\(settings.application)' at \(settings.address) ("
                + (names.isEmpty ? "no application is deployed" : "it has " + names.map { "'\($0)'" }.joined(separator: ", ")) + ")")
        }
        return TargetApplication(object: object, config: object["deployed_app_config"] as? [String: Any] ?? [:])
    }

    /// The deployment running `stage`, checked against the application.
    func deployment(of stage: String, in target: TargetApplication) throws -> String {
        guard let name = settings.deployments[stage] else {
            throw AdapterError.notConfigured("ray_serve: no deployment for stage '\(stage)'")
        }
        guard !target.config.isEmpty else {
            throw AdapterError.mismatch(setting: "application",
                message: "ray_serve: application '\(settings.application)' was not deployed from a config (serve deploy or the REST API), so the REST API cannot update it")
        }
        let live = target.object["deployments"] as? [String: Any] ?? [:]
        guard live[name] != nil else {
            throw AdapterError.mismatch(setting: "deployments.\(stage)",
                message: "ray_serve: application '\(settings.application)' has no deployment '\(name)' (it has "
                    + live.keys.sorted().map { "'\($0)'" }.joined(separator: ", ") + ")")
        }
        return name
    }

    func put(_ body: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let request = HTTPRequestData(method: "PUT", url: applicationsURL,
                                      headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: data)
        let response = try await transport.send(request, policy: retry)
        guard (200..<300).contains(response.status) else {
            throw AdapterError.rejected(status: response.status, message: "ray_serve: Ray rejected the config: \(response.summary)")
        }
    }

    /// The stage setting a deployment's entry (from `GET`) describes.
    static func setting(of deployment: [String: Any], stage: String, settings: RayServeSettings) -> StageSetting {
        let config = deployment["deployment_config"] as? [String: Any] ?? [:]
        let user = config["user_config"] as? [String: Any] ?? [:]
        let options = config["ray_actor_options"] as? [String: Any] ?? [:]
        return StageSetting(stage: stage, variant: user[settings.variantKey] as? String,
                            batchSize: (user[settings.batchSizeKey] as? NSNumber)?.intValue,
                            cpuCores: (options["num_cpus"] as? NSNumber)?.doubleValue,
                            replicas: config["num_replicas"] as? Int ?? deployment["target_num_replicas"] as? Int)
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}

extension RayServeSink: ObservableConfigurationSink, VerifiableConfigurationSink {
    /// Replicas, CPUs per replica, variant and batch size of each stage's deployment, as deployed.
    public func observe(stages: [String]) async throws -> [StageSetting] {
        let target = try application(in: try await readState())
        let live = target.object["deployments"] as? [String: Any] ?? [:]
        return stages.compactMap { stage in
            guard let name = settings.deployments[stage], let deployment = live[name] as? [String: Any] else { return nil }
            return Self.setting(of: deployment, stage: stage, settings: settings)
        }
    }

    /// Reads the application (one attempt: a start-up check): it must exist, have been deployed
    /// from a config, and have every stage's deployment, none of them autoscaled by Ray Serve.
    public func verify(stages: [String]) async throws {
        let target = try application(in: try await readState(once: true))
        for stage in stages {
            let name = try deployment(of: stage, in: target)
            let entry = (target.config["deployments"] as? [[String: Any]] ?? []).first { $0["name"] as? String == name } ?? [:]
            _ = try updating(entry, with: StageSetting(stage: stage, replicas: 1))
        }
    }
}
