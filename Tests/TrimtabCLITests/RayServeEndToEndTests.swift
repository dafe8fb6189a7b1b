import Foundation
import Testing
import TrimtabAdapters
import TrimtabCLI
import TrimtabModel
import TrimtabTestSupport

/// End to end on a real Ray Serve: train the example (examples/ray-serve), start Ray (`ray start
/// --head`, free ports, its own temporary folder and session), `serve deploy` it, profile both
/// stages live with `trimtab profile --ray-serve` and turn the CSVs into the planner's workflow
/// with `trimtab fit --workflow`, send a known number of requests and read them back from a real
/// Prometheus scraping Ray's metrics endpoints (the example's prometheus.yml), run `trimtab
/// control --once` with the profiled workflow, the example's load query and the ray_serve sink,
/// and check through the Serve REST API that what runs is what was planned — and that answers
/// then come from the new variants, served by the same replicas (a live switch). Ray is stopped
/// afterwards (every process of its session, none of another Ray's). Needs ray, serve and
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
        // Its own session (setsid): every process of this cluster — also Ray's agents, which rename
        // their command line — carries the session id, so that stopping it stops only this cluster.
        let rayProcess = Process()
        rayProcess.executableURL = URL(fileURLWithPath: try Self.tool("setsid"))
        rayProcess.arguments = ["-w", ray, "start", "--head", "--block", "--num-cpus=4", "--port=0", "--dashboard-port=0",
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
        let timings = try #require(first["timings_ms"] as? [String: Double], "\(first)")
        #expect(timings.keys.sorted() == ["classify", "locate"] && timings.values.allSatisfy { $0 > 0 }, "\(first)")

        // Profile both stages live (two variants, batch sizes 1 and 2, one CPU: a short run), then fit.
        let payload = app.appendingPathComponent("canvas.json")
        try JSONSerialization.data(withJSONObject: ["canvas": samples[0]["canvas"] ?? []]).write(to: payload)
        var profiles: [String] = []
        for stage in ["locate", "classify"] {
            let csv = app.appendingPathComponent("\(stage).csv").path
            let profiled = await ControlCLITests.run(["profile", "--ray-serve", address, "--application", "digits", "--stage", stage,
                                                      "--variants", "linear,svm", "--batch-sizes", "1,2", "--cpus", "1", "--url", url,
                                                      "--payload", payload.path, "--min-repeats", "3", "--max-repeats", "6",
                                                      "--throughput-seconds", "1", "-o", csv])
            try #require(profiled.status == 0, "\(profiled.stderr)")
            let table = try CSVTable.load(path: csv)
            #expect(table.header == ["stage", "variant", "cpus", "batch_size", "concurrency", "latency_ms", "overhead_ms", "throughput_rps", "status"])
            for variant in ["linear", "svm"] {
                for batch in ["1", "2"] {
                    let rows = table.rows.map(\.fields).filter { $0[1] == variant && $0[3] == batch }
                    let latencies = rows.filter { !$0[5].isEmpty }, throughputs = rows.filter { !$0[7].isEmpty }
                    #expect(rows.allSatisfy { $0[0] == stage && $0[2] == "1" && $0[8] == "ok" }, "\(stage) \(variant) \(batch): \(rows)")
                    #expect((3...7).contains(latencies.count) && latencies.allSatisfy { $0[4] == batch && (Double($0[5]) ?? 0) > 0 },
                            "\(stage) \(variant) \(batch): \(rows)")
                    #expect(throughputs.count == 1 && (Double(throughputs.first?[7] ?? "") ?? 0) > 0, "\(stage) \(variant) \(batch): \(rows)")
                }
            }
            profiles.append(csv)
            // Put back as it was: the shipped variant, batch size, CPUs and replicas.
            let live = try #require(((await digits())?["deployments"] as? [String: [String: Any]])?[stage]?["deployment_config"] as? [String: Any])
            #expect((live["user_config"] as? [String: Any])?["variant"] as? String == "linear", "\(live)")
            #expect((live["user_config"] as? [String: Any])?["max_batch_size"] as? Int == 4, "\(live)")
            #expect((live["ray_actor_options"] as? [String: Any])?["num_cpus"] as? Double == 1 && live["num_replicas"] as? Int == 1, "\(live)")
        }
        let profiledWorkflow = app.appendingPathComponent("digits-profiled.yaml").path
        let fitted = await ControlCLITests.run(["fit"] + profiles + ["--workflow", app.appendingPathComponent("digits-pipeline.yaml").path,
                                                                    "-o", profiledWorkflow])
        try #require(fitted.status == 0, "\(fitted.stderr)")
        let workflow = try WorkflowParser.load(path: profiledWorkflow)
        for stage in workflow.stages {
            for variant in stage.variants where ["linear", "svm"].contains(variant.name) {
                #expect(variant.batchSizes == [1, 2] && variant.latency.map(\.memoryMB) == [1000], "\(stage.name)/\(variant.name)")
                #expect(variant.batchThroughput.map(\.batchSize) == [1, 2], "\(stage.name)/\(variant.name)")
            }
        }
        #expect(workflow.stages[0].overheadMs > 0 && workflow.stages[1].overheadMs == 0)
        // What runs before control (the replicas the switch must keep).
        let before = try #require(await digits())

        // The load, from Ray itself: the example's prometheus.yml (Ray's service-discovery file in
        // this cluster's folder, scraped every second), counting the requests this test sends.
        let discovery = "\(folder.path)/r/prom_metrics_service_discovery.json"
        let prometheusConfig = try String(contentsOf: app.appendingPathComponent("prometheus.yml"), encoding: .utf8)
            .replacingOccurrences(of: "/tmp/ray/prom_metrics_service_discovery.json", with: discovery)
            .replacingOccurrences(of: "5s", with: "1s")
        try #require(prometheusConfig.contains(discovery), "prometheus.yml no longer reads Ray's discovery file")
        let prometheus = try await RealServers.prometheus(configuration: prometheusConfig)
        defer { prometheus.stop() }
        // Serve's counter, read back through Prometheus, grows by what the client sent (Ray's agents
        // export every few seconds: polled, however loaded the machine, within the time limit).
        // It starts from the requests before (the first one and the profiles'): the baseline is
        // the total once it has not changed for 10 s. Twice, so that Prometheus holds the counter
        // before and after an increase (a rate).
        let counted = "sum(ray_serve_num_http_requests_total{application=\"digits\"})"
        var baseline: Double?
        var last: (value: Double, since: Date)?
        while baseline == nil {
            try await Task.sleep(for: .milliseconds(500))
            guard let now = try? await PrometheusSource(baseURL: prometheus.url, query: counted).currentRate() else { continue }
            if let l = last, l.value == now {
                if Date().timeIntervalSince(l.since) >= 10 { baseline = now }
            } else {
                last = (now, Date())
            }
        }
        let counterBase = try #require(baseline)
        var sent = 0
        for batch in [samples[1..<31], samples[31..<41]] {
            for sample in batch { _ = try await ask(sample) }
            sent += batch.count
            var total: Double?
            while total != counterBase + Double(sent) {
                try await Task.sleep(for: .milliseconds(500))
                total = try? await PrometheusSource(baseURL: prometheus.url, query: counted).currentRate()
                try #require((total ?? 0) <= counterBase + Double(sent), "Serve counted \((total ?? 0) - counterBase) requests; the test sent \(sent)")
            }
        }

        let control = try String(contentsOf: app.appendingPathComponent("control.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "http://127.0.0.1:9090", with: prometheus.url)
            .replacingOccurrences(of: "[30s]", with: "[5m]")   // the requests above, however long ago they were sent
            .replacingOccurrences(of: "http://127.0.0.1:8265", with: address)
            .replacingOccurrences(of: "interval_seconds: 30", with: "interval_seconds: 5")
            .replacingOccurrences(of: "workflow: digits-pipeline.yaml", with: "workflow: digits-profiled.yaml")
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
    /// SIGKILL to whatever of this cluster is still running after 30 s — every process of its
    /// session (Ray's agents rename their command line, so the folder in it does not find them),
    /// and any process whose command line names its temporary folder. Never another session.
    static func stopRay(_ process: Process, folder: URL) {
        let own = getsid(0)
        let sessions = Set(clusterProcesses(folder).compactMap(session) + [process.processIdentifier].compactMap(session))
            .subtracting([own, 0, -1])
        func remaining() -> [Int32] {
            Array(Set(clusterProcesses(folder) + allProcesses().filter { session($0).map(sessions.contains) ?? false }))
                .filter { $0 != getpid() }
        }
        // The session's leader is `ray start` (setsid runs it in place, or forks it and waits).
        for leader in sessions { kill(leader, SIGINT) }
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && !remaining().isEmpty { usleep(200_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for pid in remaining() { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    static func allProcesses() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
    }

    /// The session id of `pid` (field 6 of /proc/PID/stat), nil when it is gone.
    static func session(_ pid: Int32) -> Int32? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 3 ? Int32(fields[3]) : nil
    }

    /// The processes whose command line names this cluster's temporary folder.
    static func clusterProcesses(_ folder: URL) -> [Int32] {
        allProcesses().filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(folder.path)
        }
    }

    /// No process of the cluster is left once it is stopped (checked by the test above's `defer`
    /// through `stopRay`; asserted here on a cluster-like process tree of our own): a child in
    /// its own session that renames itself is found by its session and stopped.
    @Test func stopRayStopsRenamedProcessesOfItsSessionOnly() throws {
        let folder = try ExternalServer.temporaryDirectory("trimtab-ray-stop")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.tool("setsid"))
        // A shell naming the folder (as `ray start --temp-dir`), with children that do not (as Ray's renamed agents).
        process.arguments = ["-w", "sh", "-c", "sleep 300 & sleep 301; : \(folder.path)"]
        try process.run()
        // A bystander in this test's own session (which may show as 0 when its leader is outside
        // this PID namespace, as in CI's containers): stopping the cluster must leave it running.
        let bystander = Process()
        bystander.executableURL = URL(fileURLWithPath: try Self.tool("sleep"))
        bystander.arguments = ["302"]
        try bystander.run()
        defer { if bystander.isRunning { kill(bystander.processIdentifier, SIGKILL) }; bystander.waitUntilExit() }
        // The new session: the one of the shell, whose command line names the folder.
        var sid: Int32?
        var members: [Int32] = []
        let deadline = Date().addingTimeInterval(20)
        // Until both sleeps have started (a child the shell forked names the folder until it execs).
        func renamed() -> [Int32] { members.filter { !Self.clusterProcesses(folder).contains($0) } }
        while (members.count < 3 || renamed().count < 2) && Date() < deadline {
            usleep(50_000)
            // (setsid itself names the folder too when it forks: it stays in our session.)
            if sid == nil { sid = Self.clusterProcesses(folder).compactMap(Self.session).first { $0 != getsid(0) } }
            if let sid { members = Self.allProcesses().filter { Self.session($0) == sid } }
        }
        let own = try #require(sid, "no process names the folder")
        try #require(own != getsid(0), "setsid did not give the process its own session")
        try #require(members.count >= 3, "the session has \(members)")
        #expect(renamed().count >= 2)
        Self.stopRay(process, folder: folder)
        for pid in members {
            #expect(Self.session(pid) == nil || (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z") == true,
                    "process \(pid) of the stopped session still runs")
        }
        #expect(bystander.isRunning, "a process of the test's own session was stopped")
        #expect(Self.session(bystander.processIdentifier) == getsid(0))
    }
}
