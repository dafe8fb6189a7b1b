import ArgumentParser
import Foundation
import TrimtabForecast
import TrimtabKit
import TrimtabModel
import TrimtabReplay
import TrimtabSolve

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

    static func seconds(_ text: String, field: String) throws(TrimtabError) -> Double {
        let t = text.trimmingCharacters(in: .whitespaces)
        let number = t.hasSuffix("s") ? String(t.dropLast()) : t
        guard let v = Double(number), v.isFinite, v >= 0 else {
            throw TrimtabError(field: field, "'\(text)' is not a duration in seconds (such as 10s)")
        }
        return v
    }

    func planObjective() throws(TrimtabError) -> PipelineObjective {
        switch objective {
        case "weighted":
            for (name, v) in [("--alpha", alpha), ("--beta", beta), ("--gamma", gamma)] where !(v.isFinite && v >= 0) {
                throw TrimtabError(field: name, "\(v) must be a non-negative number")
            }
            return .weighted(alpha: alpha, beta: beta, gamma: gamma)
        case "accuracy": return .accuracyThenCost
        case "cost": return .costThenAccuracy
        default: throw TrimtabError(field: "--objective", "'\(objective)' is not an objective (expected weighted, accuracy or cost)")
        }
    }

    func parsedWindows(traceSeconds: Int) throws(TrimtabError) -> [Range<Int>] {
        guard !windows.isEmpty else { throw TrimtabError(field: "--window", "give at least one window A-B (trace seconds)") }
        return try windows.map { text throws(TrimtabError) -> Range<Int> in
            let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let a = parts[0], let b = parts[1], a >= 0, b > a else {
                throw TrimtabError(field: "--window", "'\(text)' is not a range A-B of trace seconds")
            }
            guard b <= traceSeconds else {
                throw TrimtabError(field: "--window", "'\(text)' ends after the trace (\(traceSeconds) s)")
            }
            return a..<b
        }
    }

    func execute() throws -> CommandResult {
        guard ["trimtabsim", "queueing"].contains(simulator) else {
            throw TrimtabError(field: "--simulator", "'\(simulator)' is not trimtabsim or queueing")
        }
        guard ["table", "json", "csv"].contains(format) else {
            throw TrimtabError(field: "--format", "'\(format)' is not a format (expected table, json or csv)")
        }
        let workflow = try WorkflowParser.load(path: file)
        let pipeline: KubernetesPipeline
        do { pipeline = try KubernetesPipeline(workflow) } catch { throw error.inFile(file) }
        guard let slo = sloMs ?? workflow.goal?.bounds.maxLatencyMs, slo.isFinite, slo > 0 else {
            throw TrimtabError(field: "--slo-ms", "give the latency SLO (or a goal with subject_to.latency_ms in \(file))")
        }
        guard headroom.isFinite, headroom >= 1 else { throw TrimtabError(field: "--headroom", "\(headroom) must be at least 1") }
        guard maxReplicas >= 1 else { throw TrimtabError(field: "--max-replicas", "\(maxReplicas) must be at least 1") }
        if let planLoad { return try planOnce(pipeline, load: planLoad, slo: slo) }
        guard let trace else { throw TrimtabError(field: "--trace", "give the trace to replay (or --plan-load to plan once)") }
        let intervalSeconds = Int(try Self.seconds(interval, field: "--interval"))
        guard intervalSeconds >= 1 else { throw TrimtabError(field: "--interval", "must be at least 1s") }
        let delay = try Self.seconds(startupDelay, field: "--startup-delay")
        let window = try ForecastWindow(historySeconds: history, binSeconds: bin, horizonSeconds: horizon)
        let load = try LoadTrace.load(path: trace, scale: scale).perSecond
        let ranges = try parsedWindows(traceSeconds: load.count)
        guard let first = ranges.first, first.lowerBound >= history else {
            throw TrimtabError(field: "--window", "the first window must start at least --history (\(history) s) into the trace")
        }
        // Replayed series: the history before the first window, then the windows back to back.
        var series = Array(load[(first.lowerBound - history)..<first.lowerBound])
        var origins: [(index: Int, second: Int)] = [(0, first.lowerBound - history)]
        var shift = history
        for r in ranges {
            if r.lowerBound != first.lowerBound { origins.append((series.count, r.lowerBound)) }
            series += load[r]
            shift += r.count
        }
        let traceSecond = { (i: Int) -> Int in
            let o = origins.last { $0.index <= i } ?? (0, 0)
            return o.second + (i - o.index)
        }

        var forecaster = try ForecasterCatalog.named(predictor, window: window)
        var until = first.lowerBound
        if let trainUntil { until = try ForecastCommand.second(trainUntil, traceSeconds: load.count) }
        let trainBins = LoadTrace(perSecond: Array(load[0..<min(until, load.count)])).binMaxima(binSeconds: bin)
        guard trainBins.count >= window.historyBins + window.horizonBins else {
            throw TrimtabError(field: "--train-until", "\(until) leaves too little training data")
        }
        forecaster.train(on: trainBins)

        let request = PipelinePlanRequest(loadRps: 0, sloMs: slo, headroom: headroom, maxReplicas: maxReplicas, objective: try planObjective())
        guard sloShare.isFinite, sloShare > 0, sloShare <= 1 else { throw TrimtabError(field: "--slo-share", "\(sloShare) is not in (0, 1]") }
        var replay = AdaptiveReplay(pipeline: pipeline, window: window, intervalSeconds: intervalSeconds,
                                    startupDelaySeconds: delay, request: request, seed: seed)
        replay.drainBacklog = !noBacklog
        replay.planningShare = sloShare
        var policies: [AdaptiveReplay.Policy] = [.adaptive(forecaster)]
        var notes: [String] = []
        if baselines {
            let peak = ranges.map { load[$0].max() ?? 0 }.max() ?? 0
            for (name, obj) in [("static cheapest", PipelineObjective.costThenAccuracy), ("static most accurate", .accuracyThenCost)] {
                var r = request
                r.loadRps = peak
                r.sloMs = slo * sloShare
                r.objective = obj
                if let plan = PipelinePlanner().plan(pipeline, r) {
                    policies.append(.fixed(name, plan, loadRps: peak))
                } else {
                    notes.append("\(name): nothing meets the SLO at the peak \(JSONValue.format(peak)) rps")
                }
            }
        }
        var runs: [(AdaptiveReplay.Summary, [AdaptiveReplay.IntervalRecord])] = []
        for policy in policies {
            if simulator == "queueing" {
                let sim = QueueingPipelineSimulation(pipeline: pipeline, startupDelaySeconds: delay)
                runs.append(try replay.run(load: series, warmup: history, policy: policy, simulation: sim, traceSecond: traceSecond))
            } else {
                let sim = SimulatorPipelineSimulation(pipeline: pipeline, startupDelaySeconds: delay, seed: seed)
                runs.append(try replay.run(load: series, warmup: history, policy: policy, simulation: sim, traceSecond: traceSecond))
            }
        }
        let csvText = renderCSV(runs, pipeline: pipeline)
        if let csv {
            try OutputFile.write(csvText, produced: .text("CSV"), to: csv)
        }
        switch format {
        case "csv": return CommandResult(stdout: csvText)
        case "json": return CommandResult(stdout: renderJSON(runs, pipeline: pipeline, slo: slo, ranges: ranges).render() + "\n")
        default:
            var out = "\(workflow.name) (\(simulator == "queueing" ? "queueing model" : "TrimtabSim")): SLO \(JSONValue.format(slo)) ms, interval \(intervalSeconds) s, start-up delay \(JSONValue.format(delay)) s, "
            out += "windows \(windows.joined(separator: " + ")) (\(shift - history) s), load × \(JSONValue.format(scale))\n"
            for n in notes { out += n + "\n" }
            out += Render.table(["policy", "requests", "slo_misses", "miss_%", "p99_ms", "cost_usd", "mean_accuracy", "replans", "replan_ms"],
                                runs.map { s, _ in
                                    [s.policy, String(s.requests), String(s.sloMisses), Render.fixed(s.missShare * 100, 2),
                                     Render.fixed(s.p99Ms, 1), Render.fixed(s.costUSD, 4), Render.fixed(s.meanAccuracy, 4),
                                     String(s.replans), Render.fixed(s.meanReplanMs, 2)]
                                })
            return CommandResult(stdout: out)
        }
    }

    /// `--plan-load`: one plan for a fixed load, as a table or as JSON in the configuration-file shape
    /// (`memory_mb` holds the table key, millicores; `cores` = millicores / 1000).
    func planOnce(_ pipeline: KubernetesPipeline, load: Double, slo: Double) throws -> CommandResult {
        guard load.isFinite, load >= 0 else { throw TrimtabError(field: "--plan-load", "\(load) must be a non-negative rate") }
        let request = PipelinePlanRequest(loadRps: load, sloMs: slo * sloShare, headroom: headroom, maxReplicas: maxReplicas,
                                          objective: try planObjective())
        let plan: PipelinePlan?
        switch solver {
        case "exact": plan = PipelinePlanner().plan(pipeline, request)
        case "exhaustive": plan = BruteForcePipelinePlanner().plan(pipeline, request)
        default: throw TrimtabError(field: "--solver", "'\(solver)' is not a solver (expected exact or exhaustive)")
        }
        let status = plan == nil ? ExitStatus.infeasible : ExitStatus.success
        if format == "json" {
            guard let plan else {
                return CommandResult(stdout: JSONValue.object([("status", .string("infeasible")), ("solver", .string(solver))]).render() + "\n",
                                     status: status)
            }
            let config = JSONValue.object(plan.settings.enumerated().map { k, s in
                let stage = pipeline.stage(k)
                var fields: [(String, JSONValue)] = []
                if stage.hasVariants { fields.append(("variant", .string(stage.variants[s.variant].name))) }
                fields += [("memory_mb", .integer(s.millicores)), ("batch_size", .integer(s.batchSize)),
                           ("replicas", .integer(s.replicas)), ("cores", .number(Double(s.millicores) / 1000))]
                return (stage.name, .object(fields))
            })
            let value = JSONValue.object([
                ("status", .string("optimal")), ("configuration", config),
                ("predicted", .object([("latency_ms", .number(plan.latencyMs)), ("cost_per_hour_usd", .number(plan.costPerHour)),
                                       ("accuracy", .number(plan.accuracy))])),
                ("solver", .string(solver)),
            ])
            return CommandResult(stdout: value.render() + "\n")
        }
        var out = "\(pipeline.workflow.name): load \(JSONValue.format(load)) rps × headroom \(JSONValue.format(headroom)); "
        out += "latency ≤ \(JSONValue.format(slo * sloShare)) ms; \(objective) objective\n"
        guard let plan else {
            return CommandResult(stdout: out + "status: infeasible (\(solver)) — no setting meets the SLO with at most \(maxReplicas) replicas per stage\n",
                                 status: status)
        }
        out += "status: optimal (\(solver))\n\n"
        out += Render.table(["stage", "variant", "batch", "millicores", "replicas", "cost_usd_per_hour"], plan.settings.enumerated().map { k, s in
            let stage = pipeline.stage(k)
            return [stage.name, stage.hasVariants ? stage.variants[s.variant].name : "-", String(s.batchSize), String(s.millicores),
                    String(s.replicas), Render.fixed(pipeline.costPerHour(replicas: s.replicas, millicores: s.millicores), 4)]
        })
        out += "\npredicted: latency \(Render.fixed(plan.latencyMs, 1)) ms · cost \(Render.fixed(plan.costPerHour, 4)) USD per hour · accuracy \(Render.fixed(plan.accuracy, 4))\n"
        return CommandResult(stdout: out)
    }

    static func describe(_ settings: [PipelineStageSetting], _ pipeline: KubernetesPipeline) -> String {
        settings.enumerated().map { k, s in
            let stage = pipeline.stage(k)
            let variant = stage.hasVariants ? stage.variants[s.variant].name + " " : ""
            return "\(stage.name)=\(variant)b\(s.batchSize) \(s.millicores)m x\(s.replicas)"
        }.joined(separator: " | ")
    }

    func renderCSV(_ runs: [(AdaptiveReplay.Summary, [AdaptiveReplay.IntervalRecord])], pipeline: KubernetesPipeline) -> String {
        var out = "policy,interval_start_s,load_mean_rps,load_peak_rps,forecast_rps,planned_rps,configuration,planned,requests,p99_ms,slo_misses,cost_usd,mean_accuracy\n"
        for (summary, records) in runs {
            for r in records {
                out += [summary.policy, String(r.start), Render.fixed(r.meanLoad, 2), JSONValue.format(r.peakLoad),
                        r.forecast.map { Render.fixed($0, 2) } ?? "", Render.fixed(r.plannedLoad, 2), Self.describe(r.settings, pipeline), r.planned ? "yes" : "no",
                        String(r.requests), Render.fixed(r.p99Ms, 1), String(r.sloMisses), Render.fixed(r.costUSD, 6),
                        Render.fixed(r.meanAccuracy, 4)].joined(separator: ",") + "\n"
            }
        }
        return out
    }

    func renderJSON(_ runs: [(AdaptiveReplay.Summary, [AdaptiveReplay.IntervalRecord])], pipeline: KubernetesPipeline,
                    slo: Double, ranges: [Range<Int>]) -> JSONValue {
        .object([
            ("slo_ms", .number(slo)),
            ("simulator", .string(simulator)),
            ("windows", .array(ranges.map { .array([.integer($0.lowerBound), .integer($0.upperBound)]) })),
            ("runs", .array(runs.map { s, records in
                .object([
                    ("policy", .string(s.policy)), ("requests", .integer(s.requests)), ("slo_misses", .integer(s.sloMisses)),
                    ("miss_share", .number(s.missShare)), ("p99_ms", .number(s.p99Ms)), ("cost_usd", .number(s.costUSD)),
                    ("mean_accuracy", .number(s.meanAccuracy)), ("replans", .integer(s.replans)),
                    ("mean_replan_ms", .number(s.meanReplanMs)),
                    ("intervals", .array(records.map { r in
                        .object([("start_s", .integer(r.start)), ("load_mean_rps", .number(r.meanLoad)),
                                 ("load_peak_rps", .number(r.peakLoad)), ("forecast_rps", r.forecast.map { .number($0) } ?? .null), ("planned_rps", .number(r.plannedLoad)),
                                 ("configuration", .string(Self.describe(r.settings, pipeline))), ("planned", .bool(r.planned)),
                                 ("requests", .integer(r.requests)), ("p99_ms", .number(r.p99Ms)),
                                 ("slo_misses", .integer(r.sloMisses)), ("cost_usd", .number(r.costUSD)),
                                 ("mean_accuracy", .number(r.meanAccuracy))])
                    })),
                ])
            })),
        ])
    }
}
