import Foundation
import TrimtabModel

/// Random variation of split times: a split's time is its deterministic time (from the worker
/// setup) times a factor drawn here — log-normal around 1, and with a small probability a
/// straggler slowed down by a Pareto (heavy-tailed) factor.
public struct SplitNoise: Sendable, Equatable {
    /// σ of ln(factor); 0 gives deterministic split times.
    public var sigma: Double
    /// Probability that a split attempt is a straggler.
    public var stragglerProbability: Double
    /// A straggler's slowdown is Pareto with this minimum (≥ 1) …
    public var stragglerMinFactor: Double
    /// … and this tail index (smaller: heavier tail; ≤ 2 has infinite variance).
    public var stragglerAlpha: Double

    public init(sigma: Double = 0, stragglerProbability: Double = 0, stragglerMinFactor: Double = 3, stragglerAlpha: Double = 1.5) {
        self.sigma = sigma
        self.stragglerProbability = stragglerProbability
        self.stragglerMinFactor = stragglerMinFactor
        self.stragglerAlpha = stragglerAlpha
    }

    public static let deterministic = SplitNoise()

    /// A factor ≥ 0 with median about 1 (exactly 1 when deterministic).
    public func factor(_ rng: inout SeededGenerator) -> Double {
        var f = 1.0
        if sigma > 0 {
            // Box–Muller; u1 in (0, 1] so the log is finite.
            let u1 = 1 - Double.random(in: 0..<1, using: &rng)
            let u2 = Double.random(in: 0..<1, using: &rng)
            f = exp(sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        }
        if stragglerProbability > 0, Double.random(in: 0..<1, using: &rng) < stragglerProbability {
            let u = 1 - Double.random(in: 0..<1, using: &rng)
            f *= stragglerMinFactor * pow(u, -1 / stragglerAlpha)
        }
        return f
    }
}
