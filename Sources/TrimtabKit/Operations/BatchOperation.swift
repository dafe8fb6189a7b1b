import Foundation
import TrimtabBatch
import TrimtabModel

/// `batch`: memory size, maximum batch size and timeout of one batching function, optimal over a
/// grid under Poisson or MAP arrivals (each batch on its own instance); with MBS class loads,
/// the requests split by size into 1…N buffers and the cheapest count.
public enum BatchOperation {
    public struct Request: Codable, Sendable, Equatable {
        /// A workflow whose `stage` has `latency_ms_by_batch`; or `mbsTable`.
        public var workflow: WorkflowSource?
        public var stage: String?
        /// The stage's variant (when it has several).
        public var variant: String?
        /// Path of an MBS service-time table (`service_time[memory][class][batch-1]`, ms).
        public var mbsTable: String?
        /// The table's request-size class (0-based).
        public var sizeClass: Int?
        /// Path of MBS's `requests_and_loads` file: class loads, for several buffers.
        public var loads: String?
        /// Try 1…N buffers (default 8).
        public var maxBuffers: Int?
        /// `ArrivalSpecification`'s grammar (a trace as Poisson at its mean rate).
        public var arrivals: String
        /// `cost` (default) or `latency-p95`.
        public var minimize: String?
        public var maxLatencyP95Ms: Double?
        public var maxCostPerMillion: Double?
        /// `START:STOP:STEP` or a comma list (default 10:1000:10 and 1100:3000:100).
        public var timeoutsMs: String?
        public var maxBatchSize: Int?
        /// Billing step for an MBS table (default 1 ms; a workflow has its own).
        public var billingGranularityMs: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case workflow, stage, variant, mbsTable = "mbs_table", sizeClass = "size_class", loads, maxBuffers = "max_buffers"
            case arrivals, minimize, maxLatencyP95Ms = "max_latency_p95_ms", maxCostPerMillion = "max_cost_per_million"
            case timeoutsMs = "timeouts_ms", maxBatchSize = "max_batch_size", billingGranularityMs = "billing_granularity_ms"
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(workflow: WorkflowSource? = nil, stage: String? = nil, variant: String? = nil, mbsTable: String? = nil,
                    sizeClass: Int? = nil, loads: String? = nil, maxBuffers: Int? = nil, arrivals: String, minimize: String? = nil,
                    maxLatencyP95Ms: Double? = nil, maxCostPerMillion: Double? = nil, timeoutsMs: String? = nil,
                    maxBatchSize: Int? = nil, billingGranularityMs: Double? = nil) {
            self.workflow = workflow
            self.stage = stage
            self.variant = variant
            self.mbsTable = mbsTable
            self.sizeClass = sizeClass
            self.loads = loads
            self.maxBuffers = maxBuffers
            self.arrivals = arrivals
            self.minimize = minimize
            self.maxLatencyP95Ms = maxLatencyP95Ms
            self.maxCostPerMillion = maxCostPerMillion
            self.timeoutsMs = timeoutsMs
            self.maxBatchSize = maxBatchSize
            self.billingGranularityMs = billingGranularityMs
        }
    }

    /// One function: `status`, the best configuration's `memory_mb`, `batch_size`,
    /// `batch_timeout_ms` and `predicted` (or `closest`), `unbatched`, `arrival_rate_rps`, `grid`.
    /// Several buffers: `status`, `buffers`, `cost_per_million_usd`, `latency_p95_ms`,
    /// `configuration` (one per buffer), `by_count`. Then what tables print: the arrival rate and
    /// grid (for buffers), the arrivals' label, the goal, the source and the buffer set-up.
    public struct Result: OperationResult {
        /// `optimal` or `infeasible`.
        public var status: String
        public var buffers: Int?
        public var memoryMB: Int?
        public var batchSize: Int?
        public var batchTimeoutMs: Double?
        public var predicted: Predicted?
        public var closest: Choice?
        public var unbatched: Choice?
        public var costPerMillionUSD: Double?
        public var latencyP95Ms: Double?
        public var configuration: [Buffer]?
        public var byCount: [Count]?
        public var arrivalRateRps: Double
        public var grid: Grid
        /// The arrival process's label (`poisson:40`, a MAP's name).
        public var arrivals: String
        public var goal: Goal
        /// One function: where its service times come from (`FILE stage NAME`, `MBS table, size class K`).
        public var source: String?
        /// Several buffers: the size classes split and the most buffers tried.
        public var sizeClasses: Int?
        public var maxBuffers: Int?

        enum CodingKeys: String, CodingKey {
            case status, buffers, memoryMB = "memory_mb", batchSize = "batch_size", batchTimeoutMs = "batch_timeout_ms", predicted
            case closest, unbatched, costPerMillionUSD = "cost_per_million_usd", latencyP95Ms = "latency_p95_ms", configuration
            case byCount = "by_count", arrivalRateRps = "arrival_rate_rps", grid, arrivals, goal, source
            case sizeClasses = "size_classes", maxBuffers = "max_buffers"
        }

        public var outcome: TrimtabError.Code? { status == "infeasible" ? .infeasible : nil }
    }

    public struct Predicted: Codable, Sendable, Equatable {
        public var latencyP95Ms: Double
        public var costPerMillionUSD: Double
        public var meanBatchSize: Double
        public var meanLatencyMs: Double
        public var meanWaitMs: Double

        enum CodingKeys: String, CodingKey {
            case latencyP95Ms = "latency_p95_ms", costPerMillionUSD = "cost_per_million_usd", meanBatchSize = "mean_batch_size"
            case meanLatencyMs = "mean_latency_ms", meanWaitMs = "mean_wait_ms"
        }
    }

    /// A configuration and its prediction.
    public struct Choice: Codable, Sendable, Equatable {
        public var memoryMB: Int
        public var batchSize: Int
        public var batchTimeoutMs: Double
        public var predicted: Predicted

        enum CodingKeys: String, CodingKey {
            case memoryMB = "memory_mb", batchSize = "batch_size", batchTimeoutMs = "batch_timeout_ms", predicted
        }

        init(_ p: BatchPerformance) {
            memoryMB = p.memoryMB
            batchSize = p.batchSize
            batchTimeoutMs = p.timeoutMs
            predicted = Predicted(latencyP95Ms: p.latencyPercentileMs, costPerMillionUSD: p.costPerMillion, meanBatchSize: p.meanBatchSize,
                                  meanLatencyMs: p.meanLatencyMs, meanWaitMs: p.meanWaitMs)
        }
    }

    /// One buffer of several: its size classes, its share of the requests and its configuration.
    public struct Buffer: Codable, Sendable, Equatable {
        public var classes: [Int]
        public var share: Double
        public var memoryMB: Int
        public var batchSize: Int
        public var batchTimeoutMs: Double
        public var predicted: Predicted

        enum CodingKeys: String, CodingKey {
            case classes, share, memoryMB = "memory_mb", batchSize = "batch_size", batchTimeoutMs = "batch_timeout_ms", predicted
        }
    }

    /// The best plan with a given number of buffers (`null`s when some buffer cannot meet the bound).
    public struct Count: Codable, Sendable, Equatable {
        public var buffers: Int
        @ExplicitNull public var costPerMillionUSD: Double?
        @ExplicitNull public var latencyP95Ms: Double?

        enum CodingKeys: String, CodingKey { case buffers, costPerMillionUSD = "cost_per_million_usd", latencyP95Ms = "latency_p95_ms" }
    }

    /// The grid searched: every memory size × batch size × timeout.
    public struct Grid: Codable, Sendable, Equatable {
        public var memoryMB: [Int]
        public var batchSizes: [Int]
        public var batchTimeoutsMs: [Double]
        /// Configurations evaluated (per buffer with several).
        public var configurations: Int
        /// One function: how many meet the bound.
        public var feasible: Int?

        enum CodingKeys: String, CodingKey {
            case memoryMB = "memory_mb", batchSizes = "batch_sizes", batchTimeoutsMs = "batch_timeouts_ms", configurations, feasible
        }
    }

    /// The objective (`cost` or `latency-p95`) and its bound.
    public struct Goal: Codable, Sendable, Equatable {
        public var minimize: String
        public var maxLatencyP95Ms: Double?
        public var maxCostPerMillion: Double?

        enum CodingKeys: String, CodingKey {
            case minimize, maxLatencyP95Ms = "max_latency_p95_ms", maxCostPerMillion = "max_cost_per_million"
        }

        init(_ goal: BatchGoal) {
            switch goal {
            case .minimizeCost(let b): minimize = "cost"; maxLatencyP95Ms = b
            case .minimizeLatency(let c): minimize = "latency-p95"; maxCostPerMillion = c
            }
        }
    }

    /// Evaluates every configuration of the grid with the analytic model, so the answer is the
    /// exact optimum over the grid.
    /// - Complexity: O(M · B · T) grid points, each a uniformisation of about θ·T terms (θ the
    ///   largest phase rate, T the timeout; refused past 20,000); × the buffers tried with `loads`.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let goal = try batchGoal(request)
        _ = try billingGranularity(request)
        let process = try ArrivalSpecification.parse(request.arrivals).markovianProcess()
        let timeouts = try timeoutGrid(request.timeoutsMs)
        try checkWork(process, longestTimeoutMs: timeouts.last ?? 0)
        if let loads = request.loads {
            return try planBuffers(request, loadsPath: loads, process: process, timeouts: timeouts, goal: goal)
        }
        let (service, platform, source) = try loadService(request)
        let batchSizes = Array(1...min(request.maxBatchSize ?? service.maxBatchSize, service.maxBatchSize))
        let grid = BatchGrid(memorySizes: service.memorySizes, batchSizes: batchSizes, timeoutsMs: timeouts)
        let all = BatchGridEvaluator(process: process, grid: grid).evaluateAll(service: service, platform: platform)
        let plan = BatchGridEvaluator.select(all, goal: goal)
        let unbatched = BatchGridEvaluator.select(all.filter { $0.batchSize == 1 }, goal: goal)
        var result = Result(status: plan.best == nil ? "infeasible" : "optimal", arrivalRateRps: process.rate,
                            grid: Grid(memoryMB: grid.memorySizes, batchSizes: grid.batchSizes, batchTimeoutsMs: grid.timeoutsMs,
                                       configurations: plan.evaluated, feasible: plan.feasible),
                            arrivals: process.label, goal: Goal(goal), source: source)
        if let best = plan.best {
            let c = Choice(best)
            result.memoryMB = c.memoryMB
            result.batchSize = c.batchSize
            result.batchTimeoutMs = c.batchTimeoutMs
            result.predicted = c.predicted
        } else {
            result.closest = plan.closest.map(Choice.init)
        }
        result.unbatched = unbatched.best.map(Choice.init)
        return result
    }

    static func batchGoal(_ r: Request) throws(TrimtabError) -> BatchGoal {
        for (flag, value) in [("--max-latency-p95-ms", r.maxLatencyP95Ms), ("--max-cost-per-million", r.maxCostPerMillion)] {
            if let v = value, !(v.isFinite && v > 0) { throw TrimtabError(field: flag, "\(v) must be a positive number") }
        }
        let minimize = r.minimize ?? "cost"
        switch minimize {
        case "cost":
            guard let bound = r.maxLatencyP95Ms else { throw TrimtabError(field: "--max-latency-p95-ms", "is required with --minimize cost") }
            return .minimizeCost(maxLatencyPercentileMs: bound)
        case "latency-p95":
            guard let bound = r.maxCostPerMillion else { throw TrimtabError(field: "--max-cost-per-million", "is required with --minimize latency-p95") }
            return .minimizeLatency(maxCostPerMillion: bound)
        default:
            throw TrimtabError(field: "--minimize", "'\(minimize)' is not an objective (expected cost or latency-p95)")
        }
    }

    /// The uniformization needs about θ·T terms per grid point (θ the largest phase rate): refuse
    /// grids that would take minutes rather than answer slowly.
    static func checkWork(_ process: MarkovianArrivalProcess, longestTimeoutMs: Double) throws(TrimtabError) {
        let theta = (0..<process.phases).map { -process.d0[$0 * process.phases + $0] }.max() ?? 0
        let expected = theta * longestTimeoutMs / 1000
        guard expected <= 20_000 else {
            throw TrimtabError(code: .unsupported, field: "--timeouts-ms",
                               "the longest timeout spans \(JSONValue.format(expected.rounded(.down), nonFinite: true)) expected arrival events (limit 20000); give shorter timeouts or a lower --arrivals rate")
        }
    }

    /// The timeouts of `START:STOP:STEP` or a comma list, sorted and distinct.
    static func timeoutGrid(_ text: String?) throws(TrimtabError) -> [Double] {
        guard let text else { return BatchGrid.defaultTimeoutsMs }
        let bad = TrimtabError(field: "--timeouts-ms", "'\(text)' is not START:STOP:STEP or a comma list of positive ms")
        var values: [Double] = []
        if text.contains(":") {
            let parts = text.split(separator: ":").map { Double($0) }
            guard parts.count == 3, let a = parts[0], let b = parts[1], let s = parts[2], a > 0, b >= a, s > 0,
                  (b - a) / s < 10_000 else { throw bad }
            values = stride(from: a, through: b + s * 1e-9, by: s).map { $0 }
        } else {
            for part in text.split(separator: ",") {
                guard let v = Double(part.trimmingCharacters(in: .whitespaces)), v.isFinite, v > 0 else { throw bad }
                values.append(v)
            }
        }
        guard !values.isEmpty, values.allSatisfy({ $0 <= 600_000 }) else { throw bad }
        return Array(Set(values)).sorted()
    }

    static func loadService(_ r: Request) throws(TrimtabError) -> (any BatchServiceModel, Platform, String) {
        if let m = r.maxBatchSize, m < 1 { throw TrimtabError(field: "--max-batch-size", "\(m) must be at least 1") }
        switch (r.workflow, r.mbsTable) {
        case (let source?, nil):
            guard let stageName = r.stage else { throw TrimtabError(field: "--stage", "is required with a workflow file") }
            let path = source.label
            let workflow = try source.parse()
            guard let s = workflow.stageIndex(named: stageName) else {
                throw TrimtabError(file: path, field: "--stage", "no stage '\(stageName)' (stages: \(workflow.stages.map(\.name).joined(separator: ", ")))")
            }
            let st = workflow.stages[s]
            var chosen = st.variants[0]
            if st.hasVariants {
                if let name = r.variant {
                    guard let v = st.variants.first(where: { $0.name == name }) else {
                        throw TrimtabError(file: path, field: "--variant", "stage '\(stageName)' has no variant '\(name)' (\(st.variants.map(\.name).joined(separator: ", ")))")
                    }
                    chosen = v
                } else if st.variants.count > 1 {
                    throw TrimtabError(field: "--variant", "stage '\(stageName)' has variants; name one (\(st.variants.map(\.name).joined(separator: ", ")))")
                }
            } else if let name = r.variant {
                throw TrimtabError(field: "--variant", "stage '\(stageName)' has no variants, but '\(name)' was given")
            }
            guard !chosen.batchLatency.isEmpty else {
                throw TrimtabError(file: path, field: "stages.\(stageName).latency_ms_by_batch", "is required to batch the stage")
            }
            return (StageServiceModel(variant: chosen), workflow.platform, "\(path) stage \(stageName)" + (st.hasVariants ? " (\(chosen.name))" : ""))
        case (nil, let path?):
            guard let k = r.sizeClass else { throw TrimtabError(field: "--size-class", "is required with --mbs-table") }
            let table = try MBSServiceTable.load(path: path)
            let platform = try tablePlatform(r)
            return (try SizeClassServiceModel(table: table, sizeClass: k), platform, "MBS table, size class \(k)")
        case (.some, .some):
            throw TrimtabError(field: "--mbs-table", "give a workflow file or --mbs-table, not both")
        case (nil, nil):
            throw TrimtabError(field: "FILE", "give a workflow file with --stage, or --mbs-table with --size-class")
        }
    }

    /// The platform of an MBS table: Lambda's prices, billed by `--billing-granularity-ms` (default 1).
    static func tablePlatform(_ r: Request) throws(TrimtabError) -> Platform {
        Platform(billingGranularityMs: try billingGranularity(r) ?? 1)
    }

    /// `--billing-granularity-ms`, checked: a number of ms in [0, `WorkflowParser.maxBillingGranularityMs`]
    /// (0: no rounding), and only with an MBS table (a workflow file bills by its own platform).
    static func billingGranularity(_ r: Request) throws(TrimtabError) -> Double? {
        guard let g = r.billingGranularityMs else { return nil }
        let limit = WorkflowParser.maxBillingGranularityMs
        guard g.isFinite, g >= 0, g <= limit else {
            throw TrimtabError(field: "--billing-granularity-ms", "\(JSONValue.format(g, nonFinite: true)) is not a number of ms in [0, \(JSONValue.format(limit))]")
        }
        if r.workflow != nil {
            throw TrimtabError(field: "--billing-granularity-ms", "applies to --mbs-table only; a workflow file bills by its platform.billing_granularity_ms")
        }
        return g
    }

    static func planBuffers(_ r: Request, loadsPath: String, process: MarkovianArrivalProcess, timeouts: [Double],
                            goal: BatchGoal) throws(TrimtabError) -> Result {
        guard case .minimizeCost(let bound) = goal else {
            throw TrimtabError(field: "--loads", "several buffers are planned with --minimize cost only")
        }
        guard let tablePath = r.mbsTable, r.workflow == nil else { throw TrimtabError(field: "--loads", "needs --mbs-table (and no workflow file)") }
        let maxBuffers = r.maxBuffers ?? 8
        guard (1...8).contains(maxBuffers) else { throw TrimtabError(field: "--max-buffers", "\(maxBuffers) is not in 1–8") }
        let table = try MBSServiceTable.load(path: tablePath)
        let classLoads = try BufferSplit.loadClassLoads(path: loadsPath)
        guard classLoads.count <= table.classCount else {
            throw TrimtabError(file: loadsPath, field: "1.requests", "names class \(classLoads.count - 1) but the table has \(table.classCount) classes")
        }
        let batchSizes = Array(1...min(r.maxBatchSize ?? table.maxBatchSize, table.maxBatchSize))
        let grid = BatchGrid(memorySizes: table.memorySizes, batchSizes: batchSizes, timeoutsMs: timeouts)
        let planner = BufferPlanner(process: process, table: table, classLoads: classLoads, grid: grid, platform: try tablePlatform(r))
        let plans = try planner.plan(maxBuffers: maxBuffers, maxLatencyPercentileMs: bound)
        let best = plans.filter { $0.costPerMillion != nil }.min { ($0.costPerMillion ?? .infinity) < ($1.costPerMillion ?? .infinity) }
        var result = Result(status: best == nil ? "infeasible" : "optimal", arrivalRateRps: process.rate,
                            grid: Grid(memoryMB: grid.memorySizes, batchSizes: grid.batchSizes, batchTimeoutsMs: grid.timeoutsMs,
                                       configurations: grid.count),
                            arrivals: process.label, goal: Goal(goal), sizeClasses: classLoads.count, maxBuffers: maxBuffers)
        if let best, let choices = best.choices {
            result.buffers = best.buffers
            result.costPerMillionUSD = best.costPerMillion ?? .nan
            result.latencyP95Ms = best.overallLatencyPercentileMs ?? .nan
            result.configuration = choices.map { c in
                let p = Choice(c.performance)
                return Buffer(classes: c.classes.map(\.sizeClass), share: c.share, memoryMB: p.memoryMB, batchSize: p.batchSize,
                              batchTimeoutMs: p.batchTimeoutMs, predicted: p.predicted)
            }
        }
        result.byCount = plans.map { Count(buffers: $0.buffers, costPerMillionUSD: $0.costPerMillion, latencyP95Ms: $0.overallLatencyPercentileMs) }
        return result
    }
}
