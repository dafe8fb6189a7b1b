import ArgumentParser
import Foundation
import TrimtabForecast
import TrimtabKit
import TrimtabModel

/// `trimtab forecast`: trains a load predictor on the start of a trace and scores it on the rest.
struct ForecastCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast the peak load of the next interval from a trace and score the predictor.",
        discussion: """
        Every --step seconds the predictor sees the per-bin maxima of the last
        --history seconds and predicts the maximum load of the next --horizon
        seconds. It is fitted only on the seconds before --train-until and scored on
        those after it: SMAPE (mean of 2|p − y|/(|p| + |y|), 0 when both are 0),
        MAPE (over points whose truth is not 0), under_share (share of predictions
        below the truth). Predictors:
        \(ForecasterCatalog.names.joined(separator: ", ")).

        Example:
          trimtab forecast \\
            --trace ../shared/reference/traces/twitter_per_second.tbz2 \\
            --scale 0.125 --train-until 1209600 --select
        """)

    @Option(help: ArrivalsHelp.trace)
    var trace: String
    @Option(help: ArrivalsHelp.scale)
    var scale: Double = 1
    @Option(help: "Seconds of history the predictor sees.")
    var history: Int = 120
    @Option(help: "Seconds per bin (the predictor sees per-bin maxima).")
    var bin: Int = 10
    @Option(help: "Seconds ahead whose maximum load is predicted.")
    var horizon: Int = 20
    @Option(help: "Seconds between predictions.")
    var step: Int = 10
    @Option(name: .customLong("train-until"), help: "Fit on the seconds before this one (a second, or a share of the trace such as 60%).")
    var trainUntil: String
    @Option(help: "The predictor to evaluate.")
    var predictor: String?
    @Flag(help: "Choose the predictor on the training data only (fit on its first 75%, validate on the rest).")
    var select = false
    @Flag(help: "Evaluate every predictor and list them.")
    var compare = false
    @Option(help: "Capacity factor, as in adapt and control: score the predictions × headroom (1.2 = 20% over; fewer under-predictions, more cost).")
    var headroom: Double = 1
    @Option(help: "Output: table (for people) or json (for tools).")
    var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        let result = try ForecastOperation.run(.init(
            trace: .file(trace), scale: scale, history: history, bin: bin, horizon: horizon, step: step, trainUntil: trainUntil,
            predictor: predictor, select: select ? true : nil, compare: compare ? true : nil, headroom: headroom))
        return try CommandResult(result, format: format) { table(result) }
    }

    static let header = ["predictor", "smape", "mape", "under_share", "points"]

    static func row(_ predictor: String, _ m: ForecastOperation.Metrics) -> [String] {
        [predictor, Render.fixed(m.smape, 4), Render.fixed(m.mape, 4), Render.fixed(m.underShare, 3), String(m.points)]
    }

    func table(_ r: ForecastOperation.Result) -> String {
        if let all = r.predictors { return Render.table(Self.header, all.map { Self.row($0.predictor, $0.test) }) }
        var out = ""
        if let validation = r.validation {
            out += "selection on the training data (fit on its first 75%, validation SMAPE on the rest):\n"
            out += Render.table(["predictor", "validation_smape"], validation.map { [$0.predictor, Render.fixed($0.smape, 4)] }) + "\n"
        }
        guard let predictor = r.predictor, let test = r.test else { return out }
        out += "predictor \(predictor), scored after second \(trainUntil):\n"
        out += Render.table(Self.header, [Self.row(predictor, test)])
        return out
    }
}
