import ArgumentParser
import Foundation
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
    var billingGranularityMs: Double?
    @Option(help: "Output: table (for people) or json (for tools).")
    var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        let result = try BatchOperation.run(.init(
            workflow: file.map { .file($0) }, stage: stage, variant: variant, mbsTable: mbsTable, sizeClass: sizeClass, loads: loads,
            maxBuffers: maxBuffers, arrivals: arrivals, minimize: minimize, maxLatencyP95Ms: maxLatencyP95Ms,
            maxCostPerMillion: maxCostPerMillion, timeoutsMs: timeoutsMs, maxBatchSize: maxBatchSize,
            billingGranularityMs: billingGranularityMs))
        return try CommandResult(result, format: format) { result.byCount == nil ? Self.table(result) : Self.buffersTable(result) }
    }

    // MARK: output

    static func describe(_ goal: BatchOperation.Goal) -> String {
        if let b = goal.maxLatencyP95Ms { return "minimize cost; latency p95 ≤ \(JSONValue.format(b)) ms" }
        return "minimize latency p95; cost ≤ \(JSONValue.format(goal.maxCostPerMillion ?? .nan)) USD/1M"
    }

    static func gridDescription(_ grid: BatchOperation.Grid) -> String {
        let t = grid.batchTimeoutsMs
        let count = grid.memoryMB.count * grid.batchSizes.count * t.count
        return "\(grid.memoryMB.count) memory sizes (\(grid.memoryMB.first ?? 0)–\(grid.memoryMB.last ?? 0) MB) × B \(grid.batchSizes.first ?? 1)–\(grid.batchSizes.last ?? 1) × \(t.count) timeouts (\(JSONValue.format(t.first ?? 0))–\(JSONValue.format(t.last ?? 0)) ms) = \(count) configurations, all evaluated"
    }

    static func row(_ c: BatchOperation.Choice) -> [String] {
        row(memoryMB: c.memoryMB, batchSize: c.batchSize, timeoutMs: c.batchTimeoutMs, c.predicted)
    }

    static func row(memoryMB: Int, batchSize: Int, timeoutMs: Double, _ p: BatchOperation.Predicted) -> [String] {
        [String(memoryMB), String(batchSize), JSONValue.format(timeoutMs), Render.fixed(p.latencyP95Ms, 1),
         Render.fixed(p.costPerMillionUSD, 4), Render.fixed(p.meanBatchSize, 3), Render.fixed(p.meanWaitMs, 1)]
    }

    static let header = ["memory_mb", "batch_size", "batch_timeout_ms", "latency_p95_ms", "cost_per_1M_usd", "mean_batch_size", "mean_wait_ms"]

    static func table(_ r: BatchOperation.Result) -> String {
        var out = "batch: \(r.source ?? "") · arrivals \(r.arrivals) (\(Render.fixed(r.arrivalRateRps, 2)) req/s) · \(describe(r.goal))\n"
        out += "grid: \(gridDescription(r.grid)); \(r.grid.feasible ?? 0) feasible\n"
        guard let memoryMB = r.memoryMB, let batchSize = r.batchSize, let timeoutMs = r.batchTimeoutMs, let predicted = r.predicted else {
            out += "status: infeasible — no configuration meets the bound\n"
            if let c = r.closest { out += "closest:\n" + Render.table(header, [row(c)]) + "\n" }
            return out
        }
        out += "status: optimal (exact over the grid)\n\n"
        var rows = [["batched"] + row(memoryMB: memoryMB, batchSize: batchSize, timeoutMs: timeoutMs, predicted)]
        if let u = r.unbatched { rows.append(["no batching"] + row(u)) }
        out += Render.table(["plan"] + header, rows) + "\n"
        if let u = r.unbatched {
            let best = predicted.costPerMillionUSD, base = u.predicted.costPerMillionUSD
            out += "batching saves \(Render.fixed(base / best, 2))× in cost (\(Render.fixed(base, 4)) → \(Render.fixed(best, 4)) USD per 1M requests)\n"
        } else {
            out += "no batching (B = 1) cannot meet the bound\n"
        }
        return out
    }

    // MARK: several buffers

    static func buffersTable(_ r: BatchOperation.Result) -> String {
        let maxBuffers = r.maxBuffers ?? 0
        var out = "batch: MBS table, \(r.sizeClasses ?? 0) size classes in 1–\(maxBuffers) buffers of equal load · arrivals \(r.arrivals) (\(Render.fixed(r.arrivalRateRps, 2)) req/s) · \(describe(r.goal)) in every buffer\n"
        out += "grid per buffer: \(gridDescription(r.grid))\n\n"
        out += Render.table(["buffers", "cost_per_1M_usd", "latency_p95_ms (all requests)"], (r.byCount ?? []).map { p in
            [String(p.buffers), p.costPerMillionUSD.map { Render.fixed($0, 4) } ?? "infeasible",
             p.latencyP95Ms.map { Render.fixed($0, 1) } ?? "-"]
        }) + "\n"
        guard let buffers = r.buffers, let choices = r.configuration else {
            out += "status: infeasible — no buffer count meets the bound in every buffer\n"
            return out
        }
        out += "best: \(buffers) buffer\(buffers == 1 ? "" : "s")\n\n"
        out += Render.table(["classes", "share"] + header, choices.map { c in
            ["\(c.classes.first ?? 0)–\(c.classes.last ?? 0)", Render.fixed(c.share, 4)]
                + row(memoryMB: c.memoryMB, batchSize: c.batchSize, timeoutMs: c.batchTimeoutMs, c.predicted)
        }) + "\n"
        return out
    }
}
