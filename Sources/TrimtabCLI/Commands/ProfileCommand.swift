import ArgumentParser
import Foundation
import TrimtabFit
import TrimtabModel

/// `trimtab profile`: measure a real function and write the CSV that `fit` reads.
struct ProfileCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure a real function (HTTP endpoint or local command) and write the CSV that fit reads.",
        discussion: """
        Each setting (memory, batch size, concurrency) is repeated until the coefficient of variation of its
        latencies is at most --cv (after --min-repeats) or --max-repeats is reached; a setting that fails or
        times out is recorded as infeasible and skipped. --command gets the setting in TRIMTAB_MEMORY_MB,
        TRIMTAB_BATCH_SIZE and TRIMTAB_CONCURRENCY and the payload on stdin; --url gets a POST of the payload
        with X-Trimtab-Memory-MB and X-Trimtab-Batch-Size headers. --adaptive measures the ends and the middle
        of --memory, then bisects towards the cheapest size (GB-seconds per item) until it is bracketed.
        """)

    @Option(help: "POST the payload to this URL per invocation.")
    var url: String?
    @Option(help: "Run this shell command per invocation.")
    var command: String?
    @Option(help: "AWS Lambda function name (not in this build: needs the SigV4 client of the control loop).")
    var lambda: String?
    @Option(help: "Request body (--url) or standard input (--command).")
    var payload: String?
    @Option(help: "Stage name written in the CSV.")
    var stage: String = "function"
    @Option(help: "Memory sizes: FROM:TO:STEP and/or a comma list (for --url/--command a label passed to the function).")
    var memory: String = "1024"
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
        if lambda != nil {
            throw TrimtabError(code: .unsupported, field: "--lambda", "is not available in this build yet (it needs the SigV4 Lambda client); use --url or --command")
        }
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
        case (let u?, nil):
            guard let parsed = URL(string: u), let scheme = parsed.scheme, ["http", "https"].contains(scheme) else {
                throw TrimtabError(field: "--url", "'\(u)' is not an http(s) URL")
            }
            guard let body else { throw TrimtabError(field: "--payload", "is required with --url") }
            invoker = HTTPInvoker(url: parsed, payload: body)
        case (nil, let c?): invoker = CommandInvoker(command: c, payload: body)
        default: throw TrimtabError(field: "--url", "give exactly one of --url or --command")
        }
        let plan = ProfilePlan(memorySizes: try MemoryGrid.parse(memory), batchSizes: try Self.list(batchSizes, flag: "--batch-sizes"),
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
        var result = try FitCommand.deliver(report.csv, to: output)
        result.stderr = Self.summary(report, plan: plan) + result.stderr
        return result
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
