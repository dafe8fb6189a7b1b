import Testing
@testable import TrimtabForecast

@Suite struct ForecastMetricsTests {
    @Test func handComputedExample() {
        // Terms: both zero → 0; 2·5/15; exact → 0; 2·5/15.
        let m = ForecastMetrics(predictions: [0, 10, 8, 5], truth: [0, 5, 8, 10])
        #expect(abs(m.smape - (2.0 * 5 / 15 * 2) / 4) < 1e-12)
        // MAPE skips the zero truth: (5/5 + 0 + 5/10) / 3.
        #expect(abs(m.mape - 0.5) < 1e-12)
        // Only 5 < 10 is below the truth.
        #expect(m.underShare == 0.25)
        #expect(m.points == 4)
    }

    @Test func smapeTermBounds() {
        #expect(ForecastMetrics.smapeTerm(3, 0) == 2)
        #expect(ForecastMetrics.smapeTerm(0, 0) == 0)
        #expect(ForecastMetrics.smapeTerm(-1, 1) == 2)
        #expect(abs(ForecastMetrics.smapeTerm(9, 11) - 0.2) < 1e-12)
    }

    @Test func emptyIsZero() {
        #expect(ForecastMetrics(predictions: [], truth: []) == ForecastMetrics(smape: 0, mape: 0, underShare: 0, points: 0))
    }
}
