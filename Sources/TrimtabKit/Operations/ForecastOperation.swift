import Foundation
import TrimtabForecast
import TrimtabModel

/// `forecast`: trains a load predictor on the start of a trace and scores it on the rest (SMAPE,
/// MAPE, share of under-predictions) — one named predictor, the one chosen on the training data
/// only (`select`), or every predictor (`compare`).
public enum ForecastOperation {
    public struct Request: Codable, Sendable, Equatable {
        public var trace: TraceSource
        /// Multiplies every count, fractions carried (default 1).
        public var scale: Double?
        /// Seconds of history the predictor sees (default 120).
        public var history: Int?
        /// Seconds per bin (default 10).
        public var bin: Int?
        /// Seconds ahead whose maximum is predicted (default 20).
        public var horizon: Int?
        /// Seconds between predictions (default 10).
        public var step: Int?
        /// Fit on the seconds before this one: a second (`1209600`) or a share (`60%`).
        public var trainUntil: String
        /// Exactly one of `predictor`, `select` and `compare`.
        public var predictor: String?
        public var select: Bool?
        public var compare: Bool?
        /// Capacity factor ≥ 1: the predictions are scored × headroom (default 1).
        public var headroom: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case trace, scale, history, bin, horizon, step, trainUntil = "train_until", predictor, select, compare, headroom
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(trace: TraceSource, scale: Double? = nil, history: Int? = nil, bin: Int? = nil, horizon: Int? = nil,
                    step: Int? = nil, trainUntil: String, predictor: String? = nil, select: Bool? = nil, compare: Bool? = nil,
                    headroom: Double? = nil) {
            self.trace = trace
            self.scale = scale
            self.history = history
            self.bin = bin
            self.horizon = horizon
            self.step = step
            self.trainUntil = trainUntil
            self.predictor = predictor
            self.select = select
            self.compare = compare
            self.headroom = headroom
        }
    }

    /// One predictor: `{"predictor", "test"}` (with `select`, each candidate's validation SMAPE
    /// after them); with `compare`: `{"predictors": [{"predictor", "test"}, …]}` — exactly the
    /// shape the spec gives, so the second the test part starts at is not encoded.
    public struct Result: OperationResult {
        public var predictor: String?
        public var test: Metrics?
        public var predictors: [Scored]?
        /// With `select`: each candidate's SMAPE on the last 25% of the training data.
        public var validation: [Validation]?
        /// The first second of the test part (`train_until` resolved); not encoded.
        public var trainUntilSecond: Int = 0

        enum CodingKeys: String, CodingKey { case predictor, test, predictors, validation }
    }

    public struct Scored: Codable, Sendable, Equatable {
        public var predictor: String
        public var test: Metrics
    }

    public struct Validation: Codable, Sendable, Equatable {
        public var predictor: String
        public var smape: Double
    }

    /// SMAPE (mean of 2|p − y|/(|p| + |y|)), MAPE (over truths ≠ 0), the share of predictions
    /// below the truth, and the number of predictions scored.
    public struct Metrics: Codable, Sendable, Equatable {
        public var smape: Double
        public var mape: Double
        public var underShare: Double
        public var points: Int

        enum CodingKeys: String, CodingKey { case smape, mape, underShare = "under_share", points }

        init(_ m: ForecastMetrics) {
            smape = m.smape
            mape = m.mape
            underShare = m.underShare
            points = m.points
        }
    }

    /// - Complexity: O(B · h) per predictor for B bins and h history bins, plus each predictor's
    ///   training (least squares over the training bins for the autoregressive ones).
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let select = request.select ?? false, compare = request.compare ?? false
        let modes = [request.predictor != nil, select, compare].filter { $0 }.count
        guard modes == 1 else {
            throw TrimtabError(field: "--predictor", "give exactly one of --predictor NAME, --select or --compare")
        }
        let headroom = try Headroom.check(request.headroom ?? 1, field: "--headroom")
        let window = try ForecastWindow(historySeconds: request.history ?? 120, binSeconds: request.bin ?? 10,
                                        horizonSeconds: request.horizon ?? 20)
        // ForecastEvaluation takes the share over the prediction (factor − 1).
        let evaluation = ForecastEvaluation(window: window, stepSeconds: request.step ?? 10, headroom: headroom - 1)
        let load = LoadTrace(perSecond: try request.trace.load(scale: request.scale ?? 1))
        let until = try second(request.trainUntil, traceSeconds: load.perSecond.count)
        if compare {
            var scored: [Scored] = []
            for name in ForecasterCatalog.names {
                let o = try evaluation.evaluate(try ForecasterCatalog.named(name, window: window), trace: load, trainUntil: until)
                scored.append(Scored(predictor: o.predictor, test: Metrics(o.test)))
            }
            return Result(predictors: scored, trainUntilSecond: until)
        }
        let o = select
            ? try evaluation.select(trace: load, trainUntil: until)
            : try evaluation.evaluate(try ForecasterCatalog.named(request.predictor ?? "", window: window), trace: load, trainUntil: until)
        return Result(predictor: o.predictor, test: Metrics(o.test),
                      validation: o.validation.isEmpty ? nil : o.validation.map { Validation(predictor: $0.name, smape: $0.smape) },
                      trainUntilSecond: until)
    }

    /// A second (`1209600`) or a share of the trace (`60%`), rounded down to whole seconds.
    public static func second(_ text: String, traceSeconds: Int) throws(TrimtabError) -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%"), let share = Double(t.dropLast()), share > 0, share < 100 {
            return Int(Double(traceSeconds) * share / 100)
        }
        guard let s = Int(t), s > 0 else {
            throw TrimtabError(field: "--train-until", "'\(text)' is not a positive second or a share such as 60%")
        }
        return s
    }
}
