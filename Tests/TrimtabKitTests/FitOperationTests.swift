import Foundation
import Testing
import TrimtabKit
import TrimtabModel

@Test func fitRecoversAKnownCurve() throws {
    // Measurements from latency(m) = 50 + 100000 / m ms with a symmetric ±2% jitter (so each size's
    // mean is the curve's value); the fitted table at an unmeasured size must be the curve's value.
    let truth = { (m: Double) in 50 + 100_000 / m }
    var csv = "stage,memory_mb,latency_ms\n"
    for m in [128, 256, 512, 1024, 2048, 3008] {
        for factor in [0.98, 0.99, 1.0, 1.01, 1.02] { csv += "infer,\(m),\(truth(Double(m)) * factor)\n" }
    }
    let result = try FitOperation.run(.init(measurements: .text(csv, label: "measurements"), memory: "1536,2560"))
    let stage = try #require(result.stages.first)
    #expect(result.stages.count == 1 && stage.name == "infer" && stage.invocations == 30)
    #expect(stage.memorySizes == [128, 256, 512, 1024, 2048, 3008])
    for m in [1536, 2560] {
        let fitted = try #require(stage.latencyMs[String(m)])
        #expect(abs(fitted - truth(Double(m))) / truth(Double(m)) < 0.02, "\(m): \(fitted) vs \(truth(Double(m)))")
    }
    // The jitter's p95 over the mean: 5 ratios 0.98…1.02, so between 1.01 and 1.02.
    #expect(stage.p95OverMean >= 1.01 - 1e-9 && stage.p95OverMean <= 1.02 + 1e-9)
    #expect(result.stagesYAML.contains("infer"))
    #expect(throws: TrimtabError(field: "--batch-size", "0 must be at least 1")) {
        try FitOperation.run(.init(measurements: .text(csv, label: "measurements"), batchSize: 0))
    }
}
