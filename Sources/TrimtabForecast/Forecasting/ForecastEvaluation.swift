import TrimtabModel
/// Trains a predictor on the part of a trace before `trainUntil` and scores it on the rest, the
/// way `trimtab forecast` does.
///
/// Every `stepSeconds` (at times t that are multiples of the step, from the first one at or after
/// `trainUntil`), the predictor sees the per-bin maxima of `[t − history, t)` and predicts the
/// maximum load of `[t, t + horizon)`. Training uses only bins that end at or before `trainUntil`
/// (its targets included).
public struct ForecastEvaluation: Sendable {
    public var window: ForecastWindow
    public var stepSeconds: Int
    /// Predictions are multiplied by 1 + headroom before scoring (trades misses for cost).
    public var headroom: Double

    public init(window: ForecastWindow, stepSeconds: Int = 10, headroom: Double = 0) {
        self.window = window
        self.stepSeconds = stepSeconds
        self.headroom = headroom
    }

    /// The result of one evaluation.
    public struct Outcome: Sendable {
        public var predictor: String
        public var test: ForecastMetrics
        /// With selection: each candidate's validation SMAPE, in catalogue order.
        public var validation: [(name: String, smape: Double)] = []
    }

    func checkStep() throws(TrimtabError) {
        guard stepSeconds > 0, stepSeconds % window.binSeconds == 0 else {
            throw TrimtabError(field: "--step", "\(stepSeconds) must be a positive multiple of the bin (\(window.binSeconds) s)")
        }
    }

    /// Trains `forecaster` on the bins before `trainUntil` and scores it after.
    /// - Complexity: O(B · h) for B bins and h history bins, plus the predictor's training.
    public func evaluate(_ forecaster: any Forecaster, trace: LoadTrace, trainUntil: Int) throws(TrimtabError) -> Outcome {
        try checkStep()
        let bins = trace.binMaxima(binSeconds: window.binSeconds)
        let trainBins = try trainingBins(trainUntil, bins: bins)
        var f = forecaster
        f.train(on: Array(bins[0..<trainBins]))
        let firstTest = (trainUntil + stepSeconds - 1) / stepSeconds * stepSeconds / window.binSeconds
        return Outcome(predictor: f.name, test: score(f, bins: bins, from: firstTest, to: bins.count))
    }

    /// Chooses a predictor using only the data before `trainUntil`: every candidate is trained on
    /// the first 75% of those bins and scored (SMAPE) on the remaining 25%; the best is retrained
    /// on all training bins and scored on the test part.
    public func select(from names: [String] = ForecasterCatalog.names, trace: LoadTrace,
                       trainUntil: Int) throws(TrimtabError) -> Outcome {
        try checkStep()
        let bins = trace.binMaxima(binSeconds: window.binSeconds)
        let trainBins = try trainingBins(trainUntil, bins: bins)
        let fitBins = trainBins * 3 / 4
        guard fitBins > window.historyBins + window.horizonBins else {
            throw TrimtabError(field: "--train-until", "too little training data to select a predictor")
        }
        var validation: [(String, Double)] = []
        for name in names {
            var f = try ForecasterCatalog.named(name, window: window)
            f.train(on: Array(bins[0..<fitBins]))
            validation.append((name, score(f, bins: Array(bins[0..<trainBins]), from: fitBins, to: trainBins).smape))
        }
        guard let best = validation.min(by: { $0.1 < $1.1 }) else {
            throw TrimtabError(field: "--select", "no predictor to choose from")
        }
        var outcome = try evaluate(try ForecasterCatalog.named(best.0, window: window), trace: trace, trainUntil: trainUntil)
        outcome.validation = validation.map { (name: $0.0, smape: $0.1) }
        return outcome
    }

    func trainingBins(_ trainUntil: Int, bins: [Double]) throws(TrimtabError) -> Int {
        let count = trainUntil / window.binSeconds
        guard trainUntil > 0, count >= window.historyBins + window.horizonBins else {
            throw TrimtabError(field: "--train-until", "\(trainUntil) leaves no training data (need at least \((window.historyBins + window.horizonBins) * window.binSeconds) s)")
        }
        guard count + window.horizonBins <= bins.count else {
            throw TrimtabError(field: "--train-until", "\(trainUntil) leaves no test data (the trace has \(bins.count * window.binSeconds) whole-bin seconds)")
        }
        return count
    }

    /// Scores predictions at bins `from, from + step, …` whose horizon ends by `to`.
    func score(_ f: any Forecaster, bins: [Double], from: Int, to: Int) -> ForecastMetrics {
        var predictions: [Double] = [], truth: [Double] = []
        let stepBins = stepSeconds / window.binSeconds
        for (i, y) in window.pairs(bins, from: from, to: to, stride: stepBins) {
            let recent = Array(bins[(i - window.historyBins)..<i])
            predictions.append(f.predict(recent: recent, lastBinIndex: i - 1) * (1 + headroom))
            truth.append(y)
        }
        return ForecastMetrics(predictions: predictions, truth: truth)
    }
}
