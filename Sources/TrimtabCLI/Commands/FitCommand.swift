import ArgumentParser
import Foundation
import TrimtabFit
import TrimtabKit
import TrimtabModel

/// `trimtab fit MEASUREMENTS.csv`: latency curves from measured invocations, written as the
/// `stages:` part of a v1 workflow (with the tail and billing extensions).
struct FitCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit latency curves to measurements and write the stages of a workflow.",
        discussion: """
        Reads one row per invocation (stage, memory_mb, latency_ms [, variant,
        batch_size, billed_ms, init_ms]) or an AWS Lambda log export (Function,
        Memory Size, Duration, Billed Duration [, Init Duration]). Per stage it fits
        a0 + a1·exp(−m/a2), a + b·m^−c and a monotone piecewise-linear curve and
        keeps the one with the lowest cross-validated MAPE. Output: YAML stages with
        latency_ms, latency_p95_ms, latency_p99_ms (and billed_ms when the input has
        billed durations).

        With --workflow BASE.yaml, the input is what `trimtab profile --ray-serve`
        wrote (one CSV per stage, several files): the output is BASE's workflow with
        each profiled variant's latency_ms_by_batch (a request's mean time in the
        stage at each batch size, by CPUs per replica in millicores) and
        throughput_rps_by_batch (requests/s per replica) replaced by the measured
        ones, and the first stage's overhead_ms set to Serve's proxy and ingress
        time — the pipeline planner's file for `trimtab control`.

        Example:
          trimtab fit ../shared/reference/slapp-alg/App3_Lambda_Logs.csv \\
            --memory 128:3008:64 -o stages.yaml
          trimtab fit locate.csv classify.csv --workflow digits-pipeline.yaml \\
            -o digits-profiled.yaml
        """)

    @Argument(help: "The measurements CSV (several with --workflow: one per profiled stage).")
    var files: [String]
    @Option(help: "Base workflow for CSVs of `trimtab profile --ray-serve`: its tables are replaced by the measured ones.")
    var workflow: String?
    @Option(help: "Memory sizes of the tables: FROM:TO:STEP and/or a comma list (default: the measured sizes).")
    var memory: String?
    @Option(name: .customLong("batch-size"), help: "Batch size the tables are for, when the input varies it (default: the smallest measured).")
    var batchSize: Int?
    @Option(help: "yaml (the stages block, default), table (the fit report) or json (the report for tools).")
    var format: String = "yaml"
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the output to this file instead of stdout (a .json name gets JSON, .yaml/.yml YAML).")
    var output: String?

    func execute() throws -> CommandResult {
        guard ["yaml", "table", "json"].contains(format) else {
            throw TrimtabError(field: "--format", "'\(format)' is not a format (expected yaml, table or json)")
        }
        if let workflow { return try fitServeProfile(base: workflow) }
        guard files.count == 1, let file = files.first else {
            throw TrimtabError(field: "FILE", "give one measurements file (several only with --workflow)")
        }
        let first = try CSVTable.load(path: file)
        if ServeProfileFit.recognises(first) {
            throw TrimtabError(file: file, field: "--workflow", "is required for a CSV of trimtab profile --ray-serve (the base workflow: accuracies, edges, goal)")
        }
        let result = try FitOperation.run(.init(measurements: .file(file), memory: memory, batchSize: batchSize))
        switch format {
        case "json": return try Self.deliver(try result.jsonText(), produced: .json, to: output)
        case "table": return try Self.deliver(Self.table(result), produced: .text("a table"), to: output)
        default: return try Self.deliver("# trimtab fit \(file)\n" + result.stagesYAML, produced: .yaml, to: output)
        }
    }

    /// `--workflow`: the pipeline planner's workflow from `profile --ray-serve` CSVs.
    func fitServeProfile(base: String) throws -> CommandResult {
        guard !files.isEmpty else { throw TrimtabError(field: "FILE", "give the CSVs of trimtab profile --ray-serve") }
        guard format == "yaml" else { throw TrimtabError(field: "--format", "with --workflow the output is a workflow (yaml)") }
        guard memory == nil, batchSize == nil else { throw TrimtabError(field: "--workflow", "takes no --memory or --batch-size (the tables keep every measured setting)") }
        var fit = ServeProfileFit()
        for file in files {
            let table = try CSVTable.load(path: file)
            guard ServeProfileFit.recognises(table) else {
                throw TrimtabError(file: file, field: "line 1", "is not a CSV of trimtab profile --ray-serve (needs the columns cpus and throughput_rps)")
            }
            try fit.add(table)
        }
        guard let data = FileManager.default.contents(atPath: base), let text = String(data: data, encoding: .utf8) else {
            throw TrimtabError(code: .io, file: base, "cannot read the file")
        }
        let command = "trimtab fit " + files.joined(separator: " ") + " --workflow \(base)"
        return try Self.deliver(try fit.workflowYAML(base: text, baseFile: base, command: command), produced: .yaml, to: output)
    }

    /// `text` on stdout, or written to `output` in the syntax its extension names.
    static func deliver(_ text: String, produced: OutputFile.Syntax, to output: String?) throws(TrimtabError) -> CommandResult {
        guard let output else { return CommandResult(stdout: text) }
        try OutputFile.write(text, produced: produced, to: output)
        return CommandResult(stderr: "wrote \(output)\n")
    }

    static func pct(_ x: Double?) -> String { x.map { Render.fixed($0, 2) + "%" } ?? "n/a" }

    static func table(_ r: FitOperation.Result) -> String {
        let header = ["stage", "sizes", "invocations"] + CurveFamily.allCases.map { "CV MAPE \($0.rawValue)" } + ["chosen", "p95/mean", "p99/mean", "cold starts"]
        let rows = r.stages.map { f -> [String] in
            [f.variant.map { "\(f.name)/\($0)" } ?? f.name, String(f.memorySizes.count), String(f.invocations)]
                + CurveFamily.allCases.map { pct(f.families[$0.rawValue]?.wrappedValue) }
                + [f.family, Render.fixed(f.p95OverMean, 3), Render.fixed(f.p99OverMean, 3),
                   f.coldStarts > 0 ? "\(f.coldStarts) (init \(Render.fixed(f.meanInitMs ?? 0, 1)) ms)" : "0"]
        }
        return Render.table(header, rows) + "\n"
    }
}
