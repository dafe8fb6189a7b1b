import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrimtabKit
import TrimtabModel
@testable import TrimtabServer

private func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

private func json(_ buffer: ByteBuffer?) -> [String: Any] {
    guard let buffer, let o = try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any] else { return [:] }
    return o
}

/// The first executable of that name on PATH (scripts/test.sh puts its virtual environment first).
private func tool(_ name: String) -> String? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let path = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// The `trimtab` executable built next to the test bundle.
private func trimtabExecutable() -> String? {
    let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trimtab").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}

/// Runs a process to its end without blocking a thread of the cooperative pool; its stdout and status.
private func run(_ executable: String, _ arguments: [String]) async throws -> (stdout: String, stderr: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let outData = DataBox(), errData = DataBox()
    out.fileHandleForReading.readabilityHandler = { outData.append($0.availableData) }
    err.fileHandleForReading.readabilityHandler = { errData.append($0.availableData) }
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    out.fileHandleForReading.readabilityHandler = nil
    err.fileHandleForReading.readabilityHandler = nil
    outData.append(out.fileHandleForReading.readDataToEndOfFile())
    errData.append(err.fileHandleForReading.readDataToEndOfFile())
    return (outData.text, errData.text, status)
}

/// Runs `body` against `trimtab serve --port 0` in a process of its own, with the URL it prints
/// once bound. The external clients (schemathesis, the MCP client, Chromium) talk to it there: an
/// in-process server answers on this test process's cooperative pool, which the suites running
/// in parallel can keep busy for longer than a client waits (schemathesis timed out after 10 s on
/// a loaded machine). The server is killed afterwards.
private func withServeProcess<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
    let trimtab = try #require(trimtabExecutable(), "the trimtab executable is not built next to the tests")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: trimtab)
    process.arguments = ["serve", "--port", "0"]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    let stderr = DataBox()
    err.fileHandleForReading.readabilityHandler = { stderr.append($0.availableData) }
    try process.run()
    defer {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
    }
    func bound() -> String? {
        stderr.text.split(separator: "\n").first { $0.hasPrefix("trimtab: listening on ") }
            .map { String($0.dropFirst("trimtab: listening on ".count)) }
    }
    // Polled; a sleep may overrun on a busy pool, so the output is read once more at the end.
    let deadline = Date().addingTimeInterval(300)
    while bound() == nil && process.isRunning && Date() < deadline {
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await body(try #require(bound(), "trimtab serve did not start: \(stderr.text.suffix(500))"))
}

private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ d: Data) { lock.withLock { data.append(d) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ l: String) { lock.withLock { lines.append(l) } }
    var all: [String] { lock.withLock { lines } }
}

struct ServerAPITests {
    let server = TrimtabServer(maxConcurrentSolves: 64)

    /// Each operation's request schema (from which the document and the MCP tools are made)
    /// names exactly the fields the request decodes: its `Codable` keys.
    @Test func requestSchemasMatchTheRequestsCodingKeys() {
        let pairs: [(RequestSchema, [String])] = [
            (.validate, ValidateOperation.Request.fieldNames), (.evaluate, EvaluateOperation.Request.fieldNames),
            (.plan, PlanOperation.Request.fieldNames), (.pareto, ParetoOperation.Request.fieldNames),
        ]
        for (schema, fields) in pairs {
            #expect(Set(schema.fields.map(\.name)) == Set(fields), "\(schema.operation)")
        }
        // Remote callers get a subset: no field that names a server file (or the CLI's timeline).
        let remote: [(RequestSchema, [String], Set<String>)] = [
            (.simulate, SimulateOperation.Request.fieldNames, []),
            (.batch, BatchOperation.Request.fieldNames, ["mbs_table", "size_class", "loads", "max_buffers", "billing_granularity_ms"]),
            (.forecast, ForecastOperation.Request.fieldNames, []),
            (.jobPlan, JobPlanOperation.Request.fieldNames, []),
            (.jobPredict, JobPredictOperation.Request.fieldNames, []),
        ]
        for (schema, fields, cliOnly) in remote {
            #expect(Set(schema.fields.map(\.name)) == Set(fields).subtracting(cliOnly), "\(schema.operation)")
        }
    }

    /// The document lists exactly the routes the router answers: every documented path and
    /// method is answered (not 404/405), nothing else is, and each operation's query parameters
    /// are accepted by the router.
    @Test func openAPIDocumentListsExactlyTheServedRoutes() async throws {
        let example = try String(contentsOfFile: packageRoot() + "/examples/image-tagging.yaml", encoding: .utf8)
        let app = Application(router: server.router())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = json(response.body)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: [String: Set<String>] = [:]
            for (path, operations) in paths { documented[path] = Set(operations.keys.map { $0.uppercased() }) }
            let served = server.methods.mapValues { Set($0).subtracting(["HEAD"]) }
            #expect(documented == served)
            for (path, methods) in documented {
                for method in methods {
                    let bodies = ["/mcp": #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, "/v1/evaluate": #"{"workflow": "x", "configuration": {}}"#,
                                  "/v1/batch": #"{"workflow": "x", "stage": "a", "arrivals": "poisson:1"}"#,
                                  "/v1/forecast": #"{"trace": [1, 2, 3], "train_until": "50%"}"#,
                                  "/v1/job/plan": #"{"model": "x", "items": 10}"#, "/v1/job/predict": #"{"model": "x", "items": 10, "workers": 2}"#]
                    let body: ByteBuffer? = method == "POST" ? ByteBuffer(string: bodies[path] ?? example) : nil
                    let r = try await client.execute(uri: path, method: HTTPRequest.Method(method)!,
                                                     headers: path == "/mcp" ? [.accept: "application/json, text/event-stream", .contentType: "application/json"] : [:],
                                                     body: body)
                    #expect(r.status != .notFound && r.status != .methodNotAllowed, "\(method) \(path): \(r.status)")
                }
            }
            #expect(try await client.execute(uri: "/v2/plan", method: .post, body: ByteBuffer(string: example)).status == .notFound)
            // Each documented query parameter is one the router takes (an unknown one is 400 naming it).
            for (path, operations) in paths where path.hasPrefix("/v1/") {
                let post = try #require(operations["post"] as? [String: Any])
                let names = (post["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(!names.isEmpty || path == "/v1/validate")
                for name in names {
                    let r = try await client.execute(uri: "\(path)?\(name)=zzz", method: .post, body: ByteBuffer(string: example))
                    #expect(!(json(r.body)["error"] as? String ?? "").contains("unknown parameter"), "\(path) \(name)")
                }
            }
        }
    }

    /// Simulate over HTTP answers what the CLI prints for the same request; a remote request
    /// reads no server file and is bounded in the arrivals it replays.
    @Test func simulateOverHTTPEqualsTheCLIAndRemoteLimitsHold() async throws {
        let workflow = packageRoot() + "/examples/sim-three-stage.yaml"
        let text = try String(contentsOfFile: workflow, encoding: .utf8)
        let configuration = try String(contentsOfFile: packageRoot() + "/examples/sim-three-stage-config.json", encoding: .utf8)
        let configObject = try #require(try JSONSerialization.jsonObject(with: Data(configuration.utf8)) as? [String: Any])["configuration"]
        let body = try JSONSerialization.data(withJSONObject: ["workflow": text, "configuration": configObject as Any,
                                                               "arrivals": "poisson:5", "duration": 60, "seed": 3] as [String: Any])
        let cli = try await run(try #require(trimtabExecutable()), [
            "simulate", workflow, "--config", packageRoot() + "/examples/sim-three-stage-config.json",
            "--arrivals", "poisson:5", "--duration", "60", "--seed", "3", "--format", "json"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let app = Application(router: server.router())
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/v1/simulate", method: .post, body: ByteBuffer(bytes: body))
            #expect(r.status == .ok)
            let http = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body ?? ByteBuffer()).utf8)) as? NSDictionary)
            let local = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? NSDictionary)
            // The file's name labels the CLI's answer; the HTTP one has no file name.
            #expect(http["requests"] as? Int == local["requests"] as? Int)
            #expect((http["latency_ms"] as? NSDictionary) == (local["latency_ms"] as? NSDictionary))
            #expect(http["cost_per_million_usd"] as? Double == local["cost_per_million_usd"] as? Double)
            let file = try JSONSerialization.data(withJSONObject: ["workflow": text, "plan": true, "arrivals": "trace:/etc/hostname"] as [String: Any])
            let refused = try await client.execute(uri: "/v1/simulate", method: .post, body: ByteBuffer(bytes: file))
            #expect(refused.status == .badRequest)
            #expect((json(refused.body)["error"] as? String ?? "").hasPrefix("arrivals: 'trace:/etc/hostname' reads a file on the server"))
            let long = try await client.execute(uri: "/v1/simulate?plan=true&arrivals=poisson:1000&duration=1e6", method: .post,
                                                body: ByteBuffer(string: text))
            #expect(long.status == .badRequest)
            #expect((json(long.body)["error"] as? String ?? "").hasPrefix("duration: 1000 requests/s for 1000000 s is more than 2000000 arrivals"))
            // A forecast from counts in the body.
            let counts = (0..<600).map { 100 + ($0 % 60) }
            let forecast = try JSONSerialization.data(withJSONObject: ["trace": counts, "train_until": "50%", "compare": true] as [String: Any])
            let f = try await client.execute(uri: "/v1/forecast", method: .post, body: ByteBuffer(bytes: forecast))
            #expect(f.status == .ok, "\(String(buffer: f.body ?? ByteBuffer()))")
        }
    }

    /// `Expect: 100-continue` gets `100 Continue` before the body is sent (the application's
    /// pipeline, as `trimtab serve` runs it), then the answer.
    @Test func expectContinueIsAnswered() async throws {
        let python = try #require(tool("python3"), "python3 is not on PATH")
        let script = """
        import socket, sys
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
        body = b"version: 1\\nstages: []\\n"
        s.sendall(b"POST /v1/validate HTTP/1.1\\r\\nHost: x\\r\\nExpect: 100-continue\\r\\nContent-Length: %d\\r\\n\\r\\n" % len(body))
        first = s.recv(4096).decode()
        s.sendall(body)
        rest = b""
        while b"\\r\\n\\r\\n" not in rest:
            rest += s.recv(4096)
        print(first.split("\\r\\n")[0]); print(rest.decode().split("\\r\\n")[0])
        """
        let app = server.application(host: "127.0.0.1", port: 0)
        let r = try await app.test(.live) { client in
            try await run(python, ["-c", script, String(try #require(client.port))])
        }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "HTTP/1.1 100 Continue\nHTTP/1.1 400 Bad Request\n", "\(r.stdout)")
    }

    /// A remote workflow of more than `RemotePolicy.maxStages` stages is refused before planning.
    @Test func aRemoteWorkflowIsBoundedInItsStages() async throws {
        let n = RemotePolicy.maxStages + 1
        var built = "version: 1\nstages:\n"
        for i in 0..<n { built += "  - {name: s\(i), latency_ms: {128: 10, 256: 6}}\n" }
        built += "edges:\n  - {from: start, to: s0}\n"
        for i in 0..<(n - 1) { built += "  - {from: s\(i), to: s\(i + 1)}\n" }
        built += "  - {from: s\(n - 1), to: end}\ngoal: {minimize: cost}\n"
        let text = built
        let app = Application(router: server.router())
        try await app.test(.router) { client in
            for path in ["/v1/plan", "/v1/pareto"] {
                let r = try await client.execute(uri: path, method: .post, body: ByteBuffer(string: text))
                #expect(r.status == .badRequest, "\(path)")
                #expect(json(r.body)["error"] as? String == "workflow: \(n) stages is more than \(RemotePolicy.maxStages), the limit of a remote request; plan it with trimtab plan")
            }
            // One stage fewer is planned.
            let smaller = text.replacingOccurrences(of: "  - {name: s\(n - 1), latency_ms: {128: 10, 256: 6}}\n", with: "")
                .replacingOccurrences(of: "  - {from: s\(n - 2), to: s\(n - 1)}\n  - {from: s\(n - 1), to: end}", with: "  - {from: s\(n - 2), to: end}")
            let ok = try await client.execute(uri: "/v1/plan", method: .post, body: ByteBuffer(string: smaller))
            #expect(ok.status == .ok, "\(String(buffer: ok.body ?? ByteBuffer()).prefix(300))")
        }
    }

    @Test func aTokenGuardsEveryPostAndNothingElse() async throws {
        var guarded = TrimtabServer(maxConcurrentSolves: 4)
        guarded.token = "s3cret-token"
        let app = Application(router: guarded.router())
        let example = try String(contentsOfFile: packageRoot() + "/examples/slapp-app3.yaml", encoding: .utf8)
        try await app.test(.router) { client in
            let none = try await client.execute(uri: "/v1/validate", method: .post, body: ByteBuffer(string: example))
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] == #"Bearer realm="trimtab""#)
            #expect(json(none.body)["error"] as? String == "Authorization: a bearer token is required")
            let wrong = try await client.execute(uri: "/v1/plan", method: .post, headers: [.authorization: "Bearer s3cret-tokem"],
                                                 body: ByteBuffer(string: example))
            #expect(wrong.status == .unauthorized)
            #expect(json(wrong.body)["error"] as? String == "Authorization: the token is not valid")
            let mcp = try await client.execute(uri: "/mcp", method: .post, body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#))
            #expect(mcp.status == .unauthorized)
            let right = try await client.execute(uri: "/v1/validate", method: .post, headers: [.authorization: "Bearer s3cret-token"],
                                                 body: ByteBuffer(string: example))
            #expect(right.status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let document = json(try await client.execute(uri: "/openapi.json", method: .get).body)
            let plan = ((document["paths"] as? [String: Any])?["/v1/plan"] as? [String: Any])?["post"] as? [String: Any]
            #expect((plan?["responses"] as? [String: Any])?["401"] != nil)
            #expect(plan?["security"] != nil)
        }
    }

    @Test func transportErrorsAnswerInTheErrorShape() async throws {
        var small = TrimtabServer(maxConcurrentSolves: 4)
        small.maxBodyBytes = 100
        let app = Application(router: small.router())
        try await app.test(.router) { client in
            let get = try await client.execute(uri: "/v1/plan", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect((json(get.body)["error"] as? String ?? "").contains("method not allowed"))
            let missing = try await client.execute(uri: "/nowhere", method: .get)
            #expect(missing.status == .notFound)
            #expect(json(missing.body)["error"] as? String == "GET /nowhere: not found")
            let xml = try await client.execute(uri: "/v1/validate", method: .post, headers: [.contentType: "application/xml"],
                                               body: ByteBuffer(string: "<a/>"))
            #expect(xml.status == .unsupportedMediaType)
            #expect((json(xml.body)["error"] as? String ?? "").hasPrefix("Content-Type: 'application/xml'"))
            let big = try await client.execute(uri: "/v1/validate", method: .post, body: ByteBuffer(string: String(repeating: "a", count: 500)))
            #expect(big.status == .contentTooLarge)
            #expect(json(big.body)["error"] as? String == "body: larger than 100 bytes")
            // The server is still up.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func metricsCountRequestsAndTheAccessLogHasOneJSONLineEach() async throws {
        var logged = TrimtabServer(maxConcurrentSolves: 4)
        let lines = Lines()
        logged.accessLog = { lines.append($0) }
        let app = Application(router: logged.router())
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            _ = try await client.execute(uri: "/v1/plan?nope=1", method: .post, body: ByteBuffer(string: "version: 1"))
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body ?? ByteBuffer())
            #expect(metrics.contains(#"trimtab_http_requests_total{route="/healthz",method="GET",status="200"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"trimtab_http_requests_total{route="/v1/plan",method="POST",status="400"} 1"#))
            #expect(metrics.contains("trimtab_solves_running 0"))
        }
        let entries = lines.all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(entries.count == lines.all.count && entries.count >= 3)
        #expect(entries.contains { $0["path"] as? String == "/v1/plan" && $0["status"] as? Int == 400 && $0["method"] as? String == "POST" })
        #expect(entries.allSatisfy { $0["duration_ms"] is Double && $0["time"] is String })
    }

    /// The official Python MCP client (`mcp` on PyPI), over stdio (`trimtab mcp`) and over
    /// streamable HTTP (`/mcp`): lists the tools, plans an example — the result equals
    /// `trimtab plan --format json` — and gets a tool error naming the field of a bad workflow.
    @Test func pythonMCPClientPlansLikeTheCLI() async throws {
        let python = try #require(tool("python3"), "python3 is not on PATH")
        let trimtab = try #require(trimtabExecutable(), "the trimtab executable is not built next to the tests")
        let script = packageRoot() + "/Tests/Clients/mcp_check.py"
        let example = packageRoot() + "/examples/slapp-app3.yaml"
        let cli = try await run(trimtab, ["plan", example, "--max-latency-ms", "3000", "--format", "json"])
        #expect(cli.status == 0)
        let expected = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? NSDictionary
        let stdio = try await run(python, [script, "stdio", trimtab, packageRoot() + "/examples", example])
        #expect(stdio.status == 0, "\(stdio.stderr)")
        let http = try await withServeProcess { url in
            try await run(python, [script, "http", url + "/mcp", example])
        }
        #expect(http.status == 0, "\(http.stderr)")
        let answers = [stdio.stdout, http.stdout]
        for (transport, answer) in zip(["stdio", "http"], answers) {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(transport)")
            #expect(o["tools"] as? [String] == ["evaluate", "explain", "forecast", "pareto", "plan", "simulate", "validate"], "\(transport)")
            #expect(o["plan_error"] as? Bool == false)
            #expect((o["plan"] as? NSDictionary) == expected, "\(transport)")
            let text = try #require(o["plan_text"] as? String)
            #expect((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary) == expected)
            let bad = try #require(o["bad"] as? [String: Any])
            #expect(bad["is_error"] as? Bool == true)
            #expect(bad["text"] as? String == "workflow: edges[3].probability: 1.4 is not in (0, 1]")
            let unknown = try #require(o["unknown"] as? [String: Any])
            #expect((unknown["text"] as? String ?? "").hasPrefix("max_latency: unknown argument"))
            let schemas = try #require(o["schemas"] as? [String: [String: Any]])
            let planFields = Set((schemas["plan"]?["properties"] as? [String: Any] ?? [:]).keys)
            #expect(planFields == Set(PlanOperation.Request.fieldNames))
        }
        let stdioResources = try #require(try JSONSerialization.jsonObject(with: Data(answers[0].utf8)) as? [String: Any])["resources"] as? [String]
        #expect(stdioResources?.contains { $0.hasSuffix("/examples/slapp-app3.yaml") } == true)
    }

    /// The dashboard in headless Chromium (Debian's `chromium`, driven by Playwright from PyPI):
    /// it draws the example's graph and Pareto front, shows the API's optimum after Plan (also
    /// after the latency slider moves), marks the plan on the front, and draws a simulation's
    /// latency distribution and timeline — with no request leaving the server and no script error.
    @Test func dashboardShowsTheAPIsOptimumInChromium() async throws {
        let python = try #require(tool("python3"), "python3 is not on PATH")
        let chromium = try #require(tool("chromium") ?? tool("chromium-browser"), "chromium is not installed (scripts/test.sh installs it)")
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-dashboard-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: shots) }
        let r = try await withServeProcess { url in
            try await run(python, [packageRoot() + "/Tests/Clients/dashboard_check.py", url, shots, chromium])
        }
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["graph_nodes"] as? [String] == ["start", "resize", "classify", "end"])
        #expect((o["front_points"] as? Int ?? 0) >= 2)
        let plan = try #require(o["api_plan"] as? [String: Any])
        let predicted = try #require(plan["predicted"] as? [String: Any])
        #expect(o["page_status"] as? String == plan["status"] as? String)
        // The page shows the API's numbers (to its display precision).
        let cost = try #require(predicted["cost_per_million_usd"] as? Double)
        #expect(abs((Double(o["page_cost"] as? String ?? "") ?? .nan) - cost) <= max(0.01 * cost, 1e-9))
        let latency = try #require(predicted["latency_ms"] as? Double)
        #expect(abs((Double(o["page_latency"] as? String ?? "") ?? .nan) - latency) <= 0.06)
        #expect(o["chosen_marked"] as? Bool == true)
        let moved = try #require(o["slider_api_plan"] as? [String: Any])
        #expect(o["slider_page_status"] as? String == moved["status"] as? String)
        if let p = moved["predicted"] as? [String: Any], let c = p["cost_per_million_usd"] as? Double {
            #expect(abs((Double(o["slider_page_cost"] as? String ?? "") ?? .nan) - c) <= max(0.01 * c, 1e-9))
        }
        #expect(o["unticked_shows_file"] as? Bool == true)
        #expect((o["simulation_paths"] as? Int ?? 0) >= 3)
        #expect((o["external_requests"] as? [String])?.isEmpty == true, "the page fetched from elsewhere")
        #expect((o["page_errors"] as? [String])?.isEmpty == true, "\(o["page_errors"] ?? "")")
        for name in ["dashboard-graph", "dashboard-plan", "dashboard-pareto", "dashboard-breakdown", "dashboard-simulation", "dashboard"] {
            #expect(FileManager.default.fileExists(atPath: "\(shots)/\(name).png"), "\(name)")
        }
    }

    /// schemathesis (PyPI) fuzzes the live server from its OpenAPI document: no 5xx, every
    /// status, content type, header and body as documented; undeclared methods get 405. (Its
    /// check that schema-valid bodies are accepted is left out: a workflow's validity is more
    /// than its JSON Schema says, and such bodies are rightly 400.)
    @Test func schemathesisFindsNoFailure() async throws {
        let st = try #require(tool("st") ?? tool("schemathesis"), "schemathesis is not installed (scripts/test.sh installs it)")
        try await withServeProcess { url in
            let r = try await run(st, ["run", url + "/openapi.json", "--max-examples", "25", "--seed", "7",
                                       "--exclude-checks", "positive_data_acceptance", "--no-color"])
            #expect(r.status == 0, "\(r.stdout.suffix(3000))")
        }
    }
}
