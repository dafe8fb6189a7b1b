import Foundation
import Testing
import TrimtabAdapters
import TrimtabCLI
import TrimtabModel
import TrimtabTestSupport

/// End to end on a real Ray Serve: train the example (examples/ray-serve), start Ray (`ray start
/// --head`, free ports, its own temporary folder), `serve deploy` it, send a known number of
/// requests and read them back from a real Prometheus scraping Ray's metrics endpoints (the
/// example's prometheus.yml), run `trimtab control --once` with the example's load query and the
/// ray_serve sink, and check through the Serve
/// REST API that what runs is what was planned — and that answers then come from the new variants,
/// served by the same replicas (a live switch). Ray is stopped afterwards. Needs ray, serve and
/// python3 with scikit-learn on PATH (scripts/test.sh installs them into .build/test-venv).
@Suite struct RayServeEndToEndTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/ray-serve")

    static func tool(_ name: String) throws -> String {
        guard let path = ExternalServer.which(name) else {
            throw TestServerError("\(name) is not installed (pip install 'ray[serve]' scikit-learn; scripts/test.sh does); this test needs it")
        }
        return path
    }

    static func getJSON(_ url: String) async -> [String: Any]? {
        guard let body = await ExternalServer.get(url) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    }

    static func post(_ url: String, _ body: Data) async throws -> [String: Any] {
        let response = try await AsyncHTTPTransport(timeout: .seconds(30)).send(
            HTTPRequestData(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: body))
        let data = response.body
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
    }

    @Test(.timeLimit(.minutes(10))) func controlOnceSwitchesTheLivePipeline() async throws {
        let python = try Self.tool("python3"), ray = try Self.tool("ray"), serve = try Self.tool("serve")
        let folder = try ExternalServer.temporaryDirectory("trimtab-ray")
        let app = folder.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
        for file in ["digits_data.py", "train.py", "pipeline.py", "serve.yaml", "control.yaml", "prometheus.yml"] {
            try FileManager.default.copyItem(at: Self.example.appendingPathComponent(file), to: app.appendingPathComponent(file))
        }
        // Train (seconds) while Ray starts.
        async let training = runCommand(python, [app.appendingPathComponent("train.py").path, "--out", app.path, "--repeats", "10"])

        // Ray: every port chosen by the kernel; the dashboard's read back from what `ray start` prints.
        let rayLog = folder.appendingPathComponent("ray.log")
        _ = FileManager.default.createFile(atPath: rayLog.path, contents: nil)
        let rayProcess = Process()
        rayProcess.executableURL = URL(fileURLWithPath: ray)
        rayProcess.arguments = ["start", "--head", "--block", "--num-cpus=4", "--port=0", "--dashboard-port=0",
                                "--dashboard-host=127.0.0.1", "--temp-dir=\(folder.path)/r", "--disable-usage-stats"]
        rayProcess.environment = ProcessInfo.processInfo.environment.merging(["PYTHONPATH": app.path, "RAY_USAGE_STATS_ENABLED": "0"]) { $1 }
        let handle = try FileHandle(forWritingTo: rayLog)
        rayProcess.standardOutput = handle
        rayProcess.standardError = handle
        try rayProcess.run()
        defer { Self.stopRay(rayProcess, folder: folder) }

        var dashboard: String?
        while dashboard == nil {
            try #require(rayProcess.isRunning, "ray start exited: \((try? String(contentsOf: rayLog, encoding: .utf8))?.suffix(1500) ?? "")")
            let text = (try? String(contentsOf: rayLog, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /RAY_API_SERVER_ADDRESS='(http:\/\/127\.0\.0\.1:[0-9]+)'/) { dashboard = String(match.1) }
            try await Task.sleep(for: .milliseconds(200))
        }
        let address = try #require(dashboard)
        let trained = try await training
        try #require(trained.status == 0, "train.py failed: \(trained.output.suffix(1500))")

        // serve deploy: serve.yaml with the HTTP proxy on a port the kernel picks.
        let serveYAML = try String(contentsOf: app.appendingPathComponent("serve.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "\napplications:", with: "\nhttp_options: {host: 127.0.0.1, port: 0}\napplications:")
        try serveYAML.write(to: app.appendingPathComponent("serve-test.yaml"), atomically: true, encoding: .utf8)
        var deployed = try await runCommand(serve, ["deploy", "--address", address, app.appendingPathComponent("serve-test.yaml").path])
        while deployed.status != 0 && deployed.output.contains("Connection refused") {  // the dashboard's Serve module may start late
            try await Task.sleep(for: .milliseconds(500))
            deployed = try await runCommand(serve, ["deploy", "--address", address, app.appendingPathComponent("serve-test.yaml").path])
        }
        try #require(deployed.status == 0, "serve deploy: \(deployed.output.suffix(1500))")
        let applications = "\(address)/api/serve/applications/"
        func digits() async -> [String: Any]? {
            ((await Self.getJSON(applications))?["applications"] as? [String: Any])?["digits"] as? [String: Any]
        }
        while (await digits())?["status"] as? String != "RUNNING" { try await Task.sleep(for: .milliseconds(500)) }
        let before = try #require(await digits())

        // The proxy's HTTP port: the ProxyActor's pid from Ray's state API, its listening ports, the one answering /-/healthz.
        let actors = await Self.getJSON("\(address)/api/v0/actors?filter_keys=class_name&filter_predicates=%3D&filter_values=ProxyActor")
        let proxy = try #require((((actors?["data"] as? [String: Any])?["result"] as? [String: Any])?["result"] as? [[String: Any]])?.first)
        let pid = try #require(proxy["pid"] as? Int)
        var endpoint: String?
        for port in ListeningPorts.of(process: Int32(pid)) where await ExternalServer.get("http://127.0.0.1:\(port)/-/healthz") != nil {
            endpoint = "http://127.0.0.1:\(port)/"
        }
        let url = try #require(endpoint, "no HTTP port of the Serve proxy (pid \(pid)) answers /-/healthz")
        let samples = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: app.appendingPathComponent("samples.json"))) as? [[String: Any]])
        func ask(_ sample: [String: Any]) async throws -> [String: Any] {
            try await Self.post(url, try JSONSerialization.data(withJSONObject: ["canvas": sample["canvas"] ?? []]))
        }
        let first = try await ask(samples[0])
        #expect(first["variants"] as? [String: String] == ["locate": "linear", "classify": "linear"], "\(first)")

        // The load, from Ray itself: the example's prometheus.yml (Ray's service-discovery file in
        // this cluster's folder, scraped every second), counting the requests this test sends.
        let discovery = "\(folder.path)/r/prom_metrics_service_discovery.json"
        let prometheusConfig = try String(contentsOf: app.appendingPathComponent("prometheus.yml"), encoding: .utf8)
            .replacingOccurrences(of: "/tmp/ray/prom_metrics_service_discovery.json", with: discovery)
            .replacingOccurrences(of: "5s", with: "1s")
        try #require(prometheusConfig.contains(discovery), "prometheus.yml no longer reads Ray's discovery file")
        let prometheus = try await RealServers.prometheus(configuration: prometheusConfig)
        defer { prometheus.stop() }
        // Serve's counter, read back through Prometheus, is what the client sent (Ray's agents
        // export every few seconds: polled, however loaded the machine, within the time limit).
        // Twice, so that Prometheus holds the counter before and after an increase (a rate).
        let counted = "sum(ray_serve_num_http_requests_total{application=\"digits\"})"
        var sent = 1
        for batch in [samples[1..<31], samples[31..<41]] {
            for sample in batch { _ = try await ask(sample) }
            sent += batch.count
            var total: Double?
            while total != Double(sent) {
                try await Task.sleep(for: .milliseconds(500))
                total = try? await PrometheusSource(baseURL: prometheus.url, query: counted).currentRate()
                try #require((total ?? 0) <= Double(sent), "Serve counted \(total ?? 0) requests; the test sent \(sent)")
            }
        }

        let control = try String(contentsOf: app.appendingPathComponent("control.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "http://127.0.0.1:9090", with: prometheus.url)
            .replacingOccurrences(of: "[30s]", with: "[5m]")   // the requests above, however long ago they were sent
            .replacingOccurrences(of: "http://127.0.0.1:8265", with: address)
            .replacingOccurrences(of: "interval_seconds: 30", with: "interval_seconds: 5")
            .replacingOccurrences(of: "min_seconds_between_changes: 60", with: "min_seconds_between_changes: 0")
        let config = app.appendingPathComponent("control-test.yaml").path
        try control.write(toFile: config, atomically: true, encoding: .utf8)
        let once = await ControlCLITests.run(["control", config, "--once"])
        #expect(once.status == 0, "\(once.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(once.stdout.utf8)) as? [String: Any])
        #expect(record["applied"] as? Bool == true, "\(record)")
        // The load is Serve's request rate: positive, and at most the requests sent over the window.
        let load = try #require(record["load"] as? Double, "\(record)")
        #expect(load > 0 && load <= Double(sent), "load \(load)")
        let planned = try #require(record["configuration"] as? [String: [String: Any]])

        // What runs is what was planned; the rest of every deployment's config is as deployed.
        let after = try #require(await digits())
        #expect(after["status"] as? String == "RUNNING")
        let liveBefore = try #require(before["deployments"] as? [String: [String: Any]])
        let live = try #require(after["deployments"] as? [String: [String: Any]])
        for stage in ["locate", "classify"] {
            let plan = try #require(planned[stage])
            let deployment = try #require(live[stage])
            let config = try #require(deployment["deployment_config"] as? [String: Any])
            let user = try #require(config["user_config"] as? [String: Any])
            #expect(user["variant"] as? String == plan["variant"] as? String, "\(stage): \(user) vs \(plan)")
            #expect(user["max_batch_size"] as? Int == plan["batch_size"] as? Int, "\(stage): \(user) vs \(plan)")
            #expect(user["batch_wait_timeout_s"] as? Double == 0.005)
            #expect((config["ray_actor_options"] as? [String: Any])?["num_cpus"] as? Double == plan["cpu_cores"] as? Double)
            #expect(deployment["target_num_replicas"] as? Int == plan["replicas"] as? Int)
            #expect(config["max_ongoing_requests"] as? Int == 32)
            // A variant and batch switch keeps the replicas (no restart) when the CPUs stay.
            if (plan["cpu_cores"] as? Double) == 1, (plan["replicas"] as? Int) == 1 {
                let ids = { (d: [String: Any]?) in ((d?["replicas"] as? [[String: Any]]) ?? []).compactMap { $0["replica_id"] as? String } }
                #expect(ids(deployment) == ids(liveBefore[stage]), "\(stage) replicas were restarted")
            }
        }
        #expect((live["Reader"]?["deployment_config"] as? [String: Any])?["num_replicas"] as? Int == 1)
        let plannedVariants = ["locate": planned["locate"]?["variant"] as? String ?? "", "classify": planned["classify"]?["variant"] as? String ?? ""]
        #expect(plannedVariants != ["locate": "linear", "classify": "linear"], "the plan did not change the variants: \(planned)")
        var correct = 0
        for sample in samples.prefix(20) {
            let answer = try await ask(sample)
            #expect(answer["variants"] as? [String: String] == plannedVariants, "\(answer)")
            if answer["digit"] as? Int == sample["digit"] as? Int { correct += 1 }
        }
        #expect(correct >= 1)
    }

    /// Stops the cluster `ray start --block` started: SIGINT (it then stops what it started), and
    /// SIGKILL to whatever of this cluster (its own temporary folder) is still running after 30 s.
    static func stopRay(_ process: Process, folder: URL) {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && !clusterProcesses(folder).isEmpty { usleep(200_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for pid in clusterProcesses(folder) { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// The processes whose command line names this cluster's temporary folder.
    static func clusterProcesses(_ folder: URL) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(folder.path)
        }
    }
}
