import TrimtabForecast
import TrimtabModel
import TrimtabReplay
import TrimtabSolve

/// `adapt`: the adaptive loop replayed on a trace (forecast, re-plan, reconfigure every interval)
/// against a simulated Kubernetes pipeline, optionally beside two static baselines sized for the
/// peak (`run`); or one plan for a fixed load (`planOnce`, `--plan-load`).
public enum AdaptOperation {
    /// Most replicas per stage `--max-replicas` may allow: the planner weighs every count up to
    /// it, and 10,000 replicas of one stage is beyond any cluster it plans for.
    public static let maxReplicasLimit = 10_000
    /// The largest `--plan-load` (requests per second): 10⁹, a thousand times a large web service.
    public static let maxLoadRps = 1e9
    /// The longest `--interval` or `--startup-delay`: 10⁶ s (11.6 days).
    public static let maxSeconds = 1e6

    public struct Request: Codable, Sendable, Equatable {
        /// The pipeline (platform kind kubernetes, a chain of stages).
        public var workflow: WorkflowSource
        /// The trace to replay (not needed by `planOnce`).
        public var trace: TraceSource?
        /// Multiplies every count, fractions carried (default 1).
        public var scale: Double?
        /// Trace seconds `A-B` to replay, back to back.
        public var windows: [String]
        /// Re-planning interval, such as `10s` (default).
        public var interval: String?
        /// Load predictor (default `movmax`).
        public var predictor: String?
        /// Train on the seconds before this one or a share such as `60%` (default: the first window's start).
        public var trainUntil: String?
        /// Seconds of history the predictor sees (default 120), per bin (10) and ahead (20).
        public var history: Int?
        public var bin: Int?
        public var horizon: Int?
        /// Time before a new replica serves, such as `5s` (default).
        public var startupDelay: String?
        /// End-to-end latency SLO (default: the workflow's goal latency bound).
        public var sloMs: Double?
        /// The SLO bounds this percentile of the latency (e.g. 99), not its mean (default: the mean).
        public var sloPercentile: Double?
        /// Capacity factor ≥ 1 (default 1.5).
        public var headroom: Double?
        /// Most replicas per stage (default 32).
        public var maxReplicas: Int?
        /// `weighted` (default), `accuracy` or `cost`; the weighted objective's α, β, γ (3, 1, 0.0001).
        public var objective: String?
        public var alpha: Double?
        public var beta: Double?
        public var gamma: Double?
        /// Share of the SLO the planned (mean) latency may use, in (0, 1] (default 1).
        public var sloShare: Double?
        /// Whether the requests waiting in the pipeline are planned for too (default true).
        public var backlog: Bool?
        /// Also replay the two static baselines (default false).
        public var baselines: Bool?
        /// Seed of the arrival times within each second (default 1).
        public var seed: UInt64?
        /// `trimtabsim` (default) or `queueing`.
        public var simulator: String?
        /// `planOnce`: the load (requests per second) and `exact` (default) or `exhaustive`.
        public var planLoad: Double?
        public var solver: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case workflow, trace, scale, windows, interval, predictor, trainUntil = "train_until", history, bin, horizon
            case startupDelay = "startup_delay", sloMs = "slo_ms", headroom, maxReplicas = "max_replicas", objective, alpha, beta, gamma
            case sloShare = "slo_share", backlog, baselines, seed, simulator, planLoad = "plan_load", solver
            case sloPercentile = "slo_percentile"
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(workflow: WorkflowSource, trace: TraceSource? = nil, scale: Double? = nil, windows: [String] = [],
                    interval: String? = nil, predictor: String? = nil, trainUntil: String? = nil, history: Int? = nil, bin: Int? = nil,
                    horizon: Int? = nil, startupDelay: String? = nil, sloMs: Double? = nil, headroom: Double? = nil,
                    maxReplicas: Int? = nil, objective: String? = nil, alpha: Double? = nil, beta: Double? = nil, gamma: Double? = nil,
                    sloShare: Double? = nil, backlog: Bool? = nil, baselines: Bool? = nil, seed: UInt64? = nil, simulator: String? = nil,
                    planLoad: Double? = nil, solver: String? = nil, sloPercentile: Double? = nil) {
            self.workflow = workflow
            self.trace = trace
            self.scale = scale
            self.windows = windows
            self.interval = interval
            self.predictor = predictor
            self.trainUntil = trainUntil
            self.history = history
            self.bin = bin
            self.horizon = horizon
            self.startupDelay = startupDelay
            self.sloMs = sloMs
            self.sloPercentile = sloPercentile
            self.headroom = headroom
            self.maxReplicas = maxReplicas
            self.objective = objective
            self.alpha = alpha
            self.beta = beta
            self.gamma = gamma
            self.sloShare = sloShare
            self.backlog = backlog
            self.baselines = baselines
            self.seed = seed
            self.simulator = simulator
            self.planLoad = planLoad
            self.solver = solver
        }
    }

    /// The replay: the SLO, the simulator, the windows and one run per policy (totals and
    /// intervals). The workflow's name and the replay's set-up ride along for tables (not encoded).
    public struct Result: OperationResult {
        public var sloMs: Double
        public var simulator: String
        public var windows: [[Int]]
        public var runs: [Run]
        public var workflowName: String = ""
        public var intervalSeconds: Int = 0
        public var startupDelaySeconds: Double = 0
        /// Seconds replayed (the windows' lengths summed).
        public var replayedSeconds: Int = 0
        /// Baselines that could not be planned.
        public var notes: [String] = []

        enum CodingKeys: String, CodingKey { case sloMs = "slo_ms", simulator, windows, runs }
    }

    /// One policy's replay: totals, then its intervals.
    public struct Run: Codable, Sendable, Equatable {
        public var policy: String
        public var requests: Int
        public var sloMisses: Int
        public var missShare: Double
        public var p99Ms: Double
        public var costUSD: Double
        public var meanAccuracy: Double
        public var replans: Int
        public var meanReplanMs: Double
        public var intervals: [Interval]

        enum CodingKeys: String, CodingKey {
            case policy, requests, sloMisses = "slo_misses", missShare = "miss_share", p99Ms = "p99_ms", costUSD = "cost_usd"
            case meanAccuracy = "mean_accuracy", replans, meanReplanMs = "mean_replan_ms", intervals
        }
    }

    /// One interval: its load, the forecast and the load planned for, the configuration
    /// (`stage=variant bB Mm xR | …`), whether the planner met the SLO, and what it measured.
    public struct Interval: Codable, Sendable, Equatable {
        public var startS: Int
        public var loadMeanRps: Double
        public var loadPeakRps: Double
        @ExplicitNull public var forecastRps: Double?
        public var plannedRps: Double
        public var configuration: String
        public var planned: Bool
        public var requests: Int
        public var p99Ms: Double
        public var sloMisses: Int
        public var costUSD: Double
        public var meanAccuracy: Double

        enum CodingKeys: String, CodingKey {
            case startS = "start_s", loadMeanRps = "load_mean_rps", loadPeakRps = "load_peak_rps", forecastRps = "forecast_rps"
            case plannedRps = "planned_rps", configuration, planned, requests, p99Ms = "p99_ms", sloMisses = "slo_misses"
            case costUSD = "cost_usd", meanAccuracy = "mean_accuracy"
        }
    }

    /// One plan for a fixed load: `{"status", "configuration", "predicted", "solver"}` in the
    /// configuration-file shape (`memory_mb` holds the table key, millicores; `cores` =
    /// millicores / 1000); infeasible: `{"status", "solver"}` (exit 3).
    public struct PlanResult: OperationResult {
        public var status: String
        public var configuration: StageMap<StagePlan>?
        public var predicted: Predicted?
        public var solver: String
        /// For tables (not encoded).
        public var workflowName: String = ""
        public var loadRps: Double = 0
        public var headroom: Double = 0
        public var latencyBoundMs: Double = 0
        public var objective: String = ""
        public var maxReplicas: Int = 0

        public var outcome: TrimtabError.Code? { status == "infeasible" ? .infeasible : nil }

        enum CodingKeys: String, CodingKey { case status, configuration, predicted, solver }
    }

    /// A stage's planned setting; `variant` only for a stage with variants.
    public struct StagePlan: Codable, Sendable, Equatable {
        public var variant: String?
        public var memoryMB: Int
        public var batchSize: Int
        public var replicas: Int
        public var cores: Double
        /// USD per hour of the stage's replicas (for tables; not encoded).
        public var costPerHourUSD: Double = 0

        enum CodingKeys: String, CodingKey { case variant, memoryMB = "memory_mb", batchSize = "batch_size", replicas, cores }
    }

    public struct Predicted: Codable, Sendable, Equatable {
        public var latencyMs: Double
        public var costPerHourUSD: Double
        public var accuracy: Double

        enum CodingKeys: String, CodingKey { case latencyMs = "latency_ms", costPerHourUSD = "cost_per_hour_usd", accuracy }
    }

    /// Refuses a simulator other than `trimtabsim` and `queueing`.
    public static func checkSimulator(_ name: String?) throws(TrimtabError) {
        guard let name else { return }
        guard ["trimtabsim", "queueing"].contains(name) else {
            throw TrimtabError(field: "--simulator", "'\(name)' is not trimtabsim or queueing")
        }
    }

    /// A duration in seconds: `10s` or `10`, at most `maxSeconds`.
    public static func seconds(_ text: String, field: String) throws(TrimtabError) -> Double {
        let t = text.trimmingCharacters(in: .whitespaces)
        let number = t.hasSuffix("s") ? String(t.dropLast()) : t
        guard let v = Double(number), v.isFinite, v >= 0 else {
            throw TrimtabError(field: field, "'\(text)' is not a duration in seconds (such as 10s)")
        }
        guard v <= maxSeconds else {
            throw TrimtabError(field: field, "'\(text)' is more than \(JSONValue.format(maxSeconds)) s, the longest accepted")
        }
        return v
    }

    /// What both uses check first: the pipeline, the SLO, the headroom and the replica limit.
    struct Setting {
        var workflow: Workflow
        var pipeline: KubernetesPipeline
        var sloMs: Double
        /// The planner's percentile (a probability), nil for the mean.
        var percentile: Double?
        var headroom: Double
        var maxReplicas: Int
    }

    static func setting(_ r: Request) throws(TrimtabError) -> Setting {
        try checkSimulator(r.simulator)
        let workflow = try r.workflow.parse()
        let pipeline: KubernetesPipeline
        do { pipeline = try KubernetesPipeline(workflow) } catch { throw error.inFile(r.workflow.label) }
        if let given = r.sloMs {
            guard given.isFinite, given > 0 else { throw TrimtabError(field: "--slo-ms", "\(given) must be a positive number of ms") }
            guard given <= WorkflowParser.maxLatencyMs else { throw TrimtabError(field: "--slo-ms", WorkflowParser.latencyLimitMessage(given)) }
        }
        guard let slo = r.sloMs ?? workflow.goal?.bounds.maxLatencyMs, slo.isFinite, slo > 0 else {
            throw TrimtabError(field: "--slo-ms", "give the latency SLO (or a goal with subject_to.latency_ms in \(r.workflow.label))")
        }
        let headroom = try Headroom.check(r.headroom ?? 1.5, field: "--headroom")
        let maxReplicas = r.maxReplicas ?? 32
        guard maxReplicas >= 1 else { throw TrimtabError(field: "--max-replicas", "\(maxReplicas) must be at least 1") }
        guard maxReplicas <= maxReplicasLimit else {
            throw TrimtabError(field: "--max-replicas", "\(maxReplicas) is more than \(maxReplicasLimit), the most replicas per stage accepted")
        }
        if let share = r.sloShare, !(share.isFinite && share > 0 && share <= 1) {
            throw TrimtabError(field: "--slo-share", "\(share) is not in (0, 1]")
        }
        if let p = r.sloPercentile, !(p >= 50 && p < 100) {
            throw TrimtabError(field: "--slo-percentile", "\(p) is not a percentile in [50, 100) (e.g. 99 for p99)")
        }
        return Setting(workflow: workflow, pipeline: pipeline, sloMs: slo, percentile: r.sloPercentile.map { $0 / 100 }, headroom: headroom,
                       maxReplicas: maxReplicas)
    }

    static func objective(_ r: Request) throws(TrimtabError) -> PipelineObjective {
        let name = r.objective ?? "weighted"
        switch name {
        case "weighted":
            let alpha = r.alpha ?? 3, beta = r.beta ?? 1, gamma = r.gamma ?? 0.0001
            for (flag, v) in [("--alpha", alpha), ("--beta", beta), ("--gamma", gamma)] where !(v.isFinite && v >= 0) {
                throw TrimtabError(field: flag, "\(v) must be a non-negative number")
            }
            return .weighted(alpha: alpha, beta: beta, gamma: gamma)
        case "accuracy": return .accuracyThenCost
        case "cost": return .costThenAccuracy
        default: throw TrimtabError(field: "--objective", "'\(name)' is not an objective (expected weighted, accuracy or cost)")
        }
    }

    static func windows(_ texts: [String], traceSeconds: Int) throws(TrimtabError) -> [Range<Int>] {
        guard !texts.isEmpty else { throw TrimtabError(field: "--window", "give at least one window A-B (trace seconds)") }
        return try texts.map { text throws(TrimtabError) -> Range<Int> in
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

    /// One plan for `planLoad` requests/s with the exact (or exhaustive) pipeline planner.
    /// - Complexity: that of `PipelinePlanner.plan` (exponential in the stages for `exhaustive`).
    public static func planOnce(_ request: Request) throws(TrimtabError) -> PlanResult {
        let s = try setting(request)
        let load = request.planLoad ?? 0
        guard load.isFinite, load >= 0 else { throw TrimtabError(field: "--plan-load", "\(load) must be a non-negative rate") }
        guard load <= maxLoadRps else {
            throw TrimtabError(field: "--plan-load", "\(load) requests/s is more than \(JSONValue.format(maxLoadRps)), the largest load accepted")
        }
        let share = request.sloShare ?? 1
        let plan = PipelinePlanRequest(loadRps: load, sloMs: s.sloMs * share, percentile: s.percentile, headroom: s.headroom, maxReplicas: s.maxReplicas,
                                       objective: try objective(request))
        let solver = request.solver ?? "exact"
        let found: PipelinePlan?
        switch solver {
        case "exact": found = PipelinePlanner().plan(s.pipeline, plan)
        case "exhaustive": found = BruteForcePipelinePlanner().plan(s.pipeline, plan)
        default: throw TrimtabError(field: "--solver", "'\(solver)' is not a solver (expected exact or exhaustive)")
        }
        var result = PlanResult(status: found == nil ? "infeasible" : "optimal", solver: solver)
        if let found {
            result.configuration = StageMap(found.settings.enumerated().map { k, setting in
                let stage = s.pipeline.stage(k)
                return (stage.name, StagePlan(variant: stage.hasVariants ? stage.variants[setting.variant].name : nil,
                                              memoryMB: setting.millicores, batchSize: setting.batchSize, replicas: setting.replicas,
                                              cores: Double(setting.millicores) / 1000,
                                              costPerHourUSD: s.pipeline.costPerHour(replicas: setting.replicas, millicores: setting.millicores)))
            })
            result.predicted = Predicted(latencyMs: found.latencyMs, costPerHourUSD: found.costPerHour, accuracy: found.accuracy)
        }
        result.workflowName = s.workflow.name
        result.loadRps = load
        result.headroom = s.headroom
        result.latencyBoundMs = s.sloMs * share
        result.objective = request.objective ?? "weighted"
        result.maxReplicas = s.maxReplicas
        return result
    }

    /// Replays the trace's windows under the adaptive policy (and the baselines).
    /// - Complexity: O(R log R + I · P) per policy for R requests, I intervals and re-plan cost P.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let s = try setting(request)
        guard let trace = request.trace else { throw TrimtabError(field: "--trace", "give the trace to replay (or --plan-load to plan once)") }
        let interval = request.interval ?? "10s"
        let intervalSeconds = Int(try seconds(interval, field: "--interval"))
        guard intervalSeconds >= 1 else { throw TrimtabError(field: "--interval", "must be at least 1s") }
        let delay = try seconds(request.startupDelay ?? "5s", field: "--startup-delay")
        let history = request.history ?? 120, bin = request.bin ?? 10
        let window = try ForecastWindow(historySeconds: history, binSeconds: bin, horizonSeconds: request.horizon ?? 20)
        let load = try trace.load(scale: request.scale ?? 1)
        let ranges = try windows(request.windows, traceSeconds: load.count)
        guard let first = ranges.first, first.lowerBound >= history else {
            throw TrimtabError(field: "--window", "the first window must start at least --history (\(history) s) into the trace")
        }
        // Replayed series: the history before the first window, then the windows back to back.
        var series = Array(load[(first.lowerBound - history)..<first.lowerBound])
        var origins: [(index: Int, second: Int)] = [(0, first.lowerBound - history)]
        var replayed = 0
        for r in ranges {
            if r.lowerBound != first.lowerBound { origins.append((series.count, r.lowerBound)) }
            series += load[r]
            replayed += r.count
        }
        let traceSecond = { (i: Int) -> Int in
            let o = origins.last { $0.index <= i } ?? (0, 0)
            return o.second + (i - o.index)
        }

        var forecaster = try ForecasterCatalog.named(request.predictor ?? "movmax", window: window)
        var until = first.lowerBound
        if let trainUntil = request.trainUntil { until = try ForecastOperation.second(trainUntil, traceSeconds: load.count) }
        let trainBins = LoadTrace(perSecond: Array(load[0..<min(until, load.count)])).binMaxima(binSeconds: bin)
        guard trainBins.count >= window.historyBins + window.horizonBins else {
            throw TrimtabError(field: "--train-until", "\(until) leaves too little training data")
        }
        forecaster.train(on: trainBins)

        let plan = PipelinePlanRequest(loadRps: 0, sloMs: s.sloMs, percentile: s.percentile, headroom: s.headroom, maxReplicas: s.maxReplicas,
                                       objective: try objective(request))
        let share = request.sloShare ?? 1
        let seed = request.seed ?? 1
        var replay = AdaptiveReplay(pipeline: s.pipeline, window: window, intervalSeconds: intervalSeconds,
                                    startupDelaySeconds: delay, request: plan, seed: seed)
        replay.drainBacklog = request.backlog ?? true
        replay.planningShare = share
        var policies: [AdaptiveReplay.Policy] = [.adaptive(forecaster)]
        var notes: [String] = []
        if request.baselines ?? false {
            let peak = ranges.map { load[$0].max() ?? 0 }.max() ?? 0
            for (name, objective) in [("static cheapest", PipelineObjective.costThenAccuracy), ("static most accurate", .accuracyThenCost)] {
                var r = plan
                r.loadRps = peak
                r.sloMs = s.sloMs * share
                r.objective = objective
                if let fixed = PipelinePlanner().plan(s.pipeline, r) {
                    policies.append(.fixed(name, fixed, loadRps: peak))
                } else {
                    notes.append("\(name): nothing meets the SLO at the peak \(JSONValue.format(peak)) rps")
                }
            }
        }
        let simulator = request.simulator ?? "trimtabsim"
        var runs: [Run] = []
        for policy in policies {
            let (summary, records): (AdaptiveReplay.Summary, [AdaptiveReplay.IntervalRecord])
            if simulator == "queueing" {
                let sim = QueueingPipelineSimulation(pipeline: s.pipeline, startupDelaySeconds: delay)
                (summary, records) = try replay.run(load: series, warmup: history, policy: policy, simulation: sim, traceSecond: traceSecond)
            } else {
                let sim = SimulatorPipelineSimulation(pipeline: s.pipeline, startupDelaySeconds: delay, seed: seed)
                (summary, records) = try replay.run(load: series, warmup: history, policy: policy, simulation: sim, traceSecond: traceSecond)
            }
            runs.append(Run(policy: summary.policy, requests: summary.requests, sloMisses: summary.sloMisses, missShare: summary.missShare,
                            p99Ms: summary.p99Ms, costUSD: summary.costUSD, meanAccuracy: summary.meanAccuracy, replans: summary.replans,
                            meanReplanMs: summary.meanReplanMs,
                            intervals: records.map { r in
                                Interval(startS: r.start, loadMeanRps: r.meanLoad, loadPeakRps: r.peakLoad, forecastRps: r.forecast,
                                         plannedRps: r.plannedLoad, configuration: describe(r.settings, s.pipeline), planned: r.planned,
                                         requests: r.requests, p99Ms: r.p99Ms, sloMisses: r.sloMisses, costUSD: r.costUSD,
                                         meanAccuracy: r.meanAccuracy)
                            }))
        }
        return Result(sloMs: s.sloMs, simulator: simulator, windows: ranges.map { [$0.lowerBound, $0.upperBound] }, runs: runs,
                      workflowName: s.workflow.name, intervalSeconds: intervalSeconds, startupDelaySeconds: delay,
                      replayedSeconds: replayed, notes: notes)
    }

    /// `stage=variant bB Mm xR | …` (the variant only for a stage with variants).
    public static func describe(_ settings: [PipelineStageSetting], _ pipeline: KubernetesPipeline) -> String {
        settings.enumerated().map { k, s in
            let stage = pipeline.stage(k)
            let variant = stage.hasVariants ? stage.variants[s.variant].name + " " : ""
            return "\(stage.name)=\(variant)b\(s.batchSize) \(s.millicores)m x\(s.replicas)"
        }.joined(separator: " | ")
    }
}
