import Foundation
import Testing
@testable import TrimtabCLI

func reference(_ name: String) -> String { root() + "/../shared/reference/" + name }

@Suite struct BatchCLITests {
    static let coarse = ["--timeouts-ms", "50,200,800,2000"]

    @Test func mbsTableJSONHasTheIssueShape() throws {
        let r = CLI.run(["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--size-class", "0",
                         "--arrivals", "map:\(reference("batch/hourly_maps.json")):twitter:3",
                         "--max-latency-p95-ms", "3000", "--format", "json"] + Self.coarse)
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r.stdout)
        #expect(o["status"] as? String == "optimal")
        #expect(o["memory_mb"] is Int)
        let b = try #require(o["batch_size"] as? Int)
        #expect(b > 1)
        #expect(o["batch_timeout_ms"] is NSNumber)
        let predicted = try #require(o["predicted"] as? [String: Any])
        let p95 = try #require(predicted["latency_p95_ms"] as? Double)
        #expect(p95 <= 3000)
        #expect(predicted["cost_per_million_usd"] is Double)
        #expect(predicted["mean_batch_size"] is Double)
        let unbatched = try #require(o["unbatched"] as? [String: Any])
        let u = try #require((unbatched["predicted"] as? [String: Any])?["cost_per_million_usd"] as? Double)
        #expect(u > (predicted["cost_per_million_usd"] as? Double ?? .infinity))
        let grid = try #require(o["grid"] as? [String: Any])
        #expect(grid["configurations"] as? Int == 24 * (1 + 24 * 4))
    }

    @Test func workflowStageWithPoissonArrivals() throws {
        let r = CLI.run(["batch", example("speech-batching.yaml"), "--stage", "transcribe", "--arrivals", "poisson:40",
                         "--minimize", "latency-p95", "--max-cost-per-million", "12"] + Self.coarse)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("status: optimal (exact over the grid)"))
        #expect(r.stdout.contains("batched"))
    }

    @Test func infeasibleBoundExitsThree() throws {
        let r = CLI.run(["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--size-class", "5",
                         "--arrivals", "poisson:10", "--max-latency-p95-ms", "100", "--format", "json"] + Self.coarse)
        #expect(r.status == 3)
        let o = try json(r.stdout)
        #expect(o["status"] as? String == "infeasible")
        #expect(o["closest"] is [String: Any])
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let cases: [([String], String)] = [
            (["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--size-class", "0", "--arrivals", "poisson:-1", "--max-latency-p95-ms", "3000"], "--arrivals"),
            (["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--size-class", "40", "--arrivals", "poisson:5", "--max-latency-p95-ms", "3000"], "--size-class"),
            (["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--arrivals", "poisson:5", "--max-latency-p95-ms", "3000"], "--size-class"),
            (["batch", example("speech-batching.yaml"), "--stage", "nope", "--arrivals", "poisson:5", "--max-latency-p95-ms", "3000"], "--stage"),
            (["batch", example("speech-batching.yaml"), "--stage", "fetch", "--arrivals", "poisson:5", "--max-latency-p95-ms", "3000"], "latency_ms_by_batch"),
            (["batch", example("speech-batching.yaml"), "--stage", "transcribe", "--arrivals", "poisson:5"], "--max-latency-p95-ms"),
            (["batch", example("speech-batching.yaml"), "--stage", "transcribe", "--arrivals", "poisson:5", "--max-latency-p95-ms", "900", "--timeouts-ms", "5:1:1"], "--timeouts-ms"),
            (["batch", example("speech-batching.yaml"), "--stage", "transcribe", "--arrivals", "poisson:100000", "--max-latency-p95-ms", "900"], "--timeouts-ms"),
        ]
        let table = ["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--size-class", "0", "--arrivals", "poisson:5",
                     "--max-latency-p95-ms", "3000"]
        let workflow = ["batch", example("speech-batching.yaml"), "--stage", "transcribe", "--arrivals", "poisson:5", "--max-latency-p95-ms", "3000"]
        // Extreme values: one line naming the flag, never a crash or 300-digit costs.
        let extreme: [([String], [String])] = [
            (["batch", example("speech-batching.yaml"), "--stage", "transcribe", "--max-latency-p95-ms", "3000", "--arrivals", "poisson:1e308"],
             ["--timeouts-ms: the longest timeout spans inf expected arrival events (limit 20000)"]),
            (table + ["--billing-granularity-ms", "nan"], ["--billing-granularity-ms: nan is not a number of ms in [0, 3600000]"]),
            (table + ["--billing-granularity-ms", "-1"], ["--billing-granularity-ms: -1 is not a number of ms in [0, 3600000]"]),
            (table + ["--billing-granularity-ms", "1e308"], ["--billing-granularity-ms: 1e+308 is not a number of ms in [0, 3600000]"]),
            (workflow + ["--billing-granularity-ms", "1e308"], ["--billing-granularity-ms: 1e+308 is not a number of ms"]),
            (workflow + ["--billing-granularity-ms", "100"], ["--billing-granularity-ms: applies to --mbs-table only"]),
        ]
        for (args, words) in extreme { expectBadInputLine(CLI.run(args), naming: words) }
        for (args, field) in cases {
            let r = CLI.run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.hasPrefix("trimtab: ") && r.stderr.filter { $0 == "\n" }.count == 1, "\(r.stderr)")
            #expect(r.stderr.contains(field), "\(r.stderr)")
        }
    }

    @Test func severalBuffersReportTheBestCount() throws {
        let r = CLI.run(["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--loads", reference("mbs/requests_and_loads_original.json"),
                         "--max-buffers", "3", "--max-batch-size", "8", "--arrivals", "map:\(reference("batch/hourly_maps.json")):twitter:10",
                         "--max-latency-p95-ms", "20000", "--format", "json", "--timeouts-ms", "100,400"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r.stdout)
        let byCount = try #require(o["by_count"] as? [[String: Any]])
        #expect(byCount.count == 3)
        let best = try #require(o["cost_per_million_usd"] as? Double)
        #expect(byCount.allSatisfy { ($0["cost_per_million_usd"] as? Double ?? .infinity) >= best - 1e-12 })
        let configuration = try #require(o["configuration"] as? [[String: Any]])
        #expect(configuration.count == o["buffers"] as? Int)
    }

    @Test func planChoosesBatchingAndEvaluateReadsItBack() throws {
        let r = CLI.run(["plan", example("speech-batching.yaml"), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r.stdout)
        let config = try #require(o["configuration"] as? [String: Any])
        let transcribe = try #require(config["transcribe"] as? [String: Any])
        #expect((transcribe["batch_size"] as? Int ?? 1) > 1)
        #expect(transcribe["batch_timeout_ms"] is NSNumber)
        #expect((config["fetch"] as? [String: Any])?["batch_size"] == nil)
        let predicted = try #require(o["predicted"] as? [String: Any])
        #expect((predicted["latency_ms"] as? Double ?? 1e9) <= 1500)
        // The exact answer is the exhaustive one.
        let exhaustive = try json(CLI.run(["plan", example("speech-batching.yaml"), "--format", "json", "--solver", "exhaustive"]).stdout)
        let a = predicted["cost_per_million_usd"] as? Double ?? 0
        let b = (exhaustive["predicted"] as? [String: Any])?["cost_per_million_usd"] as? Double ?? -1
        #expect(abs(a - b) < 1e-9 * a)
        // evaluate reads the plan back and predicts the same.
        let path = try temporaryFile("plan.json", r.stdout)
        let e = CLI.run(["evaluate", example("speech-batching.yaml"), "--config", path, "--format", "json"])
        #expect(e.status == 0, "\(e.stderr)")
        let ep = try #require(try json(e.stdout)["predicted"] as? [String: Any])
        #expect(abs((ep["cost_per_million_usd"] as? Double ?? 0) - a) < 1e-9 * a)
    }

    @Test func aTimeoutOffTheGridIsNamed() throws {
        let config = try temporaryFile("c.json", """
        {"configuration": {"fetch": {"memory_mb": 512}, "transcribe": {"memory_mb": 2048, "batch_size": 4, "batch_timeout_ms": 75},
         "store": {"memory_mb": 512}}}
        """)
        let r = CLI.run(["evaluate", example("speech-batching.yaml"), "--config", config])
        #expect(r.status == 2)
        #expect(r.stderr.contains("configuration.transcribe.batch_timeout_ms"), "\(r.stderr)")
    }
}

/// Workflow-level batching against the simulator: the planned configuration of
/// `examples/speech-batching.yaml` (goal with `load_rps` 40), simulated under Poisson arrivals at
/// the goal's load (deterministic service, cold starts off). The chain's transcribe stage sees
/// Poisson arrivals (fetch delays every request by the same time), so the plan's mean latency
/// (mean batching wait + request-weighted batch service) should match up to sampling error.
@Suite struct BatchedPlanVersusSimulatorTests {
    @Test func plannedMeanLatencyMatchesTheSimulator() throws {
        let plan = CLI.run(["plan", example("speech-batching.yaml"), "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let p = try json(plan.stdout)
        let predicted = try #require((p["predicted"] as? [String: Any])?["latency_ms"] as? Double)
        let stages = try #require((p["configuration"] as? [String: Any]))
        let transcribe = try #require(stages["transcribe"] as? [String: Any])
        #expect((transcribe["batch_size"] as? Int ?? 1) > 1)
        let sim = CLI.run(["simulate", example("speech-batching.yaml"), "--plan", "--duration", "1800", "--cold-start-ms", "0",
                           "--service-time", "deterministic", "--format", "json"])
        #expect(sim.status == 0, "\(sim.stderr)")
        let s = try json(sim.stdout)
        let latency = try #require(s["latency_ms"] as? [String: Any])
        let mean = try #require(latency["mean"] as? Double)
        #expect((s["requests"] as? Int ?? 0) > 70_000)
        print(String(format: "speech-batching: plan mean %.2f ms, simulated mean %.2f ms (%+.2f%%)", predicted, mean, (mean / predicted - 1) * 100))
        #expect(abs(mean / predicted - 1) < 0.02, "plan \(predicted) ms, simulated \(mean) ms")
    }
}
