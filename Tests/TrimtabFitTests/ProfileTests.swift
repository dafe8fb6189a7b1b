import Foundation
import Testing
import TrimtabModel
@testable import TrimtabFit

/// A deterministic function whose cost per invocation (GB-s) is lowest at 1000 MB:
/// latency 50 + 3e5/m + 5e7/m² ms, so m·latency = 50m + 3e5 + 5e7/m.
struct CurveInvoker: Invoker {
    func prepare(_ setting: ProfileSetting) throws {}
    func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome {
        let m = Double(setting.memoryMB)
        if setting.batchSize == 3 { return .failure("out of memory") }
        return .success(latencyMs: (50 + 3e5 / m + 5e7 / (m * m)) * Double(setting.batchSize))
    }
}

@Suite struct ProfileTests {
    @Test func adaptiveSearchBracketsTheCheapestSizeWithFewMeasurements() throws {
        let sizes = Array(stride(from: 128, through: 10240, by: 64))
        let plan = ProfilePlan(memorySizes: sizes, minRepeats: 2, maxRepeats: 5, adaptive: true)
        let report = Profiler(invoker: CurveInvoker(), plan: plan, stage: "f").run()
        // Brute force over all 159 sizes: the cheapest is the size nearest 1000 MB on the grid.
        let cost: (Int) -> Double = { m in Double(m) * (50 + 3e5 / Double(m) + 5e7 / Double(m * m)) }
        let best = try #require(sizes.min { cost($0) < cost($1) })
        #expect(report.cheapestMemoryMB == best)
        print("adaptive profiling: \(report.memoryOrder.count) of \(sizes.count) memory sizes measured: \(report.memoryOrder)")
        #expect(report.memoryOrder.count <= 20)
    }

    @Test func failingSettingsAreInfeasibleNotFatalAndFitSkipsThem() throws {
        let plan = ProfilePlan(memorySizes: [512, 1024, 2048], batchSizes: [1, 3], minRepeats: 2, maxRepeats: 4)
        let report = Profiler(invoker: CurveInvoker(), plan: plan, stage: "f").run()
        #expect(report.series.count == 6)
        #expect(report.series.filter { $0.infeasible != nil }.map(\.setting.batchSize) == [3, 3, 3])
        // Deterministic latencies: CV 0, so each series stops at the minimum of 2.
        #expect(report.series.filter { $0.infeasible == nil }.allSatisfy { $0.latencies.count == 2 })
        let ms = try MeasurementReader.read(try CSVTable(text: report.csv, file: "p.csv"))
        #expect(ms.count == 6 && ms.allSatisfy { $0.batchSize == 1 })
    }

    @Test func commandInvokerRunsARealProcessAndTimesOut() throws {
        let ok = CommandInvoker(command: "test \"$TRIMTAB_MEMORY_MB\" = 256 && cat > /dev/null", payload: Data("x".utf8))
        guard case .success(let ms) = ok.invoke(ProfileSetting(memoryMB: 256, batchSize: 1, concurrency: 1), timeout: 10) else {
            Issue.record("expected success"); return
        }
        #expect(ms > 0)
        #expect(ok.invoke(ProfileSetting(memoryMB: 512, batchSize: 1, concurrency: 1), timeout: 10) == .failure("exit status 1"))
        let slow = CommandInvoker(command: "sleep 5", payload: nil)
        #expect(slow.invoke(ProfileSetting(memoryMB: 1, batchSize: 1, concurrency: 1), timeout: 0.3) == .failure("timed out after 0.3 s"))
    }
}
