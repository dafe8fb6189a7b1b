import Foundation
import Testing
import TrimtabModel
@testable import TrimtabSim

/// The `simulation:` extension of the workflow format and empirical samples.
@Suite struct ProfileParsingTests {
    let base = """
    version: 1
    stages:
      - {name: a, latency_ms: {1024: 100}}
    edges:
      - {from: start, to: a}
      - {from: a, to: end}

    """

    @Test func parsesWorkflowAndStageSettings() throws {
        let w = try WorkflowParser.parse(text: base + """
        simulation:
          cold_start_ms: 300
          keep_alive_s: 60
          service_time: lognormal:0.5
          stages:
            a: {concurrency_limit: 10, on_limit: throttle, service_time: {distribution: exponential}}
        """)
        let s = w.simulation.settings(for: "a")
        #expect(s == StageSimulation(coldStartMs: 300, keepAliveS: 60, concurrencyLimit: 10, onLimit: .throttle, serviceTime: .exponential))
        #expect(w.simulation.defaults.serviceTime == .lognormal(cv: 0.5))
    }

    @Test(arguments: [
        ("simulation: {cold_start: 3}", "simulation.cold_start: unknown field"),
        ("simulation: {stages: {b: {cold_start_ms: 1}}}", "simulation.stages.b: unknown stage 'b'"),
        ("simulation: {service_time: lognormal:0}", "simulation.service_time: 'lognormal:0' is not"),
        ("simulation: {service_time: {distribution: lognormal, cv: -1}}", "simulation.service_time.cv: -1 must be positive"),
        ("simulation: {on_limit: drop}", "simulation.on_limit: 'drop' is not queue or throttle"),
        ("simulation: {concurrency_limit: 0}", "simulation.concurrency_limit: 0 must be at least 1"),
    ])
    func rejectsBadSettings(extra: String, message: String) {
        #expect {
            _ = try WorkflowParser.parse(text: base + extra)
        } throws: { error in
            (error as? TrimtabError)?.description.contains(message) == true
        }
    }

    @Test func empiricalSamplesFromSLAppLogs() throws {
        // f2 of SLApp App1 at 3008 MB: 100 measured durations.
        let samples = try EmpiricalSamples.load(path: referencePath("slapp-alg/App1_Lambda_Logs.csv"), column: "Duration",
                                                filter: ["Function": "f2", "Memory Size": "3008"], baseDirectory: nil)
        #expect(samples.count == 100)
        let d = try #require(ServiceDistribution.empirical(samples: samples))
        #expect(d.coefficientOfVariation > 0)
        // Scaled to the table's mean: the mean of many draws is the mean asked for (4 SE).
        var rng = SeededGenerator(seed: 5)
        let n = 100_000
        let draws = (0..<n).map { _ in d.sample(mean: 200, &rng) }
        let mean = draws.reduce(0, +) / Double(n)
        #expect(abs(mean - 200) <= 4 * 200 * d.coefficientOfVariation / Double(n).squareRoot())
        #expect(throws: TrimtabError.self) {
            _ = try EmpiricalSamples.load(path: referencePath("slapp-alg/App1_Lambda_Logs.csv"), column: "Durations", filter: [:], baseDirectory: nil)
        }
    }

    @Test func empiricalServiceTimeInTheFile() throws {
        let dir = packageRoot() + "/../shared/reference/slapp-alg"
        let w = try WorkflowParser.parse(text: base + """
        simulation:
          service_time: {distribution: empirical, file: App1_Lambda_Logs.csv, column: Duration, where: {Function: f2, Memory Size: "3008"}}
        """)
        var sim = try Simulator(workflow: w, configuration: uniformConfiguration(w), arrivals: PoissonArrivals(rate: 20),
                                options: SimulationOptions(seed: 3, duration: 2000, coldStartMs: 0, baseDirectory: dir))
        let r = sim.runToCompletion()
        #expect(abs(r.latency.mean - 100) <= 4 * r.latency.standardError)
        #expect(r.latency.max > r.latency.p50)
    }

    @Test func lognormalHasItsMeanAndCV() {
        var rng = SeededGenerator(seed: 8)
        let d = ServiceDistribution.lognormal(cv: 0.6)
        let n = 400_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n { let x = d.sample(mean: 50, &rng); sum += x; sumSq += x * x }
        let mean = sum / Double(n)
        let sd = (sumSq / Double(n) - mean * mean).squareRoot()
        #expect(abs(mean - 50) <= 4 * 30 / Double(n).squareRoot())
        #expect(abs(sd / mean - 0.6) < 0.01)
        #expect(abs(d.coefficientOfVariation - 0.6) < 1e-12)
    }
}
