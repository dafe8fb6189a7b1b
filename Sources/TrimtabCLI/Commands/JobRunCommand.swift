import ArgumentParser
import Foundation
import TrimtabJob
import TrimtabKit
import TrimtabModel

/// `trimtab job run`: run a planned job here (a pool of worker processes) or on Ray Data.
struct JobRunCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a planned job: locally (worker processes) or on a Ray cluster (Ray Data), resumable.",
        discussion: """
        --engine local (default): each worker is started once (`/bin/sh -c CMD`)
        and fed splits on stdin: the split's items, one per line, then an empty
        line. It answers one line per item, in order, on stdout. A worker that
        exits (or, with --split-timeout, stalls) fails its split, which is
        retried on a fresh worker up to --max-retries times. Progress is kept in
        OUTPUT.progress.

        --engine ray: Ray Data map_batches on an actor pool of the plan's
        workers (actors), split size (batch size) and CPUs per worker. The
        worker is a Python class FILE.py:CLASS, built once per actor
        (--worker-args: its keyword arguments as JSON) and called with a list
        of item lines; it returns one answer per item. The cluster is
        --ray-address or RAY_ADDRESS. Finished batches are kept in
        OUTPUT.parts/ until the job completes. --engine-default runs Ray Data's
        defaults (autoscaling pool) instead of the plan, for comparison.

        Results go to --output in item order. A failed, killed or interrupted
        run continues with --resume without redoing what is done. --record
        RUNS.json appends the measured run to the list `job fit` reads. Exit
        status: 0 done, 1 a runtime failure (a split kept failing, the cluster
        is unreachable, the run was interrupted), 2 bad input (including a plan
        asking for more CPUs than the cluster has).

        Example:
          trimtab job run --plan plan.json --items-file items.txt \\
            --command 'python3 worker.py' -o results.txt
          trimtab job run --engine ray --ray-address 127.0.0.1:6379 \\
            --plan plan.json --items-file canvases.txt \\
            --worker batch_worker.py:DigitsBatch -o answers.txt
        """)

    @Option(help: "Plan file from `trimtab job plan -o` (memory_mb, split_size, workers, predicted; cpus_per_worker for Ray).")
    var plan: String
    @Option(name: .customLong("items-file"), help: "Items file: one item per line. (--items is a count in the other job commands.)")
    var itemsFile: String?
    /// The flag's name before `--items-file`; kept so that old scripts run, with a note.
    @Option(name: .customLong("items"), help: .hidden) var legacyItems: String?
    @Option(help: "Where the job runs: local or ray.") var engine: JobRunOperation.Engine = .local
    @Option(help: "local: the worker command (run with /bin/sh -c).") var command: String?
    @Option(help: "ray: the worker class, FILE.py:CLASS.") var worker: String?
    @Option(name: .customLong("worker-args"), help: "ray: the worker's constructor keyword arguments, a JSON object.")
    var workerArgs: String?
    @Option(name: .customLong("ray-address"), help: "ray: the cluster's address (default: RAY_ADDRESS).") var rayAddress: String?
    @Option(help: "ray: the Python that has ray[data].") var python: String?
    @Option(name: .customLong("cpus-per-worker"), help: "ray: CPUs per actor (default: the plan's cpus_per_worker, else 1).")
    var cpusPerWorker: Double?
    @Flag(name: .customLong("engine-default"), help: "ray: Ray Data's defaults (autoscaling actor pool, its batches) instead of the plan.")
    var engineDefault = false
    @Option(name: [.customShort("o"), .customLong("output")], help: "Results file (default: ITEMS.results).") var output: String?
    @Option(name: .customLong("max-local-workers"), help: "local: cap on worker processes (default: the number of CPUs).")
    var maxLocalWorkers: Int?
    @Option(name: .customLong("max-retries"), help: "local: retries of a failed split before the job stops.") var maxRetries: Int?
    @Flag(help: "Continue a previous run from what it kept.") var resume = false
    @Option(name: .customLong("speculate-after"), help: "local: share of splits done before stragglers get a copy (1 disables).")
    var speculateAfter: Double?
    @Option(name: .customLong("speculate-slowdown"), help: "local: a split running longer than this × the median gets a copy.")
    var speculateSlowdown: Double?
    @Option(name: .customLong("split-timeout"), help: "local: seconds after which an unanswered split counts as failed.")
    var splitTimeout: Double?
    @Option(help: "Append the measured run to this runs file (JSON list; `job fit` reads it).") var record: String?
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
        let address = rayAddress ?? (engine == .ray ? ProcessInfo.processInfo.environment["RAY_ADDRESS"] : nil)
        let request = JobRunOperation.Request(
            plan: plan, itemsFile: items, engine: engine, command: command, worker: worker, workerArgs: workerArgs, rayAddress: address,
            python: python, cpusPerWorker: cpusPerWorker, engineDefault: engineDefault ? true : nil, output: output,
            maxLocalWorkers: maxLocalWorkers, maxRetries: maxRetries, resume: resume, speculateAfter: speculateAfter,
            speculateSlowdown: speculateSlowdown, splitTimeoutS: splitTimeout, record: record)
        let bar: ProgressBar? = isatty(STDERR_FILENO) == 1 ? ProgressBar(unit: engine == .ray ? "items" : "splits") : nil
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar { progress = { done, total in bar.show(done, total) } }
        let r: JobRunOperation.Result
        do {
            r = try JobRunOperation.run(request, progress: progress)
            bar?.finish()
        } catch let failure as JobRunOperation.Failure {
            bar?.finish()
            return CommandResult(stderr: note + "trimtab: \(failure.message)\n", status: ExitStatus.runtimeFailure)
        } catch {
            bar?.finish()
            throw error
        }
        if let n = try? JobPlanFile.load(path: plan).items, n != r.items {
            // Allowed (the plan is a shape), but say so.
            note += "trimtab: note: the plan was made for \(n) items, \(items) has \(r.items)\n"
        }
        var result = try CommandResult(r, format: format) { Self.table(r) }
        result.stderr = note + result.stderr
        return result
    }

    static func table(_ r: JobRunOperation.Result) -> String {
        func f(_ x: Double?, _ d: Int) -> String { x.map { Render.fixed($0, d) } ?? "-" }
        var out: String
        switch r.engine {
        case .local:
            out = "\(r.items) items in \(r.splits) splits of \(r.splitSize) on \(r.workers) local workers → \(r.output)\n"
            out += "\(r.splitsResumed ?? 0) splits resumed, \(r.retries ?? 0) retries, \(r.speculativeCopies ?? 0) speculative copies, \(r.workersStarted ?? 0) worker processes started\n"
            out += "measured: split \(f(r.measured?.medianSplitS, 3)) s (median, warm), init \(f(r.measured?.initS, 3)) s\n\n"
            out += Render.table(["", "makespan_s", "cost_usd"], [
                ["predicted by the plan (\(r.planWorkers) workers)", f(r.predictedByPlan.makespanS, 2), f(r.predictedByPlan.costUSD, 6)],
                ["model with the times measured here (\(r.workers) workers)", f(r.predictedWithMeasuredTimes?.makespanS, 2),
                 f(r.predictedWithMeasuredTimes?.costUSD, 6)],
                ["measured here", f(r.measured?.makespanS, 2), f(r.measured?.costUSD, 6)],
            ]) + "\n"
            out += "cost here = worker-process seconds × \(r.planMemoryMB) MB at the plan's price, as a platform would bill them\n"
        case .ray:
            let how = r.engineDefault == true ? "Ray Data's defaults (autoscaling actor pool)" : "\(r.workers) actors × \(f(r.cpusPerWorker, 2)) CPUs, batches of \(r.splitSize)"
            out = "\(r.items) items on Ray Data, \(how), cluster of \(f(r.clusterCPUs, 0)) CPUs → \(r.output)\n"
            out += "\(r.itemsResumed ?? 0) items resumed, \(r.splits) batches, \(r.workers) actors ran, \(r.duplicatesDropped ?? 0) duplicate answers dropped\n"
            if let m = r.measured {
                out += "measured: batch \(f(m.medianSplitS, 3)) s (median), actor init \(f(m.initS, 3)) s (median), startup \(f(m.startupS, 2)) s\n\n"
            }
            out += Render.table(["", "makespan_s", "core_seconds", "held_core_seconds", "cost_usd"], [
                ["predicted by the plan (\(r.planWorkers) workers)", f(r.predictedByPlan.makespanS, 2), "-", "-", f(r.predictedByPlan.costUSD, 6)],
                ["measured", f(r.measured?.makespanS, 2), f(r.measured?.coreSeconds, 2), f(r.measured?.heldCoreSeconds, 2), f(r.measured?.costUSD, 6)],
            ]) + "\n"
            out += "core-seconds = CPUs × (actor inits + batch times); held = CPUs × each actor's time from its init to the end\n"
        }
        if let path = r.recorded { out += "appended the run to \(path)\n" }
        return out
    }
}

extension JobRunOperation.Engine: ExpressibleByArgument {}
