import ArgumentParser
import Foundation
import TrimtabBatch
import TrimtabKit
import TrimtabModel

/// `trimtab batch`: memory size, maximum batch size and timeout of one batching function,
/// optimal over a grid under Poisson or MAP arrivals (each batch on its own instance).
struct BatchCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Choose memory, batch size and timeout for one function (each batch on its own instance).",
        discussion: """
        Service times come from a workflow stage's latency_ms_by_batch (FILE --stage
        NAME) or from an MBS table (--mbs-table PATH --size-class K). Every
        configuration of the grid (every memory size, every B, every timeout) is
        evaluated with the analytic model, so the answer is the exact optimum over
        the grid. With --loads PATH (MBS requests_and_loads) and --max-buffers N,
        requests are split by size into 1…N buffers of equal load; each buffer is
        optimised and the cheapest count is reported. The model takes a trace: as
        Poisson at the trace's mean rate (its burstiness is not modelled; replay
        the trace itself with trimtab simulate).

        \(ArrivalsHelp.discussion)

        Example:
          trimtab batch examples/speech-batching.yaml --stage transcribe \\
            --arrivals poisson:50
        """)

    @Argument(help: "A workflow file whose stage has latency_ms_by_batch.")
    var file: String?
    @Option(help: "The stage of FILE to batch.")
    var stage: String?
    @Option(help: "The variant of the stage (when it has variants).")
    var variant: String?
    @Option(name: .customLong("mbs-table"), help: "An MBS service-time table (service_time[memory][class][batch-1], ms).")
    var mbsTable: String?
    @Option(name: .customLong("size-class"), help: "The request-size class of the MBS table (0-based).")
    var sizeClass: Int?
    @Option(name: .customLong("loads"), help: "MBS requests_and_loads file: class load shares, for several buffers.")
    var loads: String?
    @Option(name: .customLong("max-buffers"), help: "Try 1…N buffers (with --loads; default 8).")
    var maxBuffers: Int = 8
    @Option(help: ArrivalsHelp.option)
    var arrivals: String
    @Option(help: "Objective: cost (default) or latency-p95.")
    var minimize: String = "cost"
    @Option(name: .customLong("max-latency-p95-ms"), help: "Bound on the 95th percentile of request latency (ms).")
    var maxLatencyP95Ms: Double?
    @Option(name: .customLong("max-cost-per-million"), help: "Bound on the cost of 1M requests (USD).")
    var maxCostPerMillion: Double?
    @Option(name: .customLong("timeouts-ms"), help: "Timeout grid: START:STOP:STEP or a comma list (default 10:1000:10 and 1100:3000:100).")
    var timeoutsMs: String?
    @Option(name: .customLong("max-batch-size"), help: "Largest B to consider (default: the table's largest).")
    var maxBatchSize: Int?
    @Option(name: .customLong("billing-granularity-ms"), help: "Billing step for an MBS table (default 1 ms; a workflow file has its own).")
    var billingGranularityMs: Double = 1
    @Option(help: "Output: table (for people) or json (for tools).")
    var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        let goal = try resolveGoal()
        let process = try ArrivalSpecification.parse(arrivals).markovianProcess()
        let timeouts = try parseTimeouts()
        try Self.checkWork(process, longestTimeoutMs: timeouts.last ?? 0)
        if let loads {
            return try planBuffers(loadsPath: loads, process: process, timeouts: timeouts, goal: goal)
        }
        let (service, platform, source) = try loadService()
        let batchSizes = Array(1...min(maxBatchSize ?? service.maxBatchSize, service.maxBatchSize))
        let grid = BatchGrid(memorySizes: service.memorySizes, batchSizes: batchSizes, timeoutsMs: timeouts)
        let evaluator = BatchGridEvaluator(process: process, grid: grid)
        let all = evaluator.evaluateAll(service: service, platform: platform)
        let plan = BatchGridEvaluator.select(all, goal: goal)
        let unbatched = BatchGridEvaluator.select(all.filter { $0.batchSize == 1 }, goal: goal)
        return render(plan, unbatched: unbatched, grid: grid, process: process, source: source, goal: goal)
    }

    // MARK: inputs

    func resolveGoal() throws(TrimtabError) -> BatchGoal {
        for (flag, value) in [("--max-latency-p95-ms", maxLatencyP95Ms), ("--max-cost-per-million", maxCostPerMillion)] {
            if let v = value, !(v.isFinite && v > 0) { throw TrimtabError(field: flag, "\(v) must be a positive number") }
        }
        switch minimize {
        case "cost":
            guard let bound = maxLatencyP95Ms else { throw TrimtabError(field: "--max-latency-p95-ms", "is required with --minimize cost") }
            return .minimizeCost(maxLatencyPercentileMs: bound)
        case "latency-p95":
            guard let bound = maxCostPerMillion else { throw TrimtabError(field: "--max-cost-per-million", "is required with --minimize latency-p95") }
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
                               "the longest timeout spans \(Int(expected)) expected arrival events (limit 20000); give shorter timeouts")
        }
    }

    func parseTimeouts() throws(TrimtabError) -> [Double] {
        guard let text = timeoutsMs else { return BatchGrid.defaultTimeoutsMs }
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

    func loadService() throws(TrimtabError) -> (any BatchServiceModel, Platform, String) {
        if let maxBatchSize, maxBatchSize < 1 { throw TrimtabError(field: "--max-batch-size", "\(maxBatchSize) must be at least 1") }
        switch (file, mbsTable) {
        case (let path?, nil):
            guard let stageName = stage else { throw TrimtabError(field: "--stage", "is required with a workflow file") }
            let workflow = try WorkflowParser.load(path: path)
            guard let s = workflow.stageIndex(named: stageName) else {
                throw TrimtabError(file: path, field: "--stage", "no stage '\(stageName)' (stages: \(workflow.stages.map(\.name).joined(separator: ", ")))")
            }
            let st = workflow.stages[s]
            var chosen = st.variants[0]
            if st.hasVariants {
                if let name = variant {
                    guard let v = st.variants.first(where: { $0.name == name }) else {
                        throw TrimtabError(file: path, field: "--variant", "stage '\(stageName)' has no variant '\(name)' (\(st.variants.map(\.name).joined(separator: ", ")))")
                    }
                    chosen = v
                } else if st.variants.count > 1 {
                    throw TrimtabError(field: "--variant", "stage '\(stageName)' has variants; name one (\(st.variants.map(\.name).joined(separator: ", ")))")
                }
            } else if let name = variant {
                throw TrimtabError(field: "--variant", "stage '\(stageName)' has no variants, but '\(name)' was given")
            }
            guard !chosen.batchLatency.isEmpty else {
                throw TrimtabError(file: path, field: "stages.\(stageName).latency_ms_by_batch", "is required to batch the stage")
            }
            return (StageServiceModel(variant: chosen), workflow.platform, "\(path) stage \(stageName)" + (st.hasVariants ? " (\(chosen.name))" : ""))
        case (nil, let path?):
            guard let k = sizeClass else { throw TrimtabError(field: "--size-class", "is required with --mbs-table") }
            let table = try MBSServiceTable.load(path: path)
            let platform = try platformForTable()
            return (try SizeClassServiceModel(table: table, sizeClass: k), platform, "MBS table, size class \(k)")
        case (.some, .some):
            throw TrimtabError(field: "--mbs-table", "give a workflow file or --mbs-table, not both")
        case (nil, nil):
            throw TrimtabError(field: "FILE", "give a workflow file with --stage, or --mbs-table with --size-class")
        }
    }

    func platformForTable() throws(TrimtabError) -> Platform {
        guard billingGranularityMs.isFinite, billingGranularityMs >= 0 else {
            throw TrimtabError(field: "--billing-granularity-ms", "\(billingGranularityMs) must not be negative")
        }
        return Platform(billingGranularityMs: billingGranularityMs)
    }

    // MARK: output

    static func describe(_ goal: BatchGoal) -> String {
        switch goal {
        case .minimizeCost(let b): return "minimize cost; latency p95 ≤ \(JSONValue.format(b)) ms"
        case .minimizeLatency(let c): return "minimize latency p95; cost ≤ \(JSONValue.format(c)) USD/1M"
        }
    }

    static func gridDescription(_ grid: BatchGrid) -> String {
        let t = grid.timeoutsMs
        return "\(grid.memorySizes.count) memory sizes (\(grid.memorySizes.first ?? 0)–\(grid.memorySizes.last ?? 0) MB) × B \(grid.batchSizes.first ?? 1)–\(grid.batchSizes.last ?? 1) × \(t.count) timeouts (\(JSONValue.format(t.first ?? 0))–\(JSONValue.format(t.last ?? 0)) ms) = \(grid.count) configurations, all evaluated"
    }

    static func predictedJSON(_ p: BatchPerformance) -> JSONValue {
        .object([("latency_p95_ms", .number(p.latencyPercentileMs)), ("cost_per_million_usd", .number(p.costPerMillion)),
                 ("mean_batch_size", .number(p.meanBatchSize)), ("mean_latency_ms", .number(p.meanLatencyMs)),
                 ("mean_wait_ms", .number(p.meanWaitMs))])
    }

    static func configurationJSON(_ p: BatchPerformance) -> [(String, JSONValue)] {
        [("memory_mb", .integer(p.memoryMB)), ("batch_size", .integer(p.batchSize)), ("batch_timeout_ms", .number(p.timeoutMs)),
         ("predicted", predictedJSON(p))]
    }

    static func row(_ p: BatchPerformance) -> [String] {
        [String(p.memoryMB), String(p.batchSize), JSONValue.format(p.timeoutMs), Render.fixed(p.latencyPercentileMs, 1),
         Render.fixed(p.costPerMillion, 4), Render.fixed(p.meanBatchSize, 3), Render.fixed(p.meanWaitMs, 1)]
    }

    static let header = ["memory_mb", "batch_size", "batch_timeout_ms", "latency_p95_ms", "cost_per_1M_usd", "mean_batch_size", "mean_wait_ms"]

    func render(_ plan: BatchPlan, unbatched: BatchPlan, grid: BatchGrid, process: MarkovianArrivalProcess, source: String,
                goal: BatchGoal) -> CommandResult {
        let status = plan.best == nil ? ExitStatus.infeasible : ExitStatus.success
        switch format {
        case .json:
            var fields: [(String, JSONValue)] = []
            if let best = plan.best {
                fields.append(("status", .string("optimal")))
                fields += Self.configurationJSON(best)
            } else {
                fields.append(("status", .string("infeasible")))
                if let c = plan.closest { fields.append(("closest", .object(Self.configurationJSON(c)))) }
            }
            if let u = unbatched.best { fields.append(("unbatched", .object(Self.configurationJSON(u)))) }
            fields.append(("arrival_rate_rps", .number(process.rate)))
            fields.append(("grid", .object([("memory_mb", .array(grid.memorySizes.map { .integer($0) })),
                                            ("batch_sizes", .array(grid.batchSizes.map { .integer($0) })),
                                            ("batch_timeouts_ms", .array(grid.timeoutsMs.map { .number($0) })),
                                            ("configurations", .integer(plan.evaluated)), ("feasible", .integer(plan.feasible))])))
            return CommandResult(stdout: JSONValue.object(fields).render() + "\n", status: status)
        case .table:
            var out = "batch: \(source) · arrivals \(process.label) (\(Render.fixed(process.rate, 2)) req/s) · \(Self.describe(goal))\n"
            out += "grid: \(Self.gridDescription(grid)); \(plan.feasible) feasible\n"
            guard let best = plan.best else {
                out += "status: infeasible — no configuration meets the bound\n"
                if let c = plan.closest { out += "closest:\n" + Render.table(Self.header, [Self.row(c)]) + "\n" }
                return CommandResult(stdout: out, status: status)
            }
            out += "status: optimal (exact over the grid)\n\n"
            var rows = [["batched"] + Self.row(best)]
            if let u = unbatched.best { rows.append(["no batching"] + Self.row(u)) }
            out += Render.table(["plan"] + Self.header, rows) + "\n"
            if let u = unbatched.best {
                out += "batching saves \(Render.fixed(u.costPerMillion / best.costPerMillion, 2))× in cost (\(Render.fixed(u.costPerMillion, 4)) → \(Render.fixed(best.costPerMillion, 4)) USD per 1M requests)\n"
            } else {
                out += "no batching (B = 1) cannot meet the bound\n"
            }
            return CommandResult(stdout: out, status: status)
        }
    }

    // MARK: several buffers

    func planBuffers(loadsPath: String, process: MarkovianArrivalProcess, timeouts: [Double], goal: BatchGoal) throws -> CommandResult {
        guard case .minimizeCost(let bound) = goal else {
            throw TrimtabError(field: "--loads", "several buffers are planned with --minimize cost only")
        }
        guard let tablePath = mbsTable, file == nil else { throw TrimtabError(field: "--loads", "needs --mbs-table (and no workflow file)") }
        guard (1...8).contains(maxBuffers) else { throw TrimtabError(field: "--max-buffers", "\(maxBuffers) is not in 1–8") }
        let table = try MBSServiceTable.load(path: tablePath)
        let classLoads = try BufferSplit.loadClassLoads(path: loadsPath)
        guard classLoads.count <= table.classCount else {
            throw TrimtabError(file: loadsPath, field: "1.requests", "names class \(classLoads.count - 1) but the table has \(table.classCount) classes")
        }
        let batchSizes = Array(1...min(maxBatchSize ?? table.maxBatchSize, table.maxBatchSize))
        let grid = BatchGrid(memorySizes: table.memorySizes, batchSizes: batchSizes, timeoutsMs: timeouts)
        let planner = BufferPlanner(process: process, table: table, classLoads: classLoads, grid: grid, platform: try platformForTable())
        let plans = try planner.plan(maxBuffers: maxBuffers, maxLatencyPercentileMs: bound)
        let best = plans.filter { $0.costPerMillion != nil }.min { ($0.costPerMillion ?? .infinity) < ($1.costPerMillion ?? .infinity) }
        let status = best == nil ? ExitStatus.infeasible : ExitStatus.success
        func classRange(_ c: BufferChoice) -> String {
            "\(c.classes.first?.sizeClass ?? 0)–\(c.classes.last?.sizeClass ?? 0)"
        }
        switch format {
        case .json:
            var fields: [(String, JSONValue)] = [("status", .string(best == nil ? "infeasible" : "optimal"))]
            if let best, let choices = best.choices {
                fields.append(("buffers", .integer(best.buffers)))
                fields.append(("cost_per_million_usd", .number(best.costPerMillion ?? .nan)))
                fields.append(("latency_p95_ms", .number(best.overallLatencyPercentileMs ?? .nan)))
                fields.append(("configuration", .array(choices.map { c in
                    .object([("classes", .array(c.classes.map { .integer($0.sizeClass) })), ("share", .number(c.share))] + Self.configurationJSON(c.performance))
                })))
            }
            fields.append(("by_count", .array(plans.map { p in
                .object([("buffers", .integer(p.buffers)), ("cost_per_million_usd", p.costPerMillion.map { .number($0) } ?? .null),
                         ("latency_p95_ms", p.overallLatencyPercentileMs.map { .number($0) } ?? .null)])
            })))
            return CommandResult(stdout: JSONValue.object(fields).render() + "\n", status: status)
        case .table:
            var out = "batch: MBS table, \(classLoads.count) size classes in 1–\(maxBuffers) buffers of equal load · arrivals \(process.label) (\(Render.fixed(process.rate, 2)) req/s) · \(Self.describe(goal)) in every buffer\n"
            out += "grid per buffer: \(Self.gridDescription(grid))\n\n"
            out += Render.table(["buffers", "cost_per_1M_usd", "latency_p95_ms (all requests)"], plans.map { p in
                [String(p.buffers), p.costPerMillion.map { Render.fixed($0, 4) } ?? "infeasible",
                 p.overallLatencyPercentileMs.map { Render.fixed($0, 1) } ?? "-"]
            }) + "\n"
            guard let best, let choices = best.choices else {
                out += "status: infeasible — no buffer count meets the bound in every buffer\n"
                return CommandResult(stdout: out, status: status)
            }
            out += "best: \(best.buffers) buffer\(best.buffers == 1 ? "" : "s")\n\n"
            out += Render.table(["classes", "share"] + Self.header, choices.map { c in
                [classRange(c), Render.fixed(c.share, 4)] + Self.row(c.performance)
            }) + "\n"
            return CommandResult(stdout: out, status: status)
        }
    }
}
