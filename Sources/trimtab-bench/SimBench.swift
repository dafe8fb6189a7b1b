import Foundation
import TrimtabModel
import TrimtabSim

/// `trimtab-bench sim [PREFIX_SECONDS]`: the simulator on the first 24 hours of the Twitter
/// trace through `examples/sim-three-stage.yaml` (3 stages, a branch, lognormal service, cold
/// starts, keep-alive, a concurrency limit), against the same model in SimPy
/// (`bench/simpy_sim.py`) on a prefix of the trace; then Kubernetes mode against Erlang C with
/// many customers. Run from the package root, in release mode. `sim N day` stops after the 24 hours.
extension Bench {
    static func simBench(_ args: [String]) throws {
        let prefixSeconds = args.first.flatMap(Int.init) ?? 3600
        let dayOnly = args.contains("day")
        let root = FileManager.default.currentDirectoryPath
        let dir = NSTemporaryDirectory() + "trimtab-sim-bench-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "xjf", root + "/../shared/reference/traces/twitter_per_second.tbz2", "-C", dir]
        try tar.run()
        tar.waitUntilExit()
        let tracePath = dir + "/workload.txt"

        let workflowPath = root + "/examples/sim-three-stage.yaml"
        let workflow = try WorkflowParser.load(path: workflowPath)
        let configuration = try ConfigurationParser.load(path: root + "/examples/sim-three-stage-config.json")

        say("== Simulation: Twitter trace, first 24 h, through examples/sim-three-stage.yaml (serverless, lognormal CV 0.3, cold starts)")
        var began = now()
        let counts = try PerSecondTrace.read(path: tracePath).counts
        let day = Array(counts.prefix(86_400))
        let readSeconds = now() - began
        let requests = day.reduce(0) { $0 + Int($1) }
        say(String(format: "trace: %d seconds read in %.2f s; first 24 h: %d requests", counts.count, readSeconds, requests))

        began = now()
        let cpuBegan = cpuSeconds()
        var sim = try Simulator(workflow: workflow, configuration: configuration, arrivals: TraceArrivals(counts: day),
                                options: SimulationOptions(seed: 1, baseDirectory: root + "/examples"))
        let full = sim.runToCompletion()
        let simSeconds = now() - began
        let simCPU = cpuSeconds() - cpuBegan
        say(String(format: "trimtab: %d requests, %d events in %.3f s wall (%.3f s CPU) = %.0f events/s wall, %.0f per CPU-second; peak RSS %.1f MiB",
                   full.completed, full.events, simSeconds, simCPU, Double(full.events) / simSeconds, Double(full.events) / simCPU, peakRSSMiB()))
        say(String(format: "         latency mean %.1f ms, p50 %.1f, p99 %.1f, max %.1f; cold starts %d; cost %.4f USD per 1M runs",
                   full.latency.mean, full.latency.p50, full.latency.p99, full.latency.max, full.coldStarts, full.costPerMillion))
        for s in full.stages {
            say(String(format: "         %-9@ invocations %8d  cold starts %5d  peak instances %4d  utilisation %5.1f%%  mean wait %.2f ms",
                       s.name as NSString, s.invocations, s.coldStarts, s.peakInstances, s.utilisation * 100, s.meanWaitMs))
        }

        if dayOnly { return }
        // The same model for SimPy, and both on the same prefix.
        let modelPath = dir + "/model.json"
        try simpyModel(workflow, configuration).write(toFile: modelPath, atomically: true, encoding: .utf8)
        began = now()
        let prefixCPUBegan = cpuSeconds()
        var prefixSim = try Simulator(workflow: workflow, configuration: configuration,
                                      arrivals: TraceArrivals(counts: Array(counts.prefix(prefixSeconds))),
                                      options: SimulationOptions(seed: 1, baseDirectory: root + "/examples"))
        let prefix = prefixSim.runToCompletion()
        let prefixSeconds2 = now() - began
        let prefixCPU = cpuSeconds() - prefixCPUBegan
        let swiftRate = Double(prefix.events) / prefixSeconds2
        say(String(format: "\nprefix of %d s: trimtab %d requests, %d events in %.3f s wall (%.3f s CPU) = %.0f events/s; mean %.1f ms, p99 %.1f ms, cold starts %d, cost %.4f USD/1M",
                   prefixSeconds, prefix.completed, prefix.events, prefixSeconds2, prefixCPU, swiftRate, prefix.latency.mean, prefix.latency.p99,
                   prefix.coldStarts, prefix.costPerMillion))
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", root + "/bench/simpy_sim.py", "--trace", tracePath, "--seconds", String(prefixSeconds), "--model", modelPath]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        guard python.terminationStatus == 0,
              let simpy = try JSONSerialization.jsonObject(with: output) as? [String: Any],
              let simpyRate = simpy["events_per_second"] as? Double else {
            say("SimPy run failed (pip install simpy): " + String(decoding: output, as: UTF8.self))
            return
        }
        let simpyCPU = simpy["cpu_seconds"] as? Double ?? .nan
        say(String(format: "prefix of %d s: SimPy   %d requests, %d events in %.3f s wall (%.3f s CPU) = %.0f events/s; mean %.1f ms, p99 %.1f ms, cold starts %d, cost %.4f USD/1M",
                   prefixSeconds, simpy["requests"] as? Int ?? 0, simpy["events"] as? Int ?? 0, simpy["wall_seconds"] as? Double ?? .nan,
                   simpyCPU, simpyRate, simpy["mean_ms"] as? Double ?? .nan, simpy["p99_ms"] as? Double ?? .nan, simpy["cold_starts"] as? Int ?? 0,
                   simpy["cost_per_million_usd"] as? Double ?? .nan))
        let simpyEvents = Double(simpy["events"] as? Int ?? 0)
        say(String(format: "events/s ratio trimtab/SimPy on the prefix: %.1f× (wall), %.1f× (CPU); with trimtab's full-day rate: %.1f× (wall), %.1f× (CPU)",
                   swiftRate / simpyRate, (Double(prefix.events) / prefixCPU) / (simpyEvents / simpyCPU),
                   Double(full.events) / simSeconds / simpyRate, (Double(full.events) / simCPU) / (simpyEvents / simpyCPU)))

        try erlangCBench()
    }

    /// The stages, branches and prices of a branch-only workflow as JSON for `bench/simpy_sim.py`.
    static func simpyModel(_ w: Workflow, _ configuration: Configuration) -> String {
        func index(_ name: String) -> Int { name == "end" ? -1 : (w.stageIndex(named: name) ?? -1) }
        var stages: [String] = []
        for stage in w.stages {
            let choice = configuration[stage.name] ?? StageChoice(memoryMB: 0)
            let variant = stage.variants.first { $0.name == (choice.variant ?? "") } ?? stage.variants[0]
            let mean = variant.latencyMs(memoryMB: choice.memoryMB) ?? 0
            let s = w.simulation.settings(for: stage.name)
            var cv = 0.0
            if case .lognormal(let c)? = s.serviceTime { cv = c }
            let next = w.edges.filter { $0.from == stage.name }.map { "[\(index($0.to)), \($0.probability)]" }.joined(separator: ", ")
            let limit = s.concurrencyLimit.map(String.init) ?? "null"
            stages.append("""
            {"name": "\(stage.name)", "mean_ms": \(mean), "memory_mb": \(choice.memoryMB), "cv": \(cv), \
            "cold_start_ms": \(s.coldStartMs ?? SimulationOptions.defaultLambdaColdStartMs), \
            "keep_alive_s": \(s.keepAliveS ?? SimulationOptions.defaultKeepAliveS), "concurrency_limit": \(limit), "next": [\(next)]}
            """)
        }
        let start = w.edges.first { $0.from == "start" }.map { index($0.to) } ?? 0
        return """
        {"start": \(start), "price_per_gb_second": \(w.platform.pricePerGBSecond), "price_per_request": \(w.platform.pricePerRequest),
         "billing_granularity_ms": \(w.platform.billingGranularityMs), "stages": [\(stages.joined(separator: ",\n"))]}
        """
    }

    /// Kubernetes mode, exponential service (mean 1 s), against the Erlang C mean wait, with
    /// standard errors by batch means (20 batches after a warm-up).
    static func erlangCBench() throws {
        say("\n== Kubernetes mode against M/M/c (Erlang C), 10 million customers each")
        say("c  rho   Erlang_C_Wq_s  simulated_Wq_s  error_%   batch_means_SE_%  seconds")
        for (c, rho) in [(1, 0.5), (2, 0.5), (4, 0.5), (1, 0.8), (4, 0.8)] {
            let w = try WorkflowParser.parse(text: """
            version: 1
            platform: {kind: kubernetes}
            stages: [{name: serve, latency_ms: {1024: 1000}}]
            edges: [{from: start, to: serve}, {from: serve, to: end}]
            """)
            let rate = rho * Double(c)
            let horizon = 10_000_000 / rate
            let began = now()
            var sim = try Simulator(workflow: w, configuration: ["serve": StageChoice(memoryMB: 1024, replicas: c)],
                                    arrivals: PoissonArrivals(rate: rate),
                                    options: SimulationOptions(seed: 77, duration: horizon, serviceTime: .exponential))
            let step = horizon / 21
            sim.run(until: step)
            var means: [Double] = []
            var last = sim.report().stages[0]
            var lastWait = last.meanWaitMs * Double(last.invocations)
            for b in 1...20 {
                sim.run(until: step * Double(b + 1))
                let cur = sim.report().stages[0]
                let wait = cur.meanWaitMs * Double(cur.invocations)
                means.append((wait - lastWait) / Double(cur.invocations - last.invocations) / 1000)
                last = cur
                lastWait = wait
            }
            let mean = means.reduce(0, +) / 20
            let se = (means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19 / 20).squareRoot()
            let exact = erlangC(rate, 1, c)
            say(String(format: "%d  %.1f   %.6f       %.6f        %+.3f    %.3f             %.1f",
                       c, rho, exact, mean, (mean - exact) / exact * 100, se / exact * 100, now() - began))
        }
    }

    static func erlangC(_ lambda: Double, _ mu: Double, _ c: Int) -> Double {
        let a = lambda / mu, rho = a / Double(c)
        var term = 1.0, sum = 0.0
        for k in 0..<c {
            if k > 0 { term *= a / Double(k) }
            sum += term
        }
        let last = term * a / Double(c) / (1 - rho)
        return last / (sum + last) / (Double(c) * mu - lambda)
    }
}
