import Foundation
import Testing
import TrimtabModel
@testable import TrimtabBatch

/// The model against the compact buffer simulation (`BufferSimulation`), every hour of the
/// Twitter MAPs, B ∈ {4, 10, 20}, T ∈ {100, 500} ms: p95 latency and mean batch size within 5%.
@Suite struct SimulatorValidationTests {
    static let batchSizes = [4, 10, 20]
    static let timeouts = [100.0, 500.0]

    struct Case {
        let hour: String; let b: Int; let t: Double; let modelP95: Double; let simP95: Double; let modelMean: Double; let simMean: Double
        /// The share of simulated latencies at most the model's p95.
        let simShareBelowModelP95: Double
    }

    /// Service times: MBS's measured DeepSpeech service (size class 0, 3072 MB), and a fast
    /// service (10 + 2k ms) under which the wait dominates the latency.
    static func run(service: @escaping @Sendable (Int) -> Double, requests: Int) throws -> [Case] {
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        var cases: [Case] = []
        for hour in maps.hours(of: "twitter") {
            let process = try maps.process(trace: "twitter", hour: hour)
            let evaluator = BatchGridEvaluator(process: process, grid: BatchGrid(memorySizes: [1], batchSizes: batchSizes, timeoutsMs: timeouts))
            for behaviour in evaluator.behaviours {
                let table = (1...behaviour.maxBatchSize).map { [ServicePoint(latencyMs: service($0))] }
                let p95 = BatchPerformanceModel.percentile(behaviour, table, 0.95)
                let sim = BufferSimulation(process: process, maxBatchSize: behaviour.maxBatchSize, timeoutMs: behaviour.timeoutMs,
                                           service: service, requests: requests, seed: UInt64(Int(hour) ?? 0) * 1000 + UInt64(behaviour.maxBatchSize))
                let share = Double(sim.latencies.filter { $0 <= p95 + 1e-6 }.count) / Double(sim.latencies.count)
                cases.append(Case(hour: hour, b: behaviour.maxBatchSize, t: behaviour.timeoutMs, modelP95: p95, simP95: sim.percentile(0.95),
                                  modelMean: behaviour.meanBatchSize, simMean: sim.meanBatchSize, simShareBelowModelP95: share))
            }
        }
        return cases
    }

    /// Per hour: the largest relative error over the six (B, T) cases, for the closing note.
    static func printTable(_ cases: [Case]) {
        print("hour | p95 model/sim worst error | mean batch size worst error | cases")
        for hour in Set(cases.map(\.hour)).sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
            let hc = cases.filter { $0.hour == hour }
            let e1 = hc.map { abs($0.modelP95 - $0.simP95) / $0.simP95 }.max() ?? 0
            let e2 = hc.map { abs($0.modelMean - $0.simMean) / $0.simMean }.max() ?? 0
            print(String(format: "%@ | %.2f%% | %.2f%% | %d", hour, e1 * 100, e2 * 100, hc.count))
        }
    }

    @Test func fastServiceWithinFivePercent() throws {
        let cases = try Self.run(service: { 10 + 2 * Double($0) }, requests: 100_000)
        #expect(cases.count == 24 * 6)
        var worstP95 = 0.0, worstMean = 0.0
        for c in cases {
            let e1 = abs(c.modelP95 - c.simP95) / c.simP95
            let e2 = abs(c.modelMean - c.simMean) / c.simMean
            worstP95 = max(worstP95, e1); worstMean = max(worstMean, e2)
            #expect(e1 < 0.05, "hour \(c.hour) B=\(c.b) T=\(c.t): p95 model \(c.modelP95) sim \(c.simP95)")
            #expect(e2 < 0.05, "hour \(c.hour) B=\(c.b) T=\(c.t): mean batch model \(c.modelMean) sim \(c.simMean)")
        }
        print("fast service: worst p95 error \(worstP95 * 100)%, worst mean batch size error \(worstMean * 100)%")
        Self.printTable(cases)
    }

    @Test func mbsServiceWithinFivePercent() throws {
        let table = try MBSServiceTable.load(path: referencePath("mbs/service_time_256.json"))
        let times = (1...20).map { table.latencyMs(memoryMB: 3072, sizeClass: 0, batchSize: $0) ?? 0 }
        let cases = try Self.run(service: { times[$0 - 1] }, requests: 50_000)
        // The measured service jumps by ~250 ms per request in a batch, so the latency CDF has
        // flat stretches and atoms; where the 95% level falls on one, the simulated p95 flips
        // between two service levels on sampling noise alone. There the check is made in
        // probability: the model's p95 must be between the simulated 94.5th and 95.5th percentiles.
        var worstP95 = 0.0, stepCases = 0
        for c in cases {
            let e1 = abs(c.modelP95 - c.simP95) / c.simP95
            worstP95 = max(worstP95, e1)
            if e1 >= 0.05 { stepCases += 1 }
            #expect(e1 < 0.05 || abs(c.simShareBelowModelP95 - 0.95) < 0.005,
                    "hour \(c.hour) B=\(c.b) T=\(c.t): p95 model \(c.modelP95) sim \(c.simP95), sim share below model p95 \(c.simShareBelowModelP95)")
            #expect(abs(c.modelMean - c.simMean) / c.simMean < 0.05)
        }
        #expect(stepCases <= 10)
        Self.printTable(cases)
        print("MBS service: worst p95 error \(worstP95 * 100)%, \(stepCases) of \(cases.count) cases on a service step")
    }
}
