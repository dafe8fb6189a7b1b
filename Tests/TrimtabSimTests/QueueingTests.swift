import Testing
import TrimtabModel
@testable import TrimtabSim

/// Kubernetes mode against the M/M/c closed form (Erlang C).
@Suite struct QueueingTests {
    /// Mean waiting time in queue with c replicas, exponential service of mean 1 s, Poisson arrivals at
    /// utilisation ρ. The estimate's standard error is measured by batch means (20 batches after a
    /// warm-up batch); the test requires it to be at most 0.7% of the exact value (so that 2% is
    /// nearly 3 standard errors) and the estimate to be within 2%. Waiting times are strongly
    /// autocorrelated, hence the millions of customers (an SE of 0.8% per 300,000 at c = 1, ρ = 0.3).
    @Test(arguments: [(1, 0.3, 1_500_000), (2, 0.5, 2_000_000), (4, 0.7, 3_400_000)])
    func erlangCWaitingTime(replicas c: Int, utilisation: Double, customers: Int) throws {
        let w = try workflow([("serve", 1000)], edges: [("start", "serve", 1), ("serve", "end", 1)],
                             extra: "platform: {kind: kubernetes}")
        let rate = utilisation * Double(c)
        let exact = erlangCWait(arrivalRate: rate, serviceRate: 1, servers: c)
        let horizon = Double(customers) / rate
        var sim = try Simulator(workflow: w, configuration: uniformConfiguration(w, replicas: c), arrivals: PoissonArrivals(rate: rate),
                                options: SimulationOptions(seed: 2024, duration: horizon, serviceTime: .exponential))
        #expect(sim.mode == .kubernetes)
        let batches = 20
        let step = horizon / Double(batches + 1)
        sim.run(until: step)  // warm-up, discarded
        var means: [Double] = []
        for b in 1...batches {
            let (w0, n0) = (sim.stages[0].waitSeconds, sim.stages[0].invocations)
            sim.run(until: step * Double(b + 1))
            means.append((sim.stages[0].waitSeconds - w0) / Double(sim.stages[0].invocations - n0))
        }
        let mean = means.reduce(0, +) / Double(batches)
        let variance = means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(batches - 1)
        let standardError = (variance / Double(batches)).squareRoot()
        print("M/M/\(c) rho \(utilisation): simulated Wq \(mean) s, Erlang C \(exact) s, SE \(standardError / exact * 100)%, error \((mean - exact) / exact * 100)%")
        #expect(standardError <= 0.007 * exact)
        #expect(abs(mean - exact) <= 0.02 * exact)
    }
}
