import Foundation
import Testing
import TrimtabModel
@testable import TrimtabCLI

/// The `job run` test worker: items one per line then an empty line in; one line per item out
/// (the item and its SHA-256 iterated ROUNDS times). FAIL-ALWAYS exits 3 unless $ALLOW exists.
private let worker = #"""
import hashlib, os, sys
ROUNDS = int(os.environ.get("ROUNDS", "1000"))
split = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if line:
        split.append(line)
        continue
    out = []
    for item in split:
        if item == "FAIL-ALWAYS" and not os.path.exists(os.environ["ALLOW"]):
            sys.exit(3)
        h = item.encode()
        for _ in range(ROUNDS):
            h = hashlib.sha256(h).digest()
        out.append(item + " " + h.hex())
    sys.stdout.write("".join(o + "\n" for o in out))
    sys.stdout.flush()
    split = []
"""#

private func kubernetesValidate() -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let path = "\(dir)/kubernetes-validate"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Walks a parsed YAML document by keys and list indices.
private func at(_ value: Value, _ path: [Any]) -> Value? {
    var v = value
    for step in path {
        if let key = step as? String, case .map(let pairs, _) = v, let next = pairs.first(where: { $0.key == key }) {
            v = next.value
        } else if let index = step as? Int, case .list(let items, _) = v, index < items.count {
            v = items[index]
        } else {
            return nil
        }
    }
    return v
}

private func scalar(_ value: Value?) -> String? {
    if case .scalar(let s, _, _)? = value { return s }
    return nil
}

/// The `trimtab` executable built next to the test bundle, if any.
func trimtabExecutable() -> String? {
    let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trimtab").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}

struct JobCLITests {
    @Test func planJSONHasTheIssueShape() throws {
        let r = CLI.run(["job", "plan", "--model", example("image-job.yaml"), "--items", "20000", "--deadline-s", "30", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r.stdout)
        #expect(o["memory_mb"] as? Int == 3008)
        #expect([16, 32, 64].contains(o["split_size"] as? Int ?? 0))
        let workers = try #require(o["workers"] as? Int)
        #expect(workers > 1 && workers <= 1000)
        let p = try #require(o["predicted"] as? [String: Any])
        #expect(Set(p.keys) == ["makespan_s", "cost_usd", "cost_per_million_items"])
        #expect((p["makespan_s"] as? Double ?? 99) <= 30)
        #expect(o["status"] as? String == "optimal")
    }

    @Test func infeasibleTargetExitsThreeWithTheClosestOption() throws {
        let r = CLI.run(["job", "plan", "--model", example("image-job.yaml"), "--items", "20000", "--deadline-s", "5", "--format", "json"])
        #expect(r.status == ExitStatus.infeasible)
        let o = try json(r.stdout)
        #expect(o["status"] as? String == "infeasible")
        let closest = try #require(o["closest"] as? [String: Any])
        #expect(closest["workers"] as? Int ?? 0 > 1)   // not Obi-FaaS's silent single worker
        #expect(o["relative_gap"] as? Double ?? 0 > 0)
        let t = CLI.run(["job", "plan", "--model", example("image-job.yaml"), "--items", "20000", "--deadline-s", "5"])
        #expect(t.status == ExitStatus.infeasible)
        #expect(t.stdout.contains("infeasible"))
    }

    @Test func fitSavesAModelThatPredictAndPlanRead() throws {
        let model = try temporaryFile("model.yaml", "")
        let r = CLI.run(["job", "fit", reference("obifaas/summary.json"), "--baseline", reference("obifaas/cpr_model.json"),
                         "-o", model, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r.stdout)
        #expect(o["jobs"] as? Int == 59)
        let published = try #require(o["obifaas_published_in_sample"] as? [String: Any])
        #expect(abs((published["cost_mape_percent"] as? Double ?? 0) - 13.45) < 0.01)
        #expect(abs((published["cost_max_percent"] as? Double ?? 0) - 37.74) < 0.01)
        let loo = try #require(o["leave_one_out"] as? [String: Any])
        let ours = try #require(loo["mechanistic"] as? [String: Any])
        let theirs = try #require(loo["obifaas_refit"] as? [String: Any])
        #expect((ours["cost_mape_percent"] as? Double ?? 99) < (theirs["cost_mape_percent"] as? Double ?? 0))
        #expect((ours["makespan_mape_percent"] as? Double ?? 99) < (theirs["makespan_mape_percent"] as? Double ?? 0))

        let p = CLI.run(["job", "predict", "--model", model, "--items", "17810", "--workers", "225", "--split-size", "32", "--format", "json"])
        #expect(p.status == 0, "\(p.stderr)")
        let pj = try json(p.stdout)
        // The measured job with 17,810 images on 225 workers cost 0.19145 USD in 22.77 s
        // (the fit's worst leave-one-out cost error is 12.7%; this job is off by 6.7%).
        #expect(abs((pj["cost_usd"] as? Double ?? 0) - 0.19145) / 0.19145 < 0.10)
        #expect(abs((pj["makespan_s"] as? Double ?? 0) - 22.77) / 22.77 < 0.10)

        let plan = CLI.run(["job", "plan", "--model", model, "--items", "5000", "--max-cost-per-million", "10", "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try json(plan.stdout)["split_size"] as? Int == 32)
    }

    @Test func simulateReportsThreePoliciesPerWorkerCount() throws {
        let r = CLI.run(["job", "simulate", "--model", example("image-job.yaml"), "--items", "2000", "--workers", "10,40",
                         "--split-size", "32", "--seeds", "10", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try json(r.stdout)["results"] as? [[String: Any]])
        #expect(rows.count == 6)
        #expect(rows.map { $0["policy"] as? String ?? "" } == ["static", "dynamic", "speculative", "static", "dynamic", "speculative"])
        for row in rows { #expect((row["makespan_p99_s"] as? Double ?? 0) >= (row["makespan_p50_s"] as? Double ?? 1)) }
    }

    /// Extreme flags: one line naming the flag (exit 2), never an overflow trap or a hang.
    @Test func extremeFlagIsNamed() {
        let model = ["--model", example("image-job.yaml")]
        let cases: [([String], String)] = [
            (["job", "plan"] + model + ["--items", "9223372036854775807", "--deadline-s", "30"], "--items: 9223372036854775807 is more than 1000000000000"),
            (["job", "predict"] + model + ["--items", "9223372036854775807", "--split-size", "32", "--workers", "10"], "--items: 9223372036854775807 is more than"),
            (["job", "simulate"] + model + ["--items", "9223372036854775807", "--split-size", "32", "--seeds", "5", "--workers", "50"], "--items: 9223372036854775807 is more than"),
            (["job", "simulate"] + model + ["--split-size", "32", "--workers", "50", "--seeds", "99999999999"], "--seeds: 99999999999 is more than 10000"),
            (["job", "simulate"] + model + ["--split-size", "32", "--workers", "50", "--seeds", "5", "--sigma", "1e308"], "--sigma: 1e+308 is more than 10"),
            (["job", "simulate"] + model + ["--split-size", "1", "--items", "1000000000", "--seeds", "10", "--workers", "50"], "--seeds: 10 seeds × (1000000000 splits + 50 workers) is more than 100000000"),
            (["job", "simulate"] + model + ["--split-size", "32", "--workers", "1,,2", "--seeds", "5"], "--workers: '' is not a positive worker count"),
        ]
        for (args, message) in cases { expectBadInputLine(CLI.run(args), naming: [message]) }
        // The largest item count still plans (the split arithmetic does not overflow).
        let r = CLI.run(["job", "plan"] + model + ["--items", "1000000000000", "--deadline-s", "30", "--format", "json"])
        #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
        #expect(!r.stdout.isEmpty)
    }

    @Test func badModelFileIsOneLineExitTwo() throws {
        let bad = try temporaryFile("bad.yaml", "workers:\n  - memory_mb: 1024\n    init_s: 2\n    split_s: {per_item: 0.1}\n    colour: red\nsplit_sizes: [8]\n")
        let r = CLI.run(["job", "plan", "--model", bad, "--items", "100", "--deadline-s", "10"])
        #expect(r.status == ExitStatus.badInput)
        #expect(r.stderr.hasPrefix("trimtab: \(bad): workers[0].colour: unknown field"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        let none = CLI.run(["job", "plan", "--model", example("image-job.yaml"), "--items", "100"])
        #expect(none.status == ExitStatus.badInput)
        #expect(none.stderr.contains("--deadline-s"))
    }

    @Test func runProcessesItemsThenResumesAfterAFailingSplit() throws {
        let dir = (try temporaryFile("w.py", worker) as NSString).deletingLastPathComponent
        let script = dir + "/w.py"
        let allow = dir + "/allow"
        var items = (0..<50).map { "photo-\($0).jpg" }
        items[44] = "FAIL-ALWAYS"
        try (items.joined(separator: "\n") + "\n").write(toFile: dir + "/items.txt", atomically: true, encoding: .utf8)
        // A plan as `job plan -o` writes it, with a small split size so that the job has 10 splits.
        let plan = dir + "/plan.json"
        try #"{"memory_mb": 3008, "split_size": 5, "workers": 4, "items": 50, "status": "optimal", "predicted": {"makespan_s": 12.5, "cost_usd": 0.0012}}"#
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let args = ["job", "run", "--plan", plan, "--items-file", dir + "/items.txt", "--command", "ALLOW=\(allow) python3 \(script)",
                    "--max-local-workers", "2", "--max-retries", "1", "-o", dir + "/out.txt", "--format", "json"]
        let first = CLI.run(args)
        #expect(first.status == 1)
        #expect(first.stderr.hasPrefix("trimtab: "))
        #expect(first.stderr.contains("--resume"))
        #expect(FileManager.default.fileExists(atPath: dir + "/out.txt.progress"))

        #expect(FileManager.default.createFile(atPath: allow, contents: nil))
        let second = CLI.run(args + ["--resume"])
        #expect(second.status == 0, "\(second.stderr)")
        let o = try json(second.stdout)
        #expect(o["splits_resumed"] as? Int ?? 0 >= 1)
        let measured = try #require(o["measured"] as? [String: Any])
        #expect(measured["makespan_s"] as? Double ?? 0 > 0)
        let out = try String(contentsOfFile: dir + "/out.txt", encoding: .utf8).split(separator: "\n")
        #expect(out.count == 50)
        #expect(out.enumerated().allSatisfy { $0.element.hasPrefix(items[$0.offset] + " ") })
    }

    @Test func resumeAfterTheRunIsKilled() throws {
        let executable = try #require(trimtabExecutable(), "the trimtab executable is not built next to the tests; run swift build first")
        let dir = (try temporaryFile("w.py", worker) as NSString).deletingLastPathComponent
        let items = (0..<40).map { "frame-\($0)" }
        try (items.joined(separator: "\n") + "\n").write(toFile: dir + "/items.txt", atomically: true, encoding: .utf8)
        let plan = dir + "/plan.json"
        try #"{"memory_mb": 1024, "split_size": 2, "workers": 1}"#.write(toFile: plan, atomically: true, encoding: .utf8)
        let args = ["job", "run", "--plan", plan, "--items-file", dir + "/items.txt", "--command", "ROUNDS=20000 python3 \(dir)/w.py",
                    "-o", dir + "/out.txt", "--format", "json"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill the run (SIGKILL: no chance to clean up) once a few splits are recorded.
        let progress = dir + "/out.txt.progress"
        let deadline = Date().addingTimeInterval(60)
        func recorded() -> Int {
            ((try? String(contentsOfFile: progress, encoding: .utf8)) ?? "").split(separator: "\n").count - 1
        }
        while recorded() < 3 && Date() < deadline && process.isRunning { usleep(20_000) }
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = recorded()
        #expect(before >= 3 && before < 20)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.txt"))

        let r = CLI.run(args + ["--resume"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try json(r.stdout)["splits_resumed"] as? Int == before)
        let out = try String(contentsOfFile: dir + "/out.txt", encoding: .utf8).split(separator: "\n")
        #expect(out.count == 40)
        #expect(out.enumerated().allSatisfy { $0.element.hasPrefix(items[$0.offset] + " ") })
    }

    @Test func manifestIsAnIndexedBatchV1Job() throws {
        let plan = try temporaryFile("plan.json", """
            {"memory_mb": 3008, "split_size": 32, "workers": 125, "items": 20000, "status": "optimal",
             "predicted": {"makespan_s": 29.1, "cost_usd": 0.165}}
            """)
        let r = CLI.run(["job", "manifest", "--plan", plan, "--image", "registry.example/resnet:1", "--command", "python3 /app/w.py",
                         "--volume-claim", "images"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try Value.parseYAML(r.stdout)
        #expect(scalar(at(doc, ["apiVersion"])) == "batch/v1")
        #expect(scalar(at(doc, ["kind"])) == "Job")
        #expect(scalar(at(doc, ["spec", "completionMode"])) == "Indexed")
        #expect(scalar(at(doc, ["spec", "completions"])) == "625")
        #expect(scalar(at(doc, ["spec", "parallelism"])) == "125")
        #expect(scalar(at(doc, ["spec", "template", "spec", "restartPolicy"])) == "Never")
        let container: [Any] = ["spec", "template", "spec", "containers", 0]
        #expect(scalar(at(doc, container + ["resources", "limits", "memory"])) == "3008Mi")
        #expect(scalar(at(doc, container + ["env", 0, "name"])) == "TRIMTAB_SPLIT_SIZE")
        #expect(scalar(at(doc, container + ["env", 0, "value"])) == "32")
        #expect(scalar(at(doc, container + ["command", 2]))?.contains("JOB_COMPLETION_INDEX") == true)
    }

    @Test func manifestPassesKubernetesSchemaValidation() throws {
        let validator = try #require(kubernetesValidate(), "kubernetes-validate is not installed (scripts/test.sh installs it: pip install kubernetes-validate)")
        let plan = try temporaryFile("plan.json", #"{"memory_mb": 2048, "split_size": 16, "workers": 40, "items": 1000}"#)
        let dir = (plan as NSString).deletingLastPathComponent
        let r = CLI.run(["job", "manifest", "--plan", plan, "--image", "example/worker:2", "--command", "./worker", "-o", dir + "/job.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        func validate(_ path: String) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: validator)
            p.arguments = ["--strict", "--quiet", path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try validate(dir + "/job.yaml") == 0)
        // The validator is real: a broken manifest fails it.
        let broken = try String(contentsOfFile: dir + "/job.yaml", encoding: .utf8).replacingOccurrences(of: "completions: 63", with: "completions: many")
        try broken.write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        #expect(try validate(dir + "/broken.yaml") != 0)
    }

    @Test func minimizeMakespanUnderADeadlineIsTheFastestPlan() throws {
        let cheap = try json(CLI.run(["job", "plan", "--model", example("image-job.yaml"), "--items", "20000", "--deadline-s", "60",
                                      "--format", "json"]).stdout)
        let fast = try json(CLI.run(["job", "plan", "--model", example("image-job.yaml"), "--items", "20000", "--deadline-s", "60",
                                     "--minimize", "makespan", "--format", "json"]).stdout)
        let pc = try #require(cheap["predicted"] as? [String: Any])
        let pf = try #require(fast["predicted"] as? [String: Any])
        #expect((pf["makespan_s"] as? Double ?? 1e9) < (pc["makespan_s"] as? Double ?? 0))
        #expect((pf["cost_usd"] as? Double ?? 0) > (pc["cost_usd"] as? Double ?? 1e9))
        #expect(fast["minimize"] as? String == "makespan")
    }

    @Test func anEmptyItemLineIsRejectedWithItsLine() throws {
        let items = try temporaryFile("items.txt", "a\nb\n\nc\n")
        let plan = try temporaryFile("plan.json", #"{"memory_mb": 1024, "split_size": 2, "workers": 1}"#)
        let r = CLI.run(["job", "run", "--plan", plan, "--items-file", items, "--command", "cat"])
        #expect(r.status == ExitStatus.badInput)
        #expect(r.stderr == "trimtab: \(items): line 3: an item must not be empty (an empty line ends a split in the worker protocol)\n")
    }

    @Test func anInfeasiblePlanIsNotRun() throws {
        let plan = try temporaryFile("plan.json", #"{"status": "infeasible", "closest": {"memory_mb": 1024, "split_size": 2, "workers": 1}}"#)
        let r = CLI.run(["job", "run", "--plan", plan, "--items-file", plan, "--command", "cat"])
        #expect(r.status == ExitStatus.badInput)
        #expect(r.stderr.contains("status: the plan is infeasible"))
    }

    @Test func jobAloneShowsItsSubcommands() {
        let r = CLI.run(["job"])
        #expect(r.status == 0)
        for name in ["plan", "fit", "predict", "simulate", "run", "manifest"] { #expect(r.stdout.contains(name)) }
    }
}
