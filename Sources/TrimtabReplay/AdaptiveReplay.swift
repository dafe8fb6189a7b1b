import TrimtabAdaptation
import TrimtabForecast
import TrimtabModel
import TrimtabSolve

/// The adaptive loop replayed on a trace: every interval, forecast the peak load of the next
/// horizon, re-plan the pipeline for it, and reconfigure the (simulated) cluster; or, for the static
/// baselines, keep one configuration throughout. Each interval is the live controller's step
/// (`AdaptiveStep`: forecast → plan → guardrails) with what the replay knows besides — where its
/// bins fall in the trace and the requests waiting in the simulated cluster.
public struct AdaptiveReplay: Sendable {
    /// How the configuration is chosen.
    public enum Policy: Sendable {
        /// Re-plan every interval for the forecast load.
        case adaptive(any Forecaster)
        /// One fixed configuration (a baseline), with its name and the load it was planned for.
        case fixed(String, PipelinePlan, loadRps: Double)

        public var name: String {
            switch self {
            case .adaptive(let f): return "adaptive (\(f.name))"
            case .fixed(let name, _, _): return name
            }
        }
    }

    public var pipeline: KubernetesPipeline
    public var window: ForecastWindow
    public var intervalSeconds: Int
    public var startupDelaySeconds: Double
    /// Template for every re-plan (its load is replaced by the forecast).
    public var request: PipelinePlanRequest
    /// Seed of the arrival times within each second.
    public var seed: UInt64
    /// Whether the loop adds the requests waiting in the pipeline (÷ interval) to the forecast.
    public var drainBacklog = true
    /// The share of the SLO the plan's predicted latency may use (the model predicts a mean; the SLO
    /// bounds every request).
    public var planningShare = 1.0
    /// The live controller's guardrails between plans (default: none, every plan applied at once).
    public var guardrails = Guardrails.none

    public init(pipeline: KubernetesPipeline, window: ForecastWindow = ForecastWindow(), intervalSeconds: Int = 10,
                startupDelaySeconds: Double = 5, request: PipelinePlanRequest, seed: UInt64 = 1) {
        self.pipeline = pipeline
        self.window = window
        self.intervalSeconds = intervalSeconds
        self.startupDelaySeconds = startupDelaySeconds
        self.request = request
        self.seed = seed
    }

    /// One interval of the replay.
    public struct IntervalRecord: Sendable {
        public var start: Int
        public var meanLoad: Double
        public var peakLoad: Double
        public var forecast: Double?
        /// The load the interval was planned for (forecast plus backlog; the peak for a baseline).
        public var plannedLoad: Double = 0
        public var settings: [PipelineStageSetting]
        /// Whether the planner found a plan meeting the SLO (else the highest-capacity fallback ran).
        public var planned: Bool
        public var requests = 0
        public var p99Ms = 0.0
        public var sloMisses = 0
        public var costUSD = 0.0
        public var meanAccuracy = 0.0
    }

    /// Totals of a replay.
    public struct Summary: Sendable {
        public var policy: String
        public var requests: Int
        public var sloMisses: Int
        public var p99Ms: Double
        public var costUSD: Double
        public var meanAccuracy: Double
        public var replans: Int
        public var meanReplanMs: Double
        public var missShare: Double { requests == 0 ? 0 : Double(sloMisses) / Double(requests) }
    }

    /// Replays `load` (requests per second; the first `warmup` seconds are history only) under
    /// `policy` on `simulation`. Requests are spread at seeded uniform times within their second;
    /// after the last interval the pipeline drains for up to 120 s (requests left count as misses).
    /// - Complexity: O(R log R + I · P) for R requests, I intervals and re-plan cost P.
    /// `traceSecond` maps an index of `load` to its second in the original trace (seasonal
    /// predictors place the season with it).
    public func run<S: PipelineSimulation>(load: [Double], warmup: Int, policy: Policy, simulation: S,
                                            traceSecond: (Int) -> Int = { $0 }) throws(TrimtabError) -> (summary: Summary, intervals: [IntervalRecord]) {
        var sim = simulation
        var rng = SeededGenerator(seed: seed)
        var records: [IntervalRecord] = []
        var replanTime = 0.0, replans = 0
        var start = warmup
        var planning = request
        planning.sloMs = request.sloMs * planningShare
        let planner = PipelineControlPlanner(pipeline: pipeline, request: planning)
        var running: [String: StageSetting] = [:]
        var lastChange: [String: Double] = [:]
        while start + intervalSeconds <= load.count {
            let seconds = load[start..<(start + intervalSeconds)]
            var record = IntervalRecord(start: start - warmup, meanLoad: seconds.reduce(0, +) / Double(seconds.count),
                                        peakLoad: seconds.max() ?? 0, forecast: nil, settings: [], planned: true)
            let t = Double(start - warmup)
            var settings: [PipelineStageSetting]
            var planLoad = 0.001
            switch policy {
            case .adaptive(let forecaster):
                // Plan for the forecast plus the backlog the cluster reports, drained within one interval.
                let step = AdaptiveStep(forecaster: forecaster, planner: planner, guardrails: guardrails)
                let decision = step.decide(.init(
                    recent: Self.recentBins(load, before: start, window: window),
                    lastBinIndex: traceSecond(start) / window.binSeconds - 1,
                    backlogRps: drainBacklog ? Double(sim.inFlight) / Double(intervalSeconds) : 0,
                    running: running, lastChange: lastChange, now: t))
                record.forecast = decision.forecast
                record.plannedLoad = decision.plannedLoad
                planLoad = max(decision.plannedLoad, 0.001)
                replanTime += decision.planMilliseconds
                replans += 1
                if let plan = decision.plan {
                    for change in decision.changes {
                        running[change.stage] = running[change.stage].map { $0.applying(change) } ?? change
                        lastChange[change.stage] = t
                    }
                    settings = planner.pipelineSettings(running) ?? plan.pipeline?.settings ?? []
                } else {
                    settings = Self.highestCapacity(pipeline, request: request)
                    record.planned = false
                    for s in planner.stageSettings(settings) where running[s.stage] != s {
                        running[s.stage] = s
                        lastChange[s.stage] = t
                    }
                }
            case .fixed(_, let p, let rate):
                settings = p.settings
                planLoad = max(rate, 0.001)
                record.plannedLoad = rate
            }
            record.settings = settings
            let timeouts = settings.map { StageLatencyModel.formingMs(batchSize: $0.batchSize, loadRps: planLoad) }
            let costBefore = sim.costUSD
            try sim.reconfigure(settings, batchTimeoutMs: timeouts, at: t)
            var arrivals: [Double] = []
            for (offset, count) in seconds.enumerated() {
                let second = t + Double(offset)
                var within = (0..<Int(count)).map { _ in Double(rng.next() % 1_000_000) / 1_000_000 }
                within.sort()
                arrivals += within.map { second + $0 }
            }
            sim.advance(arrivals: arrivals, to: t + Double(intervalSeconds))
            record.costUSD = sim.costUSD - costBefore
            records.append(record)
            start += intervalSeconds
        }
        let end = Double(records.count * intervalSeconds)
        var drainTo = end
        while sim.inFlight > 0 && drainTo < end + 120 {
            drainTo += 1
            sim.advance(arrivals: [], to: drainTo)
        }
        let done = sim.drainCompleted()
        let lost = sim.inFlight
        // Per-interval measurements, by arrival interval.
        var latencies = Array(repeating: [Double](), count: records.count)
        var accuracy = Array(repeating: 0.0, count: records.count)
        for r in done {
            let i = min(records.count - 1, max(0, Int(r.arrival) / intervalSeconds))
            latencies[i].append(r.latencyMs)
            accuracy[i] += r.accuracy
        }
        let slo = request.sloMs
        var all: [Double] = []
        var misses = lost, accuracySum = 0.0
        for i in records.indices {
            let l = latencies[i]
            records[i].requests = l.count
            records[i].sloMisses = l.filter { $0 > slo }.count
            records[i].p99Ms = Self.percentile(l, 0.99)
            records[i].meanAccuracy = l.isEmpty ? 0 : accuracy[i] / Double(l.count)
            misses += records[i].sloMisses
            accuracySum += accuracy[i]
            all += l
        }
        let summary = Summary(policy: policy.name, requests: all.count + lost, sloMisses: misses,
                              p99Ms: Self.percentile(all, 0.99), costUSD: sim.costUSD,
                              meanAccuracy: all.isEmpty ? 0 : accuracySum / Double(all.count),
                              replans: replans, meanReplanMs: replans == 0 ? 0 : replanTime / Double(replans))
        return (summary, records)
    }

    /// The per-bin maxima of the `history` seconds before `second` (fewer at the trace's start).
    static func recentBins(_ load: [Double], before second: Int, window: ForecastWindow) -> [Double] {
        let bins = window.historyBins, width = window.binSeconds
        return (0..<bins).compactMap { k -> Double? in
            let a = second - (bins - k) * width
            guard a >= 0 else { return nil }
            return load[a..<(a + width)].max()
        }
    }

    /// The nearest-rank percentile (0 for no values).
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// When nothing meets the SLO: every stage at its highest-throughput setting with the most replicas.
    static func highestCapacity(_ pipeline: KubernetesPipeline, request: PipelinePlanRequest) -> [PipelineStageSetting] {
        (0..<pipeline.stageCount).map { k in
            var best = PipelineStageSetting(variant: 0, batchSize: 1, millicores: 1000, replicas: request.maxReplicas)
            var bestThroughput = -1.0
            for (v, variant) in pipeline.stage(k).variants.enumerated() {
                for b in variant.batchSizes {
                    for point in variant.latency {
                        guard let s = variant.latencyMs(memoryMB: point.memoryMB, batchSize: b), s > 0 else { continue }
                        let throughput = 1000 * Double(b) / s
                        if throughput > bestThroughput {
                            bestThroughput = throughput
                            best = PipelineStageSetting(variant: v, batchSize: b, millicores: point.memoryMB, replicas: request.maxReplicas)
                        }
                    }
                }
            }
            return best
        }
    }
}
