import Foundation
import Testing
@testable import TrimtabCLI

@Suite struct PlanExplainCLITests {
    /// `--explain` in the JSON: binding bounds and each moved bound's optimum agree with a
    /// separate `plan --solver exhaustive` at the moved limit; the critical path follows the
    /// example's shape (classify and store are reached in 70 % of runs).
    @Test func explanationInJSONAgreesWithExhaustivePlans() throws {
        let r = CLI.run(["plan", example("video-pipeline.yaml"), "--explain", "--format", "json"])
        #expect(r.status == 0)
        let o = try json(r.stdout)
        let e = try #require(o["explanation"] as? [String: Any])
        #expect(e["objective"] as? String == "accuracy")
        #expect(e["critical_path"] as? [String] == ["preprocess", "detect", "classify", "store"])
        let stages = try #require(e["stages"] as? [[String: Any]])
        let criticality = Dictionary(uniqueKeysWithValues: stages.map { ($0["stage"] as? String ?? "", $0["criticality"] as? Double ?? -1) })
        #expect(abs((criticality["preprocess"] ?? 0) - 1) < 1e-6)
        #expect(abs((criticality["classify"] ?? 0) - 0.7) < 1e-6)
        #expect(abs((criticality["store"] ?? 0) - 0.7) < 1e-6)
        #expect(abs(stages.compactMap { $0["latency_share"] as? Double }.reduce(0, +) - 1) < 1e-6)
        let bounds = try #require(e["bounds"] as? [[String: Any]])
        #expect(bounds.map { $0["bound"] as? String } == ["latency_ms", "cost_per_million_usd"])
        let flags = ["latency_ms": "--max-latency-ms", "cost_per_million_usd": "--max-cost-per-million"]
        let sensitivity = try #require(e["sensitivity"] as? [[String: Any]])
        #expect(!sensitivity.isEmpty)
        for b in bounds {
            let name = try #require(b["bound"] as? String)
            // Binding: the exhaustive optimum without this bound is strictly more accurate.
            let other = name == "latency_ms" ? ["--max-cost-per-million", "20"] : ["--max-latency-ms", "600"]
            let free = CLI.run(["plan", example("video-pipeline.yaml"), "--solver", "exhaustive", "--format", "json",
                                "--maximize", "accuracy"] + other + [flags[name] ?? "", "1e9"])
            let freeAccuracy = try #require(try json(free.stdout)["predicted"] as? [String: Any])["accuracy"] as? Double ?? 0
            let planAccuracy = try #require(o["predicted"] as? [String: Any])["accuracy"] as? Double ?? 0
            #expect((b["binding"] as? Bool) == (freeAccuracy > planAccuracy + 1e-12), "\(name)")
        }
        for s in sensitivity {
            let name = try #require(s["bound"] as? String)
            let variations = try #require(s["variations"] as? [[String: Any]])
            #expect(variations.compactMap { $0["relax_percent"] as? Double } == [-10, -5, 5, 10])
            for v in variations {
                let limit = try #require(v["limit"] as? Double)
                let outcome = try #require(v["outcome"] as? [String: Any])
                let other = name == "latency_ms" ? ["--max-cost-per-million", "20"] : ["--max-latency-ms", "600"]
                let brute = CLI.run(["plan", example("video-pipeline.yaml"), "--solver", "exhaustive", "--format", "json",
                                     flags[name] ?? "", String(limit)] + other)
                let want = try json(brute.stdout)
                #expect(outcome["status"] as? String == want["status"] as? String, "\(name) \(limit)")
                if let p = want["predicted"] as? [String: Any] {
                    let got = try #require(outcome["predicted"] as? [String: Any])
                    #expect(abs((got["accuracy"] as? Double ?? 0) - (p["accuracy"] as? Double ?? 1)) < 1e-12, "\(name) \(limit)")
                }
            }
        }
        let changes = try #require(e["changes"] as? [[String: Any]])
        #expect(changes.count == 4)
    }

    /// Without `--explain` the JSON holds what it held before the flag existed, byte for byte in
    /// its leading part, followed only by the documented extensions (workflow, goal, stages).
    @Test func jsonWithoutExplainIsUnchanged() throws {
        let r = CLI.run(["plan", example("video-pipeline.yaml"), "--format", "json"])
        let old = Self.videoPlanJSON.dropLast(3)  // without the old closing "\n}\n"
        #expect(r.stdout.hasPrefix(old + ",\n  \"workflow\": "), "\(r.stdout)")
        #expect(!r.stdout.contains("explanation"))
        let object = try json(r.stdout)
        #expect(Set(object.keys) == ["status", "configuration", "predicted", "solver", "workflow", "goal", "stages"])
    }

    /// The output of the commit before `--explain` (the README's example, indented).
    static let videoPlanJSON = """
    {
      "status": "optimal",
      "configuration": {
        "preprocess": {
          "memory_mb": 1769
        },
        "detect": {
          "variant": "yolov5s",
          "memory_mb": 2048
        },
        "classify": {
          "variant": "resnet101",
          "memory_mb": 2048
        },
        "store": {
          "memory_mb": 1024
        }
      },
      "predicted": {
        "latency_ms": 591.67,
        "cost_per_million_usd": 19.6987359540625,
        "accuracy": 0.4394616
      },
      "solver": "exact"
    }

    """

    @Test func tableHasTheExplanationSection() {
        let r = CLI.run(["plan", example("video-pipeline.yaml"), "--explain"])
        #expect(r.status == 0)
        for part in ["explanation (", "latency_ms ≤ 600:", "binds", "critical path: preprocess → detect → classify → store",
                     "latency share", "binding bounds moved (re-solved exactly):", "tightened 10% to", "relaxed 5% to",
                     "best single change per stage", "classify: "] {
            #expect(r.stdout.contains(part), "missing \(part)")
        }
        let plain = CLI.run(["plan", example("video-pipeline.yaml")])
        #expect(r.stdout.hasPrefix(plain.stdout))
    }

    /// Infeasible goals keep their closest-bound report (and exit 3); tail bounds refuse the flag.
    @Test func infeasibleKeepsTheClosestReport() throws {
        let r = CLI.run(["plan", example("image-tagging.yaml"), "--explain", "--format", "json"])
        #expect(r.status == 3)
        let o = try json(r.stdout)
        #expect(o["closest_bound"] as? String == "accuracy")
        #expect(o["explanation"] == nil)
        let plain = CLI.run(["plan", example("image-tagging.yaml"), "--format", "json"])
        #expect(plain.stdout == r.stdout)
        let tails = CLI.run(["plan", example("video-pipeline.yaml"), "--explain", "--max-latency-p95-ms", "900"])
        #expect(tails.status == 2)
        #expect(tails.stderr.hasPrefix("trimtab: --explain: "))
        #expect(tails.stderr.split(separator: "\n").count == 1)
    }
}
