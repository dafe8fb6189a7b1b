import ArgumentParser
import Foundation
import TrimtabAdapters
import TrimtabFit
import TrimtabModel

/// `trimtab profile`: measure a real function and write the CSV that `fit` reads.
struct ProfileCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure a real function (AWS Lambda, HTTP endpoint, local command or a live Ray Serve stage) and write the CSV that fit reads.",
        discussion: """
        Each setting (memory, batch size, concurrency) is repeated until the
        coefficient of variation of its latencies is at most --cv (after
        --min-repeats) or --max-repeats is reached; a setting that fails or times
        out is recorded as infeasible and skipped. --command gets the setting in
        TRIMTAB_MEMORY_MB, TRIMTAB_BATCH_SIZE and TRIMTAB_CONCURRENCY and the
        payload on stdin; --url gets a POST of the payload with X-Trimtab-Memory-MB
        and X-Trimtab-Batch-Size headers. --lambda sets the function's memory
        through the Lambda API (SigV4, credentials from AWS_ACCESS_KEY_ID /
        AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN) before each series, waits for the
        update, and invokes it with the payload; --memory is required. --adaptive
        measures the ends and the middle of --memory, then bisects towards the
        cheapest size (GB-seconds per item) until it is bracketed.

        --ray-serve DASHBOARD profiles one stage of a running Ray Serve application:
        per variant × batch size × CPUs it sets the deployment's user_config
        (variant, max_batch_size), ray_actor_options.num_cpus and one replica with
        one PUT (the ray_serve sink of control), waits for RUNNING, then POSTs the
        payload to --url in rounds of b simultaneous requests (the stage's time from
        the answer's timings_ms, the CV rule as above) and keeps 2·b requests in
        flight for --throughput-seconds (answers per second per replica). The
        deployment is put back as it was at the end. `trimtab fit CSV --workflow W`
        turns the CSVs of the stages into the pipeline planner's workflow.

        Example:
          trimtab profile --command 'python3 infer.py' --payload image.jpg \\
            --memory 512,1024,2048 -o measurements.csv
          trimtab profile --ray-serve http://127.0.0.1:8265 --application digits \\
            --stage locate --variants linear,mlp,svm --batch-sizes 1,2,4,8 \\
            --cpus 0.5,1,2 --url http://127.0.0.1:8000/ --payload canvas.json \\
            -o locate.csv
        """)

    @Option(help: "POST the payload to this URL per invocation.")
    var url: String?
    @Option(help: "Run this shell command per invocation.")
    var command: String?
    @Option(help: "AWS Lambda function name: memory is set through the Lambda API before each series.")
    var lambda: String?
    @Option(help: "Lambda API endpoint (default https://lambda.REGION.amazonaws.com; e.g. a moto_server URL).")
    var endpoint: String?
    @Option(help: "AWS region for --lambda (default AWS_REGION, AWS_DEFAULT_REGION, then us-east-1).")
    var region: String?
    @Option(help: "Request body (--url) or standard input (--command).")
    var payload: String?
    @Option(help: "Stage name written in the CSV.")
    var stage: String = "function"
    @Option(help: "Memory sizes: FROM:TO:STEP and/or a comma list (for --url/--command a label passed to the function; required with --lambda).")
    var memory: String?
    @Option(name: .customLong("batch-sizes"), help: "Comma list of batch sizes.")
    var batchSizes: String = "1"
    @Option(help: "Comma list of concurrency levels (simultaneous invocations per round).")
    var concurrency: String = "1"
    @Option(name: .customLong("min-repeats")) var minRepeats: Int = 3
    @Option(name: .customLong("max-repeats")) var maxRepeats: Int = 30
    @Option(help: "Target coefficient of variation of a setting's latencies.")
    var cv: Double = 0.05
    @Option(help: "Seconds an invocation may take before the setting is infeasible.")
    var timeout: Double = 30
    @Option(name: .customLong("ray-serve"), help: "Ray dashboard address (Serve's REST API): profile a stage of a running Ray Serve application.")
    var rayServe: String?
    @Option(help: "The Serve application (--ray-serve).")
    var application: String?
    @Option(help: "The stage's deployment in the application (--ray-serve; default: the stage name).")
    var deployment: String?
    @Option(help: "Comma list of the stage's model variants, set through user_config (--ray-serve).")
    var variants: String?
    @Option(help: "Comma list of CPUs per replica (ray_actor_options.num_cpus, --ray-serve).")
    var cpus: String = "1"
    @Option(name: .customLong("throughput-seconds"), help: "Seconds of the throughput run of each setting (--ray-serve).")
    var throughputSeconds: Double = 3
    @Option(name: .customLong("wait-seconds"), help: "Bound on the wait for RUNNING after each setting is applied (--ray-serve).")
    var waitSeconds: Double = 120
    @Flag(help: "Choose memory sizes adaptively around the cheapest one instead of measuring all.")
    var adaptive = false
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the CSV here instead of stdout.")
    var output: String?

    static func list(_ text: String, flag: String) throws(TrimtabError) -> [Int] {
        var out: [Int] = []
        for part in text.split(separator: ",") {
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 1 else {
                throw TrimtabError(field: flag, "'\(part)' is not a positive whole number")
            }
            out.append(v)
        }
        guard !out.isEmpty else { throw TrimtabError(field: flag, "is empty") }
        return out
    }

    func execute() throws -> CommandResult {
        guard minRepeats >= 2, maxRepeats >= minRepeats else {
            throw TrimtabError(field: "--max-repeats", "need 2 ≤ --min-repeats ≤ --max-repeats")
        }
        guard cv.isFinite, cv > 0 else { throw TrimtabError(field: "--cv", "\(cv) must be positive") }
        guard timeout.isFinite, timeout > 0 else { throw TrimtabError(field: "--timeout", "\(timeout) must be positive") }
        if let rayServe { return try profileRayServe(address: rayServe) }
        var body: Data? = nil
        if let payload {
            guard let data = FileManager.default.contents(atPath: payload) else { throw TrimtabError(code: .io, file: payload, "cannot read the file") }
            body = data
        }
        let invoker: any Invoker
        switch (url, command) {
        case (nil, nil) where lambda != nil:
            invoker = try lambdaInvoker(payload: body)
        case (let u?, nil) where lambda == nil:
            guard let parsed = URL(string: u), let scheme = parsed.scheme, ["http", "https"].contains(scheme) else {
                throw TrimtabError(field: "--url", "'\(u)' is not an http(s) URL")
            }
            guard let body else { throw TrimtabError(field: "--payload", "is required with --url") }
            invoker = HTTPProfileInvoker(url: u, payload: body, timeout: timeout)
        case (nil, let c?) where lambda == nil: invoker = CommandInvoker(command: c, payload: body)
        default: throw TrimtabError(field: "--url", "give exactly one of --lambda, --url or --command")
        }
        let plan = ProfilePlan(memorySizes: try MemoryGrid.parse(memory ?? "1024"), batchSizes: try Self.list(batchSizes, flag: "--batch-sizes"),
                               concurrency: try Self.list(concurrency, flag: "--concurrency"), minRepeats: minRepeats,
                               maxRepeats: maxRepeats, targetCV: cv, timeout: timeout, adaptive: adaptive)
        let terminal = isatty(STDERR_FILENO) == 1
        let report = Profiler(invoker: invoker, plan: plan, stage: stage).run { done, total in
            guard terminal else { return }
            let width = 30, filled = width * done / max(total, 1)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) settings".utf8))
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        var result = try FitCommand.deliver(report.csv, produced: .text("CSV"), to: output)
        result.stderr = Self.summary(report, plan: plan) + result.stderr
        return result
    }

    /// `--ray-serve`: one stage of a running Serve application, through the ray_serve sink.
    func profileRayServe(address: String) throws -> CommandResult {
        guard let parsed = URL(string: address), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw TrimtabError(field: "--ray-serve", "'\(address)' is not an http(s) URL (the Ray dashboard, e.g. http://127.0.0.1:8265)")
        }
        guard let application, !application.isEmpty else { throw TrimtabError(field: "--application", "is required with --ray-serve") }
        guard lambda == nil, command == nil, memory == nil, !adaptive else {
            throw TrimtabError(field: "--ray-serve", "takes --url, not --lambda, --command, --memory or --adaptive")
        }
        guard let u = url, let endpoint = URL(string: u), let s = endpoint.scheme, ["http", "https"].contains(s) else {
            throw TrimtabError(field: "--url", "is required with --ray-serve: the application's HTTP endpoint, e.g. http://127.0.0.1:8000/")
        }
        guard let payload else { throw TrimtabError(field: "--payload", "is required with --ray-serve (one request body)") }
        guard let body = FileManager.default.contents(atPath: payload) else { throw TrimtabError(code: .io, file: payload, "cannot read the file") }
        guard let variants else { throw TrimtabError(field: "--variants", "is required with --ray-serve (e.g. linear,mlp,svm)") }
        let names = variants.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else { throw TrimtabError(field: "--variants", "'\(variants)' is not a comma list of names") }
        var cores: [Double] = []
        for part in cpus.split(separator: ",") {
            guard let c = Double(part.trimmingCharacters(in: .whitespaces)), c.isFinite, c > 0 else {
                throw TrimtabError(field: "--cpus", "'\(part)' is not a positive number of CPUs")
            }
            cores.append(c)
        }
        guard !cores.isEmpty else { throw TrimtabError(field: "--cpus", "is empty") }
        guard minRepeats >= 2, maxRepeats >= minRepeats else {
            throw TrimtabError(field: "--max-repeats", "need 2 ≤ --min-repeats ≤ --max-repeats")
        }
        guard cv.isFinite, cv > 0 else { throw TrimtabError(field: "--cv", "\(cv) must be positive") }
        guard timeout.isFinite, timeout > 0 else { throw TrimtabError(field: "--timeout", "\(timeout) must be positive") }
        guard throughputSeconds.isFinite, throughputSeconds > 0 else { throw TrimtabError(field: "--throughput-seconds", "\(throughputSeconds) must be positive") }
        guard waitSeconds.isFinite, waitSeconds > 0 else { throw TrimtabError(field: "--wait-seconds", "\(waitSeconds) must be positive") }
        let plan = RayServeProfiler.Plan(variants: names, batchSizes: try Self.list(batchSizes, flag: "--batch-sizes"), cpus: cores,
                                         minRepeats: minRepeats, maxRepeats: maxRepeats, throughputSeconds: throughputSeconds,
                                         timeout: .milliseconds(Int(timeout * 1000)))
        let settings = RayServeSettings(address: address, application: application, deployments: [stage: deployment ?? stage],
                                        waitTimeout: .milliseconds(Int(waitSeconds * 1000)))
        let targetCV = cv
        let profiler = RayServeProfiler(sink: RayServeSink(settings: settings), stage: stage, endpoint: u, payload: body, plan: plan) {
            ProfileSeries(setting: ProfileSetting(memoryMB: 1, batchSize: 1, concurrency: 1), latencies: $0).cv <= targetCV
        }
        let stageName = stage
        let verified: Result<Void, TrimtabError> = AsyncBridge.wait {
            do {
                try await profiler.verify()
                return .success(())
            } catch AdapterError.mismatch(let setting, let message) {
                let flag = setting == "application" ? "--application" : "--deployment"
                return .failure(TrimtabError(field: flag, message))
            } catch {
                return .failure(TrimtabError(code: .unavailable, "--ray-serve: cannot read the Serve application at \(address): \(FailureMessage.describe(error))"))
            }
        }
        try verified.get()
        let terminal = isatty(STDERR_FILENO) == 1
        let series = AsyncBridge.wait {
            await profiler.run { done, total in
                guard terminal else { return }
                let width = 30, filled = width * done / max(total, 1)
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) settings".utf8))
            }
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        var result = try FitCommand.deliver(RayServeProfiler.csv(stage: stageName, series), produced: .text("CSV"), to: output)
        let rows = series.map { s -> [String] in
            let m = ProfileSeries(setting: ProfileSetting(memoryMB: 1, batchSize: s.batchSize, concurrency: s.batchSize), latencies: s.latencies)
            let overhead = s.overheads.isEmpty ? Double.nan : s.overheads.reduce(0, +) / Double(s.overheads.count)
            return [s.variant, String(format: "%g", s.cpus), String(s.batchSize), String(s.latencies.count),
                    s.infeasible == nil ? Render.fixed(m.mean, 2) : "-", s.infeasible == nil && m.cv.isFinite ? Render.fixed(m.cv * 100, 1) + "%" : "-",
                    s.infeasible == nil ? Render.fixed(overhead, 2) : "-",
                    s.throughputRps.map { Render.fixed($0, 1) } ?? "-", s.infeasible.map { "infeasible: \($0)" } ?? "ok"]
        }
        result.stderr = Render.table(["variant", "cpus", "batch", "n", "stage_ms", "cv", "overhead_ms", "throughput_rps", "status"], rows)
            + "\n" + result.stderr
        return result
    }

    /// The Lambda runner: needs --memory (the sizes to set) and credentials in the environment.
    func lambdaInvoker(payload: Data?) throws(TrimtabError) -> LambdaProfileInvoker {
        guard let name = lambda, !name.isEmpty else { throw TrimtabError(field: "--lambda", "needs a function name") }
        guard memory != nil else { throw TrimtabError(field: "--memory", "is required with --lambda (the sizes to set, e.g. 128,512,1024)") }
        if let endpoint {
            guard let parsed = URL(string: endpoint), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
                throw TrimtabError(field: "--endpoint", "'\(endpoint)' is not an http(s) URL")
            }
        }
        let environment = ProcessInfo.processInfo.environment
        guard let credentials = AWSCredentials.fromEnvironment(environment) else {
            throw TrimtabError(field: "--lambda", "AWS credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        let chosenRegion = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        return LambdaProfileInvoker(function: name, endpoint: endpoint, region: chosenRegion, credentials: credentials,
                                    payload: payload, timeout: timeout)
    }

    static func summary(_ report: ProfileReport, plan: ProfilePlan) -> String {
        let rows = report.series.map { s -> [String] in
            [String(s.setting.memoryMB), String(s.setting.batchSize), String(s.setting.concurrency), String(s.latencies.count),
             s.infeasible == nil ? Render.fixed(s.mean, 2) : "-", s.infeasible == nil && s.cv.isFinite ? Render.fixed(s.cv * 100, 1) + "%" : "-",
             s.infeasible.map { "infeasible: \($0)" } ?? "ok"]
        }
        var out = Render.table(["memory_mb", "batch", "concurrency", "n", "mean_ms", "cv", "status"], rows) + "\n"
        out += "measured \(report.memoryOrder.count) of \(plan.memorySizes.count) memory sizes (order: \(report.memoryOrder.map(String.init).joined(separator: ", ")))"
        if let m = report.cheapestMemoryMB { out += "; cheapest per item: \(m) MB" }
        return out + "\n"
    }
}
