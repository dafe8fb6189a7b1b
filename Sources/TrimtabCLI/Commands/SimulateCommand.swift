import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel
import TrimtabSim

/// `trimtab simulate FILE --config C.json --arrivals …`: replays the workflow under load.
struct SimulateCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a workflow under load: tail latency, cost, cold starts, instances.",
        discussion: """
        Mode: serverless (default; kubernetes when the platform is). Without
        --arrivals, Poisson arrivals at the goal's load_rps.

        \(ArrivalsHelp.discussion)

        Example:
          trimtab simulate examples/sim-three-stage.yaml \\
            --config examples/sim-three-stage-config.json --arrivals poisson:20 \\
            --duration 600
        """)

    @OptionGroup var options: WorkflowOptions
    @Option(help: "A JSON or YAML file holding a `configuration` object (a plan's JSON output works).")
    var config: String?
    @Flag(help: "Plan first with the file's goal (exact solver) and simulate that configuration.")
    var plan = false
    @Option(help: ArrivalsHelp.option)
    var arrivals: String?
    @Option(help: "Seconds of arrivals (default: the whole trace; 3600 for poisson and map).")
    var duration: Double?
    @Option(help: "Random seed: the same seed gives the same result.")
    var seed: UInt64 = 1
    @Option(name: .customLong("service-time"), help: "deterministic, exponential or lognormal:CV for every stage (overrides the file).")
    var serviceTime: String?
    @Option(name: .customLong("cold-start-ms"), help: "Cold start of every stage (ms); 0 turns cold starts off.")
    var coldStartMs: Double?
    @Option(help: "serverless or kubernetes (default: from the platform).")
    var mode: String?
    @Option(name: .customLong("slo-ms"), help: "Latency objective for the share over the SLO (default: the goal's latency bound).")
    var sloMs: Double?
    @Option(help: "Write per-second arrivals, completions, latency p95 and instances to this CSV file.")
    var timeline: String?

    func execute() throws -> CommandResult {
        let request = SimulateOperation.Request(
            workflow: .file(options.file), configuration: config.map { .file($0) }, plan: plan ? true : nil, arrivals: arrivals,
            duration: duration, seed: seed, serviceTime: serviceTime, coldStartMs: coldStartMs, mode: mode, sloMs: sloMs,
            timeline: timeline != nil ? true : nil)
        var result = try SimulateOperation.run(request)
        if let path = timeline {
            try writeTimeline(result.timeline ?? [], to: path)
        }
        // The timeline goes to its file, not into the printed JSON.
        result.timeline = nil
        return try CommandResult(result, format: options.format) { Self.table(result) }
    }

    func writeTimeline(_ rows: [SimulateOperation.TimelineSecond], to path: String) throws(TrimtabError) {
        var text = "second,arrivals,completions,latency_p95_ms,instances\n"
        for r in rows {
            text += "\(r.second),\(r.arrivals),\(r.completions),\(r.latencyP95Ms.map { JSONValue.format($0) } ?? ""),\(r.instances)\n"
        }
        try OutputFile.write(text, produced: .text("CSV"), to: path)
    }

    static func table(_ r: SimulateOperation.Result) -> String {
        let l = r.latencyMs
        var out = "\(r.workflow): \(r.mode), \(Render.fixed(r.simulatedSeconds, 1)) s simulated, seed \(r.seed), arrivals \(r.arrivals)\n"
        out += "requests: \(r.requests) completed of \(r.arrived) arrived"
        out += r.failed > 0 ? ", \(r.failed) failed (throttled)\n" : "\n"
        out += "latency ms: mean \(Render.fixed(l.mean, 1)) · p50 \(Render.fixed(l.p50, 1)) · p95 \(Render.fixed(l.p95, 1))"
        out += " · p99 \(Render.fixed(l.p99, 1)) · max \(Render.fixed(l.max, 1))\n"
        if let slo = r.sloMs, let share = r.shareOverSLO {
            out += "over the SLO (\(JSONValue.format(slo)) ms): \(Render.fixed(share * 100, 2))%\n"
        }
        out += "cost: \(Render.fixed(r.costPerMillionUSD, 4)) USD per 1M runs (\(Render.fixed(r.costUSD, 4)) USD in all)\n"
        out += "cold starts: \(r.coldStarts)\n\n"
        let rows = r.stages.map { s in
            [s.name, String(s.invocations), String(s.coldStarts), String(s.peakInstances),
             Render.fixed(s.utilisation * 100, 1) + "%", Render.fixed(s.meanWaitMs, 2),
             s.meanBatchSize.isFinite ? Render.fixed(s.meanBatchSize, 2) : "-"]
        }
        out += Render.table(["stage", "invocations", "cold_starts", "peak_instances", "utilisation", "mean_wait_ms", "mean_batch"], rows) + "\n"
        return out
    }
}
