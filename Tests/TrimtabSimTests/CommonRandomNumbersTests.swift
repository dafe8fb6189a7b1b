import Testing
import TrimtabModel
@testable import TrimtabSim

@Suite struct CommonRandomNumbersTests {
    @Test func everyConfigurationSeesTheSameArrivals() throws {
        let w = try workflow([("serve", 100)], edges: [("start", "serve", 1), ("serve", "end", 1)])
        func arrivals(_ replicas: Int, _ mode: SimulationOptions.Mode) throws -> Int {
            var sim = try Simulator(workflow: w, configuration: uniformConfiguration(w, replicas: replicas), arrivals: PoissonArrivals(rate: 30),
                                    options: SimulationOptions(mode: mode, seed: 4, duration: 100, serviceTime: .exponential))
            return sim.runToCompletion().arrived
        }
        let counts = [try arrivals(1, .kubernetes), try arrivals(3, .kubernetes), try arrivals(1, .serverless)]
        #expect(Set(counts).count == 1)
    }
}
