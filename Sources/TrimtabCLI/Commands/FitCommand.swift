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

        Example:
          trimtab fit ../shared/reference/slapp-alg/App3_Lambda_Logs.csv \\
            --memory 128:3008:64 -o stages.yaml
        """)

    @Argument(help: "The measurements CSV.")
    var file: String
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
        let result = try FitOperation.run(.init(measurements: .file(file), memory: memory, batchSize: batchSize))
        switch format {
        case "json": return try Self.deliver(try result.jsonText(), produced: .json, to: output)
        case "table": return try Self.deliver(Self.table(result), produced: .text("a table"), to: output)
        default: return try Self.deliver("# trimtab fit \(file)\n" + result.stagesYAML, produced: .yaml, to: output)
        }
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
