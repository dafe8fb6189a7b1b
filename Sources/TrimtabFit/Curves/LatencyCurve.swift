import Foundation

/// The curve families `fit` chooses from.
public enum CurveFamily: String, Sendable, CaseIterable {
    /// OptiServe's `a0 + a1·exp(−m/a2)`.
    case exponential = "exponential"
    /// `a + b·m^−c`.
    case powerLaw = "power-law"
    /// Non-increasing in memory, linear between measured sizes, flat beyond them.
    case piecewiseLinear = "piecewise-linear"

    /// The formula as printed in reports.
    public var formula: String {
        switch self {
        case .exponential: return "a0 + a1·exp(−m/a2)"
        case .powerLaw: return "a + b·m^−c"
        case .piecewiseLinear: return "monotone piecewise-linear"
        }
    }
}

/// A fitted latency curve: mean latency (ms) as a function of memory (MB) and batch size.
///
/// The parametric families are linear in their coefficients once the shape parameter θ
/// (a2 or c) is fixed: latency = (α0 + α1·b) + (β0 + β1·b)·φθ(m), with the batch terms only when
/// batch size varies.
public struct LatencyCurve: Sendable, Equatable {
    public var family: CurveFamily
    /// a2 (exponential) or c (power law); unused for piecewise-linear.
    public var shape: Double
    /// [α0, β0] or, with batch, [α0, α1, β0, β1].
    public var coefficients: [Double]
    public var usesBatch: Bool
    /// Piecewise-linear knots: per batch size (ascending), memory sizes and latencies.
    public var knots: [(batch: Int, memory: [Double], latency: [Double])]

    public static func == (l: LatencyCurve, r: LatencyCurve) -> Bool {
        l.family == r.family && l.shape == r.shape && l.coefficients == r.coefficients && l.usesBatch == r.usesBatch
            && l.knots.count == r.knots.count
            && zip(l.knots, r.knots).allSatisfy { $0.batch == $1.batch && $0.memory == $1.memory && $0.latency == $1.latency }
    }

    init(family: CurveFamily, shape: Double, coefficients: [Double], usesBatch: Bool,
         knots: [(batch: Int, memory: [Double], latency: [Double])] = []) {
        self.family = family
        self.shape = shape
        self.coefficients = coefficients
        self.usesBatch = usesBatch
        self.knots = knots
    }

    /// φθ(m) of a parametric family.
    static func basis(_ family: CurveFamily, _ shape: Double, _ m: Double) -> Double {
        switch family {
        case .exponential: return exp(-m / shape)
        case .powerLaw: return pow(m, -shape)
        case .piecewiseLinear: return 0
        }
    }

    /// The regressors for one point.
    static func regressors(_ family: CurveFamily, _ shape: Double, _ m: Double, _ b: Double, usesBatch: Bool) -> [Double] {
        let phi = basis(family, shape, m)
        return usesBatch ? [1, b, phi, b * phi] : [1, phi]
    }

    /// Predicted mean latency (ms).
    public func latency(memoryMB m: Double, batchSize b: Double = 1) -> Double {
        switch family {
        case .exponential, .powerLaw:
            let x = LatencyCurve.regressors(family, shape, m, b, usesBatch: usesBatch)
            return zip(x, coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        case .piecewiseLinear:
            guard let first = knots.first else { return .nan }
            // Between batch sizes: linear; beyond: the nearest.
            guard usesBatch, knots.count > 1 else { return LatencyCurve.interpolate(first.memory, first.latency, m) }
            if b <= Double(first.batch) { return LatencyCurve.interpolate(first.memory, first.latency, m) }
            for k in 1..<knots.count where b <= Double(knots[k].batch) {
                let lo = knots[k - 1], hi = knots[k]
                let w = (b - Double(lo.batch)) / Double(hi.batch - lo.batch)
                return (1 - w) * LatencyCurve.interpolate(lo.memory, lo.latency, m) + w * LatencyCurve.interpolate(hi.memory, hi.latency, m)
            }
            let last = knots[knots.count - 1]
            return LatencyCurve.interpolate(last.memory, last.latency, m)
        }
    }

    static func interpolate(_ xs: [Double], _ ys: [Double], _ x: Double) -> Double {
        guard let x0 = xs.first, let y0 = ys.first, let yn = ys.last, let xn = xs.last else { return .nan }
        if x <= x0 { return y0 }
        if x >= xn { return yn }
        var k = 1
        while k < xs.count && xs[k] < x { k += 1 }
        let w = (x - xs[k - 1]) / (xs[k] - xs[k - 1])
        return ys[k - 1] + w * (ys[k] - ys[k - 1])
    }

    /// A short description with the parameters (for reports).
    public var summary: String {
        func f(_ x: Double) -> String { String(format: "%.6g", x) }
        switch family {
        case .exponential where !usesBatch:
            return "\(f(coefficients[0])) + \(f(coefficients[1]))·exp(−m/\(f(shape)))"
        case .powerLaw where !usesBatch:
            return "\(f(coefficients[0])) + \(f(coefficients[1]))·m^−\(f(shape))"
        case .exponential:
            return "(\(f(coefficients[0])) + \(f(coefficients[1]))·b) + (\(f(coefficients[2])) + \(f(coefficients[3]))·b)·exp(−m/\(f(shape)))"
        case .powerLaw:
            return "(\(f(coefficients[0])) + \(f(coefficients[1]))·b) + (\(f(coefficients[2])) + \(f(coefficients[3]))·b)·m^−\(f(shape))"
        case .piecewiseLinear:
            return "\(knots.reduce(0) { $0 + $1.memory.count }) knots"
        }
    }
}
