import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel
import TrimtabSim
import TrimtabSolve

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
        let simulationOptions = try makeOptions()
        let model = try options.load()
        guard let arrivalText = arrivals ?? model.workflow.goal?.loadRps.map({ "poisson:\($0)" }) else {
            throw TrimtabError(field: "--arrivals", "is required (or load_rps in the file's goal)")
        }
        let arrivalProcess = try ArrivalSpecification.arrivalProcess(arrivalText)
        let configuration: Configuration
        switch (config, plan) {
        case (let path?, false):
            configuration = try ConfigurationParser.load(path: path)
            do { try Simulator.check(configuration, fits: model) } catch { throw error.inFile(path) }
        case (nil, true):
            guard let goal = model.workflow.goal else {
                throw TrimtabError(file: options.file, field: "goal", "--plan needs a goal in the file")
            }
            let result = try ExactSolver().solve(model, goal: goal)
            guard let indices = result.optionIndices, result.status != .infeasible else {
                return CommandResult(stderr: "trimtab: \(options.file): goal: no configuration meets the bounds; nothing to simulate\n",
                                     status: ExitStatus.infeasible)
            }
            configuration = model.configuration(optionIndices: indices)
        case (.some, true):
            throw TrimtabError(field: "--config", "give --config or --plan, not both")
        case (nil, false):
            throw TrimtabError(field: "--config", "is required (or --plan)")
        }
        var options = simulationOptions
        if options.duration == nil, !(arrivalProcess is TraceArrivals || arrivalProcess is TimestampArrivals) {
            options.duration = 3600
        }
        var simulator: Simulator
        do {
            simulator = try Simulator(workflow: model.workflow, configuration: configuration, arrivals: arrivalProcess, options: options)
        } catch {
            throw error.inFile(config ?? self.options.file)
        }
        let report = simulator.runToCompletion()
        if let path = timeline {
            try writeTimeline(simulator.timeline, to: path)
        }
        return CommandResult(stdout: render(report, name: model.workflow.name, arrivals: arrivalText))
    }

    func makeOptions() throws(TrimtabError) -> SimulationOptions {
        var o = SimulationOptions(seed: seed, recordTimeline: timeline != nil,
                                  baseDirectory: URL(fileURLWithPath: options.file).deletingLastPathComponent().path)
        if let d = duration {
            guard d.isFinite, d > 0 else { throw TrimtabError(field: "--duration", "\(d) must be a positive number of seconds") }
            o.duration = d
        }
        if let text = serviceTime {
            guard let spec = ServiceTimeSpec.parse(text) else {
                throw TrimtabError(field: "--service-time", "'\(text)' is not deterministic, exponential or lognormal:CV with CV > 0")
            }
            o.serviceTime = spec
        }
        if let c = coldStartMs {
            guard c.isFinite, c >= 0 else { throw TrimtabError(field: "--cold-start-ms", "\(c) must be a non-negative number of ms") }
            o.coldStartMs = c
        }
        if let m = mode {
            guard let parsed = SimulationOptions.Mode(rawValue: m) else {
                throw TrimtabError(field: "--mode", "'\(m)' is not serverless or kubernetes")
            }
            o.mode = parsed
        }
        if let s = sloMs {
            guard s.isFinite, s > 0 else { throw TrimtabError(field: "--slo-ms", "\(s) must be a positive number of ms") }
            o.sloMs = s
        }
        return o
    }

    func writeTimeline(_ rows: [TimelineRow], to path: String) throws(TrimtabError) {
        var text = "second,arrivals,completions,latency_p95_ms,instances\n"
        for r in rows {
            text += "\(r.second),\(r.arrivals),\(r.completions),\(r.latencyP95Ms.isFinite ? JSONValue.format(r.latencyP95Ms) : ""),\(r.instances)\n"
        }
        try OutputFile.write(text, produced: .text("CSV"), to: path)
    }

    func render(_ r: SimulationReport, name: String, arrivals: String) -> String {
        switch options.format {
        case .json:
            let l = r.latency
            var fields: [(String, JSONValue)] = [
                ("requests", .integer(r.completed)),
                ("arrived", .integer(r.arrived)),
                ("failed", .integer(r.failed)),
                ("latency_ms", .object([("mean", .number(l.mean)), ("p50", .number(l.p50)), ("p95", .number(l.p95)),
                                        ("p99", .number(l.p99)), ("max", .number(l.max))])),
            ]
            fields.append(("slo_ms", r.sloMs.map { .number($0) } ?? .null))
            fields.append(("share_over_slo", l.shareOverSLO.map { .number($0) } ?? .null))
            fields.append(("cost_per_million_usd", .number(r.costPerMillion)))
            fields.append(("cost_usd", .number(r.costUSD)))
            fields.append(("cold_starts", .integer(r.coldStarts)))
            fields.append(("mode", .string(r.mode.rawValue)))
            fields.append(("simulated_seconds", .number(r.simulatedSeconds)))
            fields.append(("events", .integer(r.events)))
            fields.append(("stages", .array(r.stages.map { s in
                .object([("name", .string(s.name)), ("invocations", .integer(s.invocations)),
                         ("cold_starts", .integer(s.coldStarts)), ("throttled", .integer(s.throttled)),
                         ("peak_instances", .integer(s.peakInstances)), ("utilisation", .number(s.utilisation)),
                         ("mean_wait_ms", .number(s.meanWaitMs)), ("mean_batch_size", .number(s.meanBatchSize))])
            })))
            return JSONValue.object(fields).render() + "\n"
        case .table:
            let l = r.latency
            var out = "\(name): \(r.mode.rawValue), \(Render.fixed(r.simulatedSeconds, 1)) s simulated, seed \(seed), arrivals \(arrivals)\n"
            out += "requests: \(r.completed) completed of \(r.arrived) arrived"
            out += r.failed > 0 ? ", \(r.failed) failed (throttled)\n" : "\n"
            out += "latency ms: mean \(Render.fixed(l.mean, 1)) · p50 \(Render.fixed(l.p50, 1)) · p95 \(Render.fixed(l.p95, 1))"
            out += " · p99 \(Render.fixed(l.p99, 1)) · max \(Render.fixed(l.max, 1))\n"
            if let slo = r.sloMs, let share = l.shareOverSLO {
                out += "over the SLO (\(JSONValue.format(slo)) ms): \(Render.fixed(share * 100, 2))%\n"
            }
            out += "cost: \(Render.fixed(r.costPerMillion, 4)) USD per 1M runs (\(Render.fixed(r.costUSD, 4)) USD in all)\n"
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
}
