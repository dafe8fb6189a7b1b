import ArgumentParser
import Foundation
import TrimtabAdapters
import TrimtabFit
import TrimtabModel

/// `trimtab profile`: measure a real function and write the CSV that `fit` reads.
struct ProfileCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure a real function (AWS Lambda, HTTP endpoint or local command) and write the CSV that fit reads.",
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

        Example:
          trimtab profile --command 'python3 infer.py' --payload image.jpg \\
            --memory 512,1024,2048 -o measurements.csv
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
            invoker = HTTPInvoker(url: parsed, payload: body)
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
