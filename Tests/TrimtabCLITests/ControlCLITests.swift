import Foundation
import Testing
import TrimtabCLI
import TrimtabModel
import TrimtabTestSupport

/// `trimtab control` and `trimtab history` driven in-process.
@Suite struct ControlCLITests {
    /// Runs the CLI on its own thread: `control` waits for async work, which must not hold a pool thread.
    static func run(_ arguments: [String]) async -> CommandResult {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: CLI.run(arguments)) }.start()
        }
    }

    static func folder() throws -> URL {
        let folder = try ExternalServer.temporaryDirectory("trimtab-control-cli")
        try """
            version: 1
            name: two-stage
            stages:
              - name: pre
                latency_ms: {512: 100}
              - name: model
                variants:
                  - {name: small, accuracy: 0.8, latency_ms: {1024: 200}}
                  - {name: large, accuracy: 0.9, latency_ms: {1024: 500}}
            edges: [{from: start, to: pre}, {from: pre, to: model}, {from: model, to: end}]
            goal: {minimize: cost, subject_to: {accuracy: 0.85}}
            """.write(to: folder.appendingPathComponent("workflow.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test(.timeLimit(.minutes(5))) func onceWithRealPrometheusAndFileSinkThenHistory() async throws {
        let exporter = LoadExporter(rate: 10)
        let exporterServer = try await exporter.serve()
        let prometheus = try await RealServers.prometheus(scraping: "127.0.0.1:\(exporterServer.port)")
        defer { prometheus.stop() }
        try await RealServers.waitForSamples(prometheus, metric: "requests_total", samples: 7)
        // irate (the last two samples' slope), not rate: the exporter's samples are exact, but a
        // scrape it misses while this test process is busy makes rate()'s extrapolation to the
        // window's edges read low (7.2 for 10 once on a loaded machine).
        let settled = try await RealServers.settledValue(prometheus, query: "sum(irate(requests_total[5s]))", metric: "requests_total")
        #expect(abs(settled - 10) < 1, "settled rate \(settled)")
        let folder = try Self.folder()
        let config = folder.appendingPathComponent("control.yaml").path
        try """
            workflow: workflow.yaml
            prometheus: {url: "\(prometheus.url)", query: "sum(irate(requests_total[5s]))", history_seconds: 10}
            interval_seconds: 5
            headroom: 1.0
            sink: {file: {path: applied.json}}
            database: history.sqlite
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let once = await Self.run(["control", config, "--once"])
        #expect(once.status == 0, "\(once.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(once.stdout.utf8)) as? [String: Any])
        let load = try #require(object["load"] as? Double)
        #expect(abs(load - 10) < 1.5, "load \(load)")
        #expect(object["applied"] as? Bool == true)
        #expect(object["reason"] as? String == "applied pre, model")
        let model = (object["configuration"] as? [String: Any])?["model"] as? [String: Any]
        #expect(model?["variant"] as? String == "large")
        #expect(model?["replicas"] as? Int == Int((load * 0.5 * (1 - 1e-12)).rounded(.up)))
        #expect(once.stdout.hasPrefix("{\n  \"time\": "))
        let written = try String(contentsOf: folder.appendingPathComponent("applied.json"), encoding: .utf8)
        #expect(written.contains("\"variant\" : \"large\""))

        let dry = await Self.run(["control", config, "--once", "--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("\"applied\": false"))

        let db = folder.appendingPathComponent("history.sqlite").path
        let json = await Self.run(["history", "--db", db, "--format", "json"])
        #expect(json.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows.first?["outcome"] as? String == "applied")
        let csv = await Self.run(["history", "--db", db, "--format", "csv", "--since", "1h"])
        #expect(csv.stdout.hasPrefix("id,time,load,forecast,outcome,configuration,changes,applied_stages,reason,errors,plan_ms\n1,"))
        #expect(csv.stdout.split(separator: "\n").count == 3)
        let none = await Self.run(["history", "--db", db, "--since", "2999-01-01T00:00:00Z"])
        #expect(none.stdout == "no iterations recorded\n")
        await exporterServer.stop()
    }

    @Test func badConfigurationIsOneLineAndExit2() async throws {
        let folder = try Self.folder()
        let config = folder.appendingPathComponent("control.yaml").path
        try "workflow: workflow.yaml\nprometheus: {url: 'http://127.0.0.1:1', query: q}\nsink: {file: {path: a.json}}\nguardrails: {max_scale_down_step: 0}\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let result = await Self.run(["control", config, "--once"])
        #expect(result.status == 2)
        #expect(result.stderr == "trimtab: \(config): guardrails.max_scale_down_step: must be at least 1\n")
    }

    @Test func historyErrors() async {
        let missing = await Self.run(["history", "--db", "/nonexistent/history.sqlite"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "trimtab: /nonexistent/history.sqlite: no such history database\n")
        let since = await Self.run(["history", "--db", "x", "--since", "yesterday"])
        #expect(since.stderr == "trimtab: --since: 'yesterday' is not a time (seconds since 1970, ISO 8601, or a duration like 15m)\n")
    }

    @Test(.timeLimit(.minutes(5))) func unreachablePrometheusKeepsConfigurationAndExitsOneInOnce() async throws {
        let folder = try Self.folder()
        let config = folder.appendingPathComponent("control.yaml").path
        // A port held bound but not listening: connections are refused, and no parallel test takes it.
        let refusing = try RefusingPort()
        let port = refusing.port
        defer { withExtendedLifetime(refusing) {} }
        try "workflow: workflow.yaml\nprometheus: {url: 'http://127.0.0.1:\(port)', query: q}\ninterval_seconds: 4\nsink: {file: {path: a.json}}\ndatabase: h.sqlite\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let result = await Self.run(["control", config, "--once"])
        // A runtime failure: exit 1, the cause on one clean line (no debug dump, no usage hint).
        #expect(result.status == 1)
        #expect(result.code == TrimtabError.Code.unavailable)
        #expect(result.stderr.hasPrefix("trimtab: metrics source failed; keeping the running configuration: "), "\(result.stderr)")
        #expect(result.stderr.contains("GET http://127.0.0.1:\(port)/api/v1/query?query=q"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix(": Connection refused\n"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stderr.contains("errno") && !result.stderr.contains("--help"))
        #expect(result.stderr.filter { $0 == "(" }.count == result.stderr.filter { $0 == ")" }.count)
        #expect(result.stdout.contains("\"applied\": false"))
        #expect(result.stdout.contains("metrics source failed; keeping the running configuration"))
        #expect(!result.stdout.contains("errno"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("a.json").path))
    }

    /// A query a real Prometheus answers with an empty vector (it scrapes a counter, but not the one
    /// named): bad input — exit 2, one line naming the file and `prometheus.query` — and nothing
    /// applied (the file sink writes nothing; the history holds one no-data iteration).
    @Test(.timeLimit(.minutes(5))) func queryReturningNothingIsBadInputAndAppliesNothing() async throws {
        let exporter = LoadExporter(rate: 10)
        let exporterServer = try await exporter.serve()
        let prometheus = try await RealServers.prometheus(scraping: "127.0.0.1:\(exporterServer.port)")
        defer { prometheus.stop() }
        // Prometheus holds data: the query below is empty because of its name, not for want of scrapes.
        try await RealServers.waitForSamples(prometheus, metric: "requests_total", samples: 2)
        let folder = try Self.folder()
        let config = folder.appendingPathComponent("control.yaml").path
        let query = "sum(rate(request_total[5s]))"
        try """
            workflow: workflow.yaml
            prometheus: {url: "\(prometheus.url)", query: "\(query)", history_seconds: 10}
            interval_seconds: 5
            sink: {file: {path: applied.json}}
            database: history.sqlite
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = await Self.run(["control", config, "--once"])
        #expect(result.status == 2)
        #expect(result.code == TrimtabError.Code.invalidInput)
        #expect(result.stderr == "trimtab: \(config): prometheus.query: '\(query)' returns nothing from \(prometheus.url) "
                + "(no series matches it: check the metric name and labels); nothing applied\n", "\(result.stderr)")
        #expect(result.stdout.contains("\"applied\": false"))
        #expect(result.stdout.contains("\"outcome\": \"no-data\""))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("applied.json").path))
        let history = await Self.run(["history", "--db", folder.appendingPathComponent("history.sqlite").path, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["outcome"] as? String == "no-data")
        #expect((rows.first?["applied_stages"] as? [Any])?.isEmpty ?? true, "\(rows)")
        await exporterServer.stop()
    }

    /// A query a real Prometheus refuses as malformed (HTTP 400, bad_data: a parse error) is bad
    /// input too — exit 2, one line naming the file and `prometheus.query` with Prometheus' reason
    /// — not a runtime failure; nothing applied.
    @Test(.timeLimit(.minutes(5))) func queryPrometheusRefusesIsBadInputAndAppliesNothing() async throws {
        let exporter = LoadExporter(rate: 10)
        let exporterServer = try await exporter.serve()
        let prometheus = try await RealServers.prometheus(scraping: "127.0.0.1:\(exporterServer.port)")
        defer { prometheus.stop() }
        let folder = try Self.folder()
        let config = folder.appendingPathComponent("control.yaml").path
        let query = "sum(rate(requests_total[5s])"
        try """
            workflow: workflow.yaml
            prometheus: {url: "\(prometheus.url)", query: "\(query)", history_seconds: 10}
            interval_seconds: 5
            sink: {file: {path: applied.json}}
            database: history.sqlite
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = await Self.run(["control", config, "--once"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.code == TrimtabError.Code.invalidInput)
        #expect(result.stderr.hasPrefix("trimtab: \(config): prometheus.query: '\(query)' is not a query \(prometheus.url) accepts ("),
                "\(result.stderr)")
        #expect(result.stderr.contains("parse error"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("); nothing applied\n") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(result.stdout.contains("\"outcome\": \"no-data\""))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("applied.json").path))
        await exporterServer.stop()
    }

    /// The `trimtab` executable runs the loop until SIGTERM, then stops cleanly with exit 0.
    @Test(.timeLimit(.minutes(5))) func loopStopsCleanlyOnSigterm() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trimtab").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("the trimtab executable is not built next to the tests (\(binary)); run swift build first")
            return
        }
        let folder = try Self.folder()
        let config = folder.appendingPathComponent("control.yaml").path
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        try "workflow: workflow.yaml\nprometheus: {url: 'http://127.0.0.1:\(refusing.port)', query: q}\ninterval_seconds: 2\nsink: {file: {path: a.json}}\ndatabase: h.sqlite\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["control", config]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for the first iteration to be recorded, then ask the loop to stop.
        let db = folder.appendingPathComponent("h.sqlite").path
        // (Polled until it is there, however loaded the machine: the test's time limit bounds it.)
        while true {
            let rows = await Self.run(["history", "--db", db, "--format", "csv"])
            if rows.stdout.split(separator: "\n").count >= 2 || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        let stderr: String = await withCheckedContinuation { continuation in
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("signal 15: stopping"), "\(stderr)")
        #expect(stderr.contains("control loop stopped"), "\(stderr)")
        let history = await Self.run(["history", "--db", db, "--format", "json"])
        #expect(history.stdout.contains("\"outcome\": \"no-data\""))
    }
}
