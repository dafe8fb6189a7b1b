import ArgumentParser
import TrimtabKit
import TrimtabModel

/// `trimtab adapt FILE --trace T`: replays the adaptive loop (forecast, re-plan, reconfigure every
/// interval) against a simulated Kubernetes pipeline, optionally with two static baselines.
struct AdaptCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt",
        abstract: "Replay the adaptive loop (forecast, re-plan, reconfigure every interval) on a trace.",
        discussion: """
        FILE is a Kubernetes pipeline (platform kind kubernetes, a chain of stages
        whose variants have latency_ms_by_batch tables keyed by batch size and CPU
        millicores per replica). Every interval the predictor forecasts the peak
        load of the next --horizon seconds, the exact planner chooses variant, batch
        size, millicores and replicas for it, and the simulated pipeline is
        reconfigured (new replicas serve after --startup-delay). The simulator is an
        interim queueing model (see docs/adapt.md).

        Example:
          trimtab adapt examples/video-k8s.yaml --plan-load 20 --headroom 1.5
        """)

    @Argument(help: "The pipeline file (YAML or JSON, platform kind kubernetes).")
    var file: String
    @Option(help: ArrivalsHelp.trace)
    var trace: String?
    @Option(name: .customLong("plan-load"), help: "Only plan once for this load (requests per second) and print the plan.")
    var planLoad: Double?
    @Option(help: "With --plan-load: exact (default) or exhaustive (every combination; small pipelines).")
    var solver: String = "exact"
    @Option(help: ArrivalsHelp.scale)
    var scale: Double = 1
    @Option(name: .customLong("window"), help: "Trace seconds A-B to replay; repeat to concatenate windows.")
    var windows: [String] = []
    @Option(help: "Re-planning interval, e.g. 10s.")
    var interval: String = "10s"
    @Option(help: "Load predictor (see trimtab forecast); movmax under-predicts least, which is what keeps the SLO.")
    var predictor: String = "movmax"
    @Option(name: .customLong("train-until"),
            help: "Train the predictor on the seconds before this one, or a share of the trace such as 60%, as in forecast (default: the first window's start).")
    var trainUntil: String?
    @Option(help: "Seconds of history the predictor sees.")
    var history: Int = 120
    @Option(help: "Seconds per bin.")
    var bin: Int = 10
    @Option(help: "Seconds ahead whose peak is forecast.")
    var horizon: Int = 20
    @Option(name: .customLong("startup-delay"), help: "Time before a new replica serves, e.g. 5s.")
    var startupDelay: String = "5s"
    @Option(name: .customLong("slo-ms"), help: "End-to-end latency SLO in ms (default: the file's goal latency bound).")
    var sloMs: Double?
    @Option(name: .customLong("slo-percentile"), help: "Bound this percentile of the latency by the SLO, e.g. 99 (default: the mean).")
    var sloPercentile: Double?
    @Option(help: "Capacity factor, as in forecast and control: replicas × throughput ≥ headroom × load (at least 1; 1.5 = 50% spare).")
    var headroom: Double = 1.5
    @Option(name: .customLong("max-replicas"), help: "Most replicas per stage.")
    var maxReplicas: Int = 32
    @Option(help: "weighted (α·accuracy − β·cost − γ·Σbatch), accuracy (best accuracy, then least cost) or cost (least cost, then accuracy).")
    var objective: String = "weighted"
    @Option(help: "Weight of accuracy in the weighted objective.")
    var alpha: Double = 3
    @Option(help: "Weight of cost (USD per hour) in the weighted objective.")
    var beta: Double = 1
    @Option(help: "Weight of the summed batch sizes in the weighted objective.")
    var gamma: Double = 0.0001
    @Option(name: .customLong("slo-share"), help: "Share of the SLO the planned (mean) latency may use, in (0, 1].")
    var sloShare: Double = 1
    @Flag(name: .customLong("no-backlog"), help: "Plan for the forecast alone, without the requests waiting in the pipeline.")
    var noBacklog = false
    @Flag(help: "Also replay two static baselines sized for the windows' peak: the cheapest and the most accurate.")
    var baselines = false
    @Option(help: "Write the per-interval rows (CSV) to this file.")
    var csv: String?
    @Option(help: "Seed of the arrival times within each second.")
    var seed: UInt64 = 1
    @Option(help: "Output: table (totals), json (totals and intervals) or csv (intervals).")
    var format: String = "table"
    @Option(help: "The simulated cluster: trimtabsim (TrimtabSim's discrete-event simulator, default) or queueing (the small queueing model it replaced, a cross-check).")
    var simulator: String = "trimtabsim"

    var request: AdaptOperation.Request {
        .init(workflow: .file(file), trace: trace.map { .file($0) }, scale: scale, windows: windows, interval: interval,
              predictor: predictor, trainUntil: trainUntil, history: history, bin: bin, horizon: horizon, startupDelay: startupDelay,
              sloMs: sloMs, headroom: headroom, maxReplicas: maxReplicas, objective: objective, alpha: alpha, beta: beta, gamma: gamma,
              sloShare: sloShare, backlog: !noBacklog, baselines: baselines, seed: seed, simulator: simulator, planLoad: planLoad,
              solver: solver, sloPercentile: sloPercentile)
    }

    func execute() throws -> CommandResult {
        try AdaptOperation.checkSimulator(simulator)
        guard ["table", "json", "csv"].contains(format) else {
            throw TrimtabError(field: "--format", "'\(format)' is not a format (expected table, json or csv)")
        }
        if planLoad != nil {
            let result = try AdaptOperation.planOnce(request)
            return try CommandResult(result, format: format == "json" ? .json : .table) { Self.table(result) }
        }
        let result = try AdaptOperation.run(request)
        let csvText = Self.csv(result)
        if let csv {
            try OutputFile.write(csvText, produced: .text("CSV"), to: csv)
        }
        switch format {
        case "csv": return CommandResult(stdout: csvText)
        case "json": return CommandResult(stdout: try result.jsonText())
        default: return CommandResult(stdout: table(result))
        }
    }

    func table(_ r: AdaptOperation.Result) -> String {
        var out = "\(r.workflowName) (\(r.simulator == "queueing" ? "queueing model" : "TrimtabSim")): SLO \(JSONValue.format(r.sloMs)) ms, interval \(r.intervalSeconds) s, start-up delay \(JSONValue.format(r.startupDelaySeconds)) s, "
        out += "windows \(windows.joined(separator: " + ")) (\(r.replayedSeconds) s), load × \(JSONValue.format(scale))\n"
        for n in r.notes { out += n + "\n" }
        out += Render.table(["policy", "requests", "slo_misses", "miss_%", "p99_ms", "cost_usd", "mean_accuracy", "replans", "replan_ms"],
                            r.runs.map { s in
                                [s.policy, String(s.requests), String(s.sloMisses), Render.fixed(s.missShare * 100, 2),
                                 Render.fixed(s.p99Ms, 1), Render.fixed(s.costUSD, 4), Render.fixed(s.meanAccuracy, 4),
                                 String(s.replans), Render.fixed(s.meanReplanMs, 2)]
                            })
        return out
    }

    /// `--plan-load` as a table.
    static func table(_ r: AdaptOperation.PlanResult) -> String {
        var out = "\(r.workflowName): load \(JSONValue.format(r.loadRps)) rps × headroom \(JSONValue.format(r.headroom)); "
        out += "latency ≤ \(JSONValue.format(r.latencyBoundMs)) ms; \(r.objective) objective\n"
        guard let configuration = r.configuration, let predicted = r.predicted else {
            return out + "status: infeasible (\(r.solver)) — no setting meets the SLO with at most \(r.maxReplicas) replicas per stage\n"
        }
        out += "status: optimal (\(r.solver))\n\n"
        out += Render.table(["stage", "variant", "batch", "millicores", "replicas", "cost_usd_per_hour"], configuration.entries.map { stage, s in
            [stage, s.variant ?? "-", String(s.batchSize), String(s.memoryMB), String(s.replicas), Render.fixed(s.costPerHourUSD, 4)]
        })
        out += "\npredicted: latency \(Render.fixed(predicted.latencyMs, 1)) ms · cost \(Render.fixed(predicted.costPerHourUSD, 4)) USD per hour · accuracy \(Render.fixed(predicted.accuracy, 4))\n"
        return out
    }

    /// One row per policy and interval.
    static func csv(_ r: AdaptOperation.Result) -> String {
        var out = "policy,interval_start_s,load_mean_rps,load_peak_rps,forecast_rps,planned_rps,configuration,planned,requests,p99_ms,slo_misses,cost_usd,mean_accuracy\n"
        for run in r.runs {
            for i in run.intervals {
                out += [run.policy, String(i.startS), Render.fixed(i.loadMeanRps, 2), JSONValue.format(i.loadPeakRps),
                        i.forecastRps.map { Render.fixed($0, 2) } ?? "", Render.fixed(i.plannedRps, 2), i.configuration, i.planned ? "yes" : "no",
                        String(i.requests), Render.fixed(i.p99Ms, 1), String(i.sloMisses), Render.fixed(i.costUSD, 6),
                        Render.fixed(i.meanAccuracy, 4)].joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
