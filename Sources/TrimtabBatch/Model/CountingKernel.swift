import Foundation
import TrimtabModel

/// The counting process of a MAP by uniformization: for a time t and a count c,
/// `P_c(t)[i][j]` = P(c arrivals in (0, t], phase j at t | phase i at 0) and its time integral
/// `I_c(t) = ∫₀ᵗ P_c(u) du`.
///
/// With θ ≥ the largest total rate out of a phase, A₀ = I + D0/θ and A₁ = D1/θ (both
/// non-negative), P_c(t) = Σ_m Pois(m; θt) C_{m,c} where C_{m,c} is the coefficient of z^c in
/// (A₀ + z A₁)^m, and I_c(t) = Σ_m P(Pois(θt) > m)/θ · C_{m,c}. The sums are cut at
/// m = θt_max + 12√(θt_max) + 40, which leaves a Poisson tail below 1e-15: the only
/// approximation, far below every other error.
struct CountingKernel: Sendable {
    let phases: Int
    /// Counts 0..<maxCount are available.
    let maxCount: Int
    let theta: Double
    let terms: Int
    /// `coefficients[(m * maxCount + c) * n² + …]`.
    private let coefficients: [Double]

    /// - Complexity: O(M · maxCount · n³) with M ≈ θ·maxTime.
    init(_ process: MarkovianArrivalProcess, maxCount: Int, maxTimeSeconds: Double) {
        let n = process.phases
        let nn = n * n
        phases = n
        self.maxCount = max(maxCount, 1)
        var th = 0.0
        for i in 0..<n { th = max(th, -process.d0[i * n + i]) }
        theta = th
        let x = th * max(maxTimeSeconds, 0)
        let termCount = Int(x + 12 * x.squareRoot() + 40)
        terms = termCount
        var a0 = process.d0.map { $0 / th }
        for i in 0..<n { a0[i * n + i] += 1 }
        let a1 = process.d1.map { $0 / th }
        let mc = self.maxCount
        var coeff = [Double](repeating: 0, count: (termCount + 1) * mc * nn)
        for i in 0..<n { coeff[i * n + i] = 1 }  // C_{0,0} = I
        coeff.withUnsafeMutableBufferPointer { buf in
            for m in 0..<termCount {
                let base = m * mc * nn
                let next = (m + 1) * mc * nn
                for c in 0..<mc {
                    let cur = base + c * nn
                    let out = next + c * nn
                    for i in 0..<n {
                        for k in 0..<n {
                            let v = buf[cur + i * n + k]
                            if v == 0 { continue }
                            for j in 0..<n {
                                buf[out + i * n + j] += v * a0[k * n + j]
                                if c + 1 < mc { buf[out + nn + i * n + j] += v * a1[k * n + j] }
                            }
                        }
                    }
                }
            }
        }
        coefficients = coeff
    }

    /// Poisson(x) probabilities for 0...terms and their upper tails P(N > m).
    func poissonWeights(_ x: Double) -> (pmf: [Double], tail: [Double]) {
        var pmf = [Double](repeating: 0, count: terms + 1)
        if x <= 0 {
            pmf[0] = 1
        } else {
            // From the mode outwards by the ratio recurrence (one exp), so nothing underflows early.
            let mode = min(Int(x), terms)
            pmf[mode] = exp(-x + Double(mode) * log(x) - lgamma(Double(mode) + 1))
            if mode > 0 { for m in stride(from: mode - 1, through: 0, by: -1) { pmf[m] = pmf[m + 1] * Double(m + 1) / x } }
            if mode < terms { for m in (mode + 1)...terms { pmf[m] = pmf[m - 1] * x / Double(m) } }
        }
        var tail = [Double](repeating: 0, count: terms + 1)
        var acc = 0.0
        for m in stride(from: terms, through: 0, by: -1) {
            tail[m] = acc  // P(N > m), summed from the top to avoid cancellation
            acc += pmf[m]
        }
        return (pmf, tail)
    }

    /// `P_c(t)` and `I_c(t)` for c in 0..<maxCount, each n×n row-major, concatenated by c.
    /// `t` in seconds, at most the `maxTimeSeconds` the kernel was built for.
    func matrices(at t: Double) -> (p: [Double], integral: [Double]) {
        let nn = phases * phases
        let mc = maxCount
        var p = [Double](repeating: 0, count: mc * nn)
        var integral = [Double](repeating: 0, count: mc * nn)
        let x = theta * t
        let (pmf, tail) = poissonWeights(x)
        let inv = theta > 0 ? 1 / theta : 0
        // Terms past x + 12√x + 40 carry less than 1e-15 of the mass at this t.
        let last = min(terms, Int(x + 12 * x.squareRoot() + 40))
        coefficients.withUnsafeBufferPointer { cf in
            for m in 0...last {
                let w = pmf[m]
                let wi = tail[m] * inv
                if w < 1e-300 && wi < 1e-300 { continue }
                let base = m * mc * nn
                for e in 0..<(mc * nn) {
                    let v = cf[base + e]
                    p[e] += w * v
                    integral[e] += wi * v
                }
            }
        }
        return (p, integral)
    }
}
