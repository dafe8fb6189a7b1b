import Foundation
import TrimtabModel
import TrimtabSolve
import TrimtabSampling

/// Benchmarks of the planner. Run in release mode:
///   swift run -c release trimtab-bench [solve|greedy|pareto|all|batch]
/// Figures are printed as tables; nothing is estimated.
/// Writes a line straight to standard output (unbuffered, so progress shows at once).
func say(_ items: Any..., terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: " ") + terminator
    FileHandle.standardOutput.write(Data(text.utf8))
}

@main
struct Bench {
    static func main() throws {
        let args = Array(CommandLine.arguments.dropFirst())
        if args.first == "child" {
            try child(Array(args.dropFirst()))
            return
        }
        let what = args.first ?? "all"
        if what == "solve" || what == "all" { try solveBench(sizes: [10, 30, 60, 100], instances: 10) }
        if what == "greedy" || what == "all" { try greedyBench(instances: 210) }
        if what == "pareto" || what == "all" { try paretoBench() }
        if what == "robust-cell" { try RobustBench.cell(Array(args.dropFirst())) }
        if what == "replan" { try ReplanBench.run() }
        if what == "replan-export", args.count > 1 { try ReplanBench.export(args[1]) }
        if what == "sim" { try simBench(Array(args.dropFirst())) }
        if what == "batch" { try batchBench(Array(args.dropFirst())) }
        if what == "batch-vs-sim" { try batchVersusSimBench(Array(args.dropFirst())) }
        if what == "tails" { try TailBench.run(Array(args.dropFirst())) }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    /// CPU time of this process (s): on a shared machine, wall time also counts other people's work.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func peakRSSMiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
            return kb / 1024
        }
        return .nan
    }

    /// The configurations best in one quantity, each stage choosing on its own: fastest,
    /// cheapest, most accurate (fastest among ties), least accurate (cheapest among ties).
    static func extremes(_ model: WorkflowModel) -> (fastest: Prediction, cheapest: Prediction, accurate: Prediction, sloppy: Prediction) {
        let n = model.workflow.stages.count
        func pick(_ better: (StageOption, StageOption) -> Bool) -> Prediction {
            model.predict(optionIndices: (0..<n).map { s in model.options[s].indices.min { better(model.options[s][$0], model.options[s][$1]) } ?? 0 })
        }
        return (pick { $0.latencyMs < $1.latencyMs }, pick { $0.invocationCost < $1.invocationCost },
                pick { $0.accuracy != $1.accuracy ? $0.accuracy > $1.accuracy : $0.latencyMs < $1.latencyMs },
                pick { $0.accuracy != $1.accuracy ? $0.accuracy < $1.accuracy : $0.invocationCost < $1.invocationCost })
    }

    /// Goals with bounds halfway between each quantity's extremes, so that they bind.
    static func goals(_ model: WorkflowModel) -> [(String, Goal)] {
        let (fastest, cheapest, accurate, sloppy) = extremes(model)
        let l = (fastest.latencyMs + cheapest.latencyMs) / 2
        let c = (fastest.costPerMillion + cheapest.costPerMillion) / 2
        let a = (accurate.accuracy + sloppy.accuracy) / 2
        return [
            ("min-cost", Goal(objective: .minimizeCost, bounds: Bounds(maxLatencyMs: l, minAccuracy: a))),
            ("min-latency", Goal(objective: .minimizeLatency, bounds: Bounds(maxCostPerMillion: c, minAccuracy: a))),
            ("max-accuracy", Goal(objective: .maximizeAccuracy, bounds: Bounds(maxLatencyMs: l, maxCostPerMillion: c))),
            // Halfway bounds make most min-latency goals infeasible; this one is looser (cost
            // three quarters of the way to the fastest's, accuracy a quarter of the way up).
            ("min-latency-loose", Goal(objective: .minimizeLatency, bounds: Bounds(
                maxCostPerMillion: cheapest.costPerMillion + 0.75 * (fastest.costPerMillion - cheapest.costPerMillion),
                minAccuracy: sloppy.accuracy + 0.25 * (accurate.accuracy - sloppy.accuracy)))),
        ]
    }

    /// Runs one (size, goal) series in a child process so that its peak memory is its own.
    static func solveBench(sizes: [Int], instances: Int) throws {
        say("== Exact solve: random workflows, 16 memory sizes, up to 4 variants on half the stages, all shapes")
        say("stages  goal          instances  median_s  max_s    labels_max   peak_rss_MiB  optimal")
        for n in sizes {
            for goal in ["min-cost", "min-latency", "min-latency-loose", "max-accuracy"] {
                let p = Process()
                // Each series runs in its own process (its own peak memory), at most 4 minutes.
                p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
                p.arguments = ["240", CommandLine.arguments[0], "child", String(n), goal, String(instances)]
                let pipe = Pipe()
                p.standardOutput = pipe
                try p.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                if p.terminationStatus == 124 { say(String(format: "%-7d %-13@ timeout after 240 s", n, goal as NSString)) }
                say(String(decoding: data, as: UTF8.self), terminator: "")
            }
        }
    }

    static func child(_ args: [String]) throws {
        guard args.count == 3, let n = Int(args[0]), let count = Int(args[2]) else { return }
        let goalName = args[1]
        var times: [Double] = []
        var peakLabels = 0
        var optimal = 0
        // BENCH_SEED=k runs only the k-th instance (for profiling one slow case).
        let only = ProcessInfo.processInfo.environment["BENCH_SEED"].flatMap { Int($0) }
        for seed in 1...count where only == nil || only == seed {
            let w = RandomWorkflowGenerator().make(stages: n, seed: UInt64(seed * 1000 + n))
            let model = try WorkflowModel(w)
            guard let goal = goals(model).first(where: { $0.0 == goalName })?.1 else { continue }
            let t0 = now()
            let result = try ExactSolver().solve(model, goal: goal)
            times.append(now() - t0)
            if ProcessInfo.processInfo.environment["BENCH_VERBOSE"] != nil {
                FileHandle.standardError.write(Data("seed \(seed): \(times.last ?? 0) s, \(result.status)\n".utf8))
            }
            peakLabels = max(peakLabels, result.work)
            if result.status == .optimal { optimal += 1 }
        }
        times.sort()
        let line = String(format: "%-7d %-13@ %-10d %-9.3f %-8.3f %-12d %-13.1f %d/%d", n, goalName as NSString, count,
                          times[times.count / 2], times.last ?? 0, peakLabels, peakRSSMiB(), optimal, count)
        say(line)
    }

    static func greedyBench(instances: Int) throws {
        say("\n== Greedy (PRCP critical-path heuristic) versus exact, \(instances) random instances × 3 goals")
        say("goal          instances  both_feasible  mean_gap_%  worst_gap_%  greedy_missed_feasible  exact_ms_total  greedy_ms_total")
        var rows: [String: (n: Int, both: Int, gaps: [Double], missed: Int, te: Double, tg: Double)] = [:]
        for i in 0..<instances {
            let n = [8, 12, 16, 20, 25, 30][i % 6]
            let w = RandomWorkflowGenerator().make(stages: n, seed: UInt64(50_000 + i))
            let model = try WorkflowModel(w)
            for (name, goal) in goals(model) {
                var r = rows[name] ?? (0, 0, [], 0, 0, 0)
                let t0 = now()
                let exact = try ExactSolver().solve(model, goal: goal)
                let t1 = now()
                let greedy = try GreedySolver().solve(model, goal: goal)
                let t2 = now()
                r.n += 1
                r.te += t1 - t0
                r.tg += t2 - t1
                if exact.status == .optimal {
                    if greedy.status == .infeasible { r.missed += 1 } else if let e = exact.prediction, let g = greedy.prediction {
                        r.both += 1
                        let se = e.score(goal.objective), sg = g.score(goal.objective)
                        // Gap relative to the optimum (accuracy: how much accuracy is lost).
                        r.gaps.append(abs(sg - se) / max(abs(se), 1e-12) * 100)
                    }
                }
                rows[name] = r
            }
        }
        for name in ["min-cost", "min-latency", "max-accuracy"] {
            guard let r = rows[name] else { continue }
            let mean = r.gaps.isEmpty ? 0 : r.gaps.reduce(0, +) / Double(r.gaps.count)
            say(String(format: "%-13@ %-10d %-14d %-11.2f %-12.2f %-23d %-15.0f %.0f", name as NSString, r.n, r.both, mean,
                         r.gaps.max() ?? 0, r.missed, r.te * 1000, r.tg * 1000))
        }
    }

    static func paretoBench() throws {
        say("\n== Pareto front, 20 stages (all three objectives, no bounds)")
        say("seed  points  seconds")
        for seed in 1...5 {
            let w = RandomWorkflowGenerator().make(stages: 20, seed: UInt64(7000 + seed))
            let model = try WorkflowModel(w)
            let t0 = now()
            let points = ExactSolver().pareto(model, bounds: Bounds())
            say(String(format: "%-5d %-7d %.3f", seed, points.count, now() - t0))
        }
    }
}
