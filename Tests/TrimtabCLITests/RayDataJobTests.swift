import Foundation
import Testing
import TrimtabTestSupport
@testable import TrimtabCLI

/// `job run --engine ray` on a real Ray cluster started by the test (`ray start --head`, its own
/// ports and temporary folder, 2 CPUs): the Ray Serve example's models (trained small, in
/// seconds) answer a few hundred canvases. The run is killed part-way; `--resume` finishes it
/// without redoing what was done, and the answers — counted, and hashed with sha256sum — are
/// exactly what the example's worker gives when called directly in Python (the oracle). Then the
/// bad inputs: an unreachable address, more CPUs than the cluster has, a model the workers cannot
/// load, a deadline nothing meets — each one line and its exit status, with nothing left behind
/// that a rerun would take as done. Needs ray[data] and scikit-learn (scripts/test.sh installs them).
@Suite struct RayDataJobTests {
    static let items = 240

    static func partItems(_ folder: String) -> Int {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".tsv") }
        return names.reduce(0) { n, name in
            n + ((try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
    }

    static func sha256(_ path: String) async throws -> String {
        let r = try await runCommand(try RayServeEndToEndTests.tool("sha256sum"), [path])
        return String(r.output.prefix(64))
    }

    @Test(.timeLimit(.minutes(10))) func killedRunResumesWithEveryAnswerOnceAndBadInputsExitCleanly() async throws {
        let python = try RayServeEndToEndTests.tool("python3"), ray = try RayServeEndToEndTests.tool("ray")
        let folder = try ExternalServer.temporaryDirectory("trimtab-raydata")
        let app = folder.appendingPathComponent("app").path
        try FileManager.default.createDirectory(atPath: app, withIntermediateDirectories: true)
        for file in ["digits_data.py", "train.py", "batch_worker.py", "batch_items.py"] {
            try FileManager.default.copyItem(atPath: RayServeEndToEndTests.example.appendingPathComponent(file).path, toPath: app + "/" + file)
        }
        // The example's worker, slowed by 0.5 s a batch while the file `slow` exists: the first run
        // then has about 28 s of work left when it is killed, so however late its driver stops it
        // cannot finish; the resumed run (the file removed) runs at full speed.
        try """
            import os, time
            from batch_worker import DigitsBatch
            class SlowDigits(DigitsBatch):
                def __call__(self, lines):
                    if os.path.exists('\(app)/slow'):
                        time.sleep(0.5)
                    return super().__call__(lines)
            """.write(toFile: app + "/slow_worker.py", atomically: true, encoding: .utf8)
        try "".write(toFile: app + "/slow", atomically: true, encoding: .utf8)
        async let training = runCommand(python, [app + "/train.py", "--out", app, "--train-canvases", "600", "--test-canvases", "200",
                                                 "--repeats", "1", "--tolerance", "1"])
        async let making = runCommand(python, [app + "/batch_items.py", "--count", "\(Self.items)", "--out", app + "/items.txt"])

        let rayLog = folder.appendingPathComponent("ray.log")
        _ = FileManager.default.createFile(atPath: rayLog.path, contents: nil)
        // Its own session (setsid), so that stopping it stops Ray's renamed agents too, and only them.
        let rayProcess = Process()
        rayProcess.executableURL = URL(fileURLWithPath: try RayServeEndToEndTests.tool("setsid"))
        rayProcess.arguments = ["-w", ray, "start", "--head", "--block", "--num-cpus=2", "--port=0", "--include-dashboard=false",
                                "--temp-dir=\(folder.path)/r", "--disable-usage-stats"]
        rayProcess.environment = ProcessInfo.processInfo.environment.merging(["RAY_USAGE_STATS_ENABLED": "0"]) { $1 }
        let handle = try FileHandle(forWritingTo: rayLog)
        rayProcess.standardOutput = handle
        rayProcess.standardError = handle
        try rayProcess.run()
        defer { RayServeEndToEndTests.stopRay(rayProcess, folder: folder) }
        var address: String?
        while address == nil {
            try #require(rayProcess.isRunning, "ray start exited: \((try? String(contentsOf: rayLog, encoding: .utf8))?.suffix(1500) ?? "")")
            let text = (try? String(contentsOf: rayLog, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /ray start --address='([0-9.]+:[0-9]+)'/) { address = String(match.1) }
            try await Task.sleep(for: .milliseconds(200))
        }
        let rayAddress = try #require(address)
        let trained = try await training, made = try await making
        try #require(trained.status == 0, "train.py: \(trained.output.suffix(1500))")
        try #require(made.status == 0, "batch_items.py: \(made.output.suffix(1500))")

        // The oracle: the example's worker called directly on every item, no Ray, no trimtab.
        let oracle = try await runCommand(python, ["-c", """
            import sys; sys.path.insert(0, '\(app)')
            from batch_worker import DigitsBatch
            lines = open('\(app)/items.txt').read().splitlines()
            open('\(app)/expected.txt', 'w').write(''.join(a + '\\n' for a in DigitsBatch()(lines)))
            """])
        try #require(oracle.status == 0, "\(oracle.output.suffix(1500))")

        let plan = app + "/plan.json"
        try #"{"memory_mb": 1024, "split_size": 4, "workers": 1, "cpus_per_worker": 1, "predicted": {"makespan_s": 9, "cost_usd": 0.0001}}"#
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let out = app + "/answers.txt", parts = out + ".parts"
        let args = ["job", "run", "--engine", "ray", "--ray-address", rayAddress, "--plan", plan, "--items-file", app + "/items.txt",
                    "--worker", app + "/slow_worker.py:SlowDigits", "--python", python, "-o", out, "--format", "json"]

        // First run: killed (SIGKILL, no chance to clean up) once a few batches are kept.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(trimtabExecutable(), "the trimtab executable is not built next to the tests; run swift build first"))
        process.arguments = args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while Self.partItems(parts) < 5 * 4 && process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(process.isRunning, "the run ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Its driver sees trimtab gone (its stdin closes) and stops; Ray then stops its actors.
        while !RayServeEndToEndTests.clusterProcesses(URL(fileURLWithPath: parts + "/driver.py")).isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        let before = Self.partItems(parts)
        #expect(before >= 20 && before < Self.items, "\(before) items kept")
        try FileManager.default.removeItem(atPath: app + "/slow")
        #expect(!FileManager.default.fileExists(atPath: out))

        // Without --resume the kept parts are not overwritten.
        let refused = CLI.run(args)
        #expect(refused.status == 2 && refused.stderr.contains("--resume"), "\(refused.stderr)")

        let runs = app + "/runs.json"
        let resumed = CLI.run(args + ["--resume", "--record", runs])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let o = try json(resumed.stdout)
        #expect(o["engine"] as? String == "ray")
        #expect(o["items_resumed"] as? Int == before)
        #expect(o["workers"] as? Int == 1)
        let answers = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(answers.count == Self.items + 1 && answers.last == "")
        #expect(try await Self.sha256(out) == (try await Self.sha256(app + "/expected.txt")))
        #expect(!FileManager.default.fileExists(atPath: parts))
        let record = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runs))) as? [[String: Any]])?.first)
        #expect(record["num_images"] as? Int == Self.items - before)
        #expect(record["num_task_managers"] as? Int == 1 && record["split_size"] as? Int == 4)
        #expect((record["duration_billed"] as? Double ?? 0) > 0 && (record["latency"] as? Double ?? 0) > 0)

        // Bad input: one line, its exit status, and no results folder left behind.
        func badRun(_ extra: [String], plan: String = plan, address: String = rayAddress) -> CommandResult {
            let out2 = app + "/bad-\(UUID().uuidString.prefix(6)).txt"
            let r = CLI.run(["job", "run", "--engine", "ray", "--ray-address", address, "--plan", plan, "--items-file", app + "/items.txt",
                             "--python", python, "-o", out2] + extra)
            #expect(!FileManager.default.fileExists(atPath: out2) && !FileManager.default.fileExists(atPath: out2 + ".parts"))
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            return r
        }
        let unreachable = badRun(["--worker", app + "/batch_worker.py:DigitsBatch"], address: "127.0.0.1:1")
        #expect(unreachable.status == 1 && unreachable.stderr.contains("--ray-address"), "\(unreachable.stderr)")
        let bigPlan = app + "/plan-3.json"
        try #"{"memory_mb": 1024, "split_size": 4, "workers": 3}"#.write(toFile: bigPlan, atomically: true, encoding: .utf8)
        let tooMany = badRun(["--worker", app + "/batch_worker.py:DigitsBatch"], plan: bigPlan)
        #expect(tooMany.status == 2 && tooMany.stderr.contains("3 CPUs") && tooMany.stderr.contains("has 2"), "\(tooMany.stderr)")
        let unloadable = badRun(["--worker", app + "/batch_worker.py:DigitsBatch", "--worker-args", #"{"models_dir": "/nonexistent"}"#])
        #expect(unloadable.status == 1 && unloadable.stderr.contains("/nonexistent"), "\(unloadable.stderr)")
        let noClass = badRun(["--worker", app + "/batch_worker.py:NoSuchClass"])
        #expect(noClass.status == 2 && noClass.stderr.contains("NoSuchClass"), "\(noClass.stderr)")

        // A deadline no setting meets: infeasible, exit 3, with the closest setting (the Ray model fitted in bench/).
        let plan2 = CLI.run(["job", "plan", "--model", root() + "/bench/ray-data/digits-ray-model.yaml", "--items", "20000",
                             "--deadline-s", "1", "--format", "json"])
        #expect(plan2.status == 3)
        let closest = try #require(try json(plan2.stdout)["closest"] as? [String: Any])
        #expect(closest["workers"] as? Int == 2)
    }
}
