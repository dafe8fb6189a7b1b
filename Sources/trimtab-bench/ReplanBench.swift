import Foundation
import TrimtabModel
import TrimtabSampling
import TrimtabSolve

/// `trimtab-bench replan`: time of one Kubernetes re-plan, exact planner against brute force.
enum ReplanBench {
    /// Writes the 5-stage instances (mean accuracy, weighted objective: a linear model) with every
    /// stage setting and the exact planner's optimum and time, for `bench/replan_milp.py`.
    static func export(_ path: String) throws {
        let generator = RandomPipelineGenerator(variants: 5...5, batchSizes: [1, 2, 4, 8, 16, 32], millicores: [1000], keepShare: 1)
        var instances: [String] = []
        for seed in 1...10 {
            let pipeline = try generator.make(stages: 5, seed: UInt64(seed), rule: .mean)
            for load in [10.0, 50, 100] {
                let request = PipelinePlanRequest(loadRps: load, sloMs: 1000, headroom: 1.1, maxReplicas: 32, objective: .ipaDefault)
                let t0 = Bench.now()
                let plan = PipelinePlanner().plan(pipeline, request)
                let ms = (Bench.now() - t0) * 1000
                let stages = (0..<pipeline.stageCount).map { k -> String in
                    let options = PipelineStageOption.all(pipeline, stage: k, request).flatMap { $0 }
                    let items = options.map { o in
                        let term = pipeline.accuracy.term(stage: pipeline.order[k], accuracy: pipeline.stage(k).variants[o.setting.variant].accuracy)
                        return "[\(o.latencyMs),\(o.penalty),\(term)]"
                    }
                    return "[" + items.joined(separator: ",") + "]"
                }
                let optimum = plan.map { "\($0.score.primary)" } ?? "null"
                instances.append("{\"seed\":\(seed),\"load\":\(load),\"slo\":1000,\"alpha\":1,\"divisor\":\(pipeline.accuracy.divisor),"
                                 + "\"exact_objective\":\(optimum),\"exact_ms\":\(ms),\"stages\":[\(stages.joined(separator: ","))]}")
            }
        }
        try ("[" + instances.joined(separator: ",\n") + "]\n").write(toFile: path, atomically: true, encoding: .utf8)
        say("wrote \(instances.count) instances to \(path)")
    }

    static func run() throws {
        say("== Re-plan: 5 stages × 5 variants × 6 batch sizes (1–32) × 1000 millicores, replicas ≤ 32")
        say("objective           loads  plans  feasible  median_ms  p95_ms   max_ms")
        let generator = RandomPipelineGenerator(variants: 5...5, batchSizes: [1, 2, 4, 8, 16, 32], millicores: [1000], keepShare: 1)
        let loads = [2.0, 10, 25, 50, 100, 200]
        let objectives: [(String, PipelineObjective)] = [("weighted", .ipaDefault), ("accuracy-then-cost", .accuracyThenCost),
                                                         ("cost-then-accuracy", .costThenAccuracy)]
        for (name, objective) in objectives {
            var times: [Double] = []
            var feasible = 0
            for seed in 1...10 {
                let pipeline = try generator.make(stages: 5, seed: UInt64(seed))
                for load in loads {
                    for slo in [1000.0, 3000.0] {
                        let request = PipelinePlanRequest(loadRps: load, sloMs: slo, headroom: 1.1, maxReplicas: 32, objective: objective)
                        let t0 = Bench.now()
                        let plan = PipelinePlanner().plan(pipeline, request)
                        times.append((Bench.now() - t0) * 1000)
                        if plan != nil { feasible += 1 }
                    }
                }
            }
            times.sort()
            say(name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%-6d %-6d %-9d %-10.2f %-8.2f %.2f", loads.count, times.count, feasible,
                       times[times.count / 2], times[Int(Double(times.count) * 0.95)], times.last ?? 0))
        }

        say("\n== Exact against brute-force enumeration (3 stages × 3 variants × 3 batch sizes × 2 core sizes, replicas ≤ 8)")
        say("instances  equal_optimum  exact_ms_total  brute_ms_total  speed-up")
        let small = RandomPipelineGenerator(variants: 3...3, batchSizes: [1, 4, 8], millicores: [1000, 2000], keepShare: 1)
        var equal = 0, count = 0
        var exactTime = 0.0, bruteTime = 0.0
        for seed in 1...8 {
            let pipeline = try small.make(stages: 3, seed: UInt64(100 + seed))
            for load in [5.0, 30.0] {
                let request = PipelinePlanRequest(loadRps: load, sloMs: 1500, headroom: 1.1, maxReplicas: 8)
                let t0 = Bench.now()
                let e = PipelinePlanner().plan(pipeline, request)
                let t1 = Bench.now()
                let b = BruteForcePipelinePlanner().plan(pipeline, request)
                let t2 = Bench.now()
                exactTime += t1 - t0
                bruteTime += t2 - t1
                count += 1
                switch (e, b) {
                case (nil, nil): equal += 1
                case let (x?, y?) where !x.score.beats(y.score) && !y.score.beats(x.score): equal += 1
                default: break
                }
            }
        }
        say(String(format: "%-10d ", count) + "\(equal)/\(count)".padding(toLength: 15, withPad: " ", startingAt: 0) + String(format: "%-15.1f %-15.1f %.0f×", exactTime * 1000, bruteTime * 1000,
                   bruteTime / max(exactTime, 1e-9)))
    }
}
