import ArgumentParser
import Foundation
import TrimtabKit
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

    @Option(help: "Output: table (the CSV on stdout or -o, a summary on stderr) or json (the summary, with the CSV unless -o).")
    var format: OutputFormat = .table

    /// A comma list of positive numbers; `what` names what each must be in the one-line error.
    static func positives<T: Comparable & Numeric>(_ text: String, flag: String, what: String,
                                                  parse: (String) -> T?) throws(TrimtabError) -> [T] {
        var out: [T] = []
        for part in text.split(separator: ",") {
            guard let v = parse(part.trimmingCharacters(in: .whitespaces)), v > 0 else {
                throw TrimtabError(field: flag, "'\(part)' is not \(what)")
            }
            out.append(v)
        }
        guard !out.isEmpty else { throw TrimtabError(field: flag, "is empty") }
        return out
    }

    static func list(_ text: String, flag: String) throws(TrimtabError) -> [Int] {
        try positives(text, flag: flag, what: "a positive whole number") { Int($0) }
    }

    static func cores(_ text: String) throws(TrimtabError) -> [Double] {
        try positives(text, flag: "--cpus", what: "a positive number of CPUs") { Double($0).flatMap { $0.isFinite ? $0 : nil } }
    }

    /// The flags as the application layer's request; lists parsed here so errors name the flag.
    func request() throws(TrimtabError) -> ProfileOperation.Request {
        let serving = rayServe != nil
        let names = try variants.map { text throws(TrimtabError) -> [String] in
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
                throw TrimtabError(field: "--variants", "'\(text)' is not a comma list of names")
            }
            return names
        }
        return ProfileOperation.Request(
            url: url, command: command, lambda: lambda, endpoint: endpoint, region: region, payload: payload, stage: stage,
            memory: memory, batchSizes: try Self.list(batchSizes, flag: "--batch-sizes"),
            concurrency: serving && concurrency == "1" ? nil : try Self.list(concurrency, flag: "--concurrency"),
            minRepeats: minRepeats, maxRepeats: maxRepeats, cv: cv, timeout: timeout, rayServe: rayServe, application: application,
            deployment: deployment, variants: names, cpus: serving || cpus != "1" ? try Self.cores(cpus) : nil,
            throughputSeconds: throughputSeconds, waitSeconds: waitSeconds, adaptive: adaptive ? true : nil)
    }

    func execute() throws -> CommandResult {
        let request = try request()
        let bar: ProgressBar? = isatty(STDERR_FILENO) == 1 ? ProgressBar(unit: "settings") : nil
        let instruments = AdapterProfileInstruments(environment: ProcessInfo.processInfo.environment)
        let progress: @Sendable (Int, Int) -> Void = { done, total in bar?.show(done, total) }
        var r: ProfileOperation.Result
        if request.rayServe == nil {
            // A function target blocks this thread, not a task: in-process callers on the pool are safe too.
            do { r = try ProfileOperation.runFunction(request, instruments: instruments, progress: progress) } catch { bar?.finish(); throw error }
        } else {
            let outcome: Result<ProfileOperation.Result, TrimtabError> = AsyncBridge.wait {
                do throws(TrimtabError) {
                    return .success(try await ProfileOperation.run(request, instruments: instruments, progress: progress))
                } catch {
                    return .failure(error)
                }
            }
            r = try outcome.get()
        }
        bar?.finish()
        let csv = r.csv ?? ""
        if let output {
            try OutputFile.write(csv, produced: .text("CSV"), to: output)
            r.output = output
            r.csv = nil
        }
        switch format {
        case .json:
            var result = try CommandResult(r, format: .json) { "" }
            if output != nil { result.stderr = "wrote \(output ?? "")\n" }
            return result
        case .table:
            let summary = Self.summary(r)
            return output == nil ? CommandResult(stdout: csv, stderr: summary) : CommandResult(stderr: summary + "wrote \(output ?? "")\n")
        }
    }

    /// The table of settings (stderr, beside the CSV).
    static func summary(_ r: ProfileOperation.Result) -> String {
        func f(_ x: Double?, _ d: Int) -> String { x.map { Render.fixed($0, d) } ?? "-" }
        let cv = { (s: ProfileOperation.Setting) in s.cv.map { Render.fixed($0 * 100, 1) + "%" } ?? "-" }
        guard r.target != .rayServe else {
            let rows = r.settings.map { s -> [String] in
                [s.variant ?? "-", s.cpus.map { String(format: "%g", $0) } ?? "-", String(s.batchSize), String(s.n), f(s.meanMs, 2), cv(s),
                 f(s.overheadMs, 2), f(s.throughputRps, 1), s.status]
            }
            return Render.table(["variant", "cpus", "batch", "n", "stage_ms", "cv", "overhead_ms", "throughput_rps", "status"], rows) + "\n"
        }
        let rows = r.settings.map { s -> [String] in
            [s.memoryMB.map(String.init) ?? "-", String(s.batchSize), String(s.concurrency), String(s.n), f(s.meanMs, 2), cv(s), s.status]
        }
        var out = Render.table(["memory_mb", "batch", "concurrency", "n", "mean_ms", "cv", "status"], rows) + "\n"
        let order = r.memoryOrder ?? []
        out += "measured \(order.count) of \(r.plannedMemorySizes ?? order.count) memory sizes (order: \(order.map(String.init).joined(separator: ", ")))"
        if let m = r.cheapestMemoryMB { out += "; cheapest per item: \(m) MB" }
        return out + "\n"
    }
}
