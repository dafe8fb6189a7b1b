import Foundation
import Testing
import TrimtabModel
@testable import TrimtabFit

func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
func referencePath(_ name: String) -> String { packageRoot() + "/../shared/reference/" + name }

func points(_ sizes: [Int], _ f: (Double) -> Double) -> [SettingMean] {
    sizes.map { SettingMean(memoryMB: $0, latencyMs: f(Double($0))) }
}

@Suite struct CurveTests {
    let sizes = [128, 256, 384, 512, 768, 1024, 1536, 2048, 3008]

    @Test func exponentialIsRecoveredExactly() throws {
        let truth: (Double) -> Double = { 200 + 3000 * exp(-$0 / 400) }
        let curve = try #require(CurveFitter.fit(.exponential, points(sizes, truth)))
        // The shape grid is log-spaced with a fine refinement: within 0.5% of a2 = 400.
        #expect(abs(curve.shape - 400) / 400 < 1e-4)
        for m in [192.0, 700, 2500, 4096] { #expect(abs(curve.latency(memoryMB: m) - truth(m)) / truth(m) < 1e-4) }
        let cv = try #require(CurveFitter.crossValidatedMAPE(.exponential, points(sizes, truth)))
        #expect(cv < 0.5)
    }

    @Test func powerLawIsRecoveredAndChosenOverTheOthers() throws {
        let truth: (Double) -> Double = { 50 + 90_000 * pow($0, -0.9) }
        let ms = sizes.flatMap { m in (0..<5).map { _ in MeasuredInvocation(stage: "s", memoryMB: m, latencyMs: truth(Double(m))) } }
        let fit = LatencyFitter.fitStage(ms)
        #expect(fit.curve.family == .powerLaw)
        #expect(fit.validation == .leaveOneSizeOut)
        #expect((fit.cvMAPE ?? 100) < 0.5)
        #expect(abs(fit.curve.shape - 0.9) < 0.01)
    }

    @Test func piecewiseLinearIsMonotoneAndInterpolates() throws {
        // PAVA closed form: [300, 100, 200] pools the violating pair into 150, 150.
        #expect(LeastSquares.nonIncreasing([300, 100, 200], weights: [1, 1, 1]) == [300, 150, 150])
        let pts = [SettingMean(memoryMB: 128, latencyMs: 1000), SettingMean(memoryMB: 256, latencyMs: 500),
                   SettingMean(memoryMB: 512, latencyMs: 600), SettingMean(memoryMB: 1024, latencyMs: 200)]
        let curve = try #require(CurveFitter.fit(.piecewiseLinear, pts))
        #expect(curve.latency(memoryMB: 192) == 775)      // halfway between 1000 and 550
        #expect(curve.latency(memoryMB: 64) == 1000)       // flat beyond the ends
        #expect(curve.latency(memoryMB: 4096) == 200)
        let three = pts.filter { $0.memoryMB != 1024 }
        let fit = LatencyFitter.fitStage(three.map { MeasuredInvocation(stage: "s", memoryMB: $0.memoryMB, latencyMs: $0.latencyMs) })
        #expect(fit.curve.family == .piecewiseLinear)   // too few sizes for the parametric families
        #expect(FitTables.tables(fit, grid: [64, 128, 192, 4096]).latency.map(\.0) == [128, 192])  // within 128…512 only
        let values = stride(from: 128.0, through: 1024, by: 16).map { curve.latency(memoryMB: $0) }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0.0 >= $0.1 })
    }

    @Test func batchSizeEntersTheParametricFit() throws {
        let truth: (Double, Double) -> Double = { m, b in (100 + 40 * b) + (2000 + 500 * b) * exp(-m / 600) }
        var pts: [SettingMean] = []
        for m in sizes { for b in [1, 2, 4, 8] { pts.append(SettingMean(memoryMB: m, batchSize: b, latencyMs: truth(Double(m), Double(b)))) } }
        let curve = try #require(CurveFitter.fit(.exponential, pts))
        #expect(curve.usesBatch)
        #expect(abs(curve.latency(memoryMB: 900, batchSize: 6) - truth(900, 6)) / truth(900, 6) < 0.002)
    }

    @Test func tailsComeFromTheResidualRatios() throws {
        // Ratios 0.80, 0.81, …, 1.20 around the mean at every size: p95 = mean × 1.18.
        var ms: [MeasuredInvocation] = []
        for m in [256, 512, 1024, 2048] {
            let mean = 100_000 / Double(m)
            for k in 0...40 { ms.append(MeasuredInvocation(stage: "s", memoryMB: m, latencyMs: mean * (0.8 + 0.01 * Double(k)))) }
        }
        let fit = LatencyFitter.fitStage(ms)
        #expect(abs(Quantile.of(sorted: fit.ratios, 0.95) - 1.18) < 1e-9)
        let t = FitTables.tables(fit, grid: [512], measuredMeans: true)
        #expect(abs(t.p95[0].1 - 100_000 / 512 * 1.18) < 1e-6)
        #expect(abs(t.p99[0].1 - 100_000 / 512 * Quantile.of(sorted: fit.ratios, 0.99)) < 1e-6)
    }

    @Test func billedDurationIsTheMeanOfRoundedUpDurations() throws {
        let ms = [150.0, 250, 260].map { MeasuredInvocation(stage: "s", memoryMB: 128, latencyMs: $0, billedMs: (($0 / 100).rounded(.up)) * 100) }
        let fit = LatencyFitter.fitStage(ms)
        #expect(fit.billingGranularityMs == 100)
        let expected = 800.0 / 3
        #expect(fit.billed(memoryMB: 128, measured: true) == expected)
        // Around the curve (the mean, 220 ms) the residual ratios give the same rounded-up durations.
        #expect(abs((fit.billed(memoryMB: 128) ?? 0) - expected) < 1e-9)
    }
}

@Suite struct InputTests {
    @Test func csvHandlesQuotesAndNamesTheLineOfABadValue() throws {
        let t = try CSVTable(text: "stage,memory_mb,latency_ms\n\"a,b\",128,10\n\"say \"\"hi\"\"\",256,x\n", file: "m.csv")
        #expect(t.rows[0].fields[0] == "a,b")
        #expect(t.rows[1].fields[0] == "say \"hi\"")
        #expect(throws: TrimtabError(file: "m.csv", field: "line 3: latency_ms", "'x' is not a number")) {
            try MeasurementReader.read(t)
        }
    }

    @Test func missingColumnAndEmptyFileAreErrors() throws {
        #expect(throws: TrimtabError.self) { try MeasurementReader.read(try CSVTable(text: "stage,latency_ms\na,1\n", file: "m.csv")) }
        #expect(throws: TrimtabError(file: "m.csv", field: "line 1", "the file is empty (expected a header row)")) {
            try CSVTable(text: "", file: "m.csv")
        }
    }

    @Test func lambdaLogsAreRecognised() throws {
        let t = try CSVTable(text: "Function,Memory Size,Max Memory Used,Duration,Billed Duration,Init Duration\nf1,512,60,99.5,100,\nf1,512,60,120.0,200,250.5\n", file: "l.csv")
        let ms = try MeasurementReader.read(t)
        #expect(ms.count == 2)
        #expect(ms[1] == MeasuredInvocation(stage: "f1", memoryMB: 512, latencyMs: 120, billedMs: 200, initMs: 250.5))
        #expect(LatencyFitter.fitStage(ms).coldStarts == 1)
    }

    @Test func memoryGrids() throws {
        #expect(try MemoryGrid.parse("128:512:128") == [128, 256, 384, 512])
        #expect(try MemoryGrid.parse("1024,128:256:128") == [128, 256, 1024])
        #expect(throws: TrimtabError.self) { try MemoryGrid.parse("512:128:64") }
        #expect(throws: TrimtabError.self) { try MemoryGrid.parse("abc") }
    }
}

/// Cross-validated MAPE on real measurements (slapp-alg App1–3 Lambda logs and the MBS table).
@Suite struct ReferenceFitTests {
    @Test func slappFunctionsFitWithinFivePercent() throws {
        for app in 1...3 {
            let ms = try MeasurementReader.load(path: referencePath("slapp-alg/App\(app)_Lambda_Logs.csv"))
            for fit in LatencyFitter.fit(ms) {
                let cv = try #require(fit.cvMAPE)
                print(String(format: "slapp-alg App%d %@: %@ CV MAPE %.2f%% (%@)", app, fit.stage, fit.curve.family.rawValue, cv,
                             fit.scores.map { "\($0.family.rawValue) \($0.cvMAPE.map { String(format: "%.2f%%", $0) } ?? "n/a")" }.joined(separator: ", ")))
                #expect(fit.validation == .leaveOneSizeOut)
                #expect(cv < 6)
                // The choice is the family with the lowest cross-validated error.
                #expect(fit.scores.compactMap(\.cvMAPE).allSatisfy { $0 >= cv })
            }
        }
    }

    @Test func piecewiseChoiceExtrapolatesWithTheBestParametricShape() throws {
        let ms = try MeasurementReader.load(path: referencePath("slapp-alg/App1_Lambda_Logs.csv"))
        let f2 = try #require(LatencyFitter.fit(ms).first { $0.stage == "f2" })
        #expect(f2.curve.family == .piecewiseLinear)
        let ext = try #require(f2.extrapolation)
        #expect(ext.family == .exponential)
        let t = FitTables.tables(f2, grid: [128, 3008, 10240])
        #expect(t.latency.map(\.0) == [128, 3008, 10240])
        // Continuous at the largest measured size, and no faster beyond it than the curve's floor.
        let at3008 = f2.latency(memoryMB: 3008), at10240 = f2.latency(memoryMB: 10240)
        #expect(abs(f2.latency(memoryMB: 3009) - at3008) / at3008 < 1e-3)
        #expect(at10240 <= at3008 && at10240 > 0.9 * at3008)
    }

    @Test func mbsMemoryByBatchTableFits() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: referencePath("mbs/service_time_256.json")))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let table = try #require(root["service_time"] as? [String: [[Double]]])
        var mapes: [Double] = []
        for sizeClass in [0, 16, 32] {
            var ms: [MeasuredInvocation] = []
            for (memory, classes) in table {
                for (b, v) in classes[sizeClass].enumerated() { ms.append(MeasuredInvocation(stage: "deepspeech", memoryMB: Int(memory) ?? 0, batchSize: b + 1, latencyMs: v)) }
            }
            let fit = LatencyFitter.fitStage(ms)
            #expect(fit.batchSizes.count == 25 && fit.memorySizes.count == 24)
            mapes.append(try #require(fit.cvMAPE))
            if sizeClass == 0 {
                print(String(format: "mbs size class 0: %@ CV MAPE %.2f%% (%@)", fit.curve.family.rawValue, fit.cvMAPE ?? -1,
                             fit.scores.map { "\($0.family.rawValue) \($0.cvMAPE.map { String(format: "%.2f%%", $0) } ?? "n/a")" }.joined(separator: ", ")))
            }
        }
        let mean = mapes.reduce(0, +) / Double(mapes.count)
        print(String(format: "mbs size classes 0, 16, 32: mean CV MAPE %.2f%%, max %.2f%%", mean, mapes.max() ?? -1))
        #expect(mean < 10)
    }
}
