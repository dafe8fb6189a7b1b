import Foundation
import Testing
@testable import TrimtabForecast
import TrimtabModel

@Suite struct PredictorTests {
    @Test func leastSquaresRecoversExactCoefficients() throws {
        var ls = LeastSquares(width: 3)
        for i in 0..<50 {
            let a = Double(i % 7), b = Double((i * 13) % 11)
            ls.add([1, a, b], 2 + 3 * a - b)
        }
        let c = try #require(ls.solve())
        #expect(abs(c[0] - 2) < 1e-6 && abs(c[1] - 3) < 1e-6 && abs(c[2] + 1) < 1e-6)
    }

    @Test func arOneOnARampLearnsTheStep() {
        // bins i = i; the peak of the next two bins after last bin v is v + 2.
        let window = ForecastWindow(binSeconds: 10, historyBins: 3, horizonBins: 2)
        var f = AutoregressiveForecaster(name: "ar1", window: window, order: 1)
        f.train(on: (0..<200).map(Double.init))
        // (Within the tiny ridge that keeps constant series solvable.)
        #expect(abs(f.predict(recent: [97, 98, 100]) - 102) < 1e-4)
        #expect(abs(f.coefficients[0] - 2) < 1e-4 && abs(f.coefficients[1] - 1) < 1e-4)
    }

    @Test func untrainedAutoregressionIsReactive() {
        let f = AutoregressiveForecaster(name: "ar", window: ForecastWindow(), order: 12)
        #expect(f.predict(recent: [5, 9, 7]) == 7)
    }

    @Test func roundedLogModelPredictsWholeRequests() {
        let window = ForecastWindow(binSeconds: 10, historyBins: 4, horizonBins: 2)
        var f = AutoregressiveForecaster(name: "logar", window: window, order: 4, transform: .log, rounded: true)
        var rng = SeededGenerator(seed: 3)
        f.train(on: (0..<2000).map { _ in Double(10 + rng.next() % 11) })
        let p = f.predict(recent: [12, 15, 11, 19])
        #expect(p == p.rounded() && p >= 10 && p <= 20)
    }

    @Test func holtWintersFollowsAPureDailySeason() {
        // Hourly bins (24 per day), five days of 10 + 5 sin(2π h / 24).
        let window = ForecastWindow(binSeconds: 3600, historyBins: 3, horizonBins: 1)
        let series = (0..<(24 * 5)).map { 10 + 5 * sin(2 * Double.pi * Double($0 % 24) / 24) }
        var f = HoltWintersForecaster(window: window)
        f.train(on: series)
        for i in [30, 47, 53, 100] {
            let p = f.predict(recent: Array(series[(i - 3)..<i]), lastBinIndex: i - 1)
            #expect(abs(p - series[i]) < 1e-6)
        }
        // Reactive misses the swing.
        #expect(abs(LastValueForecaster().predict(recent: Array(series[33..<36])) - series[36]) > 1)
    }

    @Test func movingMaximumAndSmoothing() {
        #expect(MovingMaximumForecaster().predict(recent: [3, 9, 4]) == 9)
        let e = ExponentialSmoothingForecaster(window: ForecastWindow(), alpha: 0.5)
        // 2 → 0.5·4 + 0.5·2 = 3 → 0.5·8 + 0.5·3 = 5.5
        #expect(e.predict(recent: [2, 4, 8]) == 5.5)
    }

    @Test func catalogKnowsEveryNameAndRejectsOthers() throws {
        for name in ForecasterCatalog.names {
            #expect(ForecasterCatalog.make(name, window: ForecastWindow())?.name == name)
        }
        #expect(throws: (any Error).self) { try ForecasterCatalog.named("arima", window: ForecastWindow()) }
    }
}
