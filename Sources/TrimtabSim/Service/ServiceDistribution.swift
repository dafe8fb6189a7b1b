import Foundation
import TrimtabModel

/// The distribution of one invocation's service time, scaled so that its mean is the latency
/// table's value at the chosen memory size (and batch size).
public enum ServiceDistribution: Sendable, Equatable {
    case deterministic
    case exponential
    /// Lognormal with log-scale standard deviation `sigma` (σ² = ln(1 + CV²)).
    case lognormal(sigma: Double)
    /// Measured samples divided by their mean (so their mean is 1); a draw picks one uniformly.
    case empirical([Double])

    /// A lognormal with coefficient of variation `cv`.
    public static func lognormal(cv: Double) -> ServiceDistribution {
        .lognormal(sigma: Foundation.log(1 + cv * cv).squareRoot())
    }

    /// An empirical distribution from positive samples (nil when there are none).
    public static func empirical(samples: [Double]) -> ServiceDistribution? {
        let valid = samples.filter { $0.isFinite && $0 > 0 }
        guard !valid.isEmpty else { return nil }
        let mean = valid.reduce(0, +) / Double(valid.count)
        return .empirical(valid.map { $0 / mean })
    }

    /// One draw with mean `mean`.
    @inline(__always) public func sample(mean: Double, _ rng: inout SeededGenerator) -> Double {
        switch self {
        case .deterministic: return mean
        case .exponential: return rng.exponential(mean: mean)
        case .lognormal(let sigma): return mean * Foundation.exp(sigma * rng.standardNormal() - sigma * sigma / 2)
        case .empirical(let normalised):
            let i = Int(rng.uniform() * Double(normalised.count))
            return mean * normalised[Swift.min(i, normalised.count - 1)]
        }
    }

    /// One draw with mean `mean`; normals come in pairs from the polar method, the second kept
    /// in `spareNormal` (NaN when there is none) for the next draw. The simulator's fast path.
    @inline(__always) public func sample(mean: Double, _ rng: inout SeededGenerator, spareNormal: inout Double) -> Double {
        guard case .lognormal(let sigma) = self else { return sample(mean: mean, &rng) }
        let z: Double
        if spareNormal.isNaN {
            var u = 0.0, v = 0.0, s = 0.0
            repeat {
                u = 2 * rng.uniform() - 1
                v = 2 * rng.uniform() - 1
                s = u * u + v * v
            } while s >= 1 || s == 0
            let m = (-2 * Foundation.log(s) / s).squareRoot()
            z = u * m
            spareNormal = v * m
        } else {
            z = spareNormal
            spareNormal = .nan
        }
        return mean * Foundation.exp(sigma * z - sigma * sigma / 2)
    }

    /// The coefficient of variation (standard deviation / mean) of the distribution.
    public var coefficientOfVariation: Double {
        switch self {
        case .deterministic: return 0
        case .exponential: return 1
        case .lognormal(let sigma): return (Foundation.exp(sigma * sigma) - 1).squareRoot()
        case .empirical(let x):
            let m = x.reduce(0, +) / Double(x.count)
            let v = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
            return v.squareRoot() / m
        }
    }
}
