import Foundation
import Testing
@testable import TrimtabCLI

@Suite struct SimulateCLITests {
    let workflowFile = example("sim-three-stage.yaml")
    let configFile = example("sim-three-stage-config.json")

    @Test func jsonHasTheIssuesFields() throws {
        let r = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "poisson:10", "--duration", "60",
                         "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r.stdout)
        let latency = try #require(o["latency_ms"] as? [String: Any])
        #expect(Set(latency.keys) == ["mean", "p50", "p95", "p99", "max"])
        let p50 = try #require(latency["p50"] as? Double), p99 = try #require(latency["p99"] as? Double)
        #expect(p50 <= p99)
        #expect((o["requests"] as? Int ?? 0) > 400)
        #expect(o["cost_per_million_usd"] is Double)
        #expect((o["cold_starts"] as? Int ?? 0) > 0)
        let stages = try #require(o["stages"] as? [[String: Any]])
        #expect(stages.map { $0["name"] as? String } == ["resize", "classify", "review"])
    }

    @Test func sameSeedSameOutput() {
        let args = ["simulate", workflowFile, "--config", configFile, "--arrivals", "poisson:10", "--duration", "30", "--seed", "5"]
        #expect(CLI.run(args).stdout == CLI.run(args).stdout)
        #expect(CLI.run(args).stdout != CLI.run(args.dropLast() + ["6"]).stdout)
    }

    @Test func coldStartsCanBeTurnedOff() throws {
        let r = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "poisson:10", "--duration", "30",
                         "--cold-start-ms", "0", "--service-time", "deterministic", "--format", "json"])
        let o = try json(r.stdout)
        #expect(o["cold_starts"] as? Int == 0)
        // Deterministic: 32 + 95 always, plus 650 for the 20% that are reviewed.
        let latency = try #require(o["latency_ms"] as? [String: Any])
        #expect(abs((latency["p50"] as? Double ?? 0) - 127) < 0.2)
        #expect(abs((latency["max"] as? Double ?? 0) - 777) < 1e-6)
    }

    @Test func planFirstThenSimulate() throws {
        let r = CLI.run(["simulate", workflowFile, "--plan", "--arrivals", "poisson:5", "--duration", "20", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try json(r.stdout)["requests"] is Int)
    }

    @Test func timelineCSV() throws {
        let path = try temporaryFile("timeline.csv", "")
        let r = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "poisson:10", "--duration", "10",
                         "--timeline", path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "second,arrivals,completions,latency_p95_ms,instances")
        #expect(lines.count >= 11)
        let arrivals = lines.dropFirst().compactMap { Int($0.split(separator: ",", omittingEmptySubsequences: false)[1]) }
        #expect(arrivals.reduce(0, +) == (try json(CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "poisson:10",
                                                             "--duration", "10", "--format", "json"]).stdout)["arrived"] as? Int))
    }

    @Test(arguments: [
        (["--arrivals", "weibull:3"], "--arrivals: unknown arrival kind 'weibull'"),
        (["--arrivals", "trace:/nonexistent/trace.txt"], "/nonexistent/trace.txt: cannot read the trace file"),
        (["--arrivals", "poisson:10", "--service-time", "lognormal:-1"], "--service-time: 'lognormal:-1' is not"),
        (["--arrivals", "poisson:-3"], "--arrivals: poisson rate '-3'"),
        (["--arrivals", "poisson:1", "--duration", "0"], "--duration: 0.0 must be"),
        (["--arrivals", "map:/nonexistent.json:twitter:1"], "cannot read the file"),
        // Extreme values: a bound each, never a crash, a hang or NaN with exit 0.
        (["--arrivals", "poisson:20", "--duration", "10", "--cold-start-ms", "1e308"], "--cold-start-ms: 1e+308 ms is more than 1000000000 ms"),
        (["--arrivals", "poisson:20", "--duration", "10", "--service-time", "lognormal:1e308"], "--service-time: lognormal CV 1e+308 is more than 100"),
        (["--arrivals", "poisson:1e9", "--duration", "60"], "--arrivals: rate × duration must be at most 100000000 requests"),
        (["--arrivals", "poisson:1e308"], "--arrivals: rate × duration must be at most 100000000 requests"),
        (["--arrivals", "poisson:20", "--duration", "1e12"], "--arrivals: rate × duration must be at most 100000000 requests"),
        (["--arrivals", "poisson:20", "--duration", "1e308"], "--arrivals: rate × duration must be at most 100000000 requests"),
        (["--arrivals", "poisson:20", "--slo-ms", "1e308"], "--slo-ms: 1e+308 ms is more than 1000000000 ms"),
    ])
    func badInputExitsTwoWithOneLine(extra: [String], message: String) {
        let r = CLI.run(["simulate", workflowFile, "--config", configFile] + extra)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("trimtab: "))
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty)
    }

    /// The same bound from the file's `simulation:` block names the file and the field.
    @Test func extremeSimulationFieldIsNamed() throws {
        let full = try String(contentsOfFile: workflowFile, encoding: .utf8)
        let text = String(full[..<(full.range(of: "\nsimulation:")?.lowerBound ?? full.endIndex)])
        for (field, message) in [("cold_start_ms: 1e308", "simulation.cold_start_ms: 1e+308 ms is more than 1000000000 ms"),
                                 ("service_time: lognormal:1e308", "simulation.service_time: lognormal CV 1e+308 is more than 100")] {
            let file = try temporaryFile("sim.yaml", text + "\nsimulation:\n  \(field)\n")
            expectBadInputLine(CLI.run(["simulate", file, "--config", configFile, "--arrivals", "poisson:20", "--duration", "10"]),
                               naming: ["sim.yaml: " + message])
        }
        // Just inside the bounds, the simulation runs.
        let r = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "poisson:20", "--duration", "10",
                         "--cold-start-ms", "1e9", "--service-time", "lognormal:100", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("nan"))
    }

    @Test func arrivalsAreRequiredWithoutLoadRps() {
        let r = CLI.run(["simulate", workflowFile, "--config", configFile])
        #expect(r.status == 2)
        #expect(r.stderr == "trimtab: --arrivals: is required (or load_rps in the file's goal)\n")
    }

    @Test func traceOfCountsPerSecond() throws {
        let trace = try temporaryFile("trace.txt", "5 0 7\n3 2\n")
        let r = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "trace:\(trace)", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try json(r.stdout)["requests"] as? Int == 17)
        let doubled = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "trace:\(trace):2", "--format", "json"])
        #expect(try json(doubled.stdout)["requests"] as? Int == 34)
        let firstTwoSeconds = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals", "trace:\(trace)",
                                       "--duration", "2", "--format", "json"])
        #expect(try json(firstTwoSeconds.stdout)["requests"] as? Int == 5)
    }

    @Test func mapHourMustExist() {
        let r = CLI.run(["simulate", workflowFile, "--config", configFile, "--arrivals",
                         "map:" + root() + "/../shared/reference/batch/hourly_maps.json:twitter:25"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("twitter.25: no such hour"), "\(r.stderr)")
    }
}
