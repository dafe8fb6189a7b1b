import Foundation
import TrimtabBatch
import TrimtabModel
import TrimtabSim
import TrimtabSolve

/// `trimtab-bench batch-vs-sim [REQUESTS] [SEEDS]`: the batching model (`TrimtabBatch`) against
/// the workflow simulator (`TrimtabSim`) for every hour of BATCH's Twitter MAPs × B {4, 10, 20}
/// × T {100, 500} ms, two services — fast (10 + 2k ms) and MBS's DeepSpeech (size class 0,
/// 3072 MB) — in a one-stage workflow: serverless, cold starts off, no concurrency limit,
/// deterministic service. Each case is simulated with SEEDS seeds of REQUESTS arrivals each
/// (defaults 400,000 and 3); the seed-to-seed spread gives the sampling error. Then the planned
/// configuration of `examples/speech-batching.yaml` (exact solver, the file's goal) simulated
/// under Poisson arrivals at the goal's `load_rps`: mean end-to-end latency against the plan's.
/// Run from the package root, in release mode.
extension Bench {
    struct SimCase {
        let service: String, hour: String, b: Int, t: Double
        let modelP95: Double, simP95: [Double], modelBatch: Double, simBatch: [Double], modelCost: Double, simCost: [Double]
    }

    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }
    static func sd(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = mean(xs)
        return (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)).squareRoot()
    }

    static func batchVersusSimBench(_ args: [String]) throws {
        let requests = args.first.flatMap(Int.init) ?? 400_000
        let seedCount = args.count > 1 ? Int(args[1]) ?? 3 : 3
        let root = FileManager.default.currentDirectoryPath
        let reference = root + "/../shared/reference/"
        let mapsPath = reference + "batch/hourly_maps.json"
        let maps = try HourlyMAPs.load(path: mapsPath)
        let table = try MBSServiceTable.load(path: reference + "mbs/service_time_256.json")
        let batchSizes = [4, 10, 20], timeouts = [100.0, 500.0]
        let services: [(String, Int, [Double])] = [
            ("fast", 1024, (1...20).map { 10 + 2 * Double($0) }),
            ("mbs", 3072, (1...20).map { table.latencyMs(memoryMB: 3072, sizeClass: 0, batchSize: $0) ?? .nan }),
        ]
        say("batch-vs-sim: TrimtabBatch model vs TrimtabSim, Twitter MAPs, B \(batchSizes), T \(timeouts) ms")
        say("services: fast = 10 + 2k ms (1024 MB); mbs = DeepSpeech size class 0 at 3072 MB; serverless, cold starts off, 1 ms billing")
        say("per case: \(seedCount) seeds × about \(requests) requests (duration = requests / rate); sim figures are the seed mean, sd the seed-to-seed spread")
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, shared with other builds\n")
        say("service hour  B   T_ms  p95_model  p95_sim  p95_sd  p95_err  batch_model  batch_sim  batch_err  cost_model  cost_sim  cost_err")
        var cases: [SimCase] = []
        let began = now(), cpuBegan = cpuSeconds()
        var simulatedRequests = 0
        for (name, memory, serviceMs) in services {
            let workflow = BatchedFunctionWorkflow.make(serviceMs: serviceMs, memoryMB: memory, timeoutsMs: timeouts)
            let service = StageServiceModel(variant: workflow.stages[0].variants[0])
            for hour in maps.hours(of: "twitter") {
                let process = try maps.process(trace: "twitter", hour: hour)
                let evaluator = BatchGridEvaluator(process: process, grid: BatchGrid(memorySizes: [memory], batchSizes: batchSizes, timeoutsMs: timeouts))
                for behaviour in evaluator.behaviours {
                    let model = BatchPerformanceModel.evaluate(behaviour, service: service, memoryMB: memory, platform: workflow.platform)
                    var p95: [Double] = [], batch: [Double] = [], cost: [Double] = []
                    for seed in 1...seedCount {
                        let config: Configuration = ["infer": StageChoice(memoryMB: memory, batchSize: behaviour.maxBatchSize, batchTimeoutMs: behaviour.timeoutMs)]
                        var sim = try Simulator(workflow: workflow, configuration: config,
                                                arrivals: try MarkovianArrivals.load(path: mapsPath, trace: "twitter", hour: hour),
                                                options: SimulationOptions(mode: .serverless, seed: UInt64(seed) * 7919 + UInt64(Int(hour) ?? 0),
                                                                           duration: Double(requests) / process.rate,
                                                                           serviceTime: .deterministic, coldStartMs: 0))
                        let r = sim.runToCompletion()
                        simulatedRequests += r.completed
                        p95.append(r.latency.p95); batch.append(r.stages[0].meanBatchSize); cost.append(r.costPerMillion)
                    }
                    let c = SimCase(service: name, hour: hour, b: behaviour.maxBatchSize, t: behaviour.timeoutMs, modelP95: model.latencyPercentileMs,
                                    simP95: p95, modelBatch: model.meanBatchSize, simBatch: batch, modelCost: model.costPerMillion, simCost: cost)
                    cases.append(c)
                    say(String(format: "%-7@ %4@ %2d %6.0f  %9.1f  %7.1f  %6.1f  %6.2f%%  %11.3f  %9.3f  %8.2f%%  %10.4f  %8.4f  %7.2f%%",
                               name as NSString, hour as NSString, c.b, c.t, c.modelP95, mean(p95), sd(p95), err(c.modelP95, mean(p95)),
                               c.modelBatch, mean(batch), err(c.modelBatch, mean(batch)), c.modelCost, mean(cost), err(c.modelCost, mean(cost))))
                }
            }
        }
        say(String(format: "\n%d simulations, %d requests simulated in %.1f s wall, %.1f s CPU", cases.count * seedCount, simulatedRequests,
                   now() - began, cpuSeconds() - cpuBegan))
        for name in services.map(\.0) {
            say("\n\(name) service, worst relative error per hour over its 6 cases (sim = mean over seeds; 'sd' = largest seed-to-seed sd of p95 / sim p95):")
            say("hour  p95_err  batch_err  cost_err  p95_sd_rel")
            let mine = cases.filter { $0.service == name }
            for hour in maps.hours(of: "twitter") {
                let h = mine.filter { $0.hour == hour }
                say(String(format: "%4@  %6.2f%%  %8.2f%%  %7.2f%%  %9.2f%%", hour as NSString,
                           h.map { err($0.modelP95, mean($0.simP95)) }.max() ?? 0, h.map { err($0.modelBatch, mean($0.simBatch)) }.max() ?? 0,
                           h.map { err($0.modelCost, mean($0.simCost)) }.max() ?? 0, h.map { sd($0.simP95) / mean($0.simP95) * 100 }.max() ?? 0))
            }
            let within = mine.filter { err($0.modelP95, mean($0.simP95)) < 5 && err($0.modelBatch, mean($0.simBatch)) < 5 }.count
            say(String(format: "%@: worst p95 error %.2f%%, worst mean batch size error %.2f%%, worst cost error %.2f%%; %d of %d cases within 5%% on both",
                       name as NSString, mine.map { err($0.modelP95, mean($0.simP95)) }.max() ?? 0, mine.map { err($0.modelBatch, mean($0.simBatch)) }.max() ?? 0,
                       mine.map { err($0.modelCost, mean($0.simCost)) }.max() ?? 0, within, mine.count))
        }
        try workflowCheck(root: root)
    }

    /// Relative error (%) of `model` against `sim`.
    static func err(_ model: Double, _ sim: Double) -> Double { abs(model - sim) / sim * 100 }

    /// The planned configuration of `examples/speech-batching.yaml` simulated under Poisson
    /// arrivals at the goal's load (deterministic service, cold starts off, 1 hour, 3 seeds).
    static func workflowCheck(root: String) throws {
        let workflow = try WorkflowParser.load(path: root + "/examples/speech-batching.yaml")
        let model = try WorkflowModel(workflow)
        guard let goal = workflow.goal, let load = goal.loadRps, let solver = Solvers.named("exact") else { return }
        let result = try solver.solve(model, goal: goal)
        guard let indices = result.optionIndices, let predicted = result.prediction else {
            say("speech-batching: nothing feasible")
            return
        }
        let configuration = model.configuration(optionIndices: indices)
        say("\n== Workflow: examples/speech-batching.yaml planned with its goal (exact solver), simulated at Poisson \(load)/s, 3600 s, cold starts off")
        for stage in workflow.stages {
            if let c = configuration[stage.name] {
                say("  \(stage.name): \(c.memoryMB) MB" + (c.batchSize.map { " B \($0) T \(c.batchTimeoutMs ?? 0) ms" } ?? ""))
            }
        }
        say(String(format: "plan: mean latency %.1f ms, cost %.4f USD per 1M", predicted.latencyMs, predicted.costPerMillion))
        for seed: UInt64 in 1...3 {
            var sim = try Simulator(workflow: workflow, configuration: configuration, arrivals: PoissonArrivals(rate: load),
                                    options: SimulationOptions(mode: .serverless, seed: seed, duration: 3600, serviceTime: .deterministic, coldStartMs: 0))
            let r = sim.runToCompletion()
            let batched = r.stages.first { $0.batchSizes.count > 2 }
            say(String(format: "seed %d: %d runs, mean %.1f ms (SE %.2f), p95 %.1f, cost %.4f USD per 1M, mean batch %.3f; mean latency vs plan %+.2f%%, cost %+.2f%%",
                       Int(seed), r.completed, r.latency.mean, r.latency.standardError, r.latency.p95, r.costPerMillion,
                       batched?.meanBatchSize ?? 1, (r.latency.mean / predicted.latencyMs - 1) * 100, (r.costPerMillion / predicted.costPerMillion - 1) * 100))
        }
    }
}
