import Foundation
import Testing
@testable import TrimtabCLI
import TrimtabModel

@Suite struct AdaptCLITests {
    /// 3000 s: steady 40–46/s, a burst to 160/s from 2000 s, then back (÷ 8 with --scale 0.125).
    static let counts = (0..<3000).map { i in i >= 2000 && i < 2300 ? 160 : 40 + (i % 7) }

    func trace() throws -> String {
        try temporaryFile("trace.txt", Self.counts.map(String.init).joined(separator: " "))
    }

    /// Requests in trace seconds [a, b) at 1/8 with the fractions carried (docs/arrivals.md), in
    /// integer arithmetic: ⌊S(b)/8⌋ − ⌊S(a)/8⌋, S the unscaled prefix sum. (Flooring every second
    /// on its own would give 300 × 5 + 300 × 20 = 7,500 for 1800–2400.)
    static func requests(_ a: Int, _ b: Int) -> Int {
        let prefix = { (n: Int) in counts[0..<n].reduce(0, +) }
        return prefix(b) / 8 - prefix(a) / 8
    }

    @Test func jsonReportsEveryPolicyAndInterval() throws {
        let r = CLI.run(["adapt", example("video-k8s.yaml"), "--trace", try trace(), "--scale", "0.125",
                         "--window", "1800-2400", "--baselines", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try json(r.stdout)
        #expect(o["simulator"] as? String == "trimtabsim")
        let runs = try #require(o["runs"] as? [[String: Any]])
        #expect(runs.map { $0["policy"] as? String ?? "" } == ["adaptive (movmax)", "static cheapest", "static most accurate"])
        for run in runs {
            let intervals = try #require(run["intervals"] as? [[String: Any]])
            #expect(intervals.count == 60)
            #expect(intervals.map { $0["requests"] as? Int ?? 0 }.reduce(0, +) == run["requests"] as? Int)
        }
        // Every request of the window is counted.
        #expect(runs.first?["requests"] as? Int == Self.requests(1800, 2400))
        // The adaptive loop re-plans every interval and costs less than the most accurate static pipeline.
        #expect(runs[0]["replans"] as? Int == 60)
        #expect((runs[0]["cost_usd"] as? Double ?? 1) < (runs[2]["cost_usd"] as? Double ?? 0))
    }

    /// TrimtabSim (default) and the queueing model (`--simulator queueing`) replay the same requests,
    /// and agree on what must hold on both.
    @Test func bothSimulatorsReplayTheSameRequests() throws {
        var totals: [[String: Any]] = []
        for simulator in ["trimtabsim", "queueing"] {
            let r = CLI.run(["adapt", example("video-k8s.yaml"), "--trace", try trace(), "--scale", "0.125",
                             "--window", "1800-2400", "--baselines", "--simulator", simulator, "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try json(r.stdout)
            #expect(o["simulator"] as? String == simulator)
            totals += try #require(o["runs"] as? [[String: Any]])
        }
        #expect(totals.count == 6)
        for k in 0..<3 {
            #expect(totals[k]["requests"] as? Int == totals[k + 3]["requests"] as? Int)
            #expect(totals[k]["requests"] as? Int == Self.requests(1800, 2400))
        }
        // The cheapest static pipeline, sized for the peak with headroom, misses nothing on either.
        #expect(totals[1]["slo_misses"] as? Int == 0 && totals[4]["slo_misses"] as? Int == 0)
    }

    @Test func csvHasOneRowPerInterval() throws {
        let r = CLI.run(["adapt", example("video-k8s.yaml"), "--trace", try trace(), "--scale", "0.125",
                         "--window", "1800-1900", "--window", "2500-2600", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("policy,interval_start_s,load_mean_rps,load_peak_rps,forecast_rps,planned_rps,configuration") == true)
        #expect(lines.count == 1 + 20)
        #expect(lines[1].contains("detect=yolov5"))
    }

    @Test func badInputIsOneLineWithExitTwo() throws {
        let path = try trace()
        let cases: [[String]] = [
            ["adapt", example("video-pipeline.yaml"), "--trace", path, "--window", "1800-2400"],      // not kubernetes
            ["adapt", example("video-k8s.yaml"), "--trace", path, "--window", "1800-9999"],           // past the trace
            ["adapt", example("video-k8s.yaml"), "--trace", path, "--window", "1800-2400", "--objective", "speed"],
            ["adapt", example("video-k8s.yaml"), "--trace", path, "--window", "60-200"],              // no history
            ["adapt", example("video-k8s.yaml"), "--trace", path],                                    // no window
            ["adapt", example("video-k8s.yaml"), "--trace", path, "--window", "1800-2400", "--simulator", "real"],
        ]
        for args in cases {
            let r = CLI.run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.hasPrefix("trimtab: ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let r = CLI.run(cases[0])
        #expect(r.stderr.contains("video-pipeline.yaml: platform.kind"))
    }
}

@Suite struct AdaptPlanCLITests {
    @Test func planOnceAgreesWithExhaustiveAndHasCapacity() throws {
        var costs: [Double] = []
        for solver in ["exact", "exhaustive"] {
            let r = CLI.run(["adapt", example("video-k8s.yaml"), "--plan-load", "12", "--max-replicas", "6",
                             "--objective", "cost", "--solver", solver, "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try json(r.stdout)
            let config = try #require(o["configuration"] as? [String: Any])
            #expect(Set(config.keys) == ["detect", "classify"])
            let predicted = try #require(o["predicted"] as? [String: Any])
            #expect((predicted["latency_ms"] as? Double ?? 1e9) <= 1000)
            costs.append(predicted["cost_per_hour_usd"] as? Double ?? -1)
        }
        #expect(costs.count == 2 && abs(costs[0] - costs[1]) < 1e-12)
    }

    /// The plan's JSON is a configuration file: ConfigurationParser reads it back with the extension fields.
    @Test func planJSONReadsBackAsAConfiguration() throws {
        let r = CLI.run(["adapt", example("video-k8s.yaml"), "--plan-load", "30", "--format", "json"])
        #expect(r.status == 0)
        let config = try ConfigurationParser.load(path: try temporaryFile("plan.json", r.stdout))
        let detect = try #require(config["detect"])
        #expect(detect.variant?.hasPrefix("yolov5") == true)
        #expect((detect.replicas ?? 0) >= 1 && (detect.batchSize ?? 0) >= 1)
        #expect(detect.cores == Double(detect.memoryMB) / 1000)
    }

    /// Extreme flags: one line naming the flag (exit 2), never a crash, a hang, or exit 0 with an
    /// unchecked value — in the plan-once mode and in the replay alike.
    @Test(arguments: [
        (["--plan-load", "1e308"], "--plan-load: 1e+308 requests/s is more than 1000000000"),
        (["--plan-load", "20", "--headroom", "1e308"], "--headroom: 1e+308 is more than 100"),
        (["--plan-load", "20", "--max-replicas", "99999999999"], "--max-replicas: 99999999999 is more than 10000"),
        (["--plan-load", "20", "--slo-share", "1.5"], "--slo-share: 1.5 is not in (0, 1]"),
        (["--plan-load", "20", "--slo-share", "nan"], "--slo-share: nan is not in (0, 1]"),
        (["--plan-load", "20", "--slo-share", "0"], "--slo-share: 0.0 is not in (0, 1]"),
        (["--plan-load", "20", "--slo-ms", "-1"], "--slo-ms: -1.0 must be a positive number of ms"),
        (["--plan-load", "20", "--slo-ms", "nan"], "--slo-ms: nan must be a positive number of ms"),
        (["--plan-load", "20", "--slo-ms", "1e308"], "--slo-ms: 1e+308 ms is more than 1000000000 ms"),
        (["--trace", "TRACE", "--window", "600-700", "--interval", "1e308s"], "--interval: '1e308s' is more than 1000000 s"),
        (["--trace", "TRACE", "--window", "600-700", "--startup-delay", "1e308"], "--startup-delay: '1e308' is more than 1000000 s"),
        (["--trace", "TRACE", "--window", "600-700", "--slo-share", "1.5"], "--slo-share: 1.5 is not in (0, 1]"),
    ])
    func extremeFlagIsNamed(flags: [String], message: String) throws {
        let path = try temporaryFile("trace.txt", AdaptCLITests.counts.map(String.init).joined(separator: " "))
        let r = CLI.run(["adapt", example("video-k8s.yaml")] + flags.map { $0 == "TRACE" ? path : $0 })
        expectBadInputLine(r, naming: [message])
    }

    /// The limits themselves still plan.
    @Test func largestReplicaLimitAndHeadroomStillPlan() {
        let r = CLI.run(["adapt", example("video-k8s.yaml"), "--plan-load", "20", "--max-replicas", "10000", "--headroom", "100",
                         "--format", "json"])
        #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func impossibleLoadExitsThree() {
        let r = CLI.run(["adapt", example("video-k8s.yaml"), "--plan-load", "5000"])
        #expect(r.status == 3)
        #expect(r.stdout.contains("infeasible"))
    }
}
