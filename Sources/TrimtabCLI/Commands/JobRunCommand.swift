import ArgumentParser
import Foundation
import TrimtabJob
import TrimtabKit
import TrimtabModel

/// `trimtab job run`: run a planned job on this machine with a pool of worker processes.
struct JobRunCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job locally: a pool of worker processes with dynamic allocation, retries, speculation and --resume.",
        discussion: """
        Each worker is started once (`/bin/sh -c CMD`) and fed splits on stdin: the
        split's items, one per line, then an empty line. It answers one line per
        item, in order, on stdout. A worker that exits (or, with --split-timeout,
        stalls) fails its split, which is retried on a fresh worker up to
        --max-retries times. Results go to --output in item order; progress is kept
        in OUTPUT.progress until the job completes, so a failed or killed run can be
        continued with --resume. Exit status: 0 done, 1 a split kept failing, 2 bad
        input.

        Example:
          trimtab job run --plan plan.json --items-file items.txt \\
            --command 'python3 worker.py' -o results.txt
        """)

    @Option(help: "Plan file from `trimtab job plan -o` (memory_mb, split_size, workers, predicted).") var plan: String
    @Option(name: .customLong("items-file"), help: "Items file: one item per line. (--items is a count in the other job commands.)")
    var itemsFile: String?
    /// The flag's name before `--items-file`; kept so that old scripts run, with a note.
    @Option(name: .customLong("items"), help: .hidden) var legacyItems: String?
    @Option(help: "Worker command (run with /bin/sh -c).") var command: String
    @Option(name: [.customShort("o"), .customLong("output")], help: "Results file (default: ITEMS.results).") var output: String?
    @Option(name: .customLong("max-local-workers"), help: "Cap on worker processes (default: the number of CPUs).")
    var maxLocalWorkers: Int?
    @Option(name: .customLong("max-retries"), help: "Retries of a failed split before the job stops.") var maxRetries: Int = 3
    @Flag(help: "Continue a previous run from its progress file.") var resume = false
    @Option(name: .customLong("speculate-after"), help: "Share of splits done before stragglers get a copy (1 disables).")
    var speculateAfter: Double = 0.9
    @Option(name: .customLong("speculate-slowdown"), help: "A split running longer than this × the median gets a copy.")
    var speculateSlowdown: Double = 2
    @Option(name: .customLong("split-timeout"), help: "Seconds after which an unanswered split counts as failed.")
    var splitTimeout: Double?
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        var note = ""
        let items: String
        switch (itemsFile, legacyItems) {
        case (let file?, nil): items = file
        case (nil, let file?):
            guard Int(file) == nil else {
                throw TrimtabError(field: "--items", "job run reads the items from a file: give --items-file FILE")
            }
            items = file
            note = "trimtab: note: --items FILE is --items-file FILE in job run (--items is a count elsewhere)\n"
        case (.some, .some): throw TrimtabError(field: "--items-file", "give --items-file only")
        case (nil, nil): throw TrimtabError(field: "--items-file", "is required: the items, one per line")
        }
        let planFile = try JobFlags.loadPlan(plan)
        let list = try Self.readItems(items)
        if let n = planFile.items, n != list.count {
            // Allowed (the plan is a shape), but say so.
            note += "trimtab: note: the plan was made for \(n) items, \(items) has \(list.count)\n"
        }
        let cap = try JobFlags.positive(maxLocalWorkers ?? ProcessInfo.processInfo.activeProcessorCount, "--max-local-workers")
        guard maxRetries >= 0 else { throw TrimtabError(field: "--max-retries", "\(maxRetries) must not be negative") }
        guard speculateAfter.isFinite, (0...1).contains(speculateAfter) else {
            throw TrimtabError(field: "--speculate-after", "\(speculateAfter) is not in [0, 1]")
        }
        guard speculateSlowdown.isFinite, speculateSlowdown >= 1 else {
            throw TrimtabError(field: "--speculate-slowdown", "\(speculateSlowdown) must be ≥ 1")
        }
        _ = try JobFlags.positive(splitTimeout, "--split-timeout")
        let out = output ?? items + ".results"
        let workers = min(planFile.workers, cap)
        let config = JobRunConfiguration(command: command, splitSize: planFile.splitSize, workers: workers, outputPath: out,
                                         logPath: out + ".log", maxRetries: maxRetries, resume: resume,
                                         speculateAfter: speculateAfter < 1 ? speculateAfter : nil, speculateSlowdown: speculateSlowdown,
                                         splitTimeoutS: splitTimeout)
        let bar: ProgressBar? = isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar { progress = { done, total in bar.show(done, total) } }
        let runner = JobRunner(configuration: config, items: list, progress: progress)
        let report: JobRunReport
        do {
            report = try runner.run()
            bar?.finish()
        } catch let failure as JobRunFailure {
            bar?.finish()
            return CommandResult(stderr: note + "trimtab: \(items): \(failure.description) (workers' stderr: \(out).log)\n", status: ExitStatus.runtimeFailure)
        }
        var result = render(report, planFile: planFile, workers: workers, output: out)
        result.stderr = note + result.stderr
        return result
    }

    static func readItems(_ path: String) throws(TrimtabError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrimtabError(code: .io, file: path, "cannot read the file") }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        if let i = lines.firstIndex(of: "") {
            throw TrimtabError(file: path, field: "line \(i + 1)", "an item must not be empty (an empty line ends a split in the worker protocol)")
        }
        guard !lines.isEmpty else { throw TrimtabError(file: path, "has no items") }
        return lines
    }

    func render(_ r: JobRunReport, planFile: JobPlanFile, workers: Int, output: String) -> CommandResult {
        // What the run would cost billed like the plan's platform: each worker's lifetime at the plan's memory.
        let p = planFile.platform
        let measuredCost = r.workerSeconds * Double(planFile.memoryMB) / 1024 * p.pricePerGBSecond + Double(r.workersStarted) * p.pricePerRequest
        // The mechanical model again, with the times measured here and the local worker count.
        var local: JobPrediction?
        if let split = r.medianSplitS {
            let setup = WorkerSetup(memoryMB: planFile.memoryMB, initS: r.medianInitS ?? 0,
                                    splitTime: .linear(perSplitS: 0, perItemS: split / Double(planFile.splitSize)))
            let model = WorkerModel(name: "local", platform: p, setups: [setup], splitSizes: [planFile.splitSize])
            local = JobPredictor.predict(JobShape(items: r.items, splitSize: planFile.splitSize, workers: workers), setup: setup, model: model)
        }
        switch format {
        case .json:
            func num(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
            let o: JSONValue = .object([
                ("output", .string(output)), ("items", .integer(r.items)), ("splits", .integer(r.splits)),
                ("splits_resumed", .integer(r.splitsResumed)), ("workers", .integer(workers)), ("workers_started", .integer(r.workersStarted)),
                ("retries", .integer(r.retries)), ("speculative_copies", .integer(r.copies)),
                ("measured", .object([("makespan_s", .number(r.makespanS)), ("cost_usd", .number(measuredCost)),
                                      ("worker_seconds", .number(r.workerSeconds)), ("median_split_s", num(r.medianSplitS)),
                                      ("init_s", num(r.medianInitS))])),
                ("predicted_by_plan", .object([("makespan_s", num(planFile.predictedMakespanS)), ("cost_usd", num(planFile.predictedCostUSD))])),
                ("predicted_with_measured_times", .object([("makespan_s", num(local?.makespanS)), ("cost_usd", num(local?.costUSD))])),
            ])
            return CommandResult(stdout: o.render() + "\n")
        case .table:
            var out = "\(r.items) items in \(r.splits) splits of \(planFile.splitSize) on \(workers) local workers → \(output)\n"
            out += "\(r.splitsResumed) splits resumed, \(r.retries) retries, \(r.copies) speculative copies, \(r.workersStarted) worker processes started\n"
            out += "measured: split \(r.medianSplitS.map { Render.fixed($0, 3) } ?? "-") s (median, warm), init \(r.medianInitS.map { Render.fixed($0, 3) } ?? "-") s\n\n"
            func f(_ x: Double?, _ d: Int) -> String { x.map { Render.fixed($0, d) } ?? "-" }
            out += Render.table(["", "makespan_s", "cost_usd"], [
                ["predicted by the plan (\(planFile.workers) workers)", f(planFile.predictedMakespanS, 2), f(planFile.predictedCostUSD, 6)],
                ["model with the times measured here (\(workers) workers)", f(local?.makespanS, 2), f(local?.costUSD, 6)],
                ["measured here", Render.fixed(r.makespanS, 2), Render.fixed(measuredCost, 6)],
            ]) + "\n"
            out += "cost here = worker-process seconds × \(planFile.memoryMB) MB at the plan's price, as a platform would bill them\n"
            return CommandResult(stdout: out)
        }
    }
}
