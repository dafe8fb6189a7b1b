import Foundation
import Testing
import TrimtabModel
@testable import TrimtabCLI

/// `calibrate step-functions` → `import --platform` → `plan` with tail bounds, and bad input.
@Suite struct CalibrateCLITests {
    static func app(_ n: Int) -> [String] {
        let dir = referenceFile("slapp-aws/App\(n)/")
        return ["--definition", dir + "App\(n).json", "--logs", dir + "App\(n)_Lambda_Logs.csv", "--runs", dir + "App\(n)_SFN_Logs.csv"]
    }

    @Test func calibrateImportAndPlanAHeldOutApp() throws {
        let profile = try temporaryFile("platform.json", "")
        let r = CLI.run(["calibrate", "step-functions"] + Self.app(8) + Self.app(10) + ["-o", profile])
        #expect(r.status == 0)
        #expect(r.stderr.contains("per Task invocation on the critical path"))
        // The extension names the syntax: JSON, which the reader takes back.
        let written = try String(contentsOfFile: profile, encoding: .utf8)
        #expect(written.hasPrefix("{"))
        let parsed = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any]
        #expect(parsed?["kind"] as? String == "trimtab-platform-profile")

        let dir = referenceFile("slapp-aws/App12/")
        let workflow = try temporaryFile("app12.yaml", "")
        let imported = CLI.run(["import", "step-functions", dir + "App12.json", "--logs", dir + "App12_Lambda_Logs.csv",
                                "--platform", profile, "-o", workflow])
        #expect(imported.status == 0)
        #expect(imported.stderr.contains("overhead from the platform profile"))
        let w = try WorkflowParser.load(path: workflow)
        #expect(w.platform.overheadSpreadMs != nil)
        #expect(w.stages.allSatisfy { $0.variants[0].tails.spread != nil && $0.overheadMs > 10 })

        // App12's measured p99 is 5053 ms: a 5200 ms bound is met, 4000 ms is not (exit 3).
        let plan = CLI.run(["plan", workflow, "--minimize", "cost", "--max-latency-p99-ms", "5200", "--format", "json"])
        #expect(plan.status == 0)
        let o = try json(plan.stdout)
        #expect((o["solver"] as? String ?? "").contains("composed tails"))
        let p99 = try #require((o["predicted"] as? [String: Any])?["latency_p99_ms"] as? Double)
        #expect(p99 > 4900 && p99 <= 5200)
        let tight = CLI.run(["plan", workflow, "--minimize", "cost", "--max-latency-p99-ms", "4000"])
        #expect(tight.status == 3)
        #expect(tight.stdout.contains("latency_p99_ms: limit 4000, best reachable"))
        // evaluate --tails: App12's measured p95 is 4139 ms (its run log was never read).
        let config = try temporaryFile("app12-plan.json", plan.stdout)
        let evaluated = CLI.run(["evaluate", workflow, "--config", config, "--tails", "--tail-runs", "20000", "--format", "json"])
        #expect(evaluated.status == 0)
        let composed = try #require(try json(evaluated.stdout)["composed"] as? [String: Any])
        let p95 = try #require(composed["latency_p95_ms"] as? Double)
        #expect(abs(p95 - 4139) / 4139 < 0.05)
        let interval = try #require(composed["latency_p95_interval_ms"] as? [Double])
        #expect(interval[0] <= p95 && p95 <= interval[1])
        let app3 = root() + "/examples/slapp-app3.yaml"
        let app3Config = try temporaryFile("app3-plan.json", CLI.run(["plan", app3, "--format", "json"]).stdout)
        let noSpread = CLI.run(["evaluate", app3, "--config", app3Config, "--tails"])
        #expect(noSpread.status == 2)
        #expect(noSpread.stderr.hasPrefix("trimtab: \(app3): stages.f1.latency_spread: is needed by --tails"))
        // evaluate has no --tail-rule: the message does not suggest one.
        #expect(!noSpread.stderr.contains("--tail-rule"), "\(noSpread.stderr)")
        #expect(noSpread.stderr.split(separator: "\n").count == 1)
        let conservative = CLI.run(["plan", workflow, "--minimize", "cost", "--max-latency-p99-ms", "5200", "--tail-rule", "conservative"])
        #expect(conservative.status == 3)
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let dir = referenceFile("slapp-aws/App8/")
        let mismatched = CLI.run(["calibrate", "step-functions"] + Self.app(8) + ["--definition", dir + "App8.json"])
        #expect(mismatched.status == 2)
        #expect(mismatched.stderr == "trimtab: --logs: 1 given for 2 --definition (give one per workflow, in the same order)\n")

        let otherPlatform = try temporaryFile("azure.yaml", """
        kind: trimtab-platform-profile
        version: 1
        platform: azure-durable-functions
        overhead: {per_run_ms: 1, per_task_ms: 2}
        """)
        let r = CLI.run(["import", "step-functions", dir + "App8.json", "--logs", dir + "App8_Lambda_Logs.csv", "--platform", otherPlatform])
        #expect(r.status == 2)
        #expect(r.stderr == "trimtab: \(otherPlatform): platform: 'azure-durable-functions' is not a platform trimtab can calibrate (expected aws-step-functions)\n")

        let workflowAsProfile = CLI.run(["import", "step-functions", dir + "App8.json", "--logs", dir + "App8_Lambda_Logs.csv",
                                         "--platform", root() + "/examples/slapp-app3.yaml"])
        #expect(workflowAsProfile.status == 2)
        #expect(workflowAsProfile.stderr.contains("kind: is required"))

        let rule = CLI.run(["plan", root() + "/examples/slapp-app3.yaml", "--max-latency-p95-ms", "5000", "--tail-rule", "exact"])
        #expect(rule.status == 2)
        #expect(rule.stderr == "trimtab: --tail-rule: 'exact' is not a tail rule (expected composed or conservative)\n")
    }
}
