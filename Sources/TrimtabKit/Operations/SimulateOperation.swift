import Foundation
import TrimtabModel
import TrimtabSim
import TrimtabSolve

/// `simulate`: replays a workflow request by request under an arrival process (Poisson, a trace,
/// a MAP) in the discrete-event simulator: tail latency, cost, cold starts and instances.
public enum SimulateOperation {
    /// Most arrivals one simulation may replay (rate × duration; a trace's length for a trace):
    /// 10⁸ requests take the simulator tens of minutes; beyond it a run seems to hang.
    public static let maxExpectedArrivals = 1e8

    public struct Request: Codable, Sendable, Equatable {
        public var workflow: WorkflowSource
        /// The configuration to simulate; or `plan`.
        public var configuration: ConfigurationSource?
        /// Plan first with the file's goal (exact solver) and simulate that configuration.
        public var plan: Bool?
        /// `ArrivalSpecification`'s grammar (default: Poisson at the goal's `load_rps`).
        public var arrivals: String?
        /// Seconds of arrivals (default: the whole trace; 3600 for Poisson and MAP).
        public var duration: Double?
        public var seed: UInt64?
        /// `deterministic`, `exponential` or `lognormal:CV` for every stage.
        public var serviceTime: String?
        public var coldStartMs: Double?
        /// `serverless` or `kubernetes` (default: from the platform).
        public var mode: String?
        public var sloMs: Double?
        /// Record the per-second timeline (`Result.timeline`; not part of the JSON).
        public var timeline: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case workflow, configuration, plan, arrivals, duration, seed, serviceTime = "service_time"
            case coldStartMs = "cold_start_ms", mode, sloMs = "slo_ms", timeline
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(workflow: WorkflowSource, configuration: ConfigurationSource? = nil, plan: Bool? = nil, arrivals: String? = nil,
                    duration: Double? = nil, seed: UInt64? = nil, serviceTime: String? = nil, coldStartMs: Double? = nil,
                    mode: String? = nil, sloMs: Double? = nil, timeline: Bool? = nil) {
            self.workflow = workflow
            self.configuration = configuration
            self.plan = plan
            self.arrivals = arrivals
            self.duration = duration
            self.seed = seed
            self.serviceTime = serviceTime
            self.coldStartMs = coldStartMs
            self.mode = mode
            self.sloMs = sloMs
            self.timeline = timeline
        }
    }

    /// What `simulate --format json` has always printed (requests … stages), then the workflow's
    /// name, the seed and the arrivals simulated.
    public struct Result: OperationResult {
        /// Completed runs.
        public var requests: Int
        public var arrived: Int
        /// Runs a throttling stage failed.
        public var failed: Int
        public var latencyMs: Latency
        @ExplicitNull public var sloMs: Double?
        @ExplicitNull public var shareOverSLO: Double?
        /// Per million completed runs (`null` when none completed).
        public var costPerMillionUSD: Double
        public var costUSD: Double
        public var coldStarts: Int
        /// `serverless` or `kubernetes`.
        public var mode: String
        public var simulatedSeconds: Double
        public var events: Int
        public var stages: [Stage]
        public var workflow: String
        public var seed: UInt64
        public var arrivals: String
        /// The latency distribution of completed runs: the latency at percentiles 1…99, 99.5, 99.9.
        public var latencyCDF: [CDFPoint] = []
        /// Per-second arrivals, completions, latency p95 and instances, when the request asked
        /// for them (the CLI writes them as CSV instead of printing them).
        public var timeline: [TimelineSecond]? = nil

        enum CodingKeys: String, CodingKey {
            case requests, arrived, failed, latencyMs = "latency_ms", sloMs = "slo_ms", shareOverSLO = "share_over_slo"
            case costPerMillionUSD = "cost_per_million_usd", costUSD = "cost_usd", coldStarts = "cold_starts", mode
            case simulatedSeconds = "simulated_seconds", events, stages, workflow, seed, arrivals
            case latencyCDF = "latency_cdf", timeline
        }
    }

    /// A point of the latency distribution: `percentile` % of completed runs took at most `latency_ms`.
    public struct CDFPoint: Codable, Sendable, Equatable {
        public var percentile: Double
        public var latencyMs: Double
        enum CodingKeys: String, CodingKey { case percentile, latencyMs = "latency_ms" }
    }

    /// One second of a simulation.
    public struct TimelineSecond: Codable, Sendable, Equatable {
        public var second: Int
        public var arrivals: Int
        public var completions: Int
        /// p95 of the runs completing in this second (ms); `null` when none did.
        @ExplicitNull public var latencyP95Ms: Double?
        /// Instances (serverless: warm or busy) or replicas (Kubernetes) at the end of the second.
        public var instances: Int
        enum CodingKeys: String, CodingKey {
            case second, arrivals, completions, latencyP95Ms = "latency_p95_ms", instances
        }
    }

    /// Latency of completed runs (ms).
    public struct Latency: Codable, Sendable, Equatable {
        public var mean: Double
        public var p50: Double
        public var p95: Double
        public var p99: Double
        public var max: Double
    }

    public struct Stage: Codable, Sendable, Equatable {
        public var name: String
        public var invocations: Int
        public var coldStarts: Int
        public var throttled: Int
        public var peakInstances: Int
        /// Busy instance-time over the instance-time that existed.
        public var utilisation: Double
        public var meanWaitMs: Double
        /// `null` when the stage never ran.
        public var meanBatchSize: Double

        enum CodingKeys: String, CodingKey {
            case name, invocations, coldStarts = "cold_starts", throttled, peakInstances = "peak_instances", utilisation
            case meanWaitMs = "mean_wait_ms", meanBatchSize = "mean_batch_size"
        }
    }

    /// Simulates the request. An infeasible goal with `plan` throws `.infeasible` (nothing to simulate).
    /// - Complexity: O(E log E) in the events E simulated (about the arrivals × the stages each
    ///   run visits), plus the exact solver's with `plan`.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        var options = try simulationOptions(request)
        let model = try request.workflow.load()
        guard let arrivalText = request.arrivals ?? model.workflow.goal?.loadRps.map({ "poisson:\($0)" }) else {
            throw TrimtabError(field: "--arrivals", "is required (or load_rps in the file's goal)")
        }
        let arrivalProcess = try ArrivalSpecification.arrivalProcess(arrivalText)
        let configuration: Configuration
        switch (request.configuration, request.plan ?? false) {
        case (let source?, false):
            configuration = try source.load()
            do { try Simulator.check(configuration, fits: model) } catch { throw error.inFile(source.file ?? "configuration") }
        case (nil, true):
            guard let goal = model.workflow.goal else {
                throw TrimtabError(file: request.workflow.label, field: "goal", "--plan needs a goal in the file")
            }
            let result = try ExactSolver().solve(model, goal: goal)
            guard let indices = result.optionIndices, result.status != .infeasible else {
                throw TrimtabError(code: .infeasible, file: request.workflow.label, field: "goal",
                                   "no configuration meets the bounds; nothing to simulate")
            }
            configuration = model.configuration(optionIndices: indices)
        case (.some, true):
            throw TrimtabError(field: "--config", "give --config or --plan, not both")
        case (nil, false):
            throw TrimtabError(field: "--config", "is required (or --plan)")
        }
        if options.duration == nil, !(arrivalProcess is TraceArrivals || arrivalProcess is TimestampArrivals) {
            options.duration = 3600
        }
        // A trace ends by itself (its total is bounded when it is read); a rate goes on for the duration.
        if !(arrivalProcess is TraceArrivals || arrivalProcess is TimestampArrivals), let duration = options.duration {
            let expected = arrivalProcess.meanRate * duration
            guard expected <= maxExpectedArrivals else {
                throw TrimtabError(field: "--arrivals", "rate × duration must be at most \(JSONValue.format(maxExpectedArrivals)) requests (\(JSONValue.format(arrivalProcess.meanRate, nonFinite: true)) requests/s for \(JSONValue.format(duration, nonFinite: true)) s is \(JSONValue.format(expected, nonFinite: true)))")
            }
        }
        var simulator: Simulator
        do {
            simulator = try Simulator(workflow: model.workflow, configuration: configuration, arrivals: arrivalProcess, options: options)
        } catch {
            throw error.inFile(request.configuration?.file ?? request.workflow.label)
        }
        let r = simulator.runToCompletion()
        let l = r.latency
        return Result(
            requests: r.completed, arrived: r.arrived, failed: r.failed,
            latencyMs: Latency(mean: l.mean, p50: l.p50, p95: l.p95, p99: l.p99, max: l.max),
            sloMs: r.sloMs, shareOverSLO: l.shareOverSLO, costPerMillionUSD: r.costPerMillion, costUSD: r.costUSD,
            coldStarts: r.coldStarts, mode: r.mode.rawValue, simulatedSeconds: r.simulatedSeconds, events: r.events,
            stages: r.stages.map { s in
                Stage(name: s.name, invocations: s.invocations, coldStarts: s.coldStarts, throttled: s.throttled,
                      peakInstances: s.peakInstances, utilisation: s.utilisation, meanWaitMs: s.meanWaitMs, meanBatchSize: s.meanBatchSize)
            },
            workflow: model.workflow.name, seed: options.seed, arrivals: arrivalText,
            latencyCDF: l.cdf.isEmpty ? [] : zip(LatencySummary.cdfPercentiles, l.cdf).map { CDFPoint(percentile: $0, latencyMs: $1) },
            timeline: request.timeline ?? false ? simulator.timeline.map {
                TimelineSecond(second: $0.second, arrivals: $0.arrivals, completions: $0.completions,
                               latencyP95Ms: $0.latencyP95Ms.isFinite ? $0.latencyP95Ms : nil, instances: $0.instances)
            } : nil)
    }

    /// The simulator's options from the request, each checked; files the workflow names (empirical
    /// samples) are read relative to the workflow file.
    static func simulationOptions(_ request: Request) throws(TrimtabError) -> SimulationOptions {
        var base: String? = nil
        if case .file(let path) = request.workflow { base = URL(fileURLWithPath: path).deletingLastPathComponent().path }
        var o = SimulationOptions(seed: request.seed ?? 1, recordTimeline: request.timeline ?? false, baseDirectory: base)
        if let d = request.duration {
            guard d.isFinite, d > 0 else { throw TrimtabError(field: "--duration", "\(d) must be a positive number of seconds") }
            o.duration = d
        }
        if let text = request.serviceTime {
            guard let spec = ServiceTimeSpec.parse(text) else { throw TrimtabError(field: "--service-time", ServiceTimeSpec.problem(text)) }
            o.serviceTime = spec
        }
        if let c = request.coldStartMs {
            guard c.isFinite, c >= 0 else { throw TrimtabError(field: "--cold-start-ms", "\(c) must be a non-negative number of ms") }
            guard c <= WorkflowParser.maxLatencyMs else { throw TrimtabError(field: "--cold-start-ms", WorkflowParser.latencyLimitMessage(c)) }
            o.coldStartMs = c
        }
        if let m = request.mode {
            guard let parsed = SimulationOptions.Mode(rawValue: m) else {
                throw TrimtabError(field: "--mode", "'\(m)' is not serverless or kubernetes")
            }
            o.mode = parsed
        }
        if let s = request.sloMs {
            guard s.isFinite, s > 0 else { throw TrimtabError(field: "--slo-ms", "\(s) must be a positive number of ms") }
            guard s <= WorkflowParser.maxLatencyMs else { throw TrimtabError(field: "--slo-ms", WorkflowParser.latencyLimitMessage(s)) }
            o.sloMs = s
        }
        return o
    }
}
