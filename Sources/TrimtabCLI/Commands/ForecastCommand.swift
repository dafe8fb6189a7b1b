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
        let modes = [predictor != nil, select, compare].filter { $0 }.count
        guard modes == 1 else {
            throw TrimtabError(field: "--predictor", "give exactly one of --predictor NAME, --select or --compare")
        }
        guard headroom.isFinite, headroom >= 1 else {
            throw TrimtabError(field: "--headroom", "\(headroom) must be at least 1 (a factor: 1.2 scores the predictions × 1.2)")
        }
        let window = try ForecastWindow(historySeconds: history, binSeconds: bin, horizonSeconds: horizon)
        // ForecastEvaluation takes the share over the prediction (factor − 1).
        let evaluation = ForecastEvaluation(window: window, stepSeconds: step, headroom: headroom - 1)
        let load = try LoadTrace.load(path: trace, scale: scale)
        let until = try Self.second(trainUntil, traceSeconds: load.perSecond.count)
        if compare {
            var outcomes: [ForecastEvaluation.Outcome] = []
            for name in ForecasterCatalog.names {
                outcomes.append(try evaluation.evaluate(try ForecasterCatalog.named(name, window: window), trace: load, trainUntil: until))
            }
            return renderComparison(outcomes)
        }
        let outcome = select
            ? try evaluation.select(trace: load, trainUntil: until)
            : try evaluation.evaluate(try ForecasterCatalog.named(predictor ?? "", window: window), trace: load, trainUntil: until)
        return render(outcome)
    }

    /// A second (`1209600`) or a share of the trace (`60%`), rounded down to whole seconds.
    static func second(_ text: String, traceSeconds: Int) throws(TrimtabError) -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%"), let share = Double(t.dropLast()), share > 0, share < 100 {
            return Int(Double(traceSeconds) * share / 100)
        }
        guard let s = Int(t), s > 0 else {
            throw TrimtabError(field: "--train-until", "'\(text)' is not a positive second or a share such as 60%")
        }
        return s
    }

    static func metricsJSON(_ m: ForecastMetrics) -> JSONValue {
        .object([("smape", .number(m.smape)), ("mape", .number(m.mape)), ("under_share", .number(m.underShare)),
                 ("points", .integer(m.points))])
    }

    func render(_ o: ForecastEvaluation.Outcome) -> CommandResult {
        switch format {
        case .json:
            let value = JSONValue.object([("predictor", .string(o.predictor)), ("test", Self.metricsJSON(o.test))])
            return CommandResult(stdout: value.render() + "\n")
        case .table:
            var out = ""
            if !o.validation.isEmpty {
                out += "selection on the training data (fit on its first 75%, validation SMAPE on the rest):\n"
                out += Render.table(["predictor", "validation_smape"], o.validation.map { [$0.name, Render.fixed($0.smape, 4)] }) + "\n"
            }
            out += "predictor \(o.predictor), scored after second \(trainUntil):\n"
            out += Render.table(["predictor", "smape", "mape", "under_share", "points"], [Self.row(o)])
            return CommandResult(stdout: out)
        }
    }

    static func row(_ o: ForecastEvaluation.Outcome) -> [String] {
        [o.predictor, Render.fixed(o.test.smape, 4), Render.fixed(o.test.mape, 4), Render.fixed(o.test.underShare, 3), String(o.test.points)]
    }

    func renderComparison(_ outcomes: [ForecastEvaluation.Outcome]) -> CommandResult {
        switch format {
        case .json:
            let value = JSONValue.object([("predictors", .array(outcomes.map {
                .object([("predictor", .string($0.predictor)), ("test", Self.metricsJSON($0.test))])
            }))])
            return CommandResult(stdout: value.render() + "\n")
        case .table:
            return CommandResult(stdout: Render.table(["predictor", "smape", "mape", "under_share", "points"], outcomes.map(Self.row)))
        }
    }
}
