import Foundation
import TrimtabFit
import TrimtabModel

/// `profile`: measures a real function — a local command, an HTTP endpoint, an AWS Lambda
/// function, or one stage of a running Ray Serve application — per setting until the stopping
/// rule accepts each series, and returns the CSV that `fit` reads with a summary per setting.
///
/// The outside world is reached through `ProfileInstruments`, which the caller gives (the CLI's
/// are the adapters': the one HTTP client, the Lambda API, the `ray_serve` sink), so this layer
/// has no networking of its own. Not offered to remote callers: a profile runs commands and
/// reaches endpoints with the caller's credentials.
public enum ProfileOperation {
    /// What is profiled.
    public enum Target: String, Codable, Sendable {
        case command, url, lambda, rayServe = "ray_serve"
    }

    public struct Request: Codable, Sendable, Equatable {
        /// POST the payload to this URL per invocation; with `rayServe`, the application's endpoint.
        public var url: String?
        /// Run this shell command per invocation (payload on stdin).
        public var command: String?
        /// AWS Lambda function name: its memory is set through the Lambda API before each series.
        public var lambda: String?
        /// Lambda API endpoint (default: AWS's for the region).
        public var endpoint: String?
        /// AWS region for `lambda` (default: the instruments' — the environment's, then us-east-1).
        public var region: String?
        /// File holding the request body (url, ray_serve, lambda) or standard input (command).
        public var payload: String?
        /// Stage name written in the CSV (default `function`).
        public var stage: String?
        /// Memory sizes: `FROM:TO:STEP` and/or a comma list (required with `lambda`; a label otherwise; default 1024).
        public var memory: String?
        /// Batch sizes (default [1]).
        public var batchSizes: [Int]?
        /// Concurrency levels: simultaneous invocations per round (default [1]; not with `rayServe`).
        public var concurrency: [Int]?
        public var minRepeats: Int?
        public var maxRepeats: Int?
        /// Target coefficient of variation of a setting's latencies (default 0.05).
        public var cv: Double?
        /// Seconds an invocation may take before the setting is infeasible (default 30).
        public var timeout: Double?
        /// Ray dashboard address: profile one stage of a running Ray Serve application.
        public var rayServe: String?
        /// rayServe: the Serve application, the stage's deployment (default: the stage name),
        /// the variants set through user_config, and CPUs per replica (default [1]).
        public var application: String?
        public var deployment: String?
        public var variants: [String]?
        public var cpus: [Double]?
        /// rayServe: seconds of each setting's throughput run (default 3) and bound on the wait
        /// for RUNNING after each setting is applied (default 120).
        public var throughputSeconds: Double?
        public var waitSeconds: Double?
        /// Choose memory sizes adaptively around the cheapest one instead of measuring all.
        public var adaptive: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, command, lambda, endpoint, region, payload, stage, memory, batchSizes = "batch_sizes", concurrency
            case minRepeats = "min_repeats", maxRepeats = "max_repeats", cv, timeout, rayServe = "ray_serve", application
            case deployment, variants, cpus, throughputSeconds = "throughput_seconds", waitSeconds = "wait_seconds", adaptive
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(url: String? = nil, command: String? = nil, lambda: String? = nil, endpoint: String? = nil, region: String? = nil,
                    payload: String? = nil, stage: String? = nil, memory: String? = nil, batchSizes: [Int]? = nil,
                    concurrency: [Int]? = nil, minRepeats: Int? = nil, maxRepeats: Int? = nil, cv: Double? = nil,
                    timeout: Double? = nil, rayServe: String? = nil, application: String? = nil, deployment: String? = nil,
                    variants: [String]? = nil, cpus: [Double]? = nil, throughputSeconds: Double? = nil, waitSeconds: Double? = nil,
                    adaptive: Bool? = nil) {
            self.url = url
            self.command = command
            self.lambda = lambda
            self.endpoint = endpoint
            self.region = region
            self.payload = payload
            self.stage = stage
            self.memory = memory
            self.batchSizes = batchSizes
            self.concurrency = concurrency
            self.minRepeats = minRepeats
            self.maxRepeats = maxRepeats
            self.cv = cv
            self.timeout = timeout
            self.rayServe = rayServe
            self.application = application
            self.deployment = deployment
            self.variants = variants
            self.cpus = cpus
            self.throughputSeconds = throughputSeconds
            self.waitSeconds = waitSeconds
            self.adaptive = adaptive
        }
    }

    /// One measured setting: its knobs (memory for functions; variant and CPUs for a serving
    /// stage), the requests measured, their mean and coefficient of variation, and `status`
    /// (`ok` or `infeasible: REASON`).
    public struct Setting: Codable, Sendable, Equatable {
        public var memoryMB: Int?
        public var variant: String?
        public var cpus: Double?
        public var batchSize: Int
        public var concurrency: Int
        public var n: Int
        public var meanMs: Double?
        public var cv: Double?
        /// ray_serve: the mean of the round trip outside the stages (ms), and answers per second per replica.
        public var overheadMs: Double?
        public var throughputRps: Double?
        public var status: String

        enum CodingKeys: String, CodingKey {
            case memoryMB = "memory_mb", variant, cpus, batchSize = "batch_size", concurrency, n, meanMs = "mean_ms", cv
            case overheadMs = "overhead_ms", throughputRps = "throughput_rps", status
        }
    }

    /// The stage, what was profiled, every setting, (functions) the memory sizes in the order
    /// measured and the cheapest per item, and the CSV that `fit` reads — encoded as `csv`
    /// unless the caller wrote it to `output`.
    public struct Result: OperationResult {
        public var stage: String
        public var target: Target
        public var settings: [Setting]
        public var memoryOrder: [Int]?
        public var cheapestMemoryMB: Int?
        /// Settings the plan had (the adaptive search measures fewer memory sizes).
        public var plannedMemorySizes: Int?
        /// Where the caller wrote the CSV; nil when `csv` carries it.
        public var output: String?
        public var csv: String?

        enum CodingKeys: String, CodingKey {
            case stage, target, settings, memoryOrder = "memory_order", cheapestMemoryMB = "cheapest_memory_mb"
            case plannedMemorySizes = "planned_memory_sizes", output, csv
        }
    }

    /// The stopping rule and bounds every target shares, checked.
    struct Rule {
        var minRepeats: Int, maxRepeats: Int, cv: Double, timeout: Double, stage: String, batchSizes: [Int]

        init(_ request: Request) throws(TrimtabError) {
            minRepeats = request.minRepeats ?? 3
            maxRepeats = request.maxRepeats ?? 30
            guard minRepeats >= 2, maxRepeats >= minRepeats else {
                throw TrimtabError(field: "--max-repeats", "need 2 ≤ --min-repeats ≤ --max-repeats")
            }
            cv = request.cv ?? 0.05
            timeout = request.timeout ?? 30
            guard cv.isFinite, cv > 0 else { throw TrimtabError(field: "--cv", "\(cv) must be positive") }
            guard timeout.isFinite, timeout > 0 else { throw TrimtabError(field: "--timeout", "\(timeout) must be positive") }
            stage = request.stage ?? "function"
            guard !stage.isEmpty else { throw TrimtabError(field: "--stage", "is empty") }
            batchSizes = try positive(request.batchSizes ?? [1], flag: "--batch-sizes")
        }
    }

    /// Validates the request and measures it through `instruments`; `progress(done, total)` after
    /// each setting. A function target's measurements run on a thread of their own (invokers
    /// block), so the cooperative pool is never held.
    /// - Complexity: O(settings × max_repeats) invocations; adaptively O(log sizes) memory sizes.
    public static func run(_ request: Request, instruments: any ProfileInstruments,
                           progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws(TrimtabError) -> Result {
        let rule = try Rule(request)
        if let address = request.rayServe {
            return try await profileServing(request, address: address, rule: rule, instruments: instruments, progress: progress)
        }
        let (target, profiler) = try functionProfiler(request, rule: rule, instruments: instruments)
        return await onOwnThread { summarise(profiler.run(progress: progress), target: target, plan: profiler.plan) }
    }

    /// A function target (command, url, lambda) measured on the calling thread, which it blocks
    /// for the whole profile: for synchronous callers such as the command line, which then need no
    /// task (a caller on Swift's cooperative pool uses `run`). A `ray_serve` request is `run`'s.
    /// - Complexity: as `run`.
    public static func runFunction(_ request: Request, instruments: any ProfileInstruments,
                                   progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws(TrimtabError) -> Result {
        guard request.rayServe == nil else { throw TrimtabError(field: "--ray-serve", "a live Ray Serve stage is profiled by run, not runFunction") }
        let (target, profiler) = try functionProfiler(request, rule: try Rule(request), instruments: instruments)
        return summarise(profiler.run(progress: progress), target: target, plan: profiler.plan)
    }

    /// The profiler of a function target, its request checked.
    static func functionProfiler(_ request: Request, rule: Rule, instruments: any ProfileInstruments) throws(TrimtabError) -> (Target, Profiler) {
        if request.application != nil || request.deployment != nil || request.variants != nil || request.cpus != nil {
            throw TrimtabError(field: "--ray-serve", "--application, --deployment, --variants and --cpus profile a Ray Serve stage: give --ray-serve")
        }
        let body = try request.payload.map { path throws(TrimtabError) in try read(path) }
        let target: Target
        let invoker: any Invoker
        switch (request.url, request.command, request.lambda) {
        case (nil, nil, let name?):
            guard !name.isEmpty else { throw TrimtabError(field: "--lambda", "needs a function name") }
            guard request.memory != nil else {
                throw TrimtabError(field: "--memory", "is required with --lambda (the sizes to set, e.g. 128,512,1024)")
            }
            if let endpoint = request.endpoint { try checkURL(endpoint, flag: "--endpoint") }
            target = .lambda
            invoker = try instruments.lambdaInvoker(function: name, endpoint: request.endpoint, region: request.region,
                                                    payload: body, timeout: rule.timeout)
        case (let url?, nil, nil):
            try checkURL(url, flag: "--url")
            guard let body else { throw TrimtabError(field: "--payload", "is required with --url") }
            target = .url
            invoker = instruments.httpInvoker(url: url, payload: body, timeout: rule.timeout)
        case (nil, let command?, nil):
            guard !command.isEmpty else { throw TrimtabError(field: "--command", "is empty") }
            target = .command
            invoker = CommandInvoker(command: command, payload: body)
        default:
            throw TrimtabError(field: "--url", "give exactly one of --lambda, --url, --command or --ray-serve")
        }
        if request.endpoint != nil && target != .lambda { throw TrimtabError(field: "--endpoint", "is for --lambda") }
        let plan = ProfilePlan(memorySizes: try MemoryGrid.parse(request.memory ?? "1024"), batchSizes: rule.batchSizes,
                               concurrency: try positive(request.concurrency ?? [1], flag: "--concurrency"), minRepeats: rule.minRepeats,
                               maxRepeats: rule.maxRepeats, targetCV: rule.cv, timeout: rule.timeout, adaptive: request.adaptive ?? false)
        return (target, Profiler(invoker: invoker, plan: plan, stage: rule.stage))
    }

    static func summarise(_ report: ProfileReport, target: Target, plan: ProfilePlan) -> Result {
        let settings = report.series.map { s in
            Setting(memoryMB: s.setting.memoryMB, batchSize: s.setting.batchSize, concurrency: s.setting.concurrency,
                    n: s.latencies.count, meanMs: s.infeasible == nil ? s.mean : nil,
                    cv: s.infeasible == nil && s.cv.isFinite ? s.cv : nil, status: status(s.infeasible))
        }
        return Result(stage: report.stage, target: target, settings: settings, memoryOrder: report.memoryOrder,
                      cheapestMemoryMB: report.cheapestMemoryMB, plannedMemorySizes: plan.memorySizes.count, csv: report.csv)
    }

    /// `rayServe`: one stage of a running Serve application, per variant × batch size × CPUs.
    static func profileServing(_ request: Request, address: String, rule: Rule, instruments: any ProfileInstruments,
                               progress: @escaping @Sendable (Int, Int) -> Void) async throws(TrimtabError) -> Result {
        let stage = rule.stage, batchSizes = rule.batchSizes, minRepeats = rule.minRepeats, maxRepeats = rule.maxRepeats
        let cv = rule.cv, timeout = rule.timeout
        guard let parsed = URL(string: address), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw TrimtabError(field: "--ray-serve", "'\(address)' is not an http(s) URL (the Ray dashboard, e.g. http://127.0.0.1:8265)")
        }
        guard request.lambda == nil, request.command == nil, request.memory == nil, request.adaptive != true,
              request.concurrency == nil, request.endpoint == nil else {
            throw TrimtabError(field: "--ray-serve", "takes --url, not --lambda, --command, --memory, --concurrency, --endpoint or --adaptive")
        }
        guard let application = request.application, !application.isEmpty else {
            throw TrimtabError(field: "--application", "is required with --ray-serve")
        }
        guard let url = request.url else {
            throw TrimtabError(field: "--url", "is required with --ray-serve: the application's HTTP endpoint, e.g. http://127.0.0.1:8000/")
        }
        try checkURL(url, flag: "--url")
        guard let payload = request.payload else { throw TrimtabError(field: "--payload", "is required with --ray-serve (one request body)") }
        let body = try read(payload)
        guard let variants = request.variants, !variants.isEmpty else {
            throw TrimtabError(field: "--variants", "is required with --ray-serve (e.g. linear,mlp,svm)")
        }
        guard variants.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw TrimtabError(field: "--variants", "'\(variants.joined(separator: ","))' is not a comma list of names")
        }
        let cpus = request.cpus ?? [1]
        guard !cpus.isEmpty else { throw TrimtabError(field: "--cpus", "is empty") }
        for c in cpus where !(c.isFinite && c > 0) { throw TrimtabError(field: "--cpus", "'\(c)' is not a positive number of CPUs") }
        let throughputSeconds = request.throughputSeconds ?? 3, waitSeconds = request.waitSeconds ?? 120
        guard throughputSeconds.isFinite, throughputSeconds > 0 else {
            throw TrimtabError(field: "--throughput-seconds", "\(throughputSeconds) must be positive")
        }
        guard waitSeconds.isFinite, waitSeconds > 0 else { throw TrimtabError(field: "--wait-seconds", "\(waitSeconds) must be positive") }
        let plan = ServingProfilePlan(variants: variants, batchSizes: batchSizes, cpus: cpus, minRepeats: minRepeats, maxRepeats: maxRepeats,
                                      throughputSeconds: throughputSeconds, timeout: .milliseconds(Int((timeout * 1000).rounded(.up))))
        let profiler = instruments.servingProfiler(dashboard: address, application: application, stage: stage,
                                                   deployment: request.deployment ?? stage, endpoint: url, payload: body, plan: plan,
                                                   waitSeconds: waitSeconds) { latencies in
            ProfileSeries(setting: ProfileSetting(memoryMB: 1, batchSize: 1, concurrency: 1), latencies: latencies).cv <= cv
        }
        try await profiler.verify()
        let series = await profiler.run(progress: progress)
        let settings = series.map { s in
            let measured = ProfileSeries(setting: ProfileSetting(memoryMB: 1, batchSize: s.batchSize, concurrency: s.batchSize), latencies: s.latencies)
            let ok = s.infeasible == nil
            return Setting(variant: s.variant, cpus: s.cpus, batchSize: s.batchSize, concurrency: s.batchSize, n: s.latencies.count,
                           meanMs: ok ? measured.mean : nil, cv: ok && measured.cv.isFinite ? measured.cv : nil,
                           overheadMs: ok && !s.overheads.isEmpty ? s.overheads.reduce(0, +) / Double(s.overheads.count) : nil,
                           throughputRps: ok ? s.throughputRps : nil, status: status(s.infeasible))
        }
        return Result(stage: stage, target: .rayServe, settings: settings, csv: ServingProfileSeries.csv(stage: stage, series))
    }

    static func status(_ infeasible: String?) -> String { infeasible.map { "infeasible: \($0)" } ?? "ok" }

    static func positive(_ values: [Int], flag: String) throws(TrimtabError) -> [Int] {
        guard !values.isEmpty else { throw TrimtabError(field: flag, "is empty") }
        for v in values where v < 1 { throw TrimtabError(field: flag, "'\(v)' is not a positive whole number") }
        return values
    }

    static func checkURL(_ text: String, flag: String) throws(TrimtabError) {
        guard let parsed = URL(string: text), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw TrimtabError(field: flag, "'\(text)' is not an http(s) URL")
        }
    }

    static func read(_ path: String) throws(TrimtabError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrimtabError(code: .io, file: path, "cannot read the file") }
        return data
    }

    /// Runs blocking work on a thread of its own and awaits it.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }
}
