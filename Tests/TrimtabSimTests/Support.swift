import Foundation
import TrimtabModel
@testable import TrimtabSim

func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
func referencePath(_ name: String) -> String { packageRoot() + "/../shared/reference/" + name }

/// A workflow from YAML text with one memory size (1024 MB) per stage: `stages` maps names to mean latencies (ms).
func workflow(_ stages: [(String, Double)], edges: [(String, String, Double)], extra: String = "") throws -> Workflow {
    var text = "version: 1\nname: test\n\(extra)\nstages:\n"
    for (name, ms) in stages { text += "  - {name: \(name), latency_ms: {1024: \(ms)}}\n" }
    text += "edges:\n"
    for (a, b, p) in edges { text += "  - {from: \(a), to: \(b), probability: \(p)}\n" }
    return try WorkflowParser.parse(text: text)
}

func uniformConfiguration(_ w: Workflow, batchSize: Int? = nil, timeoutMs: Double? = nil, replicas: Int? = nil) -> Configuration {
    var c: Configuration = [:]
    for s in w.stages {
        c[s.name] = StageChoice(variant: s.hasVariants ? s.variants[0].name : nil, memoryMB: s.variants[0].latency[0].memoryMB,
                                batchSize: batchSize, batchTimeoutMs: timeoutMs, replicas: replicas)
    }
    return c
}

/// Simulates `requests` Poisson arrivals (rate `rate`/s) with no cold starts.
func simulate(_ w: Workflow, configuration: Configuration? = nil, requests: Int, rate: Double = 50, seed: UInt64 = 7,
              serviceTime: ServiceTimeSpec = .deterministic, mode: SimulationOptions.Mode? = nil) throws -> SimulationReport {
    var sim = try Simulator(workflow: w, configuration: configuration ?? uniformConfiguration(w),
                            arrivals: PoissonArrivals(rate: rate),
                            options: SimulationOptions(mode: mode, seed: seed, duration: Double(requests) / rate,
                                                       serviceTime: serviceTime, coldStartMs: 0))
    return sim.runToCompletion()
}

/// Erlang C: the mean waiting time in queue of an M/M/c queue.
func erlangCWait(arrivalRate λ: Double, serviceRate μ: Double, servers c: Int) -> Double {
    let a = λ / μ
    let rho = a / Double(c)
    var term = 1.0, sum = 0.0
    for k in 0..<c {
        if k > 0 { term *= a / Double(k) }
        sum += term
    }
    let last = term * a / Double(c) / (1 - rho)
    let probabilityOfWaiting = last / (sum + last)
    return probabilityOfWaiting / (Double(c) * μ - λ)
}
