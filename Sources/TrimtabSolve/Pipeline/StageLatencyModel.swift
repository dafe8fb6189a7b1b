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

    /// The `p`-quantile of the wait for a replica (ms), or +∞ when ρ ≥ 1.
    ///
    /// The wait is zero with probability 1 − P and exponential otherwise, with P the probability
    /// of waiting in the same approximation, ρ^(√(2(n+1)) − 1) (exactly ρ for one replica), and
    /// the exponential's mean the mean wait over P, so that the mean is `queueingMs`. For one
    /// replica and Poisson arrivals that is the exact M/M/1 form; for deterministic service (M/D/1)
    /// it lies above the exact quantile — a conservative tail.
    /// `p` in (0, 1): 0 when P ≤ 1 − p, else (Wq / P) · ln(P / (1 − p)).
    public static func queueingQuantileMs(serviceMs s: Double, batchSize b: Int, replicas n: Int, loadRps lambda: Double,
                                          probability p: Double) -> Double {
        let mean = queueingMs(serviceMs: s, batchSize: b, replicas: n, loadRps: lambda)
        guard mean.isFinite else { return .infinity }
        guard mean > 0 else { return 0 }
        let rho = lambda * s / (1000 * Double(b) * Double(n))
        let waiting = Foundation.pow(rho, (2 * Double(n + 1)).squareRoot() - 1)
        guard waiting > 1 - p else { return 0 }
        return mean / waiting * Foundation.log(waiting / (1 - p))
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
