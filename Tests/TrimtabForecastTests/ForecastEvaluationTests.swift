import Foundation
import Testing
@testable import TrimtabForecast
import TrimtabModel

@Suite struct ForecastEvaluationTests {
    @Test func reactiveOnAHandMadeTrace() throws {
        // 1-second bins, 2 s of history, 1 s ahead; test from second 3: predictions 3, 4, 5 for truths 4, 5, 6.
        let window = ForecastWindow(binSeconds: 1, historyBins: 2, horizonBins: 1)
        let e = ForecastEvaluation(window: window, stepSeconds: 1)
        let o = try e.evaluate(LastValueForecaster(), trace: LoadTrace(perSecond: [1, 2, 3, 4, 5, 6]), trainUntil: 3)
        #expect(o.test.points == 3)
        #expect(abs(o.test.smape - (2.0 / 7 + 2.0 / 9 + 2.0 / 11) / 3) < 1e-12)
        #expect(abs(o.test.mape - (1.0 / 4 + 1.0 / 5 + 1.0 / 6) / 3) < 1e-12)
        #expect(o.test.underShare == 1)
    }

    @Test func horizonPeakIsTheMaximumOfItsSeconds() throws {
        // 2-second bins; 4 s history; 4 s ahead; step 2. At t = 8: last bin [6,8) → 9; truth max(5, 2, 7, 3) = 7.
        let window = try ForecastWindow(historySeconds: 4, binSeconds: 2, horizonSeconds: 4)
        let trace = LoadTrace(perSecond: [0, 0, 0, 0, 1, 0, 9, 4, 5, 2, 7, 3])
        let o = try ForecastEvaluation(window: window, stepSeconds: 2).evaluate(LastValueForecaster(), trace: trace, trainUntil: 8)
        #expect(o.test.points == 1)
        #expect(abs(o.test.smape - 2.0 * 2 / 16) < 1e-12)
    }

    @Test func headroomScalesPredictions() throws {
        let window = ForecastWindow(binSeconds: 1, historyBins: 2, horizonBins: 1)
        let o = try ForecastEvaluation(window: window, stepSeconds: 1, headroom: 0.5)
            .evaluate(LastValueForecaster(), trace: LoadTrace(perSecond: [4, 4, 4, 4, 4, 4]), trainUntil: 3)
        #expect(abs(o.test.smape - 2.0 * 2 / 10) < 1e-12)
        #expect(o.test.underShare == 0)
    }

    @Test func selectionUsesOnlyTheTrainingData() throws {
        var rng = SeededGenerator(seed: 7)
        let base = (0..<20_000).map { i in Double(50 + 30 * sin(Double(i) / 900) + Double(rng.next() % 10)) }
        var changed = base
        for i in 15_000..<20_000 { changed[i] *= 3 }
        let e = ForecastEvaluation(window: ForecastWindow(), stepSeconds: 10)
        let a = try e.select(trace: LoadTrace(perSecond: base), trainUntil: 15_000)
        let b = try e.select(trace: LoadTrace(perSecond: changed), trainUntil: 15_000)
        #expect(a.predictor == b.predictor)
        #expect(a.validation.map(\.smape) == b.validation.map(\.smape))
        #expect(a.validation.count == ForecasterCatalog.names.count)
        #expect(a.test.smape != b.test.smape)
    }

    @Test func badWindowsAndTrainingSplitsAreRejected() {
        #expect(throws: TrimtabError.self) { try ForecastWindow(historySeconds: 125, binSeconds: 10, horizonSeconds: 20) }
        let e = ForecastEvaluation(window: ForecastWindow(), stepSeconds: 10)
        let trace = LoadTrace(perSecond: Array(repeating: 1, count: 1000))
        #expect(throws: TrimtabError.self) { try e.evaluate(LastValueForecaster(), trace: trace, trainUntil: 50) }
        #expect(throws: TrimtabError.self) { try e.evaluate(LastValueForecaster(), trace: trace, trainUntil: 990) }
        #expect(throws: TrimtabError.self) {
            try ForecastEvaluation(window: ForecastWindow(), stepSeconds: 15).evaluate(LastValueForecaster(), trace: trace, trainUntil: 500)
        }
    }

    @Test func traceParsingNamesTheBadLine() throws {
        #expect(try PerSecondTrace.parse(Data("1 2\n3,4\n".utf8)) == [1, 2, 3, 4])
        #expect(throws: TrimtabError(field: "line 2", "'x' is not part of a non-negative integer count")) {
            try PerSecondTrace.parse(Data("1 2\n3 x\n".utf8))
        }
        #expect(LoadTrace(perSecond: [1, 5, 2, 2, 9]).binMaxima(binSeconds: 2) == [5, 2])
    }

    /// The published trace: 1,899,061 seconds, maximum 388 (reference README).
    @Test func twitterTraceFacts() throws {
        let trace = try #require(twitterTrace)
        #expect(trace.perSecond.count == 1_899_061)
        #expect(trace.perSecond.max() == 388)
    }

    /// On four days of the Twitter trace (÷ 8), the rounded log-AR beats both baselines by ≥ 5% SMAPE.
    @Test func logarBeatsTheBaselinesOnTwitter() throws {
        let full = try #require(twitterTrace)
        // ÷ 8 as `forecast --scale 0.125` reads it: fractions carried by the one trace reader.
        let days = PerSecondTrace(counts: full.perSecond[0..<(4 * 86_400)].map { Int32($0) })
        let trace = LoadTrace(perSecond: try days.scaled(by: 0.125))
        let e = ForecastEvaluation(window: ForecastWindow(), stepSeconds: 10)
        func smape(_ name: String) throws -> Double {
            try e.evaluate(try ForecasterCatalog.named(name, window: ForecastWindow()), trace: trace, trainUntil: 3 * 86_400).test.smape
        }
        let reactive = try smape("reactive"), ar1 = try smape("ar1"), logar = try smape("logar")
        #expect(logar <= 0.95 * reactive)
        #expect(logar <= 0.95 * ar1)
    }
}
