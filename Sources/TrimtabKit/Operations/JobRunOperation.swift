import Foundation
import TrimtabJob
import TrimtabModel

/// `job run`: runs a planned job — on this machine (`local`: a pool of worker processes) or on a
/// Ray cluster (`ray`: Ray Data `map_batches` on an actor pool) — from the one plan format
/// (`job plan -o`: memory_mb, split_size, workers, optionally cpus_per_worker) that `job manifest`
/// also reads, and reports what it measured beside what the plan predicted.
public enum JobRunOperation {
    /// Where the job runs.
    public enum Engine: String, Codable, Sendable, CaseIterable { case local, ray }

    public struct Request: Codable, Sendable, Equatable {
        /// Plan file (`job plan -o`).
        public var plan: String
        /// Items, one per line.
        public var itemsFile: String
        /// `local` (default) or `ray`.
        public var engine: Engine?
        /// local: the worker command (`/bin/sh -c`), fed splits on stdin.
        public var command: String?
        /// ray: the worker class, `FILE.py:CLASS`; `workerArgs` its constructor's keyword arguments (a JSON object).
        public var worker: String?
        public var workerArgs: String?
        /// ray: the cluster's address (default `RAY_ADDRESS`, set by the caller).
        public var rayAddress: String?
        /// ray: the Python with `ray[data]` (default python3 on PATH).
        public var python: String?
        /// ray: CPUs per actor (default: the plan's cpus_per_worker, else 1).
        public var cpusPerWorker: Double?
        /// ray: ignore the plan's actors, batch size and CPUs — Ray Data's defaults (autoscaling pool).
        public var engineDefault: Bool?
        /// Results file (default ITEMS.results).
        public var output: String?
        /// local: cap on worker processes (default the CPUs).
        public var maxLocalWorkers: Int?
        public var maxRetries: Int?
        public var resume: Bool?
        public var speculateAfter: Double?
        public var speculateSlowdown: Double?
        public var splitTimeoutS: Double?
        /// Append the measured run to this runs file (the list `job fit` reads).
        public var record: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case plan, itemsFile = "items_file", engine, command, worker, workerArgs = "worker_args", rayAddress = "ray_address", python
            case cpusPerWorker = "cpus_per_worker", engineDefault = "engine_default", output, maxLocalWorkers = "max_local_workers"
            case maxRetries = "max_retries", resume, speculateAfter = "speculate_after", speculateSlowdown = "speculate_slowdown"
            case splitTimeoutS = "split_timeout_s", record
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(plan: String, itemsFile: String, engine: Engine? = nil, command: String? = nil, worker: String? = nil,
                    workerArgs: String? = nil, rayAddress: String? = nil, python: String? = nil, cpusPerWorker: Double? = nil,
                    engineDefault: Bool? = nil, output: String? = nil, maxLocalWorkers: Int? = nil, maxRetries: Int? = nil,
                    resume: Bool? = nil, speculateAfter: Double? = nil, speculateSlowdown: Double? = nil, splitTimeoutS: Double? = nil,
                    record: String? = nil) {
            self.plan = plan
            self.itemsFile = itemsFile
            self.engine = engine
            self.command = command
            self.worker = worker
            self.workerArgs = workerArgs
            self.rayAddress = rayAddress
            self.python = python
            self.cpusPerWorker = cpusPerWorker
            self.engineDefault = engineDefault
            self.output = output
            self.maxLocalWorkers = maxLocalWorkers
            self.maxRetries = maxRetries
            self.resume = resume
            self.speculateAfter = speculateAfter
            self.speculateSlowdown = speculateSlowdown
            self.splitTimeoutS = splitTimeoutS
            self.record = record
        }
    }

    /// What the run measured.
    public struct Measured: Codable, Sendable, Equatable {
        public var makespanS: Double
        public var costUSD: Double
        /// local: worker-process seconds.
        public var workerSeconds: Double?
        /// ray: CPUs × (actor inits + batch times), and CPUs × the actors' time from init to the end.
        public var coreSeconds: Double?
        public var heldCoreSeconds: Double?
        /// ray: CPUs × every actor's init (s).
        public var initCoreSeconds: Double?
        public var medianSplitS: Double?
        public var initS: Double?
        /// ray: from the dataset's start to the first actor's init.
        public var startupS: Double?

        enum CodingKeys: String, CodingKey {
            case makespanS = "makespan_s", costUSD = "cost_usd", workerSeconds = "worker_seconds", coreSeconds = "core_seconds"
            case heldCoreSeconds = "held_core_seconds", initCoreSeconds = "init_core_seconds", medianSplitS = "median_split_s", initS = "init_s", startupS = "startup_s"
        }
    }

    /// A prediction (`null` fields when the plan or the run does not give one).
    public struct Predicted: Codable, Sendable, Equatable {
        @ExplicitNull public var makespanS: Double?
        @ExplicitNull public var costUSD: Double?

        enum CodingKeys: String, CodingKey { case makespanS = "makespan_s", costUSD = "cost_usd" }
    }

    /// `output`, the job's shape and what happened (resumed, retries, copies), `measured`,
    /// `predicted_by_plan` and (local) `predicted_with_measured_times`; `engine` first.
    public struct Result: OperationResult {
        public var engine: Engine
        public var output: String
        public var items: Int
        public var splits: Int
        public var splitSize: Int
        /// Workers (local processes) or actors (ray) that ran.
        public var workers: Int
        /// local: splits done by a previous run; ray: items done by a previous run.
        public var splitsResumed: Int?
        public var itemsResumed: Int?
        public var workersStarted: Int?
        public var retries: Int?
        public var speculativeCopies: Int?
        /// ray: CPUs per actor, the cluster's CPUs, whether Ray Data's defaults ran instead of the plan,
        /// and duplicate answers dropped (a batch retried after its part was written).
        public var cpusPerWorker: Double?
        public var clusterCPUs: Double?
        public var engineDefault: Bool?
        public var duplicatesDropped: Int?
        /// nil when every item was done before this run (ray, resumed).
        public var measured: Measured?
        public var predictedByPlan: Predicted
        public var predictedWithMeasuredTimes: Predicted?
        /// Where the run was appended (`record`).
        public var recorded: String?
        /// The plan's workers and memory (for tables; not encoded).
        public var planWorkers: Int = 0
        public var planMemoryMB: Int = 0

        enum CodingKeys: String, CodingKey {
            case engine, output, items, splits, splitSize = "split_size", workers, splitsResumed = "splits_resumed"
            case itemsResumed = "items_resumed", workersStarted = "workers_started", retries, speculativeCopies = "speculative_copies"
            case cpusPerWorker = "cpus_per_worker", clusterCPUs = "cluster_cpus", engineDefault = "engine_default"
            case duplicatesDropped = "duplicates_dropped", measured, predictedByPlan = "predicted_by_plan"
            case predictedWithMeasuredTimes = "predicted_with_measured_times", recorded
        }
    }

    /// The local run failed: a split kept failing (its splits done are kept for `--resume`).
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// Runs the job; `progress(done, total)` reports splits (local) or items (ray).
    /// - Throws: `TrimtabError` (bad input, an unreachable cluster, an interrupted Ray run) or
    ///   `Failure` (a local split kept failing).
    /// - Complexity: the job's own; O(N) besides, for N items.
    public static func run(_ request: Request, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Result {
        let plan = try JobRequestChecks.plan(request.plan)
        let out = request.output ?? request.itemsFile + ".results"
        let maxRetries = request.maxRetries ?? 3
        guard maxRetries >= 0 else { throw TrimtabError(field: "--max-retries", "\(maxRetries) must not be negative") }
        let result: Result
        switch request.engine ?? .local {
        case .local:
            for (value, flag) in [(request.worker, "--worker"), (request.rayAddress, "--ray-address")] where value != nil {
                throw TrimtabError(field: flag, "is for --engine ray; the local engine runs --command")
            }
            if request.engineDefault == true { throw TrimtabError(field: "--engine-default", "is for --engine ray") }
            guard let command = request.command, !command.isEmpty else {
                throw TrimtabError(field: "--command", "is required with --engine local: the worker command")
            }
            result = try runLocal(request, plan: plan, command: command, output: out, maxRetries: maxRetries, progress: progress)
        case .ray:
            if request.command != nil {
                throw TrimtabError(field: "--command", "is for --engine local; Ray runs a worker class: --worker FILE.py:CLASS")
            }
            guard let worker = request.worker, !worker.isEmpty else {
                throw TrimtabError(field: "--worker", "is required with --engine ray: FILE.py:CLASS")
            }
            guard let address = request.rayAddress, !address.isEmpty else {
                throw TrimtabError(field: "--ray-address", "is required with --engine ray (or set RAY_ADDRESS)")
            }
            result = try runRay(request, plan: plan, worker: worker, address: address, output: out, progress: progress)
        }
        if let path = request.record, let m = result.measured {
            try RunRecords.append(to: path, result: result, measured: m)
            var r = result
            r.recorded = path
            return r
        }
        return result
    }

    static func runLocal(_ request: Request, plan: JobPlanFile, command: String, output: String, maxRetries: Int,
                         progress: (@Sendable (Int, Int) -> Void)?) throws -> Result {
        let items = try JobItemsFile.read(request.itemsFile)
        let cap = try JobRequestChecks.positive(request.maxLocalWorkers ?? ProcessInfo.processInfo.activeProcessorCount, "--max-local-workers")
        let speculateAfter = request.speculateAfter ?? 0.9
        guard speculateAfter.isFinite, (0...1).contains(speculateAfter) else {
            throw TrimtabError(field: "--speculate-after", "\(speculateAfter) is not in [0, 1]")
        }
        let slowdown = request.speculateSlowdown ?? 2
        guard slowdown.isFinite, slowdown >= 1 else { throw TrimtabError(field: "--speculate-slowdown", "\(slowdown) must be ≥ 1") }
        _ = try JobRequestChecks.positive(request.splitTimeoutS, "--split-timeout")
        let workers = min(plan.workers, cap)
        let config = JobRunConfiguration(command: command, splitSize: plan.splitSize, workers: workers, outputPath: output,
                                         logPath: output + ".log", maxRetries: maxRetries, resume: request.resume ?? false,
                                         speculateAfter: speculateAfter < 1 ? speculateAfter : nil, speculateSlowdown: slowdown,
                                         splitTimeoutS: request.splitTimeoutS)
        let r: JobRunReport
        do {
            r = try JobRunner(configuration: config, items: items, progress: progress).run()
        } catch let failure as JobRunFailure {
            throw Failure(message: "\(request.itemsFile): \(failure.description) (workers' stderr: \(output).log)")
        }
        // What the run would cost billed like the plan's platform: each worker's lifetime at the plan's memory.
        let p = plan.platform
        let cost = r.workerSeconds * Double(plan.memoryMB) / 1024 * p.pricePerGBSecond + Double(r.workersStarted) * p.pricePerRequest
        // The mechanical model again, with the times measured here and the local worker count.
        var local: JobPrediction?
        if let split = r.medianSplitS {
            let setup = WorkerSetup(memoryMB: plan.memoryMB, initS: r.medianInitS ?? 0,
                                    splitTime: .linear(perSplitS: 0, perItemS: split / Double(plan.splitSize)))
            let model = WorkerModel(name: "local", platform: p, setups: [setup], splitSizes: [plan.splitSize])
            local = JobPredictor.predict(JobShape(items: r.items, splitSize: plan.splitSize, workers: workers), setup: setup, model: model)
        }
        var result = Result(
            engine: .local, output: output, items: r.items, splits: r.splits, splitSize: plan.splitSize, workers: workers,
            splitsResumed: r.splitsResumed, workersStarted: r.workersStarted, retries: r.retries, speculativeCopies: r.copies,
            measured: Measured(makespanS: r.makespanS, costUSD: cost, workerSeconds: r.workerSeconds, medianSplitS: r.medianSplitS,
                               initS: r.medianInitS),
            predictedByPlan: Predicted(makespanS: plan.predictedMakespanS, costUSD: plan.predictedCostUSD),
            predictedWithMeasuredTimes: Predicted(makespanS: local?.makespanS, costUSD: local?.costUSD))
        result.planWorkers = plan.workers
        result.planMemoryMB = plan.memoryMB
        return result
    }

    static func runRay(_ request: Request, plan: JobPlanFile, worker: String, address: String, output: String,
                       progress: (@Sendable (Int, Int) -> Void)?) throws(TrimtabError) -> Result {
        for (value, flag) in [(request.maxLocalWorkers.map(String.init), "--max-local-workers"),
                              (request.splitTimeoutS.map { "\($0)" }, "--split-timeout")] where value != nil {
            throw TrimtabError(field: flag, "is for --engine local")
        }
        let cpus = try JobRequestChecks.positive(request.cpusPerWorker ?? plan.cpusPerWorker ?? 1, "--cpus-per-worker") ?? 1
        let engineDefault = request.engineDefault ?? false
        let config = RayDataRunner.Configuration(
            address: address, worker: worker, workerArguments: request.workerArgs ?? "{}", itemsPath: request.itemsFile, outputPath: output,
            actors: plan.workers, cpusPerActor: cpus, batchSize: plan.splitSize, engineDefault: engineDefault,
            resume: request.resume ?? false, python: request.python ?? "python3")
        let r = try RayDataRunner(configuration: config, progress: progress).run()
        // A Ray worker-second is a core-second, priced like the plan's platform bills a worker-second.
        let pricePerCoreSecond = plan.platform.pricePerGBSecond * Double(plan.memoryMB) / 1024
        var measured: Measured?
        if let m = r.measurement {
            measured = Measured(makespanS: m.makespanS, costUSD: m.busyCoreSeconds * pricePerCoreSecond, coreSeconds: m.busyCoreSeconds,
                                heldCoreSeconds: m.heldCoreSeconds, initCoreSeconds: m.initCoreSeconds, medianSplitS: m.medianBatchS, initS: m.medianInitS, startupS: m.startupS)
        }
        let actors = r.measurement?.actors ?? (engineDefault ? 0 : plan.workers)
        var result = Result(
            engine: .ray, output: output, items: r.items, splits: r.measurement?.batches ?? 0,
            splitSize: engineDefault ? r.measurement?.largestBatch ?? 0 : plan.splitSize, workers: actors,
            itemsResumed: r.itemsResumed, cpusPerWorker: engineDefault ? r.measurement?.cpusPerActor : cpus, clusterCPUs: r.clusterCPUs,
            engineDefault: engineDefault, duplicatesDropped: r.duplicatesDropped, measured: measured,
            predictedByPlan: Predicted(makespanS: plan.predictedMakespanS, costUSD: plan.predictedCostUSD))
        result.planWorkers = plan.workers
        result.planMemoryMB = plan.memoryMB
        return result
    }
}
