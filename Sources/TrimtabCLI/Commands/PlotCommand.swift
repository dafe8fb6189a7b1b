import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel

/// `trimtab plot DATA.csv --y COL …`: draws columns of a CSV table as an SVG chart.
struct PlotCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw columns of a CSV table (benchmark results, a simulation timeline) as an SVG chart.",
        discussion: """
        Each --y column is a series (split further by the values of --by). An --x
        column that is not all numbers is drawn as categories. --kind cdf draws
        the empirical distribution of each --y column. Rows with an empty y are
        left out. The SVG goes to -o FILE.svg, or to standard output; --format
        json prints {"svg", "series"} instead. A simulation's --timeline CSV, a
        benchmark's results table or a profile's measurements are typical input.

        Example:
          trimtab plot timeline.csv --x second --y latency_p95_ms --kind step \\
            -o p95.svg
          trimtab plot docs/figures/data/ray-serve.csv --x policy \\
            --y core_seconds --kind bars -o cores.svg
        """)

    @Argument(help: "The CSV table (a header row, then one row per record).")
    var file: String
    @Option(help: "The x column (default: the row number; not used by --kind cdf).")
    var x: String?
    @Option(help: "Comma list of the y columns to draw.")
    var y: String
    @Option(help: "A column whose values split the rows into series.")
    var by: String?
    @Option(help: "line, step, points, bars or cdf.")
    var kind: String = "line"
    @Flag(name: .customLong("log-x"), help: "Logarithmic x axis.")
    var logX = false
    @Flag(name: .customLong("log-y"), help: "Logarithmic y axis.")
    var logY = false
    @Option(help: "The chart's title.")
    var title: String?
    @Option(name: .customLong("x-label"), help: "The x axis label (default: the column's name).")
    var xLabel: String?
    @Option(name: .customLong("y-label"), help: "The y axis label (default: the columns' names).")
    var yLabel: String?
    @Option(help: "Output: table (the SVG itself) or json ({\"svg\", \"series\"}).")
    var format: OutputFormat = .table
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the SVG here (a .svg name) instead of standard output.")
    var output: String?

    func execute() throws -> CommandResult {
        guard let kind = PlotOperation.Kind(rawValue: kind) else {
            throw TrimtabError(field: "--kind", "'\(kind)' is not one of \(PlotOperation.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let columns = y.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !columns.isEmpty else { throw TrimtabError(field: "--y", "name at least one column") }
        let result = try PlotOperation.run(.init(table: .file(file), x: x, y: columns, by: by, kind: kind, logX: logX, logY: logY,
                                                 title: title, xLabel: xLabel, yLabel: yLabel))
        if let output {
            try OutputFile.write(result.svg, produced: .text("SVG"), to: output)
            if format == .json { return try CommandResult(result, format: .json) { "" } }
            let counts = result.series.map { "\($0.name) (\($0.points))" }.joined(separator: ", ")
            return CommandResult(stdout: "wrote \(output): \(counts)\n")
        }
        return try CommandResult(result, format: format) { result.svg }
    }
}
