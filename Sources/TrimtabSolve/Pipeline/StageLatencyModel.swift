/// The latency a request spends in one stage at arrival rate λ: the model's batch latency, the
/// batch-forming wait (b − 1)/λ, and queueing for a free replica.
///
/// Queueing uses the Allen–Cunneen approximation of a G/G/n queue of batches: batches arrive at
/// λ/b per second with squared coefficient of variation 1/b (a batch collects b Poisson arrivals),
/// service is deterministic (cs² = 0), utilisation ρ = λ·S / (1000·b·n):
/// Wq = (1/b + 0)/2 · ρ^(√(2(n+1)) − 1) / (n(1 − ρ)) · S. For b = 1, n = 1 this is the exact
/// M/D/1 wait ρS / (2(1 − ρ)).
public enum StageLatencyModel {
    /// Mean wait (ms) for a replica, or +∞ when ρ ≥ 1.
    public static func queueingMs(serviceMs s: Double, batchSize b: Int, replicas n: Int, loadRps lambda: Double) -> Double {
        let rho = lambda * s / (1000 * Double(b) * Double(n))
        guard rho < 1 else { return .infinity }
        guard rho > 0 else { return 0 }
        let ca2 = 1 / Double(b)
        return ca2 / 2 * Foundation.pow(rho, (2 * Double(n + 1)).squareRoot() - 1) / (Double(n) * (1 - rho)) * s
    }

    /// The batch-forming wait (ms): the first request of a batch waits for b − 1 more at rate λ.
    public static func formingMs(batchSize b: Int, loadRps lambda: Double) -> Double {
        b <= 1 ? 0 : Double(b - 1) / lambda * 1000
    }

    /// Stage latency (ms): service + forming + queueing.
    public static func stageMs(serviceMs s: Double, batchSize b: Int, replicas n: Int, loadRps lambda: Double) -> Double {
        s + formingMs(batchSize: b, loadRps: lambda) + queueingMs(serviceMs: s, batchSize: b, replicas: n, loadRps: lambda)
    }
}

import Foundation
