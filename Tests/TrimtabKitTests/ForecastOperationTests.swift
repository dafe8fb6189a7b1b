import Foundation
import Testing
import TrimtabKit
import TrimtabModel

@Test func forecastOfARampMatchesTheClosedForm() throws {
    // Trace c(t) = t. The reactive predictor at time t predicts the last bin's maximum, t − 1; the
    // truth is the maximum of [t, t + 20), t + 19. So each point's SMAPE is 2·20/(2t + 18), its APE
    // 20/(t + 19), and every prediction is under the truth. Predictions at t = 500, 510, … while
    // t + 20 ≤ 1000.
    let request = ForecastOperation.Request(trace: .counts(Array(0..<1000)), trainUntil: "500", predictor: "reactive")
    let result = try ForecastOperation.run(request)
    let times = Array(stride(from: 500, through: 980, by: 10))
    let smape = times.map { 40.0 / (2.0 * Double($0) + 18) }.reduce(0, +) / Double(times.count)
    let mape = times.map { 20.0 / (Double($0) + 19) }.reduce(0, +) / Double(times.count)
    let test = try #require(result.test)
    #expect(result.predictor == "reactive" && test.points == times.count)
    #expect(abs(test.smape - smape) < 1e-12 && abs(test.mape - mape) < 1e-12 && test.underShare == 1)
    #expect(result.trainUntilSecond == 500 && result.predictors == nil && result.validation == nil)

    // A share of the trace and a JSON request with the counts as text, doubled by the scale.
    let body = #"{"trace": "\#((0..<1000).map { String($0) }.joined(separator: " "))", "scale": 2, "train_until": "50%","#
        + #" "predictor": "reactive", "headroom": 1.25}"#
    let scaled = try ForecastOperation.run(try JSONDecoder().decode(ForecastOperation.Request.self, from: Data(body.utf8)))
    // Predictions 1.25 × 2(t − 1) against truth 2(t + 19): under while 1.25(t − 1) < t + 19, i.e. t < 81 — never here.
    let smape2 = times.map { t -> Double in let p = 2.5 * Double(t - 1), y = 2.0 * Double(t + 19); return 2 * abs(p - y) / (p + y) }
        .reduce(0, +) / Double(times.count)
    #expect(scaled.trainUntilSecond == 500 && scaled.test?.underShare == 0)
    #expect(abs((scaled.test?.smape ?? 0) - smape2) < 1e-12)
}

@Test func forecastComparesEveryPredictorAndNamesBadFields() throws {
    let result = try ForecastOperation.run(.init(trace: .counts(Array(repeating: 7, count: 2000)), trainUntil: "1000", compare: true))
    // A constant load is predicted exactly by the last value and the moving maximum.
    let scored = try #require(result.predictors)
    #expect(scored.count == 8)
    for name in ["reactive", "movmax"] {
        let m = try #require(scored.first { $0.predictor == name }?.test)
        #expect(m.smape == 0 && m.mape == 0 && m.underShare == 0)
    }
    #expect(throws: TrimtabError(field: "--predictor", "give exactly one of --predictor NAME, --select or --compare")) {
        try ForecastOperation.run(.init(trace: .counts([1, 2]), trainUntil: "1"))
    }
    #expect(throws: TrimtabError(field: "trace[1]", "-2 is not a count in 0...2147483647")) {
        try ForecastOperation.run(.init(trace: .counts([1, -2]), trainUntil: "1", predictor: "ar1"))
    }
}
