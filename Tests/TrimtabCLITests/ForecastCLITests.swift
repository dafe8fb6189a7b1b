import Foundation
import Testing
@testable import TrimtabCLI
import TrimtabModel

@Suite struct ForecastCLITests {
    func trace() throws -> String {
        var rng = SeededGenerator(seed: 42)
        let values = (0..<4000).map { i in String(40 + Int(20 * sin(Double(i) / 300)) + Int(rng.next() % 6)) }
        return try temporaryFile("trace.txt", values.joined(separator: " "))
    }

    @Test func jsonHasExactlyTheIssueShape() throws {
        let r = CLI.run(["forecast", "--trace", try trace(), "--train-until", "3000", "--predictor", "ar1", "--format", "json"])
        #expect(r.status == 0)
        let o = try json(r.stdout)
        #expect(Set(o.keys) == ["predictor", "test"])
        #expect(o["predictor"] as? String == "ar1")
        let test = try #require(o["test"] as? [String: Any])
        #expect(Set(test.keys) == ["smape", "mape", "under_share", "points"])
        // Predictions at 3000, 3010, …, 3980 (the horizon must end by 4000).
        #expect(test["points"] as? Int == 99)
    }

    @Test func selectNamesACataloguePredictor() throws {
        let r = CLI.run(["forecast", "--trace", try trace(), "--train-until", "75%", "--select", "--format", "json"])
        #expect(r.status == 0)
        #expect(["reactive", "movmax", "ewma", "holt-winters", "ar1", "ar", "ar-round", "logar"].contains(try json(r.stdout)["predictor"] as? String ?? ""))
    }

    @Test func badInputIsOneLineWithExitTwo() throws {
        let path = try trace()
        for args in [["--predictor", "arima"], ["--predictor", "ar1", "--select"], ["--predictor", "ar1", "--history", "125"]] {
            let r = CLI.run(["forecast", "--trace", path, "--train-until", "3000"] + args)
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix("trimtab: ") && r.stderr.split(separator: "\n").count == 1)
        }
        let missing = CLI.run(["forecast", "--trace", "/nonexistent/trace.txt", "--train-until", "10", "--predictor", "ar1"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/trace.txt"))
        // A headroom that overflows the scores (smape nan, mape inf with exit 0).
        for value in ["1e308", "101"] {
            expectBadInputLine(CLI.run(["forecast", "--trace", path, "--predictor", "movmax", "--train-until", "600", "--headroom", value]),
                               naming: ["--headroom: \(Double(value) ?? 0) is more than 100, the largest headroom factor accepted"])
        }
        #expect(CLI.run(["forecast", "--trace", path, "--predictor", "movmax", "--train-until", "600", "--headroom", "100"]).status == 0)
    }
}
