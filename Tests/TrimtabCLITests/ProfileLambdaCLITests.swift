import Foundation
import Testing
import TrimtabCLI
import TrimtabTestSupport

/// `trimtab profile --lambda` against a real moto_server (PyPI `moto[server]`) started per test;
/// the functions are created and read back with boto3, the calls in order from moto's recorder.
/// The command runs as the `trimtab` executable, its AWS credentials in its own environment
/// (never `setenv` in the test process, whose other tests run at the same time).
@Suite struct ProfileLambdaCLITests {
    static let credentials = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]

    /// Runs the `trimtab` executable built next to the tests with the test credentials; a missing
    /// executable fails the test.
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trimtab").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestServerError("the trimtab executable is not built next to the tests (\(binary)); run swift build first")
        }
        let folder = try ExternalServer.temporaryDirectory("trimtab-profile-run")
        let out = folder.appendingPathComponent("stdout"), err = folder.appendingPathComponent("stderr")
        for file in [out, err] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(credentials) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Wait on a thread of its own, never holding one of the concurrency pool's.
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }.start()
        }
        return (status, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    static func python(_ arguments: [String]) async throws -> String {
        let result = try await runCommand("/usr/bin/env", ["python3"] + arguments, environment: credentials)
        guard result.status == 0 else { throw TestServerError("python failed: \(result.output)") }
        return result.output
    }

    /// The Lambda fixture of the adapter tests: `setup NAME…` creates functions (128 MB), `show NAME…` prints them.
    static func fixture(_ endpoint: String, _ arguments: [String]) async throws -> String {
        try await python([root() + "/Tests/TrimtabAdaptersTests/Fixtures/moto_lambda.py", endpoint] + arguments)
    }

    static func memory(_ endpoint: String, _ name: String) async throws -> Int? {
        let text = try await fixture(endpoint, ["show", name])
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]]
        return object?[name]?["memory"] as? Int
    }

    /// POSTs to one of moto's own endpoints (`/moto-api/…`) and returns the body.
    static func moto(_ endpoint: String, _ path: String, method: String = "POST", body: String = "") async throws -> String {
        let script = """
            import sys, urllib.request
            data = sys.argv[3].encode() if sys.argv[2] == 'POST' else None
            req = urllib.request.Request(sys.argv[1], data=data, method=sys.argv[2], headers={'Content-Type': 'application/json'})
            sys.stdout.write(urllib.request.urlopen(req).read().decode())
            """
        return try await python(["-c", script, endpoint + path, method, body])
    }

    /// The Lambda API calls moto recorded, in order: "PUT configuration 128", "GET configuration", "POST invocations".
    static func lambdaCalls(_ endpoint: String) async throws -> [String] {
        let lines = try await moto(endpoint, "/moto-api/recorder/download-recording", method: "GET").split(separator: "\n")
        return lines.compactMap { line -> String? in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let method = o["method"] as? String, let url = o["url"] as? String, url.contains("/2015-03-31/functions/") else { return nil }
            let last = url.split(separator: "/").last.map(String.init) ?? ""
            var call = "\(method) \(last)"
            if method == "PUT", let b = o["body"] as? String,
               let data = (o["body_encoded"] as? Bool ?? false) ? Data(base64Encoded: b) : Data(b.utf8),
               let update = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let m = update["MemorySize"] as? Int {
                call += " \(m)"
            }
            return call
        }
    }

    static func rows(_ csv: String) throws -> [[String]] {
        try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Without Docker moto cannot run the function: every invocation answers a function error, so
    /// each size is recorded as infeasible after its memory was set, and the command still succeeds.
    @Test(.timeLimit(.minutes(5))) func failingInvocationsAreInfeasibleSettings() async throws {
        let server = try await RealServers.moto()
        defer { server.stop() }
        _ = try await Self.fixture(server.url, ["setup", "trimtab-profiled"])
        _ = try await Self.moto(server.url, "/moto-api/recorder/start-recording")
        let csv = try temporaryFile("lambda-fail.csv", "")
        let r = try await Self.run(["profile", "--lambda", "trimtab-profiled", "--memory", "128,512", "--endpoint", server.url,
                                "--region", "eu-west-1", "--stage", "resize", "-o", csv])
        _ = try await Self.moto(server.url, "/moto-api/recorder/stop-recording")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try await Self.memory(server.url, "trimtab-profiled") == 512)
        // Memory set (and the update awaited) before each series, the series after it.
        #expect(try await Self.lambdaCalls(server.url) == [
            "PUT configuration 128", "GET configuration", "POST invocations",
            "PUT configuration 512", "GET configuration", "POST invocations",
        ])
        // One row per size, no latency, the reason quoted (moto's message has commas).
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[1].hasPrefix(#"resize,128,1,1,,"infeasible: function error (Handled): "#)
                && lines[2].hasPrefix(#"resize,512,1,1,,"infeasible: function error (Handled): "#), "\(lines)")
        #expect(r.stderr.contains("infeasible: function error (Handled)"))
    }

    /// With moto's Docker use switched off, Invoke answers a fixed success: the rows are measured
    /// latencies, repeated per size until the CV target or --max-repeats, and `fit` reads them.
    @Test(.timeLimit(.minutes(5))) func succeedingInvocationsAreMeasuredPerSize() async throws {
        let server = try await RealServers.moto()
        defer { server.stop() }
        // Changing moto's configuration resets its state: before the function is created.
        _ = try await Self.moto(server.url, "/moto-api/config", body: #"{"lambda": {"use_docker": false}}"#)
        _ = try await Self.fixture(server.url, ["setup", "trimtab-ok"])
        _ = try await Self.moto(server.url, "/moto-api/recorder/start-recording")
        let payload = try temporaryFile("lambda-payload.json", #"{"image": "cat.jpg"}"#)
        let csv = payload + ".csv"
        let r = try await Self.run(["profile", "--lambda", "trimtab-ok", "--memory", "256,1024", "--endpoint", server.url,
                                "--region", "eu-west-1", "--payload", payload, "--min-repeats", "3", "--max-repeats", "4",
                                "--cv", "0.000001", "-o", csv])
        _ = try await Self.moto(server.url, "/moto-api/recorder/stop-recording")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try await Self.memory(server.url, "trimtab-ok") == 1024)
        let calls = try await Self.lambdaCalls(server.url)
        let invoke = "POST invocations"
        // A CV of 0.0001% is never reached: each size runs --max-repeats invocations.
        #expect(calls == ["PUT configuration 256", "GET configuration", invoke, invoke, invoke, invoke,
                          "PUT configuration 1024", "GET configuration", invoke, invoke, invoke, invoke])
        let rows = try Self.rows(csv)
        #expect(rows.count == 8)
        #expect(rows.filter { $0[1] == "256" }.count == 4 && rows.filter { $0[1] == "1024" }.count == 4)
        #expect(rows.allSatisfy { $0[5] == "ok" && (Double($0[4]) ?? 0) > 0 }, "\(rows)")
        let fit = CLI.run(["fit", csv, "--format", "json"])
        #expect(fit.status == 0, "\(fit.stderr)")
    }

    @Test func badLambdaInputIsOneLineAndExit2() async throws {
        let noMemory = CLI.run(["profile", "--lambda", "f"])
        #expect(noMemory.status == 2)
        #expect(noMemory.stderr.hasPrefix("trimtab: --memory: is required with --lambda"), "\(noMemory.stderr)")
        #expect(noMemory.stderr.split(separator: "\n").count == 1)
        let both = CLI.run(["profile", "--lambda", "f", "--memory", "128", "--url", "http://127.0.0.1:1/"])
        #expect(both.status == 2 && both.stderr.split(separator: "\n").count == 1)
        let badEndpoint = CLI.run(["profile", "--lambda", "f", "--memory", "128", "--endpoint", "not a url"])
        #expect(badEndpoint.status == 2 && badEndpoint.stderr.contains("--endpoint"))
    }
}
