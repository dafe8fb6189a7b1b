/// Makespan percentiles and mean cost of one policy over many seeds.
public struct SimulationSummary: Sendable, Equatable {
    public var policy: String
    public var workers: Int
    public var makespanP50S: Double
    public var makespanP99S: Double
    public var meanCostUSD: Double
    public var meanCopies: Double
    public var seeds: Int

    /// Runs seeds 1…`seeds` and summarises them (nearest-rank percentiles).
    public static func over(seeds: Int, simulator: JobSimulator, shape: JobShape, policy: AllocationPolicy) -> SimulationSummary? {
        var makespans: [Double] = []
        var cost = 0.0
        var copies = 0
        for seed in 1...max(1, seeds) {
            guard let r = simulator.run(shape, policy: policy, seed: UInt64(seed)) else { return nil }
            makespans.append(r.makespanS)
            cost += r.costUSD
            copies += r.copies
        }
        makespans.sort()
        func rank(_ p: Double) -> Double { makespans[min(makespans.count - 1, max(0, Int((p * Double(makespans.count)).rounded(.up)) - 1))] }
        let n = Double(makespans.count)
        return SimulationSummary(policy: policy.name, workers: shape.workers, makespanP50S: rank(0.5), makespanP99S: rank(0.99),
                                 meanCostUSD: cost / n, meanCopies: Double(copies) / n, seeds: makespans.count)
    }
}
